package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestQualifiedNames(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if err := e.CreateSchema("hive", "sales"); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateSchema("e6data", "sales"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct{ cat, sch, tag string }{
		{"hive", "sales", "hive.sales"}, {"e6data", "sales", "e6data.sales"}, {"e6data", "default", "e6data.default"},
	} {
		mustExec(t, e, s.cat, s.sch, `CREATE TABLE orders (id BIGINT, src STRING)`)
		mustExec(t, e, s.cat, s.sch, `INSERT INTO orders VALUES (1, ?)`, s.tag)
	}
	tests := []struct{ cat, sch, sql, want string }{
		{"e6data", "default", `SELECT src FROM "hive"."sales"."orders"`, "hive.sales"},
		{"e6data", "default", `SELECT src FROM "sales"."orders"`, "e6data.sales"},
		{"e6data", "default", `SELECT src FROM orders`, "e6data.default"},
		{"hive", "sales", `SELECT src FROM orders`, "hive.sales"},
		{"hive", "sales", `SELECT src FROM "e6data"."default"."orders"`, "e6data.default"},
		{"e6data", "default", `SELECT o.src FROM "hive"."sales"."orders" o JOIN "sales"."orders" p ON o.id = p.id`, "hive.sales"},
	}
	for _, tt := range tests {
		if got := scalar(t, e, tt.cat, tt.sch, tt.sql); got != tt.want {
			t.Errorf("%s.%s %s: got %v, want %s", tt.cat, tt.sch, tt.sql, got, tt.want)
		}
	}
	// An unqualified name never finds a table that an earlier statement on the same pooled
	// connection attached.
	mustExec(t, e, "hive", "sales", `CREATE TABLE only_hive (x BIGINT)`)
	_ = scalar(t, e, "e6data", "default", `SELECT COUNT(*) FROM "hive"."sales"."only_hive"`)
	if _, err := e.Prepare(ctx, "e6data", "default", `SELECT * FROM only_hive`); err == nil {
		t.Error("unqualified name resolved in an attached schema")
	}
	// Writes across schemas.
	mustExec(t, e, "e6data", "default", `INSERT INTO "hive"."sales"."only_hive" VALUES (?)`, 3)
	if got := scalar(t, e, "hive", "sales", `SELECT x FROM only_hive`); got != int64(3) {
		t.Errorf("cross-schema insert: %v", got)
	}
}

func TestSchemaCreatedAfterConnection(t *testing.T) {
	e := newEngine(t)
	_ = scalar(t, e, "e6data", "default", `SELECT 1`) // a pooled connection now exists
	if err := e.CreateSchema("late", "s"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "late", "s", `CREATE TABLE t (x BIGINT)`)
	mustExec(t, e, "late", "s", `INSERT INTO t VALUES (42)`)
	if got := scalar(t, e, "e6data", "default", `SELECT x FROM "late"."s"."t"`); got != int64(42) {
		t.Errorf("got %v", got)
	}
}

func TestManySchemasBeyondAttachLimit(t *testing.T) {
	e := newEngine(t)
	var union []string
	for i := range maxAttached + 3 {
		sch := fmt.Sprintf("s%d", i)
		if err := e.CreateSchema("many", sch); err != nil {
			t.Fatal(err)
		}
		mustExec(t, e, "many", sch, `CREATE TABLE t (x BIGINT)`)
		mustExec(t, e, "many", sch, `INSERT INTO t VALUES (?)`, i)
		// Each schema is reachable on its own, whatever the connection attached before.
		if got := scalar(t, e, "e6data", "default", fmt.Sprintf(`SELECT x FROM "many"."%s"."t"`, sch)); got != int64(i) {
			t.Errorf("schema %s: %v", sch, got)
		}
		union = append(union, fmt.Sprintf(`SELECT x FROM "many"."%s"."t"`, sch))
	}
	_, err := e.Prepare(context.Background(), "e6data", "default", strings.Join(union, " UNION ALL "))
	var se *SQLError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "at most 10") {
		t.Errorf("statement naming 13 schemas: %v", err)
	}
}

func TestMetadataCalls(t *testing.T) {
	e := newEngine(t)
	if err := e.CreateSchema("hive", "sales"); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateSchema("hive", "sales"); err != nil { // idempotent
		t.Fatal(err)
	}
	mustExec(t, e, "hive", "sales", `CREATE TABLE b (id BIGINT NOT NULL, price DECIMAL(7,2), tags "ARRAY<INT>", code VARCHAR(16))`)
	mustExec(t, e, "hive", "sales", `CREATE TABLE a (x STRING)`)
	if got := e.Catalogs(); !reflect.DeepEqual(got, []string{"e6data", "hive"}) {
		t.Errorf("Catalogs %v", got)
	}
	if got, err := e.Schemas("hive"); err != nil || !reflect.DeepEqual(got, []string{"sales"}) {
		t.Errorf("Schemas %v %v", got, err)
	}
	if got, err := e.Tables("hive", "sales"); err != nil || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Tables %v %v", got, err)
	}
	if got, err := e.Tables("e6data", "default"); err != nil || len(got) != 0 {
		t.Errorf("Tables of an empty schema %v %v", got, err)
	}
	cols, err := e.Columns("hive", "sales", "b")
	want := []Column{
		{"id", "LONG", "bigint", false}, {"price", "DECIMAL128", "decimal(7,2)", true},
		{"tags", "ARRAY", "array<int>", true}, {"code", "STRING", "varchar(16)", true},
	}
	if err != nil || !reflect.DeepEqual(cols, want) {
		t.Errorf("Columns %+v %v", cols, err)
	}
	var nf *NotFoundError
	if _, err := e.Schemas("nope"); !errors.As(err, &nf) || nf.What != "catalog" {
		t.Errorf("Schemas(nope): %v", err)
	}
	if _, err := e.Tables("hive", "nope"); !errors.As(err, &nf) || nf.What != "schema" {
		t.Errorf("Tables(hive.nope): %v", err)
	}
	if _, err := e.Columns("hive", "sales", "nope"); !errors.As(err, &nf) || nf.What != "table" {
		t.Errorf("Columns(nope): %v", err)
	}
}

func TestReopenFindsSchemas(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(Options{Dir: dir, Catalog: "c", Schema: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CreateSchema("Odd \"name\"/..", "x.y"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "Odd \"name\"/..", "x.y", `CREATE TABLE t (x BIGINT)`)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.Catalogs(); !reflect.DeepEqual(got, []string{"Odd \"name\"/..", "c", "e6data"}) {
		t.Errorf("Catalogs after reopen %v", got)
	}
	if got, _ := e.Tables("Odd \"name\"/..", "x.y"); !reflect.DeepEqual(got, []string{"t"}) {
		t.Errorf("Tables after reopen %v", got)
	}
	if e.DefaultCatalog() != "e6data" || e.DefaultSchema() != "default" {
		t.Errorf("defaults %s.%s", e.DefaultCatalog(), e.DefaultSchema())
	}
}
