package e6data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/e6data/gorm-e6data/connector"
)

// The migrator reads metadata through the driver's RPCs, which live on the driver connection
// behind GORM's ConnPool. These helpers find that connection whatever pool GORM holds.

// MetadataPoolError is the error of a Migrator method that needs e6data's metadata RPCs when the
// GORM connection pool does not lead to an e6data driver connection (a go-sqlmock *sql.DB, a
// pool of another driver, a transaction). It matches connector.ErrNotE6DataConn under errors.Is.
type MetadataPoolError struct {
	Op   string // the Migrator method, e.g. "Migrator.GetTables"
	Pool string // the Go type of the pool, e.g. "*sql.DB"
	Err  error  // why the pool did not lead to the driver; matches connector.ErrNotE6DataConn
}

// Error says what was asked, of which pool, and what to do.
func (e *MetadataPoolError) Error() string {
	return fmt.Sprintf("e6data: %s reads e6data's metadata RPCs, but the GORM connection pool (%s) does not reach the e6data driver: %v; "+
		"open GORM with e6data.Open(dsn), or give e6data.Config.Conn a *sql.DB or *sql.Conn opened with the e6data driver", e.Op, e.Pool, e.Err)
}

// Unwrap returns the cause, which matches connector.ErrNotE6DataConn.
func (e *MetadataPoolError) Unwrap() error { return e.Err }

// maxPoolWrapping bounds the unwrapping of pools that wrap pools (PreparedStmtDB around a
// *sql.DB, ...), so a pool that wraps itself cannot loop forever.
const maxPoolWrapping = 8

// withMetadataConn runs fn on the e6data driver connection behind pool: a *sql.DB (one of its
// connections, returned afterwards), a *sql.Conn (used as is), GORM's prepared-statement pool
// (the pool it wraps), or any pool that hands out its *sql.DB (gorm.GetDBConnector, e.g.
// dbresolver's).
func withMetadataConn(ctx context.Context, op string, pool gorm.ConnPool, fn func(*connector.Conn) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	outer := fmt.Sprintf("%T", pool)
	fail := func(err error) error {
		if errors.Is(err, connector.ErrNotE6DataConn) {
			return &MetadataPoolError{Op: op, Pool: outer, Err: err}
		}
		return err
	}
	for range maxPoolWrapping {
		switch p := pool.(type) {
		case *sql.DB:
			return fail(connector.WithConn(ctx, p, fn))
		case *sql.Conn:
			return fail(connector.WithSQLConn(ctx, p, fn))
		case *gorm.PreparedStmtDB:
			pool = p.ConnPool
		case gorm.TxCommitter:
			return fail(fmt.Errorf("%w: a transaction (%T); e6data has no transactions", connector.ErrNotE6DataConn, p))
		case gorm.GetDBConnector:
			db, err := p.GetDBConn()
			if err != nil {
				return fail(fmt.Errorf("%w: %T gave no *sql.DB: %w", connector.ErrNotE6DataConn, p, err))
			}
			pool = db
		default:
			return fail(fmt.Errorf("%w: the pool %T is neither a *sql.DB nor a *sql.Conn", connector.ErrNotE6DataConn, pool))
		}
	}
	return fail(fmt.Errorf("%w: pools wrapped more than %d deep", connector.ErrNotE6DataConn, maxPoolWrapping))
}
