package engine

import (
	"bytes"
	"fmt"
	"math"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// buildVector converts column col of rows (driver values: int64, float64, string, []byte,
// time.Time or nil) into a vector of type t. A value that does not convert is an *SQLError naming
// the column, the row (1-based, counting from firstRow, the rows before this batch) and the value.
// When the batch has two or more rows that are all the same, the vector is made constant, as the
// real engine sends literals: clients must handle those. DECIMAL128 values go out in both forms a
// client must read: minimal-length bytes in even columns (0, 2, ...), and sign-extended to 16
// bytes, as e6data's own client expects them, in odd columns.
func buildVector(rows [][]any, col int, t colType, name string, firstRow int64) (codec.Vector, error) {
	n := len(rows)
	v := codec.Vector{Type: t.vector, Size: n, Scale: t.scale}
	switch t.vector {
	case codec.Long, codec.Integer, codec.Date, codec.DateTime:
		v.Int64s = make([]int64, n)
	case codec.TimestampTZ:
		v.Int64s, v.Zones = make([]int64, n), make([]string, n)
	case codec.Double, codec.Float:
		v.Float64s = make([]float64, n)
	case codec.Boolean:
		v.Bools = make([]bool, n)
	case codec.String, codec.Array, codec.Map, codec.Struct:
		v.Strings = make([]string, n)
	case codec.Binary, codec.Decimal128:
		v.Bytes = make([][]byte, n)
	}
	for r, row := range rows {
		x := row[col]
		if x == nil || t.vector == codec.Null {
			if v.Nulls == nil {
				v.Nulls = make([]bool, n)
			}
			v.Nulls[r] = true
			continue
		}
		if err := setValue(&v, r, x, t); err != nil {
			return codec.Vector{}, &SQLError{Message: fmt.Sprintf("column %q, row %d: cannot read %s %s as %s: %v",
				name, firstRow+int64(r)+1, kindOf(x), shorten(x), t.vector, err)}
		}
	}
	if t.vector == codec.Decimal128 && col%2 == 1 {
		for r, b := range v.Bytes {
			if b != nil {
				v.Bytes[r] = padDecimal(b)
			}
		}
	}
	makeConstant(&v)
	return v, nil
}

// decimal128Len is the width of a DECIMAL128 value that e6data's own client accepts.
const decimal128Len = 16

// padDecimal sign-extends the two's-complement bytes b to 16 bytes; longer values (beyond 128
// bits) stay as they are.
func padDecimal(b []byte) []byte {
	if len(b) >= decimal128Len {
		return b
	}
	out := make([]byte, decimal128Len)
	if b[0]&0x80 != 0 {
		for i := range decimal128Len - len(b) {
			out[i] = 0xFF
		}
	}
	copy(out[decimal128Len-len(b):], b)
	return out
}

// setValue stores x as row r of v.
func setValue(v *codec.Vector, r int, x any, t colType) (err error) {
	switch t.vector {
	case codec.Long:
		v.Int64s[r], err = toInt64(x)
	case codec.Integer:
		var i int64
		if i, err = toInt64(x); err == nil && (i < math.MinInt32 || i > math.MaxInt32) {
			err = fmt.Errorf("out of the 32-bit INTEGER range; declare the column BIGINT")
		}
		v.Int64s[r] = i
	case codec.Double, codec.Float:
		v.Float64s[r], err = toFloat64(x)
	case codec.Boolean:
		v.Bools[r], err = toBool(x)
	case codec.String, codec.Array, codec.Map, codec.Struct:
		v.Strings[r], err = toText(x)
	case codec.Binary:
		v.Bytes[r], err = toBytes(x)
	case codec.Date:
		v.Int64s[r], err = toDateMicros(x)
	case codec.DateTime:
		v.Int64s[r], err = toMicros(x)
	case codec.TimestampTZ:
		v.Int64s[r], v.Zones[r], err = toZoned(x)
	case codec.Decimal128:
		v.Bytes[r], err = toDecimal(x, t.scale)
	default:
		err = fmt.Errorf("unsupported vector type")
	}
	return err
}

// makeConstant turns a vector of two or more identical rows (all NULL included) into a
// constant vector holding that one row.
func makeConstant(v *codec.Vector) {
	if v.Size < 2 {
		return
	}
	for r := 1; r < v.Size; r++ {
		if !sameRow(v, 0, r) {
			return
		}
	}
	v.Constant = true
	if v.Nulls != nil {
		v.Nulls = v.Nulls[:1]
	}
	cut := func(n int) int { return min(n, 1) }
	v.Int64s = v.Int64s[:cut(len(v.Int64s))]
	v.Float64s = v.Float64s[:cut(len(v.Float64s))]
	v.Bools = v.Bools[:cut(len(v.Bools))]
	v.Strings = v.Strings[:cut(len(v.Strings))]
	v.Bytes = v.Bytes[:cut(len(v.Bytes))]
	v.Zones = v.Zones[:cut(len(v.Zones))]
}

// sameRow reports whether rows a and b of v hold the same value (or are both NULL).
func sameRow(v *codec.Vector, a, b int) bool {
	na, nb := v.Nulls != nil && v.Nulls[a], v.Nulls != nil && v.Nulls[b]
	if na || nb || v.Type == codec.Null {
		return na == nb || v.Type == codec.Null
	}
	switch {
	case v.Int64s != nil:
		return v.Int64s[a] == v.Int64s[b] && (v.Zones == nil || v.Zones[a] == v.Zones[b])
	case v.Float64s != nil:
		return math.Float64bits(v.Float64s[a]) == math.Float64bits(v.Float64s[b])
	case v.Bools != nil:
		return v.Bools[a] == v.Bools[b]
	case v.Strings != nil:
		return v.Strings[a] == v.Strings[b]
	case v.Bytes != nil:
		return bytes.Equal(v.Bytes[a], v.Bytes[b])
	}
	return false
}
