package connector

import (
	"database/sql"
	"math"
	"reflect"
)

// The column type interfaces of database/sql, from the result metadata (e6data's type names)
// and, for DECIMAL128 scale, the first batch.

var (
	scanNullInt64   = reflect.TypeFor[sql.NullInt64]()
	scanNullInt32   = reflect.TypeFor[sql.NullInt32]()
	scanNullInt16   = reflect.TypeFor[sql.NullInt16]()
	scanNullByte    = reflect.TypeFor[sql.NullByte]()
	scanNullFloat64 = reflect.TypeFor[sql.NullFloat64]()
	scanNullString  = reflect.TypeFor[sql.NullString]()
	scanNullBool    = reflect.TypeFor[sql.NullBool]()
	scanNullTime    = reflect.TypeFor[sql.NullTime]()
	scanBytes       = reflect.TypeFor[[]byte]()
	scanAny         = reflect.TypeFor[any]()
)

// nullScanTypes maps e6data type names to the nullable Go type a column scans into. Every e6data
// column may hold NULL (the metadata carries no nullability), so ScanType is always a type that
// can hold one: sql.Null* for scalars, []byte (nil for NULL) for BINARY. FLOAT reports
// sql.NullFloat64: the value travels as a double.
var nullScanTypes = map[string]reflect.Type{
	"LONG": scanNullInt64, "INT": scanNullInt32, "INTEGER": scanNullInt32, "SHORT": scanNullInt16,
	"BYTE": scanNullByte, "DOUBLE": scanNullFloat64, "FLOAT": scanNullFloat64,
	"BOOLEAN": scanNullBool, "STRING": scanNullString, "CHAR": scanNullString, "BINARY": scanBytes,
	"DATE": scanNullTime, "DATETIME": scanNullTime, "TIMESTAMP": scanNullTime, "TIMESTAMP_TZ": scanNullTime,
	"INT96": scanNullTime, "DECIMAL128": scanNullString, "ARRAY": scanNullString, "MAP": scanNullString,
	"STRUCT": scanNullString, "NULL": scanAny,
}

// ColumnTypeScanType returns the nullable Go type the column scans into; unknown type names
// scan into any.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := nullScanTypes[r.q.md.Fields[i].Type]; ok {
		return t
	}
	return scanAny
}

// ColumnTypeDatabaseTypeName returns e6data's type name, e.g. "LONG", "DECIMAL128".
func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.q.md.Fields[i].Type }

// ColumnTypeNullable reports nullable with ok=false: e6data's result metadata does not say.
func (r *rows) ColumnTypeNullable(int) (nullable, ok bool) { return true, false }

// ColumnTypeLength returns math.MaxInt64 for the variable-length types (STRING, BINARY and the
// text-rendered ARRAY, MAP, STRUCT), as their length is unbounded; ok=false otherwise.
func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	switch r.q.md.Fields[i].Type {
	case "STRING", "BINARY", "ARRAY", "MAP", "STRUCT":
		return math.MaxInt64, true
	case "CHAR":
		return 1, true
	}
	return 0, false
}

// ColumnTypePrecisionScale returns precision 38 (DECIMAL128's) and the column's scale for
// DECIMAL128 columns; the scale comes with the first batch, so it is known when the result had
// rows. ok=false for other types.
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if r.q.md.Fields[i].Type != "DECIMAL128" || r.scales[i] < 0 {
		return 0, 0, false
	}
	return 38, int64(r.scales[i]), true
}
