package connector_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// loadNumbers creates numbers(n) holding 1..count in the mock.
func loadNumbers(t testing.TB, srv *mock.Server, count int) {
	t.Helper()
	_, err := srv.Exec(`CREATE TABLE numbers (n BIGINT)`)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c`, count)
	require.NoError(t, err)
}

// TestAbruptSwitchMidStreamResumesByReplay cuts a query after rows reached the caller: the
// driver re-runs it on the new colour, verifies the rows already handed out and continues, so
// the caller sees every row exactly once, in order, with no error.
func TestAbruptSwitchMidStreamResumesByReplay(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100}, "prefetch=1")
	loadNumbers(t, srv, 1000)
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, `SELECT n FROM numbers ORDER BY n`)
	require.NoError(t, err)
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var n int64
		require.NoError(t, rows.Scan(&n))
		got = append(got, n)
		if n == 250 {
			srv.SwitchAbrupt()
		}
	}
	require.NoError(t, rows.Err())
	require.Len(t, got, 1000)
	for i, n := range got {
		require.Equal(t, int64(i+1), n)
	}
	ids := queryIDs(srv)
	require.Len(t, ids, 2, "the cut query and its replay")
	for id, colours := range srv.QueryColours() {
		assert.Len(t, colours, 1, "query %s carried %v", id, colours)
	}
	require.Eventually(t, func() bool { return livePinned(srv) == 0 }, 10*time.Second, time.Millisecond)
}

// TestReplayOfDifferentRowsIsInterrupted cuts a query whose result is not deterministic: the
// re-run returns other rows, so the caller gets ErrQueryInterrupted, never a mixed result.
func TestReplayOfDifferentRowsIsInterrupted(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100}, "prefetch=1")
	loadNumbers(t, srv, 1000)
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, `SELECT n, random() AS r FROM numbers ORDER BY n`)
	require.NoError(t, err)
	defer rows.Close()
	count := 0
	for rows.Next() {
		var n, r int64
		require.NoError(t, rows.Scan(&n, &r))
		count++
		require.Equal(t, int64(count), n, "no row twice, none skipped")
		if n == 250 {
			srv.SwitchAbrupt()
		}
	}
	err = rows.Err()
	require.Error(t, err)
	assert.True(t, errors.Is(err, connector.ErrQueryInterrupted), "%v", err)
	var ie *connector.InterruptedError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, int64(count), ie.Delivered)
	assert.Less(t, count, 1000)
}

// TestReplayLimit: a cut query that handed out more rows than replay-limit is not replayed.
func TestReplayLimit(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100}, "prefetch=1", "replay-limit=100")
	loadNumbers(t, srv, 1000)
	rows, err := db.QueryContext(testCtx(t), `SELECT n FROM numbers ORDER BY n`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var n int64
		require.NoError(t, rows.Scan(&n))
		if n == 250 {
			srv.SwitchAbrupt()
		}
	}
	assert.ErrorIs(t, rows.Err(), connector.ErrQueryInterrupted)
	assert.Contains(t, rows.Err().Error(), "replay-limit")
}

// TestExecIsNotRunTwice: a statement run for its effect is re-run after a 456 only while it
// cannot have run; once execute succeeded, the 456 on the next call is returned, not retried.
func TestExecIsNotRunTwice(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	_, err := srv.Exec(`CREATE TABLE events (id BIGINT)`)
	require.NoError(t, err)
	wrongColour := status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 ()")
	ctx := testCtx(t)

	srv.FailNext("prepareStatementV2", 1, wrongColour)
	_, err = db.ExecContext(ctx, `INSERT INTO events VALUES (1)`)
	require.NoError(t, err, "a 456 on prepare: nothing ran, the statement is re-run")

	srv.FailNext("getResultMetadata", 1, wrongColour)
	_, err = db.ExecContext(ctx, `INSERT INTO events VALUES (2)`)
	require.Error(t, err)
	var e *connector.Error
	require.True(t, errors.As(err, &e))
	assert.False(t, e.Retryable)
	assert.Contains(t, err.Error(), "not run again")

	var n int64
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&n))
	assert.Equal(t, int64(2), n, "each INSERT ran exactly once")
}
