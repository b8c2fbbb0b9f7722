// Package codectest builds the result batches that the benchmarks of several packages share, so
// that the codec's, the driver's and the benchmark suite's figures are about the same data.
package codectest

import (
	"fmt"
	"strconv"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// MixedFields are the 8 columns of MixedChunk, named as the benchmarks' SQL names them.
var MixedFields = []codec.Field{
	{Name: "id", Type: "LONG"}, {Name: "qty", Type: "INTEGER"}, {Name: "price", Type: "DOUBLE"},
	{Name: "name", Type: "STRING"}, {Name: "flag", Type: "BOOLEAN"}, {Name: "ts", Type: "TIMESTAMP"},
	{Name: "amount", Type: "DECIMAL128"}, {Name: "day", Type: "DATE"},
}

// MixedChunk returns rows [from, from+n) of a deterministic result of 8 mixed columns (LONG,
// INTEGER, DOUBLE, STRING, BOOLEAN, TIMESTAMP, DECIMAL128 in 16 bytes, DATE), with 10% NULLs
// in INTEGER, STRING and TIMESTAMP. Row i's values depend only on i, so batches built apart
// join into one result.
func MixedChunk(from, n int) *codec.Chunk {
	long, integer, ts, date := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	double := make([]float64, n)
	str := make([]string, n)
	bools := make([]bool, n)
	dec := make([][]byte, n)
	nulls := make([]bool, n)
	for j := range n {
		i := from + j
		long[j] = int64(i) * 7919
		integer[j] = int64(int32(i * 31))
		double[j] = float64(i) * 0.25
		str[j] = "customer-" + strconv.Itoa(i*13) // 10-17 bytes
		bools[j] = i%3 == 0
		ts[j] = 1_700_000_000_000_000 + int64(i)*1_000_003
		d, err := codec.ParseDecimal(strconv.Itoa(i*101)+".25", 2)
		if err != nil {
			panic(fmt.Sprintf("codectest: decimal of row %d: %v", i, err)) // cannot happen: the text is well formed
		}
		dec[j] = make([]byte, 16) // DECIMAL(38) values arrive as 16 bytes
		copy(dec[j][16-len(d):], d)
		date[j] = int64(i%20000-10000) * 86_400_000_000
		nulls[j] = i%10 == 7
	}
	return &codec.Chunk{Size: n, Vectors: []codec.Vector{
		{Type: codec.Long, Size: n, Int64s: long},
		{Type: codec.Integer, Size: n, Int64s: integer, Nulls: nulls},
		{Type: codec.Double, Size: n, Float64s: double},
		{Type: codec.String, Size: n, Strings: str, Nulls: nulls},
		{Type: codec.Boolean, Size: n, Bools: bools},
		{Type: codec.Timestamp, Size: n, Int64s: ts, Nulls: nulls},
		{Type: codec.Decimal128, Size: n, Bytes: dec, Scale: 2},
		{Type: codec.Date, Size: n, Int64s: date},
	}}
}

// EncodedMixedChunk is MixedChunk encoded.
func EncodedMixedChunk(from, n int) []byte {
	b, err := codec.AppendChunk(nil, MixedChunk(from, n))
	if err != nil {
		panic(fmt.Sprintf("codectest: encode: %v", err)) // cannot happen: the chunk is well formed
	}
	return b
}
