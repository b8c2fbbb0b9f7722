package connector

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotE6DataConn is the error (under errors.Is) of WithConn and WithSQLConn when the
// connection behind the pool belongs to another driver (go-sqlmock, for instance), so the e6data
// metadata RPCs cannot be reached through it.
var ErrNotE6DataConn = errors.New("e6data: the connection is not an e6data driver connection")

// WithSQLConn runs fn with the e6data connection behind conn, like WithConn for a *sql.Conn
// the caller already holds (for instance one a GORM dialect adopted). conn stays open.
func WithSQLConn(ctx context.Context, conn *sql.Conn, fn func(*Conn) error) error {
	if conn == nil {
		return fmt.Errorf("%w: the *sql.Conn is nil", ErrNotE6DataConn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*Conn)
		if !ok {
			return fmt.Errorf("%w: its driver connection is %T", ErrNotE6DataConn, dc)
		}
		return fn(c)
	})
}

// Catalog returns the catalog this connection prepares queries in when none is given (the
// DSN's catalog); the metadata API uses it for an empty catalog argument.
func (cn *Conn) Catalog() string { return cn.cfg.Catalog }

// Schema returns the schema unqualified table names resolve in (the DSN's database); the
// metadata API uses it for an empty schema argument.
func (cn *Conn) Schema() string { return cn.cfg.Database }
