// Package thriftcompare measures Apache Thrift's generated Go code decoding the same
// 1,000,000-row × 8-column batch as codec's BenchmarkDecodeChunk, to justify codec's own
// decoder. It is a separate module so the main module never depends on Thrift. Regenerate the
// code with: thrift --gen go -out . chunk.thrift
package thriftcompare

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/codec/thriftcompare/chunk"
)

const rows = 1_000_000

// batch builds the same batch as codec's bench_test.go and encodes it with codec.AppendChunk.
var batch = sync.OnceValue(func() []byte {
	n := rows
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
		str[i] = "customer-" + strconv.Itoa(i*13)
		bools[i] = i%3 == 0
		datetime[i] = 1_700_000_000_000_000 + int64(i)*1_000_003
		d, _ := codec.ParseDecimal(strconv.Itoa(i*101)+".25", 2)
		dec[i] = make([]byte, 16)
		copy(dec[i][16-len(d):], d)
		date[i] = int64(i%20000-10000) * 86_400_000_000
		nulls[i] = i%10 == 7
	}
	c := &codec.Chunk{Size: n, Vectors: []codec.Vector{
		{Type: codec.Long, Size: n, Int64s: long},
		{Type: codec.Integer, Size: n, Int64s: integer, Nulls: nulls},
		{Type: codec.Double, Size: n, Float64s: double},
		{Type: codec.String, Size: n, Strings: str, Nulls: nulls},
		{Type: codec.Boolean, Size: n, Bools: bools},
		{Type: codec.DateTime, Size: n, Int64s: datetime, Nulls: nulls},
		{Type: codec.Decimal128, Size: n, Bytes: dec, Scale: 2},
		{Type: codec.Date, Size: n, Int64s: date},
	}}
	b, err := codec.AppendChunk(nil, c)
	if err != nil {
		panic(err)
	}
	return b
})

func decodeThrift(tb testing.TB, b []byte) *chunk.Chunk {
	buf := thrift.NewTMemoryBufferLen(len(b))
	buf.Write(b)
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{MaxMessageSize: 1 << 30})
	var c chunk.Chunk
	if err := c.Read(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	return &c
}

// TestSameBytes checks that Thrift reads our encoding and writes exactly the same bytes back.
func TestSameBytes(t *testing.T) {
	c := decodeThrift(t, batch())
	if c.Size != rows || len(c.Vectors) != 8 {
		t.Fatalf("size %d vectors %d", c.Size, len(c.Vectors))
	}
	buf := thrift.NewTMemoryBuffer()
	if err := c.Write(context.Background(), thrift.NewTBinaryProtocolConf(buf, nil)); err != nil {
		t.Fatal(err)
	}
	if got := buf.Bytes(); string(got) != string(batch()) {
		t.Fatalf("Thrift re-encodes %d bytes differently from codec's %d", len(got), len(batch()))
	}
}

// BenchmarkThriftDecode: Thrift's generated reader (row structs inside per-type lists).
func BenchmarkThriftDecode(b *testing.B) {
	in := batch()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		decodeThrift(b, in)
	}
}

// BenchmarkCodecDecode: codec.DecodeChunk on the same bytes, in the same process.
func BenchmarkCodecDecode(b *testing.B) {
	in := batch()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := codec.DecodeChunk(in); err != nil {
			b.Fatal(err)
		}
	}
}
