package e6data

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

func TestParseColumnType(t *testing.T) {
	tests := []struct {
		in               string
		base             string
		kind             columnKind
		length           int64
		precision, scale int64
		scan             reflect.Type
	}{
		{"bigint", "bigint", kindBigint, -1, 0, 0, reflect.TypeFor[int64]()},
		{"LONG", "long", kindBigint, -1, 0, 0, reflect.TypeFor[int64]()},
		{" int ", "int", kindInt, -1, 0, 0, reflect.TypeFor[int32]()},
		{"integer", "integer", kindInt, -1, 0, 0, reflect.TypeFor[int32]()},
		{"smallint", "smallint", kindSmallint, -1, 0, 0, reflect.TypeFor[int16]()},
		{"tinyint", "tinyint", kindTinyint, -1, 0, 0, reflect.TypeFor[int8]()},
		{"boolean", "boolean", kindBoolean, -1, 0, 0, reflect.TypeFor[bool]()},
		{"float", "float", kindFloat, -1, 0, 0, reflect.TypeFor[float32]()},
		{"double", "double", kindDouble, -1, 0, 0, reflect.TypeFor[float64]()},
		{"decimal(7,2)", "decimal", kindDecimal, -1, 7, 2, reflect.TypeFor[string]()},
		{"decimal( 38 , 10 )", "decimal", kindDecimal, -1, 38, 10, reflect.TypeFor[string]()},
		{"decimal(5)", "decimal", kindDecimal, -1, 5, 0, reflect.TypeFor[string]()},
		{"decimal", "decimal", kindDecimal, -1, 10, 0, reflect.TypeFor[string]()},
		{"string", "string", kindString, -1, 0, 0, reflect.TypeFor[string]()},
		{"varchar(16)", "varchar", kindString, 16, 0, 0, reflect.TypeFor[string]()},
		{"char(3)", "char", kindString, 3, 0, 0, reflect.TypeFor[string]()},
		{"binary", "binary", kindBinary, -1, 0, 0, reflect.TypeFor[[]byte]()},
		{"date", "date", kindDate, -1, 0, 0, reflect.TypeFor[time.Time]()},
		{"timestamp", "timestamp", kindTimestamp, -1, 0, 0, reflect.TypeFor[time.Time]()},
		{"timestamp_tz", "timestamp_tz", kindTimestampTZ, -1, 0, 0, reflect.TypeFor[time.Time]()},
		{"array<int>", "array", kindArray, -1, 0, 0, reflect.TypeFor[string]()},
		{"map<string,array<int>>", "map", kindMap, -1, 0, 0, reflect.TypeFor[string]()},
		{"struct<street:string,zip:string>", "struct", kindStruct, -1, 0, 0, reflect.TypeFor[string]()},
		{"void", "void", kindNull, -1, 0, 0, reflect.TypeFor[any]()},
		{"interval_day", "interval_day", kindUnknown, -1, 0, 0, reflect.TypeFor[any]()},
		{"varchar(1,2)", "varchar", kindUnknown, -1, 0, 0, reflect.TypeFor[any]()},
		{"bigint<int>", "bigint", kindUnknown, -1, 0, 0, reflect.TypeFor[any]()},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseColumnType(tt.in)
			require.NoError(t, err)
			assert.Equal(t, strings.ToLower(strings.TrimSpace(tt.in)), got.full)
			assert.Equal(t, tt.base, got.base)
			assert.Equal(t, tt.kind, got.kind)
			assert.Equal(t, tt.length, got.length)
			assert.Equal(t, tt.precision, got.precision)
			assert.Equal(t, tt.scale, got.scale)
			assert.Equal(t, tt.scan, got.scanType())
		})
	}
}

func TestParseColumnTypeErrors(t *testing.T) {
	for _, in := range []string{"", "  ", "decimal(7,2", "decimal(2,7)", "decimal(a,b)", "decimal(-1)",
		"decimal(1,2,3)", "varchar()", "array<int", "array<int>>", "map<a>b>", "decimal(99999999999)"} {
		t.Run(in, func(t *testing.T) {
			_, err := parseColumnType(in)
			assert.Error(t, err)
		})
	}
}

func TestColumnTypeLength(t *testing.T) {
	tests := []struct {
		in string
		n  int64
		ok bool
	}{
		{"varchar(16)", 16, true}, {"char(1)", 1, true}, {"string", math.MaxInt64, true},
		{"binary", math.MaxInt64, true}, {"array<int>", math.MaxInt64, true},
		{"bigint", 0, false}, {"decimal(7,2)", 0, false}, {"timestamp", 0, false},
	}
	for _, tt := range tests {
		ct, err := parseColumnType(tt.in)
		require.NoError(t, err)
		n, ok := ct.lengthOf()
		assert.Equal(t, tt.n, n, tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
	}
}

// FuzzParseColumnType: any text parses or fails cleanly, never panics, and what parses is
// consistent (a decimal's scale within its precision, a known kind has a scan type).
func FuzzParseColumnType(f *testing.F) {
	for _, s := range []string{"bigint", "decimal(7,2)", "varchar(16)", "array<int>", "map<string,array<int>>",
		"struct<a:int>", "decimal(", "<>", "(", "char(0)", "DECIMAL(38,38)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ct, err := parseColumnType(s)
		if err != nil {
			return
		}
		if ct.kind == kindDecimal && (ct.scale > ct.precision || ct.scale < 0) {
			t.Fatalf("%q: decimal(%d,%d)", s, ct.precision, ct.scale)
		}
		if ct.scanType() == nil {
			t.Fatalf("%q: no scan type", s)
		}
		if ct.length < -1 {
			t.Fatalf("%q: length %d", s, ct.length)
		}
	})
}

func TestParseTableName(t *testing.T) {
	tests := []struct {
		in   string
		want tableRef
	}{
		{"orders", tableRef{Name: "orders"}},
		{"sales.orders", tableRef{Schema: "sales", Name: "orders"}},
		{"hive.sales.orders", tableRef{Catalog: "hive", Schema: "sales", Name: "orders"}},
		{`"hive"."sales"."orders"`, tableRef{Catalog: "hive", Schema: "sales", Name: "orders"}},
		{`"my.schema".orders`, tableRef{Schema: "my.schema", Name: "orders"}},
		{`"a""b".c`, tableRef{Schema: `a"b`, Name: "c"}},
		{` sales . orders `, tableRef{Schema: "sales", Name: "orders"}},
		{`"Mixed Case"`, tableRef{Name: "Mixed Case"}},
		{`" padded "`, tableRef{Name: " padded "}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTableName(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, bad := range []string{"", ".", "a.", ".b", "a..b", "a.b.c.d", `"open`, `"a"b`, `a"b"`, `""`} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := parseTableName(bad)
			assert.Error(t, err)
		})
	}
}

// FuzzSplitName: a name either fails or splits into non-empty parts, and quoting each part back
// (doubling its quotes) gives a text that splits into the same parts.
func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"orders", `"a"."b"`, `"x""y".z`, "a.b.c", `"."`, `a . b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts, err := splitName(s)
		if err != nil {
			return
		}
		quoted := make([]string, len(parts))
		for i, p := range parts {
			if p == "" {
				t.Fatalf("%q: empty part in %q", s, parts)
			}
			quoted[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
		}
		again, err := splitName(strings.Join(quoted, "."))
		require.NoError(t, err)
		assert.Equal(t, parts, again)
	})
}

func TestTableOf(t *testing.T) {
	tests := []struct {
		name  string
		table string
		expr  *clause.Expr
		value any
		want  tableRef
	}{
		{"string", "", nil, "a.b", tableRef{Schema: "a", Name: "b"}},
		{"string wins over db.Table", "x", &clause.Expr{SQL: `"y"."x"`}, "c", tableRef{Name: "c"}},
		{"model table", "s.t", nil, struct{}{}, tableRef{Schema: "s", Name: "t"}},
		// db.Table("s.t"): GORM keeps "t" and the quoted whole; either quoting style.
		{"db.Table dotted quoting", "t", &clause.Expr{SQL: `"s"."t"`}, struct{}{}, tableRef{Schema: "s", Name: "t"}},
		{"db.Table whole quoting", "t", &clause.Expr{SQL: `"s.t"`}, struct{}{}, tableRef{Schema: "s", Name: "t"}},
		{"db.Table three parts", "c.s.t", &clause.Expr{SQL: `"c"."s"."t"`}, struct{}{}, tableRef{Catalog: "c", Schema: "s", Name: "t"}},
		{"db.Table alias", "t", &clause.Expr{SQL: `t AS x`}, struct{}{}, tableRef{Name: "t"}},
		{"db.Table with vars", "t", &clause.Expr{SQL: `"s"."t"`, Vars: []any{1}}, struct{}{}, tableRef{Name: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tableOf(&gorm.Statement{Table: tt.table, TableExpr: tt.expr}, tt.value)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := tableOf(&gorm.Statement{}, struct{}{})
	assert.ErrorContains(t, err, "no table name")
}
