package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  string
	}{
		{"literals", `SELECT ? , ?`, []any{"it's", 42}, `SELECT 'it\'s' , 42`},
		{"quoted and commented ? stay", `SELECT '?', "?" FROM t WHERE a = ? -- ?`, []any{5}, `SELECT '?', "?" FROM t WHERE a = 5 -- ?`},
		{"unsupported marker", `a = ? AND b = ?`, []any{[]byte{1}, 2}, `a = <unsupported []byte> AND b = 2`},
		{"missing argument", `a = ? AND b = ?`, []any{1}, `a = 1 AND b = ?`},
		{"extra argument", `a = ?`, []any{1, 2}, `a = 1`},
		{"minus before placeholder", `a = -?`, []any{-5}, `a = - -5`},
		{"unterminated", `a = ? AND 'x`, []any{1}, `a = ? AND 'x`},
		{"glued placeholder kept as the driver refuses it", `a = '?' AND b = ? AND c = x$?`, []any{1, 2},
			`a = '?' AND b = ? AND c = x$?`},
		{"no args", `SELECT 1`, nil, `SELECT 1`},
	} {
		assert.Equal(t, tc.want, connector.Explain(tc.query, tc.args...), tc.name)
	}
}

// TestQueryInfoFirstRowAndReplay: TimeToFirstRow is set by queries, not by replays; a replay is
// counted with the rows it read again.
func TestQueryInfoFirstRowAndReplay(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100}, "prefetch=1")
	loadNumbers(t, srv, 1000)
	info := &connector.QueryInfo{}
	rows, err := db.QueryContext(connector.WithQueryInfo(testCtx(t), info), `SELECT n FROM numbers ORDER BY n`)
	if !assert.NoError(t, err) {
		return
	}
	defer rows.Close()
	first := info.TimeToFirstRow
	assert.Positive(t, first)
	n := 0
	for rows.Next() {
		n++
		if n == 150 {
			srv.SwitchAbrupt()
		}
	}
	assert.NoError(t, rows.Err())
	assert.Equal(t, 1000, n)
	assert.NoError(t, rows.Close())
	assert.Equal(t, 1, info.Replays)
	assert.GreaterOrEqual(t, info.ReplayedRows, int64(150))
	assert.Equal(t, first, info.TimeToFirstRow, "the replay's re-run is not the first row")
}
