package connector_test

import (
	"context"
	"database/sql"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// execIntoFrozenCluster runs SELECT 1 on db with a deadline, makes its execute hang on srv, and
// once the execute is in flight freezes srv, so that cancelQuery and clearOrCancelQuery hang
// too; then the deadline passes. It returns the statement's context and its result.
func execIntoFrozenCluster(t *testing.T, srv *mock.Server, db *sql.DB) (context.Context, <-chan error) {
	t.Helper()
	srv.DelayNext("executeStatementV2", 1, time.Minute)
	ctx, expire := newExpiringCtx(t)
	done := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, "SELECT 1")
		done <- err
	}()
	awaitFaultsMet(t, srv, "executeStatementV2")
	srv.Freeze()
	expire()
	return ctx, done
}

// awaitResult waits for a statement's result; a caller still waiting after the test's bound is
// waiting for work that is not its own (cancel-timeout is 10 minutes where this is used).
func awaitResult(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the caller did not get its error at its deadline")
		return nil
	}
}

// awaitNoDriverGoroutines waits until no goroutine runs code of the driver: a background
// goroutine that has signalled its end may still be returning for a moment.
func awaitNoDriverGoroutines(t *testing.T, msg string) {
	t.Helper()
	require.Eventually(t, func() bool { return len(driverGoroutines()) == 0 }, 30*time.Second, time.Millisecond,
		"%s: %v", msg, driverGoroutines())
}

// TestDeadlineUnderHungCluster: when the cluster hangs after prepare or mid-stream, the caller
// gets its error at its deadline, not cancel-timeout later for each of cancelQuery and
// clearOrCancelQuery. Those go out in the background, once each, carrying the query's pin (its
// colour and planner), and no goroutine of the driver is left after Close. The deadlines pass
// when the test says so (expiringCtx) and cancel-timeout is 10 minutes, so a caller that waited for
// the cleanup would never return: no stopwatch is needed to tell.
func TestDeadlineUnderHungCluster(t *testing.T) {
	t.Run("after prepare", func(t *testing.T) {
		srv := startMock(t, mock.Options{})
		db := openDB(t, withParams(srv.DSN(), "cancel-timeout=10m"))
		require.NoError(t, db.PingContext(testCtx(t)))
		ctx, done := execIntoFrozenCluster(t, srv, db)
		err := awaitResult(t, done)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		t.Logf("the error came %s after the deadline", lateBy(ctx))

		srv.Unfreeze()
		checkCleanupCalls(t, srv, "executeStatementV2")
		require.NoError(t, db.Close())
		awaitNoDriverGoroutines(t, "goroutines of the driver left after Close")
	})

	t.Run("cleanup bounded by cancel-timeout", func(t *testing.T) {
		srv := startMock(t, mock.Options{})
		cfg := configFor(t, srv, "cancel-timeout=300ms")
		c, err := connector.NewConnector(cfg)
		require.NoError(t, err)
		db := sql.OpenDB(c)
		defer db.Close()
		require.NoError(t, db.PingContext(testCtx(t)))
		_, done := execIntoFrozenCluster(t, srv, db) // never unfrozen: cancel and clear hang until they give up
		require.ErrorIs(t, awaitResult(t, done), context.DeadlineExceeded)

		// The background cancel and clear give up after cancel-timeout each, while the cluster
		// still hangs, and the query's pin is released, with the connector still open.
		awaitNoDriverGoroutines(t, "the cleanup of a hung query ends")
		inFlight := 0
		for _, n := range c.Health().InFlight {
			inFlight += n
		}
		assert.Zero(t, inFlight, "the query's pin is released")
	})

	t.Run("mid-stream", func(t *testing.T) {
		srv := startMock(t, mock.Options{BatchRows: 10})
		db := openDB(t, withParams(srv.DSN(), "prefetch=1", "cancel-timeout=10m"))
		ctx, expire := newExpiringCtx(t)
		rows, err := db.QueryContext(ctx, genSQL(1000))
		require.NoError(t, err)
		require.True(t, rows.Next())
		srv.Freeze()
		expire()
		done := make(chan error, 1)
		n := 1
		go func() {
			for rows.Next() {
				n++
			}
			err := rows.Err()
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
			done <- err
		}()
		err = awaitResult(t, done)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, n, 1000)
		t.Logf("the error came %s after the deadline", lateBy(ctx))

		srv.Unfreeze()
		checkCleanupCalls(t, srv, "getNextResultBatch")
		require.NoError(t, db.Close())
		awaitNoDriverGoroutines(t, "goroutines of the driver left after Close")
	})
}

// lateBy returns how long after ctx's deadline it is now.
func lateBy(ctx context.Context) time.Duration {
	dl, _ := ctx.Deadline()
	return time.Since(dl)
}

// checkCleanupCalls waits for the one cancelQuery and the one clearOrCancelQuery of the mock's
// only query, and checks that they carried the query's colour (its prepare's) and planner (its
// first call of method's).
func checkCleanupCalls(t *testing.T, srv *mock.Server, method string) {
	t.Helper()
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	qid := ids[0]
	require.Eventually(t, func() bool {
		return callsFor(srv, "cancelQuery", qid) >= 1 && callsFor(srv, "clearOrCancelQuery", qid) >= 1
	}, 10*time.Second, time.Millisecond, "cancelQuery and clearOrCancelQuery were sent")
	prepares := callsOf(srv, "prepareStatementV2")
	calls := callsOf(srv, method)
	require.Len(t, prepares, 1)
	require.NotEmpty(t, calls)
	want := mock.CallRecord{Strategy: prepares[0].Strategy, PlannerIP: calls[0].PlannerIP}
	require.NotEmpty(t, want.Strategy)
	require.NotEmpty(t, want.PlannerIP)
	for _, m := range []string{"cancelQuery", "clearOrCancelQuery"} {
		recs := 0
		for _, r := range callsOf(srv, m) {
			if r.QueryID != qid {
				continue
			}
			recs++
			assert.Equal(t, want.Strategy, r.Strategy, "%s carries the query's colour", m)
			assert.Equal(t, want.PlannerIP, r.PlannerIP, "%s carries the query's planner", m)
			assert.Equal(t, mock.OutcomeOK, r.Outcome, "%s", m)
		}
		assert.Equal(t, 1, recs, "%s sent once", m)
	}
}

// driverGoroutines returns the stacks of the goroutines running code of package connector (the
// driver, not its tests).
func driverGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, "github.com/e6data/gorm-e6data/connector.") {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// TestAbandonedRowsEndWithClose: rows never closed keep no goroutine once the *sql.DB is closed,
// and reading them afterwards fails instead of reporting the end of the results.
func TestAbandonedRowsEndWithClose(t *testing.T) {
	srv := startMock(t, mock.Options{BatchRows: 10})
	db, err := sql.Open("e6data", withParams(srv.DSN(), "prefetch=1"))
	require.NoError(t, err)
	db.SetMaxOpenConns(4)
	var abandoned []*sql.Rows
	for range 3 {
		rows, err := db.Query(genSQL(1000)) // no context: only Close can end the prefetcher
		require.NoError(t, err)
		require.True(t, rows.Next())
		abandoned = append(abandoned, rows)
	}
	require.NotEmpty(t, driverGoroutines(), "the prefetchers run")
	require.NoError(t, db.Close())
	awaitNoDriverGoroutines(t, "goroutines of the driver left after db.Close")

	rows := abandoned[0]
	n := 1
	for rows.Next() {
		n++
	}
	assert.Less(t, n, 1000)
	assert.ErrorIs(t, rows.Err(), connector.ErrConnectorClosed, "a stream cut by Close is not reported as complete")
	for _, r := range abandoned {
		assert.NoError(t, r.Close())
	}
}
