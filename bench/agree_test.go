package bench_test

import (
	"context"

	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock"
)

// TestWaysAgree checks that the three ways the benchmarks compare do the same work: over the
// scan's scripted result (16,000 rows) and SELECT 1, the raw stubs, database/sql and GORM read
// the same rows and values, so their ratios compare like with like.
func TestWaysAgree(t *testing.T) {
	srv := startScanMock(t, 2)
	ctx := context.Background()

	r := openRaw(t, srv)
	var raw [][]any
	var boxes codec.Boxes
	require.NoError(t, r.query(ctx, scanSQL, func(c *codec.Chunk) bool {
		for row := range c.Size {
			vals := make([]any, len(c.Vectors))
			for i := range vals {
				vals[i] = c.Vectors[i].ValueIn(row, &boxes)
			}
			raw = append(raw, vals)
		}
		return true
	}))
	require.Len(t, raw, 2*scanBatch)

	db := openSQL(t, srv)
	rs, err := db.QueryContext(ctx, scanSQL)
	require.NoError(t, err)
	var viaSQL [][]any
	for rs.Next() {
		vals := make([]any, 8)
		dest := make([]any, len(vals))
		for i := range vals {
			dest[i] = &vals[i]
		}
		require.NoError(t, rs.Scan(dest...))
		viaSQL = append(viaSQL, vals)
	}
	require.NoError(t, rs.Err())
	require.NoError(t, rs.Close())
	assert.Equal(t, raw, viaSQL, "database/sql reads what the raw stubs read")

	gdb := openGORM(t, srv)
	grs, err := gdb.Raw(scanSQL).Rows()
	require.NoError(t, err)
	defer grs.Close()
	n := 0
	for grs.Next() {
		var got scanRow
		require.NoError(t, gdb.ScanRows(grs, &got))
		want := raw[n]
		assert.Equal(t, want[0], got.ID)
		assert.Equal(t, want[1] == nil, got.Qty == nil)
		if got.Qty != nil {
			assert.Equal(t, want[1], *got.Qty)
		}
		assert.Equal(t, want[2], got.Price)
		if assert.Equal(t, want[3] == nil, got.Name == nil) && got.Name != nil {
			assert.Equal(t, want[3], *got.Name)
		}
		assert.Equal(t, want[4], got.Flag)
		if assert.Equal(t, want[5] == nil, got.Ts == nil) && got.Ts != nil {
			assert.Equal(t, want[5], *got.Ts)
		}
		assert.Equal(t, want[6], got.Amount)
		assert.Equal(t, want[7], got.Day)
		n++
		if t.Failed() {
			t.Fatalf("GORM's row %d differs from the raw stubs'", n-1)
		}
	}
	require.NoError(t, grs.Err())
	assert.Equal(t, len(raw), n)

	var one, oneSQL, oneGORM int
	require.NoError(t, r.query(ctx, select1, func(c *codec.Chunk) bool {
		v, _ := c.Vectors[0].Value(0).(int64)
		one = int(v)
		return false
	}))
	require.NoError(t, db.QueryRowContext(ctx, select1).Scan(&oneSQL))
	require.NoError(t, gdb.Raw(select1).Scan(&oneGORM).Error)
	assert.Equal(t, []int{1, 1, 1}, []int{one, oneSQL, oneGORM})
}

// TestRawClientReportsErrors checks that the raw client fails where the driver would, so a
// benchmark cannot measure a query that did not run.
func TestRawClientReportsErrors(t *testing.T) {
	srv := startMock(t, mock.Options{})
	require.NoError(t, srv.PutError("SELECT broken", "no such column: broken"))
	err := openRaw(t, srv).query(context.Background(), "SELECT broken", func(*codec.Chunk) bool { return true })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no such column: broken")
}
