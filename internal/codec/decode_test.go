package codec

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Tiny builders for hand-made TBinaryProtocol input.

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func chunkOf(size int32, vectors ...[]byte) []byte {
	b := appendListHeader(appendI32Field(nil, 1, size), 2, tStruct, len(vectors))
	return append(cat(append([][]byte{b}, vectors...)...), tStop)
}

func vecOf(fields ...[]byte) []byte  { return append(cat(fields...), tStop) }
func sizeF(n int32) []byte           { return appendI32Field(nil, 1, n) }
func typeF(t VectorType) []byte      { return appendI32Field(nil, 2, int32(t)) }
func constF(c bool) []byte           { return appendBoolField(nil, 5, c) }
func i64F(id int16, v int64) []byte  { return appendI64Field(nil, id, v) }
func strF(id int16, s string) []byte { return appendStringField(nil, id, s) }
func structF(id int16, f ...[]byte) []byte {
	return append(cat(append([][]byte{appendField(nil, tStruct, id)}, f...)...), tStop)
}
func dataF(member int16, f ...[]byte) []byte { return structF(4, structF(member, f...)) }

func nullsF(n ...bool) []byte {
	b := appendListHeader(nil, 3, tBool, len(n))
	for _, x := range n {
		b = append(b, boolByte(x))
	}
	return b
}

func i64ListF(id int16, xs ...int64) []byte {
	return appendI64s(appendListHeader(nil, id, tI64, len(xs)), xs)
}

func strListF(id int16, xs ...string) []byte {
	b := appendListHeader(nil, id, tString, len(xs))
	for _, s := range xs {
		b = append(appendI32(b, int32(len(s))), s...)
	}
	return b
}

func appendI32(b []byte, v int32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func TestSpecExample(t *testing.T) {
	// One LONG column, rows [7, NULL], byte for byte.
	in, _ := hex.DecodeString(strings.Join([]string{
		"080001", "00000002", "0f0002", "0c", "00000001",
		"080001", "00000002", "080002", "00000006",
		"0f0003", "02", "00000002", "0001",
		"0c0004", "0c0003",
		"0f0001", "0a", "00000002", "0000000000000007", "0000000000000000",
		"00", "00", "020005", "00", "00", "00",
	}, ""))
	c, err := DecodeChunk(in)
	if err != nil {
		t.Fatal(err)
	}
	v := &c.Vectors[0]
	if c.Size != 2 || v.Value(0) != int64(7) || v.Value(1) != nil {
		t.Fatalf("got size %d values %v %v", c.Size, v.Value(0), v.Value(1))
	}
	out, err := AppendChunk(nil, &Chunk{Size: 2, Vectors: []Vector{{Type: Long, Size: 2, Int64s: []int64{7, 0}, Nulls: []bool{false, true}}}})
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("encode: %v\n got %x\nwant %x", err, out, in)
	}
}

func TestDecodeEndOfResults(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty input":        nil,
		"size 0":             chunkOf(0),
		"negative size":      chunkOf(-3, vecOf(sizeF(0), typeF(Long))),
		"no size field":      append(appendListHeader(nil, 2, tStruct, 0), tStop),
		"size of wrong type": vecOf(i64F(1, 5)), // skipped as Thrift does: no size
	} {
		c, err := DecodeChunk(in)
		if err != nil || c.Size != 0 || len(c.Vectors) != 0 {
			t.Errorf("%s: got %+v, %v", name, c, err)
		}
	}
}

func TestDecodeAccepts(t *testing.T) {
	unknownStuff := cat(
		strF(6, "+05:30"), strF(7, "yyyy"), // zoneOffset, format
		structF(40, i64F(1, 1), appendListHeader(nil, 2, tStruct, 1), []byte{0}, // nested unknowns
			append(appendField(nil, tMap, 3), tString, tI32, 0, 0, 0, 1, 0, 0, 0, 1, 'k', 0, 0, 0, 9),
			append(appendField(nil, tSet, 4), tI64, 0, 0, 0, 0)),
	)
	cases := []struct {
		name string
		in   []byte
		want []any
	}{
		{"unknown fields everywhere", chunkOf(2, vecOf(sizeF(2), typeF(Long), unknownStuff, dataF(mInt64, i64ListF(1, 1, 2), strF(9, "x")), constF(false))), []any{int64(1), int64(2)}},
		{"missing nullSet means no NULLs", chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mInt64, i64ListF(1, 4)))), []any{int64(4)}},
		{"longer list than size", chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mInt64, i64ListF(1, 4, 5)))), []any{int64(4)}},
		{"type after data: STRING", chunkOf(1, vecOf(sizeF(1), dataF(mVarchar, strListF(1, "hé")), typeF(String))), []any{"hé"}},
		{"type after data: BINARY", chunkOf(1, vecOf(sizeF(1), dataF(mVarchar, strListF(1, "\xff")), typeF(Binary))), []any{[]byte{0xff}}},
		{"duplicate type turns text to BINARY", chunkOf(1, vecOf(sizeF(1), typeF(String), dataF(mVarchar, strListF(1, "ab")), typeF(Binary))), []any{[]byte("ab")}},
		{"duplicate type turns BINARY to text", chunkOf(1, vecOf(sizeF(1), typeF(Binary), dataF(mVarchar, strListF(1, "ab")), typeF(Map))), []any{"ab"}},
		{"TIMESTAMP in int64Data", chunkOf(1, vecOf(sizeF(1), typeF(Timestamp), dataF(mInt64, i64ListF(1, -1)))), []any{MicrosToTime(-1)}},
		{"INT96 in dateData", chunkOf(1, vecOf(sizeF(1), typeF(Int96), dataF(mDate, i64ListF(1, 5)))), []any{MicrosToTime(5)}},
		{"INT96 constant numeric", chunkOf(2, vecOf(sizeF(2), typeF(Int96), dataF(mNumericConst, i64F(1, 5)), constF(true))), []any{MicrosToTime(5), MicrosToTime(5)}},
		{"NULL constant without value", chunkOf(2, vecOf(sizeF(2), typeF(String), nullsF(true), dataF(mVarcharConst), constF(true))), []any{nil, nil}},
		{"NULL type ignores data and nullSet", chunkOf(2, vecOf(sizeF(2), typeF(Null), nullsF(false, false), dataF(mInt64, i64ListF(1, 1)))), []any{nil, nil}},
		{"zone of NULL row not parsed", chunkOf(2, vecOf(sizeF(2), typeF(TimestampTZ), nullsF(false, true), dataF(mTime, i64ListF(1, 0, 0), strListF(2, "UTC+01", "Nowhere/Zone")))), []any{MicrosToTime(0).In(mustZone(t, "+01:00")), nil}},
		{"decimal without scale", chunkOf(1, vecOf(sizeF(1), typeF(Decimal128), dataF(mDecimal, strListF(1, "\x85")))), []any{"-123"}},
		{"extra vectors kept", chunkOf(1, vecOf(sizeF(1), typeF(Null)), vecOf(sizeF(1), typeF(Null))), []any{nil}},
		{"trailing bytes ignored", append(chunkOf(1, vecOf(sizeF(1), typeF(Null))), 0xde, 0xad), []any{nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeChunk(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			for r, want := range tc.want {
				assertValue(t, c.Vectors[0].Value(r), want, r)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	deep := []byte{}
	for i := 0; i < 100; i++ {
		deep = append(deep, appendField(nil, tStruct, 1)...)
	}
	cases := []struct {
		name, in string
		why      string
	}{
		{"unknown vectorType", string(chunkOf(1, vecOf(sizeF(1), typeF(99)))), "unknown vectorType"},
		{"no vectorType", string(chunkOf(1, vecOf(sizeF(1)))), "without vectorType"},
		{"negative vector size", string(chunkOf(1, vecOf(sizeF(-1), typeF(Null)))), "negative Vector.size"},
		{"vector size differs", string(chunkOf(2, vecOf(sizeF(1), typeF(Null)))), "has 1 rows"},
		{"huge list count", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mInt64, appendListHeader(nil, 1, tI64, 1<<30))))), "exceeds the remaining"},
		{"negative list count", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mInt64, appendListHeader(nil, 1, tI64, -1))))), "negative list count"},
		{"wrong element type", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mInt64, appendListHeader(nil, 1, tI32, 1), []byte{0, 0, 0, 0})))), "element type"},
		{"negative string length", string(chunkOf(1, vecOf(sizeF(1), typeF(String), dataF(mVarchar, appendListHeader(nil, 1, tString, 1), []byte{0xff, 0xff, 0xff, 0xff})))), "negative string length"},
		{"short list", string(chunkOf(2, vecOf(sizeF(2), typeF(Long), dataF(mInt64, i64ListF(1, 1))))), "1 values for 2 rows"},
		{"short nullSet", string(chunkOf(2, vecOf(sizeF(2), typeF(Long), nullsF(true), dataF(mInt64, i64ListF(1, 1, 2))))), "nullSet has 1"},
		{"no data", string(chunkOf(1, vecOf(sizeF(1), typeF(Long)))), "has no data"},
		{"wrong member", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mBool, appendListHeader(nil, 1, tBool, 1), []byte{1})))), "cannot carry LONG"},
		{"INT96 as text", string(chunkOf(1, vecOf(sizeF(1), typeF(Int96), dataF(mVarchar, strListF(1, "abcdefghijkl"))))), "cannot carry INT96"},
		{"constant member, not constant", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), dataF(mNumericConst, i64F(1, 1))))), "isConstantVector"},
		{"INTEGER constant too big", string(chunkOf(1, vecOf(sizeF(1), typeF(Integer), dataF(mNumericConst, i64F(1, 1<<31)), constF(true)))), "32 bits"},
		{"empty decimal", string(chunkOf(1, vecOf(sizeF(1), typeF(Decimal128), dataF(mDecimal, strListF(1, ""))))), "empty DECIMAL128"},
		{"unknown zone", string(chunkOf(1, vecOf(sizeF(1), typeF(TimestampTZ), dataF(mTime, i64ListF(1, 0), strListF(2, "Mars/Olympus"))))), "unknown time zone"},
		{"short zone list", string(chunkOf(2, vecOf(sizeF(2), typeF(TimestampTZ), dataF(mTime, i64ListF(1, 0, 0), strListF(2, "Z"))))), "zoneData has 1"},
		{"two union members", string(chunkOf(1, vecOf(sizeF(1), typeF(Long), structF(4, structF(mInt64, i64ListF(1, 1)), structF(mDate, i64ListF(1, 1)))))), "more than one member"},
		{"too deep", string(append(appendI32Field(nil, 1, 1), append(append(appendField(nil, tStruct, 9), deep...), make([]byte, 101)...)...)), "nested deeper"},
		{"unknown thrift type", string(append(appendI32Field(nil, 1, 1), 1, 0, 9)), "unknown Thrift type"},
		{"truncated header", "\x08\x00", "truncated"},
		{"missing STOP", string(sizeF(1)), "truncated struct"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeChunk([]byte(tc.in))
			var de *DecodeError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &de) || de.Part != "chunk" {
				t.Fatalf("got %+v, %v; want a chunk DecodeError", c, err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("error %q does not mention %q", err, tc.why)
			}
		})
	}
	_, err := DecodeChunk(chunkOf(1, vecOf(sizeF(1), typeF(TimestampTZ), dataF(mTime, i64ListF(1, 0), strListF(2, "Nope")))))
	if !errors.Is(err, ErrUnknownZone) {
		t.Errorf("unknown zone error %v does not wrap ErrUnknownZone", err)
	}
}

// TestDecodeRejectsUnreadBytesWithoutColumns checks that bytes a result with no columns leaves
// unread are an error, not an empty result: any input starting with a zero byte would otherwise
// read as the end of the results, and any metadata with a zero count as a result without columns.
func TestDecodeRejectsUnreadBytesWithoutColumns(t *testing.T) {
	for name, in := range map[string][]byte{
		"end marker then bytes":          {0, 0xde, 0xad},
		"size 0 then bytes":              append(appendI32Field(nil, 1, 0), 0, 1),
		"rows without vectors then byte": append(appendI32Field(nil, 1, 3), 0, 0),
		"empty vector list then bytes":   append(chunkOf(2), 7),
	} {
		c, err := DecodeChunk(in)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "after a Chunk without vectors") {
			t.Errorf("%s: got %+v, %v; want a DecodeError", name, c, err)
		}
	}
	// Without trailing bytes these are all fine.
	for _, in := range [][]byte{{}, {0}, append(appendI32Field(nil, 1, 0), 0), chunkOf(2)} {
		if _, err := DecodeChunk(in); err != nil {
			t.Errorf("DecodeChunk(% x): %v", in, err)
		}
	}

	zero := []byte{0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0}
	if m, err := DecodeMetadata(zero); err != nil || len(m.Fields) != 0 || m.RowCount != 5 {
		t.Errorf("zero columns: %+v, %v", m, err)
	}
	m, err := DecodeMetadata(append(zero, 0, 2, 'i', 'd'))
	var de *DecodeError
	if !errors.As(err, &de) || de.Part != "metadata" || de.Offset != 12 {
		t.Errorf("zero columns and trailing bytes: %+v, %v; want a metadata DecodeError at byte 12", m, err)
	}
}

// TestDecodeRejectsDecimalScale checks that a DECIMAL128 scale beyond MaxDecimalScale is an
// error: DecimalString refuses it, so every row would otherwise read as NULL.
func TestDecodeRejectsDecimalScale(t *testing.T) {
	scaleF := func(n int32) []byte { return appendI32Field(nil, 2, n) }
	for _, scale := range []int32{MaxDecimalScale + 1, -MaxDecimalScale - 1, 1 << 30, -1 << 31} {
		in := chunkOf(1, vecOf(sizeF(1), typeF(Decimal128), dataF(mDecimal, strListF(1, "\x01"), scaleF(scale))))
		c, err := DecodeChunk(in)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "scale") {
			t.Errorf("scale %d: got %+v, %v; want a DecodeError", scale, c, err)
		}
		inConst := chunkOf(2, vecOf(sizeF(2), typeF(Decimal128), dataF(mDecimalConst, strF(1, "\x01"), scaleF(scale)), constF(true)))
		if c, err := DecodeChunk(inConst); !errors.Is(err, ErrCorrupt) {
			t.Errorf("constant, scale %d: got %+v, %v; want a DecodeError", scale, c, err)
		}
	}
	in := chunkOf(1, vecOf(sizeF(1), typeF(Decimal128), dataF(mDecimal, strListF(1, "\x01"), scaleF(MaxDecimalScale))))
	c, err := DecodeChunk(in)
	if err != nil || c.Vectors[0].Value(0) == nil {
		t.Errorf("scale %d: %v", MaxDecimalScale, err)
	}
}
