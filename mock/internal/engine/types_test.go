package engine

import (
	"bytes"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
)

func TestDeclaredType(t *testing.T) {
	tests := []struct {
		decl  string
		want  codec.VectorType
		hive  string
		scale int32
	}{
		{"BIGINT", codec.Long, "bigint", 0},
		{"long", codec.Long, "bigint", 0},
		{"INT8", codec.Long, "bigint", 0},
		{"INT", codec.Integer, "int", 0},
		{"integer", codec.Integer, "int", 0},
		{"INT4", codec.Integer, "int", 0},
		{"SMALLINT", codec.Integer, "int", 0},
		{"TINYINT", codec.Integer, "int", 0},
		{"MEDIUMINT", codec.Integer, "int", 0},
		{"DOUBLE", codec.Double, "double", 0},
		{"REAL", codec.Double, "double", 0},
		{"double  precision", codec.Double, "double", 0},
		{"FLOAT8", codec.Double, "double", 0},
		{"FLOAT", codec.Float, "float", 0},
		{"FLOAT4", codec.Float, "float", 0},
		{"STRING", codec.String, "string", 0},
		{"TEXT", codec.String, "string", 0},
		{"CLOB", codec.String, "string", 0},
		{"VARCHAR(16)", codec.String, "varchar(16)", 0},
		{"char( 3 )", codec.String, "char(3)", 0},
		{"VARCHAR", codec.String, "string", 0},
		{"BOOLEAN", codec.Boolean, "boolean", 0},
		{"bool", codec.Boolean, "boolean", 0},
		{"DATE", codec.Date, "date", 0},
		{"DATETIME", codec.DateTime, "timestamp", 0},
		{"TIMESTAMP", codec.DateTime, "timestamp", 0},
		{"timestamp_tz", codec.TimestampTZ, "timestamp_tz", 0},
		{"DECIMAL(10,2)", codec.Decimal128, "decimal(10,2)", 2},
		{"numeric(7, 3)", codec.Decimal128, "decimal(7,3)", 3},
		{"DECIMAL(12)", codec.Decimal128, "decimal(12,0)", 0},
		{"DECIMAL", codec.Decimal128, "decimal(10,0)", 0},
		{"BINARY", codec.Binary, "binary", 0},
		{"BLOB", codec.Binary, "binary", 0},
		{"VARBINARY", codec.Binary, "binary", 0},
		{"ARRAY<INT>", codec.Array, "array<int>", 0},
		{"MAP<STRING, INT>", codec.Map, "map<string,int>", 0},
		{"STRUCT<a:INT,b:STRING>", codec.Struct, "struct<a:int,b:string>", 0},
		// Outside the table: SQLite's affinity rules.
		{"UNSIGNED BIG INT", codec.Long, "bigint", 0},
		{"NVARCHAR(10)", codec.String, "string", 0},
		{"NATIVE CHARACTER", codec.String, "string", 0},
		{"DOUBLE FLOAT", codec.Double, "double", 0},
	}
	for _, tt := range tests {
		got, ok := declaredType(tt.decl)
		if !ok || got.vector != tt.want || got.hive != tt.hive || got.scale != tt.scale {
			t.Errorf("declaredType(%q) = %+v, %v; want %v %s scale %d", tt.decl, got, ok, tt.want, tt.hive, tt.scale)
		}
	}
	for _, decl := range []string{"", "  ", "JSON", "DECIMAL(2,5)", "ARRAY<STRING"} {
		if got, ok := declaredType(decl); ok {
			t.Errorf("declaredType(%q) = %+v, want no type", decl, got)
		}
	}
}

func TestInferType(t *testing.T) {
	tests := []struct {
		vals    []any
		want    codec.VectorType
		allNull bool
	}{
		{[]any{int64(1), nil}, codec.Long, false},
		{[]any{int64(1), 2.5}, codec.Double, false},
		{[]any{"a", int64(1)}, codec.String, false},
		{[]any{[]byte{1}}, codec.Binary, false},
		{[]any{"2024-01-02 03:04:05.000000", nil}, codec.DateTime, false},
		{[]any{"2024-01-02 03:04:05", nil}, codec.String, false},
		{[]any{time.Unix(0, 0)}, codec.DateTime, false},
		{[]any{nil, nil}, codec.String, true},
		{nil, codec.String, true},
	}
	for _, tt := range tests {
		got, allNull := inferType(slices.Values(tt.vals))
		if got.vector != tt.want || allNull != tt.allNull {
			t.Errorf("inferType(%v) = %v %v", tt.vals, got.vector, allNull)
		}
	}
}

func TestDecimalConversion(t *testing.T) {
	tests := []struct {
		in    any
		scale int32
		want  string // unscaled, decimal
	}{
		{"12.345", 2, "1235"},
		{"-12.345", 2, "-1235"},
		{"-12.344", 2, "-1234"},
		{"0.005", 2, "1"},
		{"1.5e3", 1, "15000"},
		{"+.5", 0, "1"},
		{"123", -1, "12"},
		{"99999999999999999999999999999999999999", 0, "99999999999999999999999999999999999999"},
		{int64(-7), 3, "-7000"},
		{0.1, 20, "10000000000000000000"}, // through the shortest text, not the binary value
		{2.675, 2, "268"},                 // the binary value is below 2.675; the text is not
	}
	for _, tt := range tests {
		b, err := toDecimal(tt.in, tt.scale)
		if err != nil {
			t.Errorf("toDecimal(%v, %d): %v", tt.in, tt.scale, err)
			continue
		}
		if got := fromTwos(b).String(); got != tt.want {
			t.Errorf("toDecimal(%v, %d) = %s, want %s", tt.in, tt.scale, got, tt.want)
		}
	}
	for _, bad := range []any{"", "1.2.3", "abc", "1e99999", "--1", []byte("1")} {
		if _, err := toDecimal(bad, 2); err == nil {
			t.Errorf("toDecimal(%v) accepted", bad)
		}
	}
}

// fromTwos reads big-endian two's complement.
func fromTwos(b []byte) *big.Int {
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x
}

func TestFormatReal(t *testing.T) {
	for in, want := range map[float64]string{1: "1.0", 1.5: "1.5", 0.1 + 0.2: "0.3", 1e20: "1.0e+20", -2.25: "-2.25"} {
		if got := formatReal(in); got != want {
			t.Errorf("formatReal(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestConversionErrors(t *testing.T) {
	rows := [][]any{{"abc"}}
	for _, typ := range []colType{longType, intType, doubleType, boolType, dateType, datetimeType, tzType, decimalType(5, 2)} {
		if _, err := buildVector(rows, 0, typ, "c", 41); err == nil {
			t.Errorf("%v accepted text abc", typ.vector)
		} else if se, ok := err.(*SQLError); !ok || !bytes.Contains([]byte(se.Message), []byte(`column "c", row 42: cannot read text "abc"`)) {
			t.Errorf("%v: %v", typ.vector, err)
		}
	}
}

// TestDecimalForms checks that DECIMAL128 values go out minimal in even columns and
// sign-extended to 16 bytes in odd ones, and that both decode to the same text.
func TestDecimalForms(t *testing.T) {
	typ := decimalType(38, 2)
	rows := [][]any{{"1.5", "1.5"}, {"-0.01", "-0.01"}, {nil, nil}, {"-170141183460469231731687303715884105.72", "-170141183460469231731687303715884105.72"}, {"0", "0"}}
	want := []any{"1.50", "-0.01", nil, "-170141183460469231731687303715884105.72", "0.00"}
	minimal, err := buildVector(rows, 0, typ, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	padded, err := buildVector(rows, 1, typ, "b", 0)
	if err != nil {
		t.Fatal(err)
	}
	for r := range rows {
		if rows[r][0] == nil {
			continue
		}
		if got := len(padded.Bytes[r]); got != 16 {
			t.Errorf("row %d: odd column sends %d bytes; want 16", r, got)
		}
		if fromTwos(padded.Bytes[r]).Cmp(fromTwos(minimal.Bytes[r])) != 0 {
			t.Errorf("row %d: padded % x and minimal % x differ", r, padded.Bytes[r], minimal.Bytes[r])
		}
	}
	if got := len(minimal.Bytes[1]); got != 1 {
		t.Errorf("even column sends -1 in %d bytes; want 1", got)
	}
	for r, w := range want {
		for _, v := range []*codec.Vector{&minimal, &padded} {
			if got := v.Value(r); got != w {
				t.Errorf("row %d: %v; want %v", r, got, w)
			}
		}
	}
}
