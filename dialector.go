// Package e6data is the GORM dialect for e6data, a distributed SQL engine over lakehouse tables:
//
//	db, err := gorm.Open(e6data.Open("e6data://user:token@host:443/sales?catalog=hive&secure=true"), &gorm.Config{})
//
// It runs on the database/sql driver in package connector, with its zero-downtime handling of
// e6data's blue/green deployments. The dialect is read-only by default: see Config.AllowWrites.
package e6data

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"

	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/connector"
)

// DialectName is the name the dialect reports to GORM (Dialector.Name).
const DialectName = "e6data"

// Config configures the dialect. Set exactly one of DSN, Conn and Connector. However it is
// printed (String, %v, %+v, %#v, %s, slog), it shows the DSN with its token replaced by "xxxxx"
// and the pools by their type (see String).
type Config struct {
	// DSN is the driver's data source name (see connector.ParseDSN), for example
	// "e6data://user:token@host:443/sales?catalog=hive&secure=true". The dialect checks it and
	// opens a *sql.DB with it; nothing is sent to the server until the first query. The DSN's
	// database and catalog are where unqualified table names resolve; a statement can select
	// others with the WithCatalog and WithSchema scopes.
	DSN string

	// Conn is an existing connection pool to adopt instead of opening one: a *sql.DB (for
	// instance one from go-sqlmock, to unit-test GORM code with no server), a *sql.Conn, or any
	// other gorm.ConnPool. The dialect neither pings nor closes it. Transactions on it are what
	// the pool does: with the e6data driver, Begin fails with
	// connector.ErrTransactionsNotSupported.
	Conn gorm.ConnPool

	// Connector is a database/sql connector to open the pool with, typically one from
	// connector.NewConnector for a connector.Config that a DSN cannot express (a *tls.Config, a
	// logger, a token source, strategy hooks). The pool owns it once opened: closing the pool
	// (db.DB() then Close) closes it.
	Connector driver.Connector

	// AllowWrites lets GORM-built INSERT (single and multi-row, CreateInBatches), UPDATE and
	// DELETE statements through, for catalogs whose tables accept writes (such as Iceberg).
	// By default the dialect is read-only: Create, Save, Update, Updates, UpdateColumn(s),
	// Delete and upserts fail with ErrReadOnly before any SQL is built. Even with AllowWrites,
	// upserts (ON CONFLICT) and RETURNING are refused, no generated key is read back
	// (LastInsertId does not exist on e6data), RowsAffected is the row count the engine
	// reports, which e6data documents as unreliable, and DDL is always refused
	// (ErrDDLNotSupported). Raw SQL (db.Exec, db.Raw) is not inspected.
	AllowWrites bool
}

// Dialector is the e6data gorm.Dialector. Build one with Open or New.
type Dialector struct {
	*Config
}

var (
	_ gorm.Dialector                     = Dialector{}
	_ gorm.ErrorTranslator               = Dialector{}
	_ gorm.SavePointerDialectorInterface = Dialector{}
)

// Open returns the dialect for a DSN: gorm.Open(e6data.Open(dsn), &gorm.Config{}).
func Open(dsn string) gorm.Dialector {
	return &Dialector{Config: &Config{DSN: dsn}}
}

// New returns the dialect for a Config:
//
//	gorm.Open(e6data.New(e6data.Config{Conn: sqlDB, AllowWrites: true}), &gorm.Config{})
func New(config Config) gorm.Dialector {
	return &Dialector{Config: &config}
}

// Name returns "e6data".
func (d Dialector) Name() string { return DialectName }

// ErrConfig reports a Config that does not say exactly one of DSN, Conn and Connector.
var ErrConfig = errors.New("e6data: invalid dialect config")

// engine is what e6data can do, decided in one place; the clause lists below, the write policy
// and Initialize follow from it. e6data has no transactions (so no savepoints), no RETURNING, no
// ON CONFLICT, no generated keys and no row locks.
var engine = struct {
	transactions, returning, upsert bool
}{}

// callbackConfig lists the clauses GORM builds for each statement: no RETURNING and no ON
// CONFLICT (engine.returning, engine.upsert); the FOR clause stays so that its builder can
// refuse a lock instead of dropping it.
var callbackConfig = callbacks.Config{
	CreateClauses: []string{"INSERT", "VALUES"},
	QueryClauses:  []string{"SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "FOR"},
	UpdateClauses: []string{"UPDATE", "SET", "WHERE"},
	DeleteClauses: []string{"DELETE", "FROM", "WHERE"},
}

// Initialize makes db use the dialect: it adopts or opens the connection pool (sql.Open and
// sql.OpenDB are lazy, so nothing is sent to the server), registers GORM's callbacks with the
// dialect's e6data:… hooks, the e6data clause builders (never replacing a builder the
// application registered), and skips GORM's default write transaction, as e6data has none. It is
// cheap and safe to call more than once.
func (d Dialector) Initialize(db *gorm.DB) error {
	if d.Config == nil {
		return fmt.Errorf("%w: no Config; use e6data.Open(dsn) or e6data.New(e6data.Config{...})", ErrConfig)
	}
	set := 0
	for _, ok := range []bool{d.DSN != "", d.Conn != nil, d.Connector != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("%w: set exactly one of DSN, Conn and Connector (%d are set)", ErrConfig, set)
	}
	pool, err := d.openPool()
	if err != nil {
		return err
	}
	db.ConnPool = pool

	db.SkipDefaultTransaction = !engine.transactions
	if db.Callback().Query().Get("gorm:query") == nil {
		callbacks.RegisterDefaultCallbacks(db, &callbackConfig)
	}
	if err := d.registerCallbacks(db); err != nil {
		return err
	}
	if db.ClauseBuilders == nil {
		db.ClauseBuilders = map[string]clause.ClauseBuilder{}
	}
	for name, b := range e6clause.Builders() {
		if _, ok := db.ClauseBuilders[name]; !ok {
			db.ClauseBuilders[name] = b
		}
	}
	db.Logger = withQueryInfoTrace(db.Logger)
	return nil
}

// openPool returns the pool Config names.
func (d Dialector) openPool() (gorm.ConnPool, error) {
	switch {
	case d.Conn != nil:
		return d.Conn, nil
	case d.Connector != nil:
		return sql.OpenDB(d.Connector), nil
	default:
		if _, err := connector.ParseDSN(d.DSN); err != nil {
			return nil, err
		}
		return sql.Open(connector.DriverName, d.DSN)
	}
}

// Migrator returns the e6data migrator, which reads metadata and never sends DDL.
func (d Dialector) Migrator(db *gorm.DB) gorm.Migrator {
	return newMigrator(db, d)
}

// SavePoint returns gorm.ErrUnsupportedDriver: e6data has no transactions, so no savepoints.
func (d Dialector) SavePoint(*gorm.DB, string) error { return gorm.ErrUnsupportedDriver }

// RollbackTo returns gorm.ErrUnsupportedDriver: e6data has no transactions, so no savepoints.
func (d Dialector) RollbackTo(*gorm.DB, string) error { return gorm.ErrUnsupportedDriver }
