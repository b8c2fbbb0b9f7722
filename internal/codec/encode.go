package codec

import (
	"encoding/binary"
	"math"
)

// AppendChunk appends c as one Thrift TBinaryProtocol Chunk (see docs/protocol.md), byte for
// byte what Thrift's generated code writes for the same values: fields in id order; per vector
// size, vectorType, nullSet (always: Size entries, or 1 for a constant vector; all false when
// Nulls is nil, all true for a NULL-typed vector), the Data member for its type and constancy,
// and isConstantVector; zoneOffset and format are omitted. FLOAT goes in float32Data and DOUBLE
// in float64Data (both lists of doubles), TIMESTAMP_TZ zones in timeData.zoneData, DECIMAL128
// in decimal128Data with its scale; TIMESTAMP and INT96 are written as DATETIME is (timeData).
//
// Every slice a vector uses must hold Size values (1 when Constant) and Size must equal c.Size;
// otherwise, or for values the wire cannot carry (an INTEGER beyond 32 bits, an empty
// non-NULL DECIMAL128), it returns an *EncodeError wrapping ErrInvalid and dst unchanged.
func AppendChunk(dst []byte, c *Chunk) ([]byte, error) {
	if c == nil {
		return dst, &EncodeError{Part: "chunk", Index: -1, Reason: "nil chunk"}
	}
	if c.Size < 0 || c.Size > math.MaxInt32 {
		return dst, &EncodeError{Part: "chunk", Index: -1, Reason: "size " + itoa(int64(c.Size)) + " out of range"}
	}
	est := 16
	for i := range c.Vectors {
		n, err := checkVector(&c.Vectors[i], c.Size)
		if err != nil {
			return dst, &EncodeError{Part: "chunk", Index: i, Reason: err.Error()}
		}
		est += n
	}
	dst = growBytes(dst, est)
	dst = appendI32Field(dst, 1, int32(c.Size))
	dst = appendListHeader(dst, 2, tStruct, len(c.Vectors))
	for i := range c.Vectors {
		dst = appendVector(dst, &c.Vectors[i])
	}
	return append(dst, tStop), nil
}

func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}

func appendVector(b []byte, v *Vector) []byte {
	b = appendI32Field(b, 1, int32(v.Size))
	b = appendI32Field(b, 2, int32(v.Type))
	n := v.rows()
	b = appendListHeader(b, 3, tBool, n)
	switch {
	case v.Type == Null:
		for i := 0; i < n; i++ {
			b = append(b, 1)
		}
	case v.Nulls == nil:
		b = append(b, make([]byte, n)...)
	default:
		for _, isNull := range v.Nulls[:n] {
			b = append(b, boolByte(isNull))
		}
	}
	b = appendField(b, tStruct, 4)
	b = appendData(b, v, n)
	b = append(b, tStop) // Data
	b = appendBoolField(b, 5, v.Constant)
	return append(b, tStop) // Vector
}

// appendData writes the one Data union member (a struct) for v's type and constancy.
func appendData(b []byte, v *Vector, n int) []byte {
	if v.Constant {
		switch v.Type {
		case Null:
			b = append(appendField(appendField(b, tStruct, mNullConst), tByte, 1), 0)
		case Boolean:
			b = appendBoolField(appendField(b, tStruct, mBoolConst), 1, v.Bools[0])
		case Integer, Long:
			b = appendI64Field(appendField(b, tStruct, mNumericConst), 1, v.Int64s[0])
		case Float, Double:
			b = appendDoubleField(appendField(b, tStruct, mDoubleConst), 1, v.Float64s[0])
		case String, Array, Map, Struct:
			b = appendStringField(appendField(b, tStruct, mVarcharConst), 1, v.Strings[0])
		case Binary:
			b = appendBinaryField(appendField(b, tStruct, mVarcharConst), 1, v.Bytes[0])
		case Date:
			b = appendI64Field(appendField(b, tStruct, mDateConst), 1, v.Int64s[0])
		case DateTime, Timestamp, Int96, TimestampTZ:
			b = appendI64Field(appendField(b, tStruct, mTimeConst), 1, v.Int64s[0])
			if v.Type == TimestampTZ && v.Zones != nil {
				b = appendStringField(b, 2, v.Zones[0])
			}
		case Decimal128:
			b = appendBinaryField(appendField(b, tStruct, mDecimalConst), 1, v.Bytes[0])
			b = appendI32Field(b, 2, v.Scale)
		}
		return append(b, tStop)
	}
	switch v.Type {
	case Null:
		b = append(appendField(appendField(b, tStruct, mNullConst), tByte, 1), 0)
	case Boolean:
		b = appendListHeader(appendField(b, tStruct, mBool), 1, tBool, n)
		for _, x := range v.Bools[:n] {
			b = append(b, boolByte(x))
		}
	case Integer:
		b = appendListHeader(appendField(b, tStruct, mInt32), 1, tI32, n)
		for _, x := range v.Int64s[:n] {
			b = binary.BigEndian.AppendUint32(b, uint32(x))
		}
	case Long, Date:
		m := int16(mInt64)
		if v.Type == Date {
			m = mDate
		}
		b = appendI64s(appendListHeader(appendField(b, tStruct, m), 1, tI64, n), v.Int64s[:n])
	case Float, Double:
		m := int16(mFloat64)
		if v.Type == Float {
			m = mFloat32
		}
		b = appendListHeader(appendField(b, tStruct, m), 1, tDouble, n)
		for _, x := range v.Float64s[:n] {
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(x))
		}
	case String, Array, Map, Struct:
		b = appendListHeader(appendField(b, tStruct, mVarchar), 1, tString, n)
		for _, s := range v.Strings[:n] {
			b = append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
		}
	case Binary:
		b = appendBinaries(appendListHeader(appendField(b, tStruct, mVarchar), 1, tString, n), v.Bytes[:n])
	case DateTime, Timestamp, Int96, TimestampTZ:
		b = appendI64s(appendListHeader(appendField(b, tStruct, mTime), 1, tI64, n), v.Int64s[:n])
		if v.Type == TimestampTZ && v.Zones != nil {
			b = appendListHeader(b, 2, tString, n)
			for _, s := range v.Zones[:n] {
				b = append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
			}
		}
	case Decimal128:
		b = appendBinaries(appendListHeader(appendField(b, tStruct, mDecimal), 1, tString, n), v.Bytes[:n])
		b = appendI32Field(b, 2, v.Scale)
	}
	return append(b, tStop)
}

func appendI64s(b []byte, xs []int64) []byte {
	for _, x := range xs {
		b = binary.BigEndian.AppendUint64(b, uint64(x))
	}
	return b
}

func appendBinaries(b []byte, xs [][]byte) []byte {
	for _, x := range xs {
		b = append(binary.BigEndian.AppendUint32(b, uint32(len(x))), x...)
	}
	return b
}
