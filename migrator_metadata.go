package e6data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"gorm.io/gorm"
	"gorm.io/gorm/migrator"

	"github.com/e6data/gorm-e6data/connector"
)

// ErrTableNotFound is the error (under errors.Is) of ColumnTypes and TableType for a table the
// catalog does not list.
var ErrTableNotFound = errors.New("e6data: table not found")

// tableTypeName is what TableType reports: e6data's metadata lists tables and views together
// without saying which is which.
const tableTypeName = "TABLE"

// ctx is the context of the migrator's calls: the one set with db.WithContext.
func (m Migrator) ctx() context.Context {
	if m.DB != nil && m.DB.Statement != nil && m.DB.Statement.Context != nil {
		return m.DB.Statement.Context
	}
	return context.Background()
}

// pool is the connection pool the migrator's session uses.
func (m Migrator) pool() gorm.ConnPool {
	if m.DB.Statement != nil && m.DB.Statement.ConnPool != nil {
		return m.DB.Statement.ConnPool
	}
	return m.DB.ConnPool
}

// withConn runs fn on the e6data connection behind the migrator's pool.
func (m Migrator) withConn(op string, fn func(context.Context, *connector.Conn) error) error {
	ctx := m.ctx()
	return withMetadataConn(ctx, "Migrator."+op, m.pool(), func(c *connector.Conn) error { return fn(ctx, c) })
}

// logError reports an error that a bool- or string-returning method cannot return.
func (m Migrator) logError(op string, err error) {
	m.DB.Logger.Error(m.ctx(), "e6data: Migrator.%s: %v", op, err)
}

// isNotFound reports whether the cluster answered NOT_FOUND (an unknown catalog, schema or
// table).
func isNotFound(err error) bool {
	var e *connector.Error
	return errors.As(err, &e) && e.Code == codes.NotFound
}

// CurrentDatabase returns the schema unqualified table names resolve in: the DSN's database.
// With a DSN or a *connector.Connector it sends nothing; with an adopted pool it asks the
// driver connection, and returns "" (logging why) when the pool is not the e6data driver's.
func (m Migrator) CurrentDatabase() string {
	if d := m.Dialector; d.Config != nil {
		switch {
		case d.DSN != "":
			if cfg, err := connector.ParseDSN(d.DSN); err == nil {
				return cfg.Database
			}
		case d.Connector != nil:
			if c, ok := d.Connector.(*connector.Connector); ok {
				return c.Config().Database
			}
		}
	}
	var name string
	err := m.withConn("CurrentDatabase", func(_ context.Context, c *connector.Conn) error {
		name = c.Schema()
		return nil
	})
	if err != nil {
		m.logError("CurrentDatabase", err)
	}
	return name
}

// GetTables returns the names of the tables (and views) in the DSN's catalog and database.
func (m Migrator) GetTables() ([]string, error) {
	var tables []string
	err := m.withConn("GetTables", func(ctx context.Context, c *connector.Conn) error {
		var err error
		tables, err = c.Tables(ctx, "", "")
		return err
	})
	return tables, err
}

// listedName returns the table's name as the catalog lists it (names compare without regard to
// case, as e6data's catalogs store them lower-case), and whether it is listed. An unknown
// catalog or schema lists nothing.
func listedName(ctx context.Context, c *connector.Conn, ref tableRef) (string, bool, error) {
	tables, err := c.Tables(ctx, ref.Catalog, ref.Schema)
	if err != nil {
		if isNotFound(err) {
			return "", false, nil
		}
		return "", false, err
	}
	for _, t := range tables {
		if strings.EqualFold(t, ref.Name) {
			return t, true, nil
		}
	}
	return "", false, nil
}

// HasTable reports whether the catalog lists the table of value (a model or a table name).
// Errors (an unreachable cluster, a pool that is not the e6data driver's) give false and are
// logged; GetTables and ColumnTypes return them.
func (m Migrator) HasTable(value any) bool {
	var found bool
	err := m.RunWithValue(value, func(stmt *gorm.Statement) error {
		ref, err := tableOf(stmt, value)
		if err != nil {
			return err
		}
		return m.withConn("HasTable", func(ctx context.Context, c *connector.Conn) error {
			_, found, err = listedName(ctx, c, ref)
			return err
		})
	})
	if err != nil {
		m.logError("HasTable", err)
	}
	return found
}

// TableType describes the table of value: its schema and name as listed, type "TABLE" (e6data
// does not tell tables and views apart) and no comment. A table the catalog does not list gives
// an error matching ErrTableNotFound.
func (m Migrator) TableType(value any) (gorm.TableType, error) {
	var tt migrator.TableType
	err := m.RunWithValue(value, func(stmt *gorm.Statement) error {
		ref, err := tableOf(stmt, value)
		if err != nil {
			return err
		}
		return m.withConn("TableType", func(ctx context.Context, c *connector.Conn) error {
			name, ok, err := listedName(ctx, c, ref)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: %s", ErrTableNotFound, ref.qualified(c.Catalog(), c.Schema()))
			}
			schemaName := ref.Schema
			if schemaName == "" {
				schemaName = c.Schema()
			}
			tt = migrator.TableType{SchemaValue: schemaName, NameValue: name, TypeValue: tableTypeName}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return tt, nil
}

// columnsOf returns the table's columns; a table the catalog does not know gives an error
// matching ErrTableNotFound (NOT_FOUND, or no columns at all: every table has one).
func columnsOf(ctx context.Context, c *connector.Conn, ref tableRef) ([]connector.Column, error) {
	cols, err := c.Columns(ctx, ref.Catalog, ref.Schema, ref.Name)
	switch {
	case err != nil && isNotFound(err):
		return nil, fmt.Errorf("%w: %s: %w", ErrTableNotFound, ref.qualified(c.Catalog(), c.Schema()), err)
	case err != nil:
		return nil, err
	case len(cols) == 0:
		return nil, fmt.Errorf("%w: %s", ErrTableNotFound, ref.qualified(c.Catalog(), c.Schema()))
	}
	return cols, nil
}

// HasColumn reports whether the table of value has the column (a field name or a column name),
// comparing names without regard to case. Errors give false and are logged.
func (m Migrator) HasColumn(value any, field string) bool {
	var found bool
	err := m.RunWithValue(value, func(stmt *gorm.Statement) error {
		ref, err := tableOf(stmt, value)
		if err != nil {
			return err
		}
		name := field
		if stmt.Schema != nil {
			if f := stmt.Schema.LookUpField(field); f != nil && f.DBName != "" {
				name = f.DBName
			}
		}
		return m.withConn("HasColumn", func(ctx context.Context, c *connector.Conn) error {
			cols, err := columnsOf(ctx, c, ref)
			if errors.Is(err, ErrTableNotFound) {
				return nil
			}
			for _, col := range cols {
				found = found || strings.EqualFold(col.Name, name)
			}
			return err
		})
	})
	if err != nil {
		m.logError("HasColumn", err)
	}
	return found
}

// ColumnTypes describes the columns of the table of value in table order, from the engine's
// Hive type names: DatabaseTypeName is the base name ("decimal"), ColumnType the full one
// ("decimal(7,2)"), Length n of varchar(n)/char(n) (unbounded text and binary report
// math.MaxInt64), DecimalSize the precision and scale, ScanType the idiomatic Go type (see the
// package's type table). Nullable is unknown (ok=false) unless the cluster reports it; keys,
// uniqueness, comments and defaults are unknown.
func (m Migrator) ColumnTypes(value any) ([]gorm.ColumnType, error) {
	var out []gorm.ColumnType
	err := m.RunWithValue(value, func(stmt *gorm.Statement) error {
		ref, err := tableOf(stmt, value)
		if err != nil {
			return err
		}
		return m.withConn("ColumnTypes", func(ctx context.Context, c *connector.Conn) error {
			cols, err := columnsOf(ctx, c, ref)
			if err != nil {
				return err
			}
			out = make([]gorm.ColumnType, 0, len(cols))
			for _, col := range cols {
				ct, err := gormColumnType(col)
				if err != nil {
					return fmt.Errorf("%w (table %s)", err, ref.qualified(c.Catalog(), c.Schema()))
				}
				out = append(out, ct)
			}
			return nil
		})
	})
	return out, err
}

// gormColumnType turns a column of the metadata RPCs into GORM's column description.
func gormColumnType(col connector.Column) (migrator.ColumnType, error) {
	t, err := parseColumnType(col.Type)
	if err != nil {
		return migrator.ColumnType{}, fmt.Errorf("%w: column %s", err, col.Name)
	}
	ct := migrator.ColumnType{
		NameValue:          sql.NullString{String: col.Name, Valid: true},
		DataTypeValue:      sql.NullString{String: t.base, Valid: true},
		ColumnTypeValue:    sql.NullString{String: t.full, Valid: true},
		PrimaryKeyValue:    sql.NullBool{},
		UniqueValue:        sql.NullBool{},
		AutoIncrementValue: sql.NullBool{},
		ScanTypeValue:      t.scanType(),
	}
	if n, ok := t.lengthOf(); ok {
		ct.LengthValue = sql.NullInt64{Int64: n, Valid: true}
	}
	if t.kind == kindDecimal {
		ct.DecimalSizeValue = sql.NullInt64{Int64: t.precision, Valid: true}
		ct.ScaleValue = sql.NullInt64{Int64: t.scale, Valid: true}
	}
	if col.Nullable != nil {
		ct.NullableValue = sql.NullBool{Bool: *col.Nullable, Valid: true}
	}
	return ct, nil
}

// GetTypeAliases returns the other names of the same e6data type: "bigint" gives ["long"],
// "varchar" gives ["string", "char", "text"]. Unknown names have none.
func (m Migrator) GetTypeAliases(databaseTypeName string) []string {
	t, err := parseColumnType(databaseTypeName)
	if err != nil || t.kind == kindUnknown {
		return nil
	}
	var out []string
	for _, n := range typeAliases[t.kind] {
		if n != t.base {
			out = append(out, n)
		}
	}
	return out
}
