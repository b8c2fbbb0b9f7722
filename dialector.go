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
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/e6data/gorm-e6data/connector"
)

// DialectName is the name the dialect reports to GORM (Dialector.Name).
const DialectName = "e6data"

// Config configures the dialect. Set exactly one of DSN, Conn and Connector.
type Config struct {
	// DSN is the driver's data source name (see connector.ParseDSN), for example
	// "e6data://user:token@host:443/sales?catalog=hive&secure=true". The dialect opens a
	// *sql.DB with it; nothing is sent to the server until the first query.
	DSN string
	// Conn is an existing connection pool to adopt instead of opening one: a *sql.DB (for
	// instance one from go-sqlmock, to unit-test GORM code with no server), a *sql.Conn, or
	// any other gorm.ConnPool.
	Conn gorm.ConnPool
	// Connector is a database/sql connector to open the pool with, typically one from
	// connector.NewConnector for a connector.Config that a DSN cannot express (a *tls.Config,
	// a logger, strategy hooks).
	Connector driver.Connector
	// AllowWrites lets GORM-built INSERT, UPDATE and DELETE statements through, for catalogs
	// whose tables accept writes. Default false: the dialect is read-only, and every write
	// method fails before any SQL is built. DDL is refused whatever this says.
	AllowWrites bool
}

// Dialector is the e6data gorm.Dialector. Build one with Open or New.
type Dialector struct {
	*Config
}

// Open returns the dialect for a DSN: gorm.Open(e6data.Open(dsn), &gorm.Config{}).
func Open(dsn string) gorm.Dialector {
	return &Dialector{Config: &Config{DSN: dsn}}
}

// New returns the dialect for a Config.
func New(config Config) gorm.Dialector {
	return &Dialector{Config: &config}
}

// Name returns "e6data".
func (d Dialector) Name() string { return DialectName }

// ErrConfig reports a Config that does not say exactly one of DSN, Conn and Connector.
var ErrConfig = errors.New("e6data: invalid dialect config")

// Initialize makes db use the dialect. It opens the connection pool without contacting the
// server (sql.Open and sql.OpenDB are lazy), so it is cheap and safe to call more than once.
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
	switch {
	case d.Conn != nil:
		db.ConnPool = d.Conn
	case d.Connector != nil:
		db.ConnPool = sql.OpenDB(d.Connector)
	default:
		if _, err := connector.ParseDSN(d.DSN); err != nil {
			return err
		}
		pool, err := sql.Open(connector.DriverName, d.DSN)
		if err != nil {
			return err
		}
		db.ConnPool = pool
	}
	return nil
}

// Migrator returns the e6data migrator, which reads metadata and never sends DDL.
func (d Dialector) Migrator(db *gorm.DB) gorm.Migrator {
	return newMigrator(db, d)
}

// DataTypeOf returns the e6data type name of a model field.
func (d Dialector) DataTypeOf(field *schema.Field) string {
	return "STRING"
}

// DefaultValueOf returns the default value expression of a field.
func (d Dialector) DefaultValueOf(field *schema.Field) clause.Expression {
	return clause.Expr{SQL: "DEFAULT"}
}

// BindVarTo writes the placeholder the driver interpolates: ?.
func (d Dialector) BindVarTo(writer clause.Writer, stmt *gorm.Statement, v any) {
	writer.WriteByte('?')
}

// QuoteTo writes an identifier quoted for e6data.
func (d Dialector) QuoteTo(writer clause.Writer, str string) {
	writer.WriteByte('"')
	writer.WriteString(str)
	writer.WriteByte('"')
}

// Explain renders sql with its vars as the text the driver sends.
func (d Dialector) Explain(sql string, vars ...any) string {
	return sql
}
