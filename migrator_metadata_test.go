package e6data_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// migDemoColumns is the demo dataset's schema as the mock documents it (catalog "e6data",
// schema "default"), written as the lower-case Hive type names the metadata RPCs report.
var migDemoColumns = map[string][][2]string{
	"customers": {{"id", "bigint"}, {"name", "string"}, {"email", "string"}, {"country", "string"},
		{"signup_date", "date"}, {"is_active", "boolean"}, {"credit_limit", "decimal(12,2)"},
		{"last_login", "timestamp"}, {"tz_login", "timestamp_tz"}, {"avatar", "binary"},
		{"tags", "array<string>"}, {"prefs", "map<string,string>"},
		{"address", "struct<street:string,city:string,zip:string>"}, {"loyalty_points", "int"}, {"rating", "float"}},
	"products": {{"id", "bigint"}, {"sku", "string"}, {"name", "string"}, {"category", "string"},
		{"price", "decimal(10,2)"}, {"weight_kg", "double"}, {"in_stock", "boolean"}, {"created_at", "timestamp"},
		{"launch_date", "date"}},
	"orders": {{"id", "bigint"}, {"customer_id", "bigint"}, {"product_id", "bigint"}, {"quantity", "int"},
		{"unit_price", "decimal(10,2)"}, {"total", "decimal(12,2)"}, {"discount", "double"}, {"status", "string"},
		{"ordered_at", "timestamp"}, {"ship_date", "date"}},
}

// migResultType maps a Hive base type to the e6data type name a query's result metadata gives
// for it: the migrator's answers are cross-checked against what SELECT * reports.
var migResultType = map[string][]string{
	"bigint": {"LONG"}, "int": {"INTEGER", "INT"}, "string": {"STRING"}, "date": {"DATE"},
	"boolean": {"BOOLEAN"}, "decimal": {"DECIMAL128"}, "timestamp": {"DATETIME", "TIMESTAMP"},
	"timestamp_tz": {"TIMESTAMP_TZ"}, "binary": {"BINARY"}, "array": {"ARRAY"}, "map": {"MAP"},
	"struct": {"STRUCT"}, "float": {"FLOAT"}, "double": {"DOUBLE"},
}

// migScanType is the Go type each demo type reads into.
var migScanType = map[string]reflect.Type{
	"bigint": reflect.TypeFor[int64](), "int": reflect.TypeFor[int32](), "string": reflect.TypeFor[string](),
	"date": reflect.TypeFor[time.Time](), "boolean": reflect.TypeFor[bool](), "decimal": reflect.TypeFor[string](),
	"timestamp": reflect.TypeFor[time.Time](), "timestamp_tz": reflect.TypeFor[time.Time](),
	"binary": reflect.TypeFor[[]byte](), "array": reflect.TypeFor[string](), "map": reflect.TypeFor[string](),
	"struct": reflect.TypeFor[string](), "float": reflect.TypeFor[float32](), "double": reflect.TypeFor[float64](),
}

type migOrder struct {
	ID         int64
	CustomerID int64
	Total      string `gorm:"type:decimal(12,2)"`
}

func (migOrder) TableName() string { return "orders" }

type migQualifiedOrder struct{ ID int64 }

func (migQualifiedOrder) TableName() string { return "default.orders" }

type migFullyQualifiedOrder struct{ ID int64 }

func (migFullyQualifiedOrder) TableName() string { return "e6data.default.orders" }

type migSalesOrder struct{ ID int64 }

func (migSalesOrder) TableName() string { return `"hive"."sales"."orders"` }

type migMissing struct{ ID int64 }

func migTestDemoMetadata(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	m := db.Migrator()

	assert.Equal(t, "default", m.CurrentDatabase())

	tables, err := m.GetTables()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"customers", "products", "orders"}, tables)

	for table, want := range migDemoColumns {
		t.Run(table, func(t *testing.T) {
			assert.True(t, m.HasTable(table))
			cols, err := m.ColumnTypes(table)
			require.NoError(t, err)
			require.Len(t, cols, len(want))

			// What a query reports for the same columns, by another path than the metadata RPCs.
			// (through database/sql: GORM's query callbacks are not what this test is about)
			sqlDB, err := db.DB()
			require.NoError(t, err)
			rows, err := sqlDB.QueryContext(db.Statement.Context, "SELECT * FROM "+table+" LIMIT 1")
			require.NoError(t, err)
			resultTypes, err := rows.ColumnTypes()
			require.NoError(t, err)
			require.NoError(t, rows.Close())
			require.Len(t, resultTypes, len(want))

			for i, c := range cols {
				name, full := want[i][0], want[i][1]
				base, _, _ := strings.Cut(strings.NewReplacer("<", "(").Replace(full), "(")
				assert.Equal(t, name, c.Name())
				assert.Equal(t, resultTypes[i].Name(), c.Name())
				assert.Equal(t, base, c.DatabaseTypeName(), name)
				assert.Contains(t, migResultType[base], resultTypes[i].DatabaseTypeName(), name)
				ct, ok := c.ColumnType()
				assert.True(t, ok)
				assert.Equal(t, full, ct, name)
				assert.Equal(t, migScanType[base], c.ScanType(), name)

				p, s, ok := c.DecimalSize()
				if base == "decimal" {
					var wp, ws int64
					_, err := fmtSscanf(full, "decimal(%d,%d)", &wp, &ws)
					require.NoError(t, err)
					assert.Equal(t, [3]any{wp, ws, true}, [3]any{p, s, ok}, name)
					// The scale agrees with what the rows say.
					if rp, rs, rok := resultTypes[i].DecimalSize(); rok {
						assert.Equal(t, rs, s, name)
						assert.GreaterOrEqual(t, rp, p, name)
					}
				} else {
					assert.False(t, ok, name)
				}

				n, ok := c.Length()
				switch base {
				case "string", "binary", "array", "map", "struct":
					assert.Equal(t, [2]any{int64(math.MaxInt64), true}, [2]any{n, ok}, name)
				default:
					assert.False(t, ok, name)
				}
				_, ok = c.Nullable()
				assert.False(t, ok, "e6data does not report nullability")
				_, ok = c.PrimaryKey()
				assert.False(t, ok)
				assert.True(t, m.HasColumn(table, name))
				assert.True(t, m.HasColumn(table, strings.ToUpper(name)), "column names compare without case")
			}
			assert.False(t, m.HasColumn(table, "no_such_column"))

			tt, err := m.TableType(table)
			require.NoError(t, err)
			assert.Equal(t, "default", tt.Schema())
			assert.Equal(t, table, tt.Name())
			assert.Equal(t, "TABLE", tt.Type())
			_, ok := tt.Comment()
			assert.False(t, ok)

			idx, err := m.GetIndexes(table)
			require.NoError(t, err)
			assert.Empty(t, idx)
			assert.False(t, m.HasIndex(table, "idx_"+table+"_id"))
			assert.False(t, m.HasConstraint(table, "pk_"+table))
		})
	}
}

func migTestTableNames(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	require.NoError(t, srv.CreateSchema("hive", "sales"))
	_, err := srv.ExecIn("hive", "sales", `CREATE TABLE orders (id BIGINT, code VARCHAR(16), flag CHAR(3),
		amount DECIMAL(7,2), plain DECIMAL, ids "ARRAY<INT>")`)
	require.NoError(t, err)
	require.NoError(t, srv.CreateSchema("e6data", "archive")) // the DSN's catalog, another schema
	_, err = srv.ExecIn("e6data", "archive", `CREATE TABLE orders (id BIGINT, note STRING)`)
	require.NoError(t, err)
	m := db.Migrator()

	tests := []struct {
		name  string
		value any
		mig   gorm.Migrator
		cols  int
	}{
		{"model", &migOrder{}, m, 10},
		{"schema.table model", &migQualifiedOrder{}, m, 10},
		{"catalog.schema.table model", &migFullyQualifiedOrder{}, m, 10},
		{"quoted catalog.schema.table model", &migSalesOrder{}, m, 6},
		{"string", "orders", m, 10},
		{"upper case string", "ORDERS", m, 10},
		{"schema.table string", "default.orders", m, 10},
		{"other schema", "hive.sales.orders", m, 6},
		{"quoted other schema", `"hive"."sales"."orders"`, m, 6},
		{"db.Table schema.table", &migOrder{}, db.Table("default.orders").Migrator(), 10},
		{"schema.table string, DSN's catalog", "archive.orders", m, 2},
		{"db.Table other schema.table", &migOrder{}, db.Table("archive.orders").Migrator(), 2},
		{"db.Table catalog.schema.table", &migOrder{}, db.Table("hive.sales.orders").Migrator(), 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, tt.mig.HasTable(tt.value))
			cols, err := tt.mig.ColumnTypes(tt.value)
			require.NoError(t, err)
			assert.Len(t, cols, tt.cols)
			assert.True(t, tt.mig.HasColumn(tt.value, "id"))
		})
	}

	cols, err := m.ColumnTypes("hive.sales.orders")
	require.NoError(t, err)
	type col struct {
		name, base, full string
		length           int64
		lengthOK         bool
		prec, scale      int64
		decOK            bool
	}
	var got []col
	for _, c := range cols {
		full, _ := c.ColumnType()
		n, nok := c.Length()
		p, s, dok := c.DecimalSize()
		got = append(got, col{c.Name(), c.DatabaseTypeName(), full, n, nok, p, s, dok})
	}
	assert.Equal(t, []col{
		{"id", "bigint", "bigint", 0, false, 0, 0, false},
		{"code", "varchar", "varchar(16)", 16, true, 0, 0, false},
		{"flag", "char", "char(3)", 3, true, 0, 0, false},
		{"amount", "decimal", "decimal(7,2)", 0, false, 7, 2, true},
		{"plain", "decimal", "decimal(10,0)", 0, false, 10, 0, true}, // Hive's default precision
		{"ids", "array", "array<int>", math.MaxInt64, true, 0, 0, false},
	}, got)

	tt, err := m.TableType("hive.sales.orders")
	require.NoError(t, err)
	assert.Equal(t, "sales", tt.Schema())

	// The missing: tables, schemas and catalogs.
	for _, missing := range []any{&migMissing{}, "nope", "nope.orders", "nope.nope.orders", "hive.sales.customers"} {
		assert.False(t, m.HasTable(missing), "%v", missing)
		assert.False(t, m.HasColumn(missing, "id"), "%v", missing)
		_, err := m.ColumnTypes(missing)
		assert.ErrorIs(t, err, e6data.ErrTableNotFound, "%v", missing)
		_, err = m.TableType(missing)
		assert.ErrorIs(t, err, e6data.ErrTableNotFound, "%v", missing)
	}
	_, err = m.ColumnTypes("a.b.c.d")
	assert.ErrorContains(t, err, "dotted parts")
}

func TestMigratorTypeAliases(t *testing.T) {
	sqlDB, _, err := sqlmock.New() // answered from the type table: no cluster needed
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	db := migOpen(t, e6data.New(e6data.Config{Conn: sqlDB}))
	m := db.Migrator()
	tests := []struct {
		in   string
		want []string
	}{
		{"bigint", []string{"long"}},
		{"long", []string{"bigint"}},
		{"int", []string{"integer"}},
		{"varchar", []string{"string", "char", "text"}},
		{"decimal", []string{"numeric", "decimal128"}},
		{"timestamp", []string{"datetime", "int96"}},
		{"boolean", []string{"bool"}},
		{"interval_day", nil},
		{"", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, m.GetTypeAliases(tt.in), tt.in)
	}
}

// fmtSscanf is fmt.Sscanf, returning an error when not every value was read.
func fmtSscanf(s, format string, args ...any) (int, error) {
	n, err := fmt.Sscanf(s, format, args...)
	if err == nil && n != len(args) {
		err = errors.New("short scan")
	}
	return n, err
}
