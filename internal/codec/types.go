// Package codec encodes and decodes e6data's result bytes: the result metadata (Java
// DataOutputStream with modified UTF-8) and the result batches (one Thrift
// TBinaryProtocol Chunk; docs/protocol.md describes both). The mock cluster encodes with it and the driver decodes with it, so
// both sides of the wire share one definition of every format.
package codec

import (
	"strconv"
	"time"
)

// VectorType is the type of one column vector in a Chunk (Thrift enum VectorType).
type VectorType int32

// The VectorType values, as numbered on the wire.
const (
	Binary      VectorType = 0
	Boolean     VectorType = 1
	Double      VectorType = 2
	Float       VectorType = 3
	Int96       VectorType = 4
	Integer     VectorType = 5
	Long        VectorType = 6
	String      VectorType = 7
	Date        VectorType = 8
	DateTime    VectorType = 9
	Timestamp   VectorType = 10
	Struct      VectorType = 11
	Map         VectorType = 12
	Array       VectorType = 13
	Null        VectorType = 14
	TimestampTZ VectorType = 15
	Decimal128  VectorType = 16
)

var vectorTypeNames = [...]string{
	Binary: "BINARY", Boolean: "BOOLEAN", Double: "DOUBLE", Float: "FLOAT", Int96: "INT96",
	Integer: "INTEGER", Long: "LONG", String: "STRING", Date: "DATE", DateTime: "DATETIME",
	Timestamp: "TIMESTAMP", Struct: "STRUCT", Map: "MAP", Array: "ARRAY", Null: "NULL",
	TimestampTZ: "TIMESTAMP_TZ", Decimal128: "DECIMAL128",
}

// String returns the type's e6data name, e.g. "LONG", or "VectorType(99)" for an unknown value.
func (t VectorType) String() string {
	if t >= 0 && int(t) < len(vectorTypeNames) {
		return vectorTypeNames[t]
	}
	return "VectorType(" + itoa(int64(t)) + ")"
}

// Valid reports whether t is one of the VectorType values defined on the wire.
func (t VectorType) Valid() bool { return t >= 0 && int(t) < len(vectorTypeNames) }

// ParseVectorType returns the VectorType named name (exact, upper-case e6data spelling).
func ParseVectorType(name string) (VectorType, bool) {
	for i, n := range vectorTypeNames {
		if n == name {
			return VectorType(i), true
		}
	}
	return 0, false
}

// Field describes one result column in the metadata, in result order.
type Field struct {
	Name       string // column name
	Type       string // e6data type name, e.g. "LONG"; unknown names are kept as they are
	Zone       string // Java zone id, may be empty
	DateFormat string // Java date pattern, may be empty
}

// Metadata is the decoded GetResultMetadataResponse.resultMetaData.
type Metadata struct {
	RowCount int64 // exposed as-is: the server defines what it counts
	Fields   []Field
}

// Chunk is one result batch: Size rows, one Vector per column in metadata order.
// A Chunk with Size <= 0 marks the end of the results, as an empty batch does.
type Chunk struct {
	Size    int
	Vectors []Vector
}

// Vector is one column of a Chunk, held column-wise. Exactly one data slice is used, chosen by
// Type; element r belongs to row r (NULL rows still take a slot). A Constant vector holds one
// element (index 0) that every row shares, and Nulls[0] then applies to every row.
type Vector struct {
	Type     VectorType
	Size     int  // rows; equals Chunk.Size
	Constant bool // every row has the value at index 0

	// Nulls[r] reports whether row r is NULL. nil means no row is NULL. A NULL-typed vector
	// is NULL in every row whatever Nulls says.
	Nulls []bool

	Bools    []bool    // BOOLEAN
	Int64s   []int64   // INTEGER, LONG; DATE, DATETIME, TIMESTAMP, TIMESTAMP_TZ, INT96 as epoch µs (UTC)
	Float64s []float64 // FLOAT, DOUBLE
	Strings  []string  // STRING; ARRAY, MAP, STRUCT as the engine's text rendering
	Bytes    [][]byte  // BINARY raw bytes; DECIMAL128 unscaled big-endian two's complement

	// Zones holds TIMESTAMP_TZ zone spellings ("+05:30", "Z", "Asia/Kolkata"), one per row (one
	// when Constant). nil means UTC.
	Zones []string
	// Scale applies to every DECIMAL128 value of the vector: value = unscaled × 10^-Scale.
	Scale int32

	// locs caches the decoded Zones; set by the decoder.
	locs []*time.Location
	// decText holds the DECIMAL128 values as text, value i ending at decEnds[i]; set by
	// PrepareValues.
	decText []byte
	decEnds []int32
}

// itoa formats n in base 10.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
