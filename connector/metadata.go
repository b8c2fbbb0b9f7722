package connector

import (
	"context"
	"database/sql"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// The metadata API: catalogs' schemas, schemas' tables and tables' columns, through e6data's
// metadata RPCs (never information_schema). Empty catalog or schema arguments mean the DSN's.

// Column describes a table column as the cluster reports it.
type Column struct {
	Name string
	// Type is the engine's lower-case Hive-style type, e.g. "bigint", "decimal(7,2)",
	// "array<int>".
	Type string
	// Nullable is nil: e6data's column metadata does not report nullability.
	Nullable *bool
}

// Schemas returns the schema names of catalog.
func (cn *Conn) Schemas(ctx context.Context, catalog string) ([]string, error) {
	catalog = cn.orCatalog(catalog)
	var out []string
	err := cn.invoke(ctx, "getSchemaNamesV2", nil, true, func(ctx context.Context, sid string) error {
		resp, err := cn.c.qe.GetSchemaNamesV2(ctx, &e6pb.GetSchemaNamesV2Request{SessionId: sid, Catalog: catalog})
		out = resp.GetSchemas()
		return err
	})
	return out, err
}

// Tables returns the table names of catalog.schema.
func (cn *Conn) Tables(ctx context.Context, catalog, schema string) ([]string, error) {
	catalog, schema = cn.orCatalog(catalog), cn.orSchema(schema)
	var out []string
	err := cn.invoke(ctx, "getTablesV2", nil, true, func(ctx context.Context, sid string) error {
		resp, err := cn.c.qe.GetTablesV2(ctx, &e6pb.GetTablesV2Request{SessionId: sid, Catalog: catalog, Schema: schema})
		out = resp.GetTables()
		return err
	})
	return out, err
}

// Columns returns the columns of catalog.schema.table in table order.
func (cn *Conn) Columns(ctx context.Context, catalog, schema, table string) ([]Column, error) {
	catalog, schema = cn.orCatalog(catalog), cn.orSchema(schema)
	var out []Column
	err := cn.invoke(ctx, "getColumnsV2", nil, true, func(ctx context.Context, sid string) error {
		resp, err := cn.c.qe.GetColumnsV2(ctx, &e6pb.GetColumnsV2Request{SessionId: sid, Catalog: catalog, Schema: schema, Table: table})
		out = out[:0]
		for _, f := range resp.GetFieldInfo() {
			out = append(out, Column{Name: f.GetFieldName(), Type: f.GetFieldType()})
		}
		return err
	})
	return out, err
}

func (cn *Conn) orCatalog(c string) string {
	if c == "" {
		return cn.cfg.Catalog
	}
	return c
}

func (cn *Conn) orSchema(s string) string {
	if s == "" {
		return cn.cfg.Database
	}
	return s
}

// WithConn runs fn with the e6data connection behind one connection of db, for the metadata API
// and other driver-specific calls. A database of another driver gives an error matching
// ErrNotE6DataConn:
//
//	err := connector.WithConn(ctx, db, func(c *connector.Conn) error {
//		tables, err = c.Tables(ctx, "", "")
//		return err
//	})
func WithConn(ctx context.Context, db *sql.DB, fn func(*Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return WithSQLConn(ctx, conn, fn)
}
