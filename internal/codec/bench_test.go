package codec_test

import (
	"sync"
	"testing"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/codec/codectest"
)

const benchRows = 1_000_000

var benchChunk = sync.OnceValues(func() (*codec.Chunk, []byte) {
	c := codectest.MixedChunk(0, benchRows)
	b, err := codec.AppendChunk(nil, c)
	if err != nil {
		panic(err)
	}
	return c, b
})

// BenchmarkDecodeChunk decodes a 1,000,000-row × 8-column batch (LONG, INTEGER, DOUBLE,
// STRING, BOOLEAN, TIMESTAMP, DECIMAL128, DATE; 10% NULLs in three columns) per iteration.
func BenchmarkDecodeChunk(b *testing.B) {
	_, in := benchChunk()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := codec.DecodeChunk(in)
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
		if buf, err = codec.AppendChunk(buf[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValue converts one whole row (8 values) of the decoded batch per operation, as a
// driver's Rows.Next does.
func BenchmarkValue(b *testing.B) {
	_, in := benchChunk()
	c, err := codec.DecodeChunk(in)
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
