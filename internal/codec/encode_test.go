package codec

import (
	"errors"
	"math"
	"testing"
)

func TestAppendChunkRejects(t *testing.T) {
	cases := map[string]*Chunk{
		"nil chunk":          nil,
		"negative size":      {Size: -1},
		"vector size":        {Size: 2, Vectors: []Vector{{Type: Long, Size: 1, Int64s: []int64{1}}}},
		"short data":         {Size: 2, Vectors: []Vector{{Type: Long, Size: 2, Int64s: []int64{1}}}},
		"wrong slice":        {Size: 1, Vectors: []Vector{{Type: Long, Size: 1, Float64s: []float64{1}}}},
		"constant two":       {Size: 2, Vectors: []Vector{{Type: Long, Size: 2, Constant: true, Int64s: []int64{1, 2}}}},
		"nulls length":       {Size: 2, Vectors: []Vector{{Type: Long, Size: 2, Int64s: []int64{1, 2}, Nulls: []bool{true}}}},
		"unknown type":       {Size: 1, Vectors: []Vector{{Type: 99, Size: 1}}},
		"integer range":      {Size: 1, Vectors: []Vector{{Type: Integer, Size: 1, Int64s: []int64{math.MaxInt32 + 1}}}},
		"const integer":      {Size: 1, Vectors: []Vector{{Type: Integer, Size: 1, Constant: true, Int64s: []int64{math.MinInt32 - 1}}}},
		"empty decimal":      {Size: 1, Vectors: []Vector{{Type: Decimal128, Size: 1, Bytes: [][]byte{nil}}}},
		"decimal scale":      {Size: 1, Vectors: []Vector{{Type: Decimal128, Size: 1, Bytes: [][]byte{{1}}, Scale: math.MaxInt32}}},
		"zones length":       {Size: 2, Vectors: []Vector{{Type: TimestampTZ, Size: 2, Int64s: []int64{1, 2}, Zones: []string{"Z"}}}},
		"unknown zone":       {Size: 1, Vectors: []Vector{{Type: TimestampTZ, Size: 1, Int64s: []int64{1}, Zones: []string{"Nowhere"}}}},
		"second vector only": {Size: 1, Vectors: []Vector{{Type: Null, Size: 1}, {Type: Boolean, Size: 1}}},
	}
	for name, c := range cases {
		out, err := AppendChunk([]byte("keep"), c)
		if !errors.Is(err, ErrInvalid) || string(out) != "keep" {
			t.Errorf("%s: got %q, %v; want ErrInvalid and dst unchanged", name, out, err)
		}
	}
	// A NULL row may hold an empty decimal and an unknown zone: their slots are ignored.
	ok := &Chunk{Size: 1, Vectors: []Vector{
		{Type: Decimal128, Size: 1, Bytes: [][]byte{nil}, Nulls: []bool{true}},
		{Type: TimestampTZ, Size: 1, Int64s: []int64{0}, Zones: []string{"Nowhere"}, Nulls: []bool{true}},
	}}
	if _, err := AppendChunk(nil, ok); err != nil {
		t.Errorf("NULL slots: %v", err)
	}
}

func TestAppendChunkAppends(t *testing.T) {
	c := &Chunk{Size: 1, Vectors: []Vector{{Type: Boolean, Size: 1, Bools: []bool{true}}}}
	one, _ := AppendChunk(nil, c)
	two, err := AppendChunk([]byte("xy"), c)
	if err != nil || string(two) != "xy"+string(one) {
		t.Fatalf("got %q, %v", two, err)
	}
}
