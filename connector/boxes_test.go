package connector_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
)

// TestValuesKeptAcrossRows scans every column into interfaces and keeps them all: values of
// later rows are boxed next to earlier ones (Next boxes numbers and times a slab at a time) and
// must not change them. A second, typed pass over the same rows is the expectation.
func TestValuesKeptAcrossRows(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100})
	_, err := srv.Exec(`CREATE TABLE kept (id BIGINT, quantity INT, total DECIMAL(12,2), discount DOUBLE,
		status STRING, ordered_at TIMESTAMP, ship_date DATE)`)
	require.NoError(t, err)
	base := time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)
	for i := range 1000 {
		var qty any = i % 50
		if i%7 == 3 {
			qty = nil
		}
		_, err := srv.Exec(`INSERT INTO kept VALUES (?, ?, ?, ?, ?, ?, ?)`, i, qty, fmt.Sprintf("%d.%02d", i*3, i%100),
			float64(i)/8, fmt.Sprintf("status-%d", i), base.Add(time.Duration(i)*time.Minute), base.AddDate(0, 0, i).Format(time.DateOnly))
		require.NoError(t, err)
	}
	ctx := testCtx(t)
	const q = `SELECT id, quantity, total, discount, status, ordered_at, ship_date FROM kept ORDER BY id`

	rows, err := db.QueryContext(ctx, q)
	require.NoError(t, err)
	var kept [][]any
	for rows.Next() {
		vals := make([]any, 7)
		ptrs := make([]any, 7)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		kept = append(kept, vals)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Len(t, kept, 1000)

	rows, err = db.QueryContext(ctx, q)
	require.NoError(t, err)
	defer rows.Close()
	for r := 0; rows.Next(); r++ {
		var (
			id, qty          *int64
			total, status    *string
			discount         *float64
			ordered, shipped *time.Time
		)
		require.NoError(t, rows.Scan(&id, &qty, &total, &discount, &status, &ordered, &shipped))
		want := []any{deref(id), deref(qty), deref(total), deref(discount), deref(status), deref(ordered), deref(shipped)}
		require.Equal(t, want, kept[r], "row %d", r)
	}
	require.NoError(t, rows.Err())
}

// deref returns *p, or nil for a nil p.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
