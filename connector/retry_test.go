package connector_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// errAccessDenied is e6data's answer to a call whose session it does not know.
var errAccessDenied = status.Error(codes.Internal, "Access denied")

// requireRetryError asserts that err says the operation was tried n times, wraps a *Error of
// class, and is not retryable.
func requireRetryError(t *testing.T, err error, n int, class strategy.Class) {
	t.Helper()
	var re *connector.RetryError
	require.ErrorAs(t, err, &re, "%v", err)
	assert.Equal(t, n, re.Attempts)
	assert.Contains(t, err.Error(), fmt.Sprintf("tried %d times", n))
	var e *connector.Error
	require.ErrorAs(t, err, &e, "the last cause is reachable")
	assert.Equal(t, class, e.Class)
	assert.False(t, e.Retryable, "the driver has retried it already")
}

// A switch storm that rejects every attempt of a query ends in a *RetryError that says so, not
// in the raw last 456.
func TestRetryExhaustionIsTyped(t *testing.T) {
	srv, _, db := sgMock(t, mock.Options{}, 0, "retry-attempts=3")
	ctx := testCtx(t)
	sgQueryOne(t, ctx, db)
	srv.ResetCallLog()
	srv.FailNext("prepareStatementV2", 100, errGo456)
	var v int
	err := db.QueryRowContext(ctx, "SELECT 1").Scan(&v)
	requireRetryError(t, err, 3, strategy.WrongStrategy)
	assert.Contains(t, err.Error(), "blue/green")
	assert.Len(t, callsOf(srv, "prepareStatementV2"), 3)
	assert.Equal(t, codes.Unknown, status.Code(err), "the gRPC status of the last attempt")

	// Calls outside a query retry on their own, within the same limit.
	srv.FailNext("healthCheck", 100, errGo456)
	requireRetryError(t, db.PingContext(ctx), 3, strategy.WrongStrategy)
}

// A session invalidated again right after it was renewed is renewed again, within
// retry-attempts; a session that can never be renewed ends in a *RetryError. The test counts only
// what the statement under test does: its faults hit only its calls (FailNextOf), so a background
// call of the first query (a prefetch it cancelled) cannot consume them, and the first query's
// clear, sent in the background, has gone out before the authenticates are counted (a clear
// still waiting for its session when the statement drops it would authenticate again).
func TestSessionRenewedMoreThanOnce(t *testing.T) {
	const renewed, never = "SELECT 2", "SELECT 3"
	for _, method := range []string{"prepareStatementV2", "getResultMetadata", "getNextResultBatch"} {
		t.Run(method, func(t *testing.T) {
			srv, _, db := sgMock(t, mock.Options{}, 0, "retry-attempts=3")
			ctx := testCtx(t)
			sgQueryOne(t, ctx, db)
			awaitClears(t, srv)
			auth := srv.Calls("authenticate", "*")
			srv.FailNextOf(renewed, method, 2, errAccessDenied)
			var v int
			require.NoError(t, db.QueryRowContext(ctx, renewed).Scan(&v))
			assert.Equal(t, 2, v)
			assert.Equal(t, auth+2, srv.Calls("authenticate", "*"), "renewed twice")
			assert.Zero(t, srv.ArmedFaults(method), "both faults met the statement")

			srv.FailNextOf(never, method, 100, errAccessDenied)
			err := db.QueryRowContext(ctx, never).Scan(&v)
			requireRetryError(t, err, 3, strategy.AccessDenied)
			assert.Contains(t, err.Error(), "Access denied")
			assert.Equal(t, 97, srv.ArmedFaults(method), "one call of the statement per attempt")
		})
	}
}

// An engine error that mentions "Access denied" among other words (a permission error, not an
// unknown session) fails the query at once: no new session, no second prepare, no *RetryError.
func TestEnginePermissionErrorIsNotRenewed(t *testing.T) {
	srv, _, db := sgMock(t, mock.Options{}, 0, "retry-attempts=5")
	ctx := testCtx(t)
	sgQueryOne(t, ctx, db)
	auth, prepares := srv.Calls("authenticate", "*"), srv.Calls("prepareStatementV2", "*")
	srv.FailNext("prepareStatementV2", 100, status.Error(codes.Internal, "Access denied for user 'alice' on table sales.orders"))
	var v int
	err := db.QueryRowContext(ctx, "SELECT 1").Scan(&v)
	require.Error(t, err)
	var re *connector.RetryError
	assert.False(t, errors.As(err, &re), "not retried: %v", err)
	var e *connector.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, strategy.Other, e.Class)
	assert.Contains(t, err.Error(), "Access denied for user 'alice'", "the engine's own words reach the caller")
	assert.Equal(t, auth, srv.Calls("authenticate", "*"), "no new session")
	assert.Equal(t, prepares+1, srv.Calls("prepareStatementV2", "*"), "one prepare")
}

// A replay draws all its starts from one budget: a re-run that keeps failing costs at most
// retry-attempts prepares, not retry-attempts squared.
func TestReplaySharesOneBudget(t *testing.T) {
	srv, c, db := sgMock(t, mock.Options{}, 100, "retry-attempts=3")
	ctx := testCtx(t)
	info := &connector.QueryInfo{}
	rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
	require.NoError(t, err)
	defer rows.Close()
	next := int64(1)
	sgRead(t, rows, 5, &next)
	sgWaitPrefetchParked(t, srv, info.QueryID, 1)

	before := srv.Calls("prepareStatementV2", "*")
	srv.FailNext("getNextResultBatch", 1, errGo456) // cuts the query after the rows buffered
	srv.FailNext("prepareStatementV2", 100, errGo456)
	for rows.Next() {
		var n int64
		require.NoError(t, rows.Scan(&n))
		require.Equal(t, next, n)
		next++
	}
	err = rows.Err()
	require.ErrorIs(t, err, connector.ErrQueryInterrupted)
	assert.Contains(t, err.Error(), "tried 3 times")
	assert.Equal(t, 3, srv.Calls("prepareStatementV2", "*")-before, "one budget of retry-attempts starts for the replay")

	// The give-up is in the chain, not only in the text: the *RetryError of the re-runs, with
	// the last re-run's 456 under it, and the 456 that cut the stream beside it.
	var ie *connector.InterruptedError
	require.ErrorAs(t, err, &ie)
	requireRetryError(t, err, 3, strategy.WrongStrategy)
	var re *connector.RetryError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, codes.Unknown, status.Code(re.Err), "the raw 456 of the last re-run under the *RetryError")
	assert.Equal(t, strategy.WrongStrategy, strategy.Classify(ctx, re.Err))
	var cut *connector.Error
	require.ErrorAs(t, ie.Cause, &cut)
	assert.Equal(t, "getNextResultBatch", cut.RPC, "what cut the stream")
	assert.Equal(t, strategy.WrongStrategy, cut.Class)
	require.NoError(t, rows.Close())
	sgNoPins(t, c, srv)
}

// A re-run whose columns differ in name or type from the run it replaces cannot continue it,
// even when every value is the same.
func TestReplayChecksColumnNamesAndTypes(t *testing.T) {
	for i, tc := range []struct {
		name, columns string
		resumed       bool
	}{
		{"same columns", "n BIGINT", true},
		{"other name", "m BIGINT", false},
		{"other type", "n INT", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c, db := sgMock(t, mock.Options{}, 0)
			table := fmt.Sprintf("t%d", i)
			fill := func(columns string) {
				_, err := srv.Exec(fmt.Sprintf(`CREATE TABLE %s (%s)`, table, columns))
				require.NoError(t, err)
				_, err = srv.Exec(fmt.Sprintf(`INSERT INTO %s WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c`, table))
				require.NoError(t, err)
			}
			fill("n BIGINT")
			ctx := testCtx(t)
			info := &connector.QueryInfo{}
			rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), fmt.Sprintf(`SELECT * FROM %s ORDER BY 1`, table))
			require.NoError(t, err)
			defer rows.Close()
			next := int64(1)
			sgRead(t, rows, 5, &next)
			sgWaitPrefetchParked(t, srv, info.QueryID, 1)

			// The query is cut, and the table it reads is replaced by one with the same values.
			srv.SwitchAbrupt()
			sgNoMockPins(t, srv)
			_, err = srv.Exec(`DROP TABLE ` + table)
			require.NoError(t, err)
			fill(tc.columns)

			for rows.Next() {
				var n int64
				require.NoError(t, rows.Scan(&n))
				require.Equal(t, next, n, "no row twice, none skipped")
				next++
			}
			if tc.resumed {
				require.NoError(t, rows.Err())
				assert.Equal(t, int64(101), next)
			} else {
				err := rows.Err()
				require.ErrorIs(t, err, connector.ErrQueryInterrupted)
				assert.Contains(t, err.Error(), "other columns")
			}
			require.NoError(t, rows.Close())
			sgNoPins(t, c, srv)
		})
	}
}

// sgNoMockPins waits until the mock holds no query any more (an abrupt switch closes the
// queries of the retired colour in the background).
func sgNoMockPins(t testing.TB, srv *mock.Server) {
	t.Helper()
	require.Eventually(t, func() bool { return livePinned(srv) == 0 }, 10*time.Second, time.Millisecond, "mock pins left: %v", srv.PinnedQueries())
}
