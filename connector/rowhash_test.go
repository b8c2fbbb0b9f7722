package connector

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/maphash"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock"
)

// The replay checksum must tell apart values of different types that are stored alike, and
// must not depend on how a result is cut into batches or on a NULL's vector type.
func TestRowHashesCoverTheType(t *testing.T) {
	seed := maphash.MakeSeed()
	one := func(v codec.Vector) uint64 {
		v.Size = 1
		return rowHashes(nil, &codec.Chunk{Size: 1, Vectors: []codec.Vector{v}}, 1, seed)[0]
	}
	for _, tc := range []struct {
		name string
		a, b codec.Vector
		same bool
	}{
		{"STRING and ARRAY with the same text", codec.Vector{Type: codec.String, Strings: []string{"[1,2]"}},
			codec.Vector{Type: codec.Array, Strings: []string{"[1,2]"}}, false},
		{"INTEGER and LONG with the same number", codec.Vector{Type: codec.Integer, Int64s: []int64{7}},
			codec.Vector{Type: codec.Long, Int64s: []int64{7}}, false},
		{"LONG and DATE with the same number", codec.Vector{Type: codec.Long, Int64s: []int64{7}},
			codec.Vector{Type: codec.Date, Int64s: []int64{7}}, false},
		{"equal LONGs, one constant", codec.Vector{Type: codec.Long, Int64s: []int64{7}},
			codec.Vector{Type: codec.Long, Int64s: []int64{7}, Constant: true}, true},
		{"NULL in a LONG column and in a NULL vector", codec.Vector{Type: codec.Long, Int64s: []int64{0}, Nulls: []bool{true}},
			codec.Vector{Type: codec.Null}, true},
	} {
		if tc.same {
			assert.Equal(t, one(tc.a), one(tc.b), tc.name)
		} else {
			assert.NotEqual(t, one(tc.a), one(tc.b), tc.name)
		}
	}
}

// Rows past replay-limit are not hashed: once one of them was handed out, the query cannot be
// replayed anyway.
func TestRowsStopHashingPastReplayLimit(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{BatchRows: 10})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	cfg, err := ParseDSN(srv.DSN() + "&prefetch=1&replay-limit=25")
	require.NoError(t, err)
	dc, err := NewConnector(*cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = dc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dconn, err := dc.Connect(ctx)
	require.NoError(t, err)
	defer dconn.Close()
	drows, err := dconn.(*Conn).QueryContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60) SELECT x FROM c", nil)
	require.NoError(t, err)
	r := drows.(*rows)
	defer r.Close()
	dest := make([]driver.Value, 1)
	for i := range 60 {
		require.NoError(t, r.Next(dest))
		require.Equal(t, int64(i+1), dest[0])
		// Batches start at rows 0, 10, 20, ...: those starting before row 25 are hashed.
		assert.Equal(t, i < 30, r.curHash != nil, "row %d", i)
	}
	assert.Equal(t, io.EOF, r.Next(dest))
}

// The per-type loops of hashColumn are a fast path: for every type, with and without NULLs,
// they give the hashes valueHash gives one value at a time (a re-run's batches may take either
// path).
func TestRowHashesFastPathAgreesWithPerValue(t *testing.T) {
	seed := maphash.MakeSeed()
	const n = 97
	nulls := make([]bool, n)
	for i := range nulls {
		nulls[i] = i%7 == 3
	}
	ints, floats, bools, strs := make([]int64, n), make([]float64, n), make([]bool, n), make([]string, n)
	for i := range n {
		ints[i], floats[i], bools[i], strs[i] = int64(i*i)-500, float64(i)/3, i%2 == 0, fmt.Sprint("s", i)
	}
	for _, v := range []codec.Vector{
		{Type: codec.Long, Int64s: ints}, {Type: codec.Integer, Int64s: ints}, {Type: codec.Date, Int64s: ints},
		{Type: codec.Timestamp, Int64s: ints}, {Type: codec.Double, Float64s: floats}, {Type: codec.Float, Float64s: floats},
		{Type: codec.Boolean, Bools: bools}, {Type: codec.String, Strings: strs}, {Type: codec.Array, Strings: strs},
	} {
		for _, withNulls := range []bool{false, true} {
			v.Size = n
			v.Nulls = nil
			if withNulls {
				v.Nulls = nulls
			}
			fast := make([]uint64, n)
			hashColumn(fast, &v, seed)
			slow := make([]uint64, n)
			hashSlow(slow, &v, mix(uint64(v.Type)), seed)
			assert.Equal(t, slow, fast, "%s, NULLs %v", v.Type, withNulls)
		}
	}
}

// A DECIMAL128 value hashes alike whether a batch sends it in its minimal two's complement or
// sign-extended to 16 bytes (a re-run may encode it either way), and unlike at another scale.
func TestRowHashesDecimalEncodings(t *testing.T) {
	seed := maphash.MakeSeed()
	one := func(b []byte, scale int32) uint64 {
		v := codec.Vector{Type: codec.Decimal128, Size: 1, Bytes: [][]byte{b}, Scale: scale}
		return rowHashes(nil, &codec.Chunk{Size: 1, Vectors: []codec.Vector{v}}, 1, seed)[0]
	}
	minus := []byte{0xff, 0xfe} // -2
	minus16 := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}
	plus := []byte{0x00, 0x80} // 128: the 0 byte is needed
	plus16 := append(make([]byte, 14), 0x00, 0x80)
	assert.Equal(t, one(minus, 2), one(minus16, 2))
	assert.Equal(t, one(plus, 2), one(plus16, 2))
	assert.NotEqual(t, one(plus, 2), one([]byte{0x80}, 2), "128 and -128")
	assert.NotEqual(t, one(plus, 2), one(plus, 3), "another scale")
}
