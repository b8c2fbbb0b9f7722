package engine

import (
	"fmt"
	"math"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// ResultColumn describes one column of a result built from Go values (a scripted result of the
// mock) rather than read from SQLite.
type ResultColumn struct {
	Name  string
	Type  codec.VectorType
	Scale int32 // DECIMAL128 only: value = unscaled × 10^-Scale
}

// Buildable reports whether BuildChunk can produce vectors of type t: every type the engine
// itself produces (not INT96 or TIMESTAMP, which e6data no longer sends).
func Buildable(t codec.VectorType) bool {
	switch t {
	case codec.Int96, codec.Timestamp:
		return false
	}
	return t.Valid()
}

// fieldOf is the metadata field of a column named name of type t. DATE and DATETIME values
// are UTC instants, which the metadata says with the zone.
func fieldOf(name string, t codec.VectorType) codec.Field {
	f := codec.Field{Name: name, Type: t.String()}
	if t == codec.Date || t == codec.DateTime {
		f.Zone = "UTC"
	}
	return f
}

// ResultMetadata returns the metadata of a query result with cols, as Cursor.Metadata reports
// it for a result read from SQLite.
func ResultMetadata(cols []ResultColumn) codec.Metadata {
	m := codec.Metadata{RowCount: -1, Fields: make([]codec.Field, len(cols))}
	for i, c := range cols {
		m.Fields[i] = fieldOf(c.Name, c.Type)
	}
	return m
}

// BuildChunk converts rows of Go values, one per column of cols, into a chunk, the way Cursor.Next
// converts SQLite's values (and with its errors: a value that does not convert is an *SQLError
// naming the column and the row, counted from firstRow, the rows before this batch). Accepted
// values: nil (NULL, the only value of a NULL column); any Go integer, float, bool, string,
// []byte, time.Time. Numbers and text
// convert the way SQLite's values do (a DECIMAL128 reads an integer, a float or decimal text; a
// DATE or DATETIME also reads canonical text, a TIMESTAMP_TZ text with a zone). A time.Time
// given for a TIMESTAMP_TZ keeps its offset (not its zone name).
func BuildChunk(cols []ResultColumn, rows [][]any, firstRow int64) (*codec.Chunk, error) {
	norm := make([][]any, len(rows))
	for r, row := range rows {
		if len(row) != len(cols) {
			return nil, &SQLError{Message: fmt.Sprintf("row %d has %d values for %d columns", firstRow+int64(r)+1, len(row), len(cols))}
		}
		out := make([]any, len(row))
		for i, x := range row {
			v, err := driverValue(x)
			if err == nil && v != nil && cols[i].Type == codec.Null {
				err = fmt.Errorf("a NULL column holds only nil, not %s", shorten(x))
			}
			if err != nil {
				return nil, &SQLError{Message: fmt.Sprintf("column %q, row %d: %v", cols[i].Name, firstRow+int64(r)+1, err)}
			}
			out[i] = v
		}
		norm[r] = out
	}
	chunk := &codec.Chunk{Size: len(rows), Vectors: make([]codec.Vector, len(cols))}
	for i, c := range cols {
		if !Buildable(c.Type) {
			return nil, &SQLError{Message: fmt.Sprintf("column %q: type %s cannot be built", c.Name, c.Type)}
		}
		v, err := buildVector(norm, i, colType{vector: c.Type, scale: c.Scale}, c.Name, firstRow)
		if err != nil {
			return nil, err
		}
		chunk.Vectors[i] = v
	}
	return chunk, nil
}

// driverValue narrows a Go value to the kinds SQLite's driver hands the cursor (int64, float64,
// string, []byte, time.Time, bool, nil), which the to* converters read.
func driverValue(x any) (any, error) {
	switch v := x.(type) {
	case nil, int64, float64, string, bool, time.Time:
		return v, nil
	case []byte:
		if v == nil {
			return nil, nil
		}
		return v, nil
	case int:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case uint:
		return uintValue(uint64(v))
	case uint8:
		return int64(v), nil
	case uint16:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case uint64:
		return uintValue(v)
	case float32:
		return float64(v), nil
	case *time.Time:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	}
	return nil, fmt.Errorf("unsupported Go value of type %T (use an integer, float, bool, string, []byte or time.Time)", x)
}

func uintValue(u uint64) (any, error) {
	if u > math.MaxInt64 {
		return nil, fmt.Errorf("%d is out of the 64-bit signed range", u)
	}
	return int64(u), nil
}
