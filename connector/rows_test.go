package connector_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

func TestRowsStreamManyBatches(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 7})
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, "SELECT x, x * 2 AS y, 'r' || x AS s FROM ("+genSQL(1000)+")")
	require.NoError(t, err)
	cols, err := rows.Columns()
	require.NoError(t, err)
	assert.Equal(t, []string{"x", "y", "s"}, cols)
	n := 0
	for rows.Next() {
		var x, y int64
		var s string
		require.NoError(t, rows.Scan(&x, &y, &s))
		n++
		require.EqualValues(t, n, x, "rows in order, none lost or repeated")
		require.Equal(t, 2*x, y)
		require.Equal(t, "r"+itoa(x), s)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, 1000, n)
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	// 143 batches with rows and the empty end marker.
	assert.Equal(t, 1000/7+1+1, callsFor(srv, "getNextResultBatch", ids[0]))
	awaitClears(t, srv)
	assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", ids[0]))
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }

// TestCancelQuery cancels a slow query through its context at each stage where it can be slow.
func TestCancelQuery(t *testing.T) {
	t.Run("during execute", func(t *testing.T) {
		srv, db := newTestDB(t, mock.Options{})
		ctx, cancel := context.WithCancel(testCtx(t))
		defer cancel()
		done := make(chan error, 1)
		go func() {
			var sum int64
			// An aggregate over a billion generated rows: executeStatement runs for minutes.
			done <- db.QueryRowContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT SUM(x) FROM c").Scan(&sum)
		}()
		require.True(t, waitInFlight(t, srv, "executeStatementV2"))
		cancel()
		err := <-done
		checkCancelled(t, srv, err)
	})

	t.Run("during the first batch", func(t *testing.T) {
		srv, db := newTestDB(t, mock.Options{})
		srv.DelayNext("getNextResultBatch", 1, time.Minute)
		ctx, cancel := context.WithCancel(testCtx(t))
		defer cancel()
		done := queryFailing(ctx, db, "SELECT 1")
		require.True(t, waitInFlight(t, srv, "getNextResultBatch"))
		start := time.Now()
		cancel()
		err := <-done
		assert.Less(t, time.Since(start), 10*time.Second, "the call returns promptly")
		checkCancelled(t, srv, err)
	})

	t.Run("during a later batch", func(t *testing.T) {
		srv, db := newTestDB(t, mock.Options{BatchRows: 10}, "prefetch=1")
		ctx, cancel := context.WithCancel(testCtx(t))
		defer cancel()
		rows, err := db.QueryContext(ctx, genSQL(1000))
		require.NoError(t, err)
		defer rows.Close()
		srv.DelayNext("getNextResultBatch", 1, time.Minute)
		go func() {
			waitInFlight(t, srv, "getNextResultBatch")
			cancel()
		}()
		n := 0
		for rows.Next() {
			n++
		}
		err = rows.Err()
		assert.Less(t, n, 1000)
		assert.Greater(t, n, 0)
		checkCancelled(t, srv, err)
	})

	t.Run("deadline", func(t *testing.T) {
		srv, db := newTestDB(t, mock.Options{})
		srv.DelayNext("getNextResultBatch", 1, time.Minute)
		ctx, expire := newExpiringCtx(t)
		done := queryFailing(ctx, db, "SELECT 1")
		awaitFaultsMet(t, srv, "getNextResultBatch") // the first batch call is being delayed
		expire()
		err := <-done
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		ids := queryIDs(srv)
		require.Len(t, ids, 1)
		require.Eventually(t, func() bool { return callsFor(srv, "cancelQuery", ids[0]) == 1 }, 30*time.Second, time.Millisecond)
	})
}

// queryFailing runs QueryContext(ctx, query) on db in the background and delivers its error, which
// the test expects: rows returned instead are closed and reported as an error.
func queryFailing(ctx context.Context, db *sql.DB, query string) <-chan error {
	done := make(chan error, 1)
	go func() {
		rows, err := db.QueryContext(ctx, query)
		if err == nil {
			rows.Close()
			err = errors.New("QueryContext returned rows")
		}
		done <- err
	}()
	return done
}

// checkCancelled checks that err is the context's cancellation and that the mock saw one
// cancelQuery and one clearOrCancelQuery for the query.
func checkCancelled(t *testing.T, srv *mock.Server, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled, "%v", err)
	ids := queryIDs(srv)
	require.Len(t, ids, 1, "one query")
	qid := ids[0]
	// rows.Close may still be sending the clear when Err returns: wait for it.
	require.Eventually(t, func() bool { return callsFor(srv, "clearOrCancelQuery", qid) == 1 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, 1, callsFor(srv, "cancelQuery", qid), "cancelQuery for query %s", qid)
	for _, r := range callsOf(srv, "cancelQuery") {
		assert.Equal(t, mock.OutcomeOK, r.Outcome)
	}
	var e *connector.Error
	if errors.As(err, &e) {
		assert.NotEmpty(t, e.RPC)
	}
}

// A streamed result reuses the memory of the batches the reader is past for the batches after
// them: every value handed out must own its memory, so values kept from early batches read the
// same after the whole result went through that memory.
func TestRowsKeptValuesSurviveBatchReuse(t *testing.T) {
	_, db := newTestDB(t, mock.Options{BatchRows: 7})
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, "SELECT x, 'r' || x AS s, printf('%08d', x * 7) AS t FROM ("+genSQL(500)+")")
	require.NoError(t, err)
	var kept [][3]any
	for rows.Next() {
		var v [3]any
		require.NoError(t, rows.Scan(&v[0], &v[1], &v[2]))
		kept = append(kept, v)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Len(t, kept, 500)
	for i, v := range kept {
		x := int64(i + 1)
		require.Equal(t, [3]any{x, "r" + itoa(x), fmt.Sprintf("%08d", x*7)}, v, "row %d", i)
	}
}
