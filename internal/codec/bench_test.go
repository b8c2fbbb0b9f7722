package codec

import (
	"strconv"
	"sync"
	"testing"
)

const benchRows = 1_000_000

var benchChunk = sync.OnceValues(func() (*Chunk, []byte) {
	n := benchRows
	long, integer, datetime, date := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	double := make([]float64, n)
	str := make([]string, n)
	bools := make([]bool, n)
	dec := make([][]byte, n)
	nulls := make([]bool, n)
	for i := range n {
		long[i] = int64(i) * 7919
		integer[i] = int64(int32(i * 31))
		double[i] = float64(i) * 0.25
		str[i] = "customer-" + strconv.Itoa(i*13) // 10-17 bytes
		bools[i] = i%3 == 0
		datetime[i] = 1_700_000_000_000_000 + int64(i)*1_000_003
		d, _ := ParseDecimal(strconv.Itoa(i*101)+".25", 2)
		dec[i] = make([]byte, 16) // DECIMAL(38) values arrive as 16 bytes
		copy(dec[i][16-len(d):], d)
		date[i] = int64(i%20000-10000) * 86_400_000_000
		nulls[i] = i%10 == 7
	}
	c := &Chunk{Size: n, Vectors: []Vector{
		{Type: Long, Size: n, Int64s: long},
		{Type: Integer, Size: n, Int64s: integer, Nulls: nulls},
		{Type: Double, Size: n, Float64s: double},
		{Type: String, Size: n, Strings: str, Nulls: nulls},
		{Type: Boolean, Size: n, Bools: bools},
		{Type: DateTime, Size: n, Int64s: datetime, Nulls: nulls},
		{Type: Decimal128, Size: n, Bytes: dec, Scale: 2},
		{Type: Date, Size: n, Int64s: date},
	}}
	b, err := AppendChunk(nil, c)
	if err != nil {
		panic(err)
	}
	return c, b
})

// BenchmarkDecodeChunk decodes a 1,000,000-row × 8-column batch (LONG, INTEGER, DOUBLE,
// STRING, BOOLEAN, DATETIME, DECIMAL128, DATE; 10% NULLs in three columns) per iteration.
func BenchmarkDecodeChunk(b *testing.B) {
	_, in := benchChunk()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := DecodeChunk(in)
		if err != nil || c.Size != benchRows {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendChunk encodes the same batch (the mock cluster's side).
func BenchmarkAppendChunk(b *testing.B) {
	c, in := benchChunk()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	buf := make([]byte, 0, len(in))
	for b.Loop() {
		var err error
		if buf, err = AppendChunk(buf[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValue converts one whole row (8 values) of the decoded batch per operation, as a
// driver's Rows.Next does.
func BenchmarkValue(b *testing.B) {
	_, in := benchChunk()
	c, err := DecodeChunk(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	dest := make([]any, len(c.Vectors))
	row := 0
	for b.Loop() {
		for i := range c.Vectors {
			dest[i] = c.Vectors[i].Value(row)
		}
		if row++; row == c.Size {
			row = 0
		}
	}
}
