package connector

import (
	"context"
	"database/sql/driver"
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
		return rowHashes(&codec.Chunk{Size: 1, Vectors: []codec.Vector{v}}, 1, seed)[0]
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
