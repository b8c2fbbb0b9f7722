package connector_test

// Tests of the zero-downtime blue/green support end to end, against the
// in-process mock cluster: detection, graceful and abrupt switches, starvation under steady load,
// and one subtest per defect of e6data's Python client that the driver must not have.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// The 456 shapes a grpc-go client and e6data's Python client report for the proxy's HTTP 456.
var (
	errGo456   = status.Error(codes.Unknown, `unexpected HTTP status code received from server: 456 (); transport: received unexpected content-type "text/plain; charset=utf-8"`)
	errCCore   = status.Error(codes.Unknown, "Received http2 header with status: 456")
	numbersSQL = `SELECT n FROM numbers ORDER BY n`
)

var sgClusters atomic.Int64

// sgStart starts a mock with a cluster name of its own when opts has none. The blue/green state
// is process-wide per endpoint and cluster name (bluegreen.Shared) and outlives the connectors,
// so a mock that reuses the ephemeral port of an earlier, closed mock would otherwise inherit
// that mock's colour and options.
func sgStart(t testing.TB, opts mock.Options) *mock.Server {
	t.Helper()
	if opts.ClusterName == "" {
		opts.ClusterName = fmt.Sprintf("sg-%d-%d", os.Getpid(), sgClusters.Add(1))
	}
	return startMock(t, opts)
}

// sgOpen opens a *sql.DB through connector.NewConnector(cfg) and returns the *Connector too (for
// Health); t.Cleanup closes the DB.
func sgOpen(t testing.TB, cfg connector.Config) (*connector.Connector, *sql.DB) {
	t.Helper()
	c, err := connector.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	return c, db
}

// sgMock starts a mock with small batches holding numbers(1..count), and a connector on it with
// prefetch=1 plus params.
func sgMock(t testing.TB, opts mock.Options, count int, params ...string) (*mock.Server, *connector.Connector, *sql.DB) {
	t.Helper()
	if opts.BatchRows == 0 {
		opts.BatchRows = 10
	}
	srv := sgStart(t, opts)
	if count > 0 {
		loadNumbers(t, srv, count)
	}
	c, db := sgOpen(t, configFor(t, srv, append([]string{"prefetch=1"}, params...)...))
	return srv, c, db
}

// sgQueryOne runs SELECT 1 and returns what the driver reported about it.
func sgQueryOne(t testing.TB, ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) *connector.QueryInfo {
	t.Helper()
	info := &connector.QueryInfo{}
	var v int64
	require.NoError(t, q.QueryRowContext(connector.WithQueryInfo(ctx, info), "SELECT 1").Scan(&v))
	require.Equal(t, int64(1), v)
	return info
}

// sgColoursOf returns the strategy headers carried by the calls of query qid, in order.
func sgColoursOf(srv *mock.Server, qid string) []string {
	var out []string
	for _, r := range srv.CallLog() {
		if r.QueryID == qid {
			out = append(out, r.Method+"="+r.Strategy)
		}
	}
	return out
}

// sgAllOn asserts that query qid made calls and every one of them carried colour.
func sgAllOn(t testing.TB, srv *mock.Server, qid, colour string) {
	t.Helper()
	calls := sgColoursOf(srv, qid)
	require.NotEmpty(t, calls, "query %s made no call", qid)
	for _, c := range calls {
		assert.True(t, strings.HasSuffix(c, "="+colour), "query %s: call %s, want every call on %s (%v)", qid, c, colour, calls)
	}
}

// sgWaitPrefetchParked waits until the prefetcher of the only query reading batches is parked:
// with prefetch=1, the reader holding its taken-th batch, it has fetched taken+2 batches (one in
// the channel, one waiting to be sent) and makes no call until the reader takes the next batch.
// Nothing the query does after this point can carry a new_strategy hint to the driver.
func sgWaitPrefetchParked(t testing.TB, srv *mock.Server, qid string, taken int) {
	t.Helper()
	var done, live int
	parked := func() bool {
		done, live = 0, 0
		for _, r := range srv.CallLog() {
			if r.Method != "getNextResultBatch" {
				continue
			}
			switch {
			case r.Outcome == "":
				live++
			case r.QueryID == qid:
				done++
			}
		}
		return live == 0 && done == taken+2
	}
	// Generous: under -race on a loaded machine a batch call can take seconds.
	for deadline := time.Now().Add(30 * time.Second); !parked() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	require.True(t, parked(), "prefetcher of %s did not park: %d batch calls done (want %d), %d in flight",
		qid, done, taken+2, live)
}

// sgRead reads n rows of a single BIGINT column, checking they continue from *next.
func sgRead(t testing.TB, rows *sql.Rows, n int, next *int64) {
	t.Helper()
	for range n {
		require.True(t, rows.Next(), "row %d: %v", *next, rows.Err())
		var v int64
		require.NoError(t, rows.Scan(&v))
		require.Equal(t, *next, v, "no row twice, none skipped")
		*next++
	}
}

// sgNoPins asserts that neither the driver nor the mock holds a pin any more.
func sgNoPins(t testing.TB, c *connector.Connector, srv *mock.Server) {
	t.Helper()
	require.Eventually(t, func() bool { return len(c.Health().InFlight) == 0 }, 10*time.Second, time.Millisecond,
		"driver pins left: %v", c.Health().InFlight)
	require.Eventually(t, func() bool { return livePinned(srv) == 0 }, 10*time.Second, time.Millisecond,
		"mock pins left: %v", srv.PinnedQueries())
}

// sgAuth returns the (strategy, outcome) of every authenticate call, in order.
func sgAuth(srv *mock.Server) []string {
	var out []string
	for _, r := range callsOf(srv, "authenticate") {
		out = append(out, r.Strategy+":"+r.Outcome)
	}
	return out
}

// 1. Detection.
func TestStrategyDetection(t *testing.T) {
	t.Run("blue then green", func(t *testing.T) {
		srv := sgStart(t, mock.Options{InitialStrategy: mock.Green})
		c, db := sgOpen(t, configFor(t, srv))
		info := sgQueryOne(t, testCtx(t), db)
		assert.Equal(t, strategy.Green, info.Strategy)
		assert.Equal(t, []string{"blue:456", "green:OK"}, sgAuth(srv), "detection tries blue, then green on 456")
		sgAllOn(t, srv, info.QueryID, mock.Green)
		h := c.Health()
		assert.Equal(t, strategy.Green, h.Active)
		assert.Empty(t, h.Pending)
		awaitInFlight(t, c, nil)
	})
	t.Run("forced by the DSN", func(t *testing.T) {
		srv := sgStart(t, mock.Options{InitialStrategy: mock.Green})
		c, db := sgOpen(t, configFor(t, srv, "strategy=green"))
		info := sgQueryOne(t, testCtx(t), db)
		assert.Equal(t, strategy.Green, info.Strategy)
		assert.Equal(t, []string{"green:OK"}, sgAuth(srv), "no blue attempt")
		assert.Zero(t, srv.Calls("authenticate", mock.Blue))
		assert.Equal(t, strategy.Green, c.Health().Active)
	})
	t.Run("both colours answer 456", func(t *testing.T) {
		// Detection fails with an error naming both attempts. A query treats it as any 456
		// before its first row: it re-detects, within retry-attempts, so a transient answer is
		// survived and a lasting one surfaces. failures counts the injected blue failures: green
		// is not serving, so the proxy itself answers it 456 (before any injected fault).
		for _, tc := range []struct {
			name     string
			failures int
			params   []string
			ok       bool
		}{
			{"one attempt", 1, []string{"retry-attempts=1"}, false},
			{"transient", 1, nil, true},
			{"lasting", 100, []string{"retry-attempts=3"}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				srv := sgStart(t, mock.Options{})
				c, db := sgOpen(t, configFor(t, srv, tc.params...))
				srv.FailNext("authenticate", tc.failures, errCCore)
				var v int
				err := db.QueryRowContext(testCtx(t), "SELECT 1").Scan(&v)
				if tc.ok {
					require.NoError(t, err)
					assert.Equal(t, []string{"blue:Unknown", "green:456", "blue:OK"}, sgAuth(srv))
					assert.Equal(t, strategy.Blue, c.Health().Active)
					return
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, strategy.ErrNoStrategy)
				var de *strategy.DetectError
				require.ErrorAs(t, err, &de)
				require.Len(t, de.Attempts, 2)
				assert.Equal(t, strategy.Blue, de.Attempts[0].Colour)
				assert.Equal(t, strategy.Green, de.Attempts[1].Colour)
				assert.Contains(t, err.Error(), "blue:")
				assert.Contains(t, err.Error(), "green:")
				assert.Contains(t, err.Error(), "status: 456")
				attempts := 1
				if tc.params[0] == "retry-attempts=3" {
					attempts = 3
				}
				assert.Len(t, sgAuth(srv), 2*attempts)
				assert.Zero(t, srv.Calls("prepareStatementV2", "*"), "no query without a colour")
				assert.Empty(t, c.Health().InFlight)
				assert.Empty(t, c.Health().Active)
				assert.NotEmpty(t, c.Health().LastError)
				if tc.failures == 1 {
					// Not cached: the next query detects again and works.
					sgQueryOne(t, testCtx(t), db)
					assert.Equal(t, strategy.Blue, c.Health().Active)
				}
			})
		}
	})
}

// 2. A graceful switch moves new queries while running ones finish on their pins.
func TestStrategyGracefulSwitch(t *testing.T) {
	srv, c, db := sgMock(t, mock.Options{}, 1000)
	ctx := testCtx(t)
	info := &connector.QueryInfo{}
	rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
	require.NoError(t, err)
	defer rows.Close()
	next := int64(1)
	sgRead(t, rows, 25, &next)
	sgWaitPrefetchParked(t, srv, info.QueryID, 3)

	require.Equal(t, mock.Green, srv.Switch())
	require.Equal(t, mock.Blue, srv.DrainingStrategy(), "blue drains: a query is pinned to it")

	// The first query after the switch starts before the driver saw any announcement: it is
	// pinned to blue, which still serves while it drains, and its replies carry the hint.
	first := sgQueryOne(t, ctx, db)
	assert.Equal(t, strategy.Blue, first.Strategy)
	sgAllOn(t, srv, first.QueryID, mock.Blue)
	// Every query after that goes to green.
	for range 3 {
		q := sgQueryOne(t, ctx, db)
		assert.Equal(t, strategy.Green, q.Strategy)
		sgAllOn(t, srv, q.QueryID, mock.Green)
	}
	h := c.Health()
	assert.Equal(t, strategy.Green, h.Active)
	awaitInFlight(t, c, map[string]int{strategy.Blue: 1}) // the open rows keep their blue pin

	// The open rows read to the end on blue, correct and without error.
	next = readSequence(t, rows, next)
	assert.Equal(t, int64(1001), next)
	require.NoError(t, rows.Close())
	sgAllOn(t, srv, info.QueryID, mock.Blue)

	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitDrained(dctx), "the old colour drains once its last query ends")
	assert.Empty(t, srv.DrainingStrategy())
	for id, colours := range srv.QueryColours() {
		assert.Len(t, colours, 1, "query %s carried %v", id, colours)
	}
	assert.Equal(t, srv.Switches(), c.Health().Switches)
	sgNoPins(t, c, srv)
}

// 3. An abrupt switch before the first row reached the caller is transparent.
func TestStrategyAbruptSwitchBeforeFirstRow(t *testing.T) {
	t.Run("switch between queries", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 0)
		ctx := testCtx(t)
		assert.Equal(t, strategy.Blue, sgQueryOne(t, ctx, db).Strategy)
		srv.SwitchAbrupt()
		for range 3 {
			info := sgQueryOne(t, ctx, db)
			assert.Equal(t, strategy.Green, info.Strategy)
		}
		assert.Equal(t, strategy.Green, c.Health().Active)
		rejected := 0
		for _, r := range callsOf(srv, "prepareStatementV2") {
			if r.Outcome == mock.OutcomeWrongStrategy {
				rejected++
				assert.Equal(t, mock.Blue, r.Strategy)
			}
		}
		assert.Equal(t, 1, rejected, "one prepare on the retired colour, then re-run on the new one")
		for id, colours := range srv.QueryColours() {
			assert.Len(t, colours, 1, "query %s carried %v", id, colours)
		}
		assert.Equal(t, srv.Switches(), c.Health().Switches, "a switch found by a 456 counts as a switch")
		sgNoPins(t, c, srv)
	})

	for _, method := range []string{"prepareStatementV2", "executeStatementV2", "getResultMetadata", "getNextResultBatch"} {
		t.Run("456 on "+method, func(t *testing.T) {
			srv, c, db := sgMock(t, mock.Options{}, 35)
			ctx := testCtx(t)
			sgQueryOne(t, ctx, db) // detect first
			srv.FailNext(method, 1, errGo456)
			info := &connector.QueryInfo{}
			rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
			require.NoError(t, err)
			next := int64(1)
			sgRead(t, rows, 35, &next)
			require.False(t, rows.Next())
			require.NoError(t, rows.Err())
			require.NoError(t, rows.Close())
			assert.Equal(t, 2, info.Attempts, "re-run once from prepare")
			var ids []string
			for _, r := range callsOf(srv, "prepareStatementV2") {
				if r.QueryID != "" && !slices.Contains(ids, r.QueryID) {
					ids = append(ids, r.QueryID)
				}
			}
			if method != "prepareStatementV2" {
				require.Len(t, ids, 3, "warm-up, failed attempt, re-run: %v", ids)
				assert.NotEqual(t, ids[1], ids[2], "the re-run has a new query id")
			}
			assert.Equal(t, ids[len(ids)-1], info.QueryID)
			sgNoPins(t, c, srv)
		})
	}

	for _, tc := range []struct {
		name  string
		shape mock.WrongStrategyShape
	}{
		{"HTTP 456", mock.HTTP456},
		{"gRPC status 456", mock.GRPCStatus456},
		{"C-core UNKNOWN", mock.UnknownCCore},
		{"Python mock INVALID_ARGUMENT", mock.InvalidArgument456},
	} {
		t.Run("shape "+tc.name, func(t *testing.T) {
			srv, c, db := sgMock(t, mock.Options{WrongStrategy: tc.shape}, 0)
			ctx := testCtx(t)
			sgQueryOne(t, ctx, db)
			srv.SwitchAbrupt()
			assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, db).Strategy)
			assert.True(t, slices.ContainsFunc(srv.CallLog(), func(r mock.CallRecord) bool { return r.Outcome == mock.OutcomeWrongStrategy }),
				"the retired colour was rejected in this shape")
			assert.Equal(t, strategy.Green, c.Health().Active)
			sgNoPins(t, c, srv)
		})
	}
}

// 4. Starvation (acceptance): under load that never leaves zero queries in flight, a graceful
// switch still moves new work to the new colour within a round trip, so the old colour drains
// in a moment instead of waiting for its drain timeout (the Python client applies the hint only
// when no query is in flight, which under such load is never).
func TestStrategyNoStarvationUnderLoad(t *testing.T) {
	const workers = 8
	srv, c, db := sgMock(t, mock.Options{DrainTimeout: 30 * time.Second}, 0)
	db.SetMaxIdleConns(workers)
	ctx := testCtx(t)
	sgQueryOne(t, ctx, db)

	stopLoad := selectLoad(ctx, db, workers)
	defer stopLoad()

	require.Eventually(t, func() bool { return srv.Calls("prepareStatementV2", mock.Blue) >= 50 }, 20*time.Second, time.Millisecond)
	require.NotEmpty(t, srv.PinnedQueries()[mock.Blue], "load keeps queries in flight")
	switchAt := time.Now()
	srv.Switch()
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitDrained(dctx), "the old colour must drain while the load keeps running")
	drainedAt := time.Now()
	t.Logf("old colour drained %v after the switch", drainedAt.Sub(switchAt))
	greenBefore := srv.Calls("prepareStatementV2", mock.Green)
	require.Eventually(t, func() bool { return srv.Calls("prepareStatementV2", mock.Green) >= greenBefore+50 }, 20*time.Second, time.Millisecond)
	require.Empty(t, stopLoad(), "failed queries")

	// No prepare on the old colour starts after the first prepare on the new one completed
	// (its execute started), except at most one per worker: a query that took its blue pin
	// before the hint reached the driver, and sent prepare just after.
	log := srv.CallLog()
	i := slices.IndexFunc(log, func(r mock.CallRecord) bool {
		return r.Method == "prepareStatementV2" && r.Strategy == mock.Green && r.Outcome == mock.OutcomeOK
	})
	require.GreaterOrEqual(t, i, 0)
	firstGreen := log[i].QueryID
	j := slices.IndexFunc(log, func(r mock.CallRecord) bool {
		return r.QueryID == firstGreen && r.Method != "prepareStatementV2"
	})
	require.GreaterOrEqual(t, j, 0)
	completed := log[j].Time
	// New work moved to green before blue drained (a client that waits for zero in-flight
	// queries, as e6data's Python client does, would only start on green after the drain). The
	// first green call is its session's authenticate; the clears that end blue's queries go out
	// in the background, so blue may drain before that session's first prepare.
	k := slices.IndexFunc(log, func(r mock.CallRecord) bool { return r.Strategy == mock.Green })
	require.GreaterOrEqual(t, k, 0)
	assert.True(t, log[k].Time.Before(drainedAt), "new work moved before the old colour drained: first green call %s at %v, drained at %v",
		log[k].Method, log[k].Time.Sub(switchAt), drainedAt.Sub(switchAt))
	late := 0
	for _, r := range log {
		if r.Method == "prepareStatementV2" && r.Strategy == mock.Blue && r.Time.After(completed) {
			late++
		}
	}
	t.Logf("blue prepares after the first green prepare completed: %d", late)
	assert.LessOrEqual(t, late, workers)
	for id, colours := range srv.QueryColours() {
		assert.Len(t, colours, 1, "query %s carried %v", id, colours)
	}
	h := c.Health()
	assert.Equal(t, strategy.Green, h.Active)
	assert.Equal(t, srv.Switches(), h.Switches)
	sgNoPins(t, c, srv)
}

// 5. The defects of e6data's Python client, one subtest each.
func TestStrategyPythonClientDefects(t *testing.T) {
	t.Run("a state is per cluster", func(t *testing.T) {
		testTwoClustersKeepSeparateState(t)
	})

	t.Run("b TTL re-validates and keeps pins", func(t *testing.T) {
		const ttl = 50 * time.Millisecond
		srv, c, db := sgMock(t, mock.Options{}, 1000, "strategy-ttl="+ttl.String())
		ctx := testCtx(t)
		connA := rawConn(t, db)
		sgQueryOne(t, ctx, connA)
		rows, err := db.QueryContext(ctx, numbersSQL) // another connection
		require.NoError(t, err)
		defer rows.Close()
		next := int64(1)
		sgRead(t, rows, 15, &next)
		awaitInFlight(t, c, map[string]int{strategy.Blue: 1})

		require.Eventually(t, func() bool { return c.Health().Age > ttl }, 10*time.Second, time.Millisecond)
		before := len(callsOf(srv, "authenticate"))
		sgQueryOne(t, ctx, connA) // connA has a session: only the expiry makes it authenticate
		auth := callsOf(srv, "authenticate")[before:]
		require.Len(t, auth, 1, "one re-validation after the TTL")
		assert.Equal(t, mock.Blue, auth[0].Strategy, "re-validated with the cached colour")
		awaitInFlight(t, c, map[string]int{strategy.Blue: 1}) // expiry keeps the running query's pin

		next = readSequence(t, rows, next)
		assert.Equal(t, int64(1001), next)
		require.NoError(t, rows.Close())
		sgNoPins(t, c, srv)

		// Control: with the default TTL, a connection with a session does not authenticate again.
		srv2, _, db2 := sgMock(t, mock.Options{}, 0)
		conn2 := rawConn(t, db2)
		for range 3 {
			sgQueryOne(t, ctx, conn2)
		}
		assert.Len(t, callsOf(srv2, "authenticate"), 1)
	})

	t.Run("c pending is applied under steady load", func(t *testing.T) {
		t.Log("covered by TestStrategyNoStarvationUnderLoad")
	})

	t.Run("d pins never leak", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 1000)
		for _, tc := range []struct {
			name string
			run  func(t *testing.T, ctx context.Context)
		}{
			{"SQL error", func(t *testing.T, ctx context.Context) {
				_, err := db.QueryContext(ctx, "SELECT * FROM no_such_table")
				require.Error(t, err)
			}},
			{"SQL error on exec", func(t *testing.T, ctx context.Context) {
				_, err := db.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)")
				require.Error(t, err)
			}},
			{"context cancelled while reading", func(t *testing.T, ctx context.Context) {
				qctx, cancel := context.WithCancel(ctx)
				defer cancel()
				rows, err := db.QueryContext(qctx, numbersSQL)
				require.NoError(t, err)
				defer rows.Close()
				next := int64(1)
				sgRead(t, rows, 15, &next)
				cancel()
				for rows.Next() {
				}
				assert.ErrorIs(t, rows.Err(), context.Canceled)
			}},
			{"deadline during prepare", func(t *testing.T, ctx context.Context) {
				srv.DelayNext("prepareStatementV2", 1, 5*time.Second)
				qctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				_, err := db.QueryContext(qctx, "SELECT 1")
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			}},
			{"early rows.Close", func(t *testing.T, ctx context.Context) {
				rows, err := db.QueryContext(ctx, numbersSQL)
				require.NoError(t, err)
				require.True(t, rows.Next())
				require.NoError(t, rows.Close())
			}},
			{"rows.Close before any row", func(t *testing.T, ctx context.Context) {
				rows, err := db.QueryContext(ctx, numbersSQL)
				require.NoError(t, err)
				require.NoError(t, rows.Close())
			}},
			{"Exec", func(t *testing.T, ctx context.Context) {
				_, err := db.ExecContext(ctx, "SELECT 1")
				require.NoError(t, err)
			}},
			{"read to the end", func(t *testing.T, ctx context.Context) {
				rows, err := db.QueryContext(ctx, numbersSQL)
				require.NoError(t, err)
				for rows.Next() {
				}
				require.NoError(t, rows.Err())
				require.NoError(t, rows.Close())
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.run(t, testCtx(t))
				sgNoPins(t, c, srv)
			})
		}
	})

	t.Run("e cancel and clear carry the pin", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 1000)
		ctx := testCtx(t)
		qctx, cancel := context.WithCancel(ctx)
		defer cancel()
		info := &connector.QueryInfo{}
		rows, err := db.QueryContext(connector.WithQueryInfo(qctx, info), numbersSQL)
		require.NoError(t, err)
		defer rows.Close()
		next := int64(1)
		sgRead(t, rows, 5, &next)
		sgWaitPrefetchParked(t, srv, info.QueryID, 1)
		srv.Switch()
		sgQueryOne(t, ctx, db) // on blue; sees the hint
		assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, db).Strategy)
		require.Equal(t, strategy.Green, c.Health().Active)

		// Cancel while a batch call of the blue query is on the wire: the driver cancels it.
		srv.DelayNext("getNextResultBatch", 1, 30*time.Second)
		armed := len(srv.CallLog())
		go func() {
			assert.Eventually(t, func() bool {
				log := srv.CallLog()
				for _, r := range log[armed:] {
					if r.Method == "getNextResultBatch" && r.Outcome == "" {
						return true
					}
				}
				return false
			}, 20*time.Second, time.Millisecond)
			cancel()
		}()
		for rows.Next() {
		}
		assert.ErrorIs(t, rows.Err(), context.Canceled)
		require.NoError(t, rows.Close())

		require.Eventually(t, func() bool { return callsFor(srv, "clearOrCancelQuery", info.QueryID) > 0 }, 10*time.Second, time.Millisecond)
		require.Positive(t, callsFor(srv, "cancelQuery", info.QueryID), "the driver cancelled the query on the server")
		for _, m := range []string{"cancelQuery", "clearOrCancelQuery"} {
			for _, r := range callsOf(srv, m) {
				if r.QueryID == info.QueryID {
					assert.Equal(t, mock.Blue, r.Strategy, "%s carries the pin, not the active colour", m)
				}
			}
		}
		sgAllOn(t, srv, info.QueryID, mock.Blue)
		sgNoPins(t, c, srv)
	})

	t.Run("f the pin is the colour prepare was sent with", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 1000)
		ctx := testCtx(t)
		info := &connector.QueryInfo{}
		rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
		require.NoError(t, err)
		defer rows.Close()
		sgWaitPrefetchParked(t, srv, info.QueryID, 1)
		srv.Switch()

		// This query's prepare goes out on blue and its reply announces green: every later call
		// of the query must still carry blue (Python pins the colour read after prepare).
		hinted := sgQueryOne(t, ctx, db)
		assert.Equal(t, strategy.Blue, hinted.Strategy)
		assert.Equal(t, strategy.Green, c.Health().Pending, "the prepare reply carried the hint")
		sgAllOn(t, srv, hinted.QueryID, mock.Blue)
		assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, db).Strategy)

		for rows.Next() {
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		// Across the switch, prepare and every later call of each query carry one colour.
		byID := map[string]string{}
		for _, r := range srv.CallLog() {
			if r.QueryID == "" {
				continue
			}
			if r.Method == "prepareStatementV2" {
				byID[r.QueryID] = r.Strategy
				continue
			}
			p, ok := byID[r.QueryID]
			if assert.True(t, ok, "call %s of %s before its prepare", r.Method, r.QueryID) {
				assert.Equal(t, p, r.Strategy, "%s of %s", r.Method, r.QueryID)
			}
		}
		sgNoPins(t, c, srv)
	})

	t.Run("g re-detection does not break other connections", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 1000)
		ctx := testCtx(t)
		connA, connB := rawConn(t, db), rawConn(t, db)
		sgQueryOne(t, ctx, connB)
		rows, err := connA.QueryContext(ctx, numbersSQL)
		require.NoError(t, err)
		defer rows.Close()
		next := int64(1)
		sgRead(t, rows, 500, &next)

		gen := c.Health().Generation
		auth := len(callsOf(srv, "authenticate"))
		srv.FailNext("prepareStatementV2", 1, errGo456)
		infoB := sgQueryOne(t, ctx, connB)
		assert.Equal(t, 2, infoB.Attempts)
		assert.Greater(t, c.Health().Generation, gen, "the 456 invalidated the colour")
		assert.Greater(t, len(callsOf(srv, "authenticate")), auth, "connB re-detected")

		next = readSequence(t, rows, next, "connA's query is untouched by connB's re-detection")
		assert.Equal(t, int64(1001), next)
		require.NoError(t, rows.Close())
		sgQueryOne(t, ctx, connA)
		sgNoPins(t, c, srv)
	})

	t.Run("h authenticate errors are surfaced", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			status bool
		}{{"empty session", false}, {"Unauthenticated status", true}} {
			t.Run(tc.name, func(t *testing.T) {
				srv := sgStart(t, mock.Options{RejectAuthWithStatus: tc.status})
				cfg := configFor(t, srv)
				cfg.Token = "wrong-token"
				c, db := sgOpen(t, cfg)
				var v int
				err := db.QueryRowContext(testCtx(t), "SELECT 1").Scan(&v)
				require.Error(t, err)
				assert.ErrorIs(t, err, connector.ErrInvalidCredentials)
				assert.NotErrorIs(t, err, strategy.ErrNoStrategy, "a refused token is not a 456")
				auth := callsOf(srv, "authenticate")
				require.Len(t, auth, 1, "a refused token ends detection: green is not tried")
				assert.Equal(t, mock.Blue, auth[0].Strategy)
				assert.Empty(t, c.Health().Active)
				assert.NotContains(t, err.Error(), "wrong-token")
			})
		}
	})

	t.Run("i the 456 classifier", func(t *testing.T) {
		ctx := context.Background()
		for _, tc := range []struct {
			name string
			err  error
			want strategy.Class
		}{
			{"grpc-go", errGo456, strategy.WrongStrategy},
			{"C-core", errCCore, strategy.WrongStrategy},
			{"Python mock", status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: green, Got: blue"), strategy.WrongStrategy},
			{"gRPC status 456", status.Error(456, "wrong strategy"), strategy.WrongStrategy},
			{"other HTTP status", status.Error(codes.Unknown, "unexpected HTTP status code received from server: 4567"), strategy.Other},
			{"SQL error naming 456", status.Error(codes.Internal, "column 456 not found"), strategy.Other},
		} {
			assert.Equal(t, tc.want, strategy.Classify(ctx, tc.err), tc.name)
		}
		// And the errors a real grpc-go client gets from each shape of the mock.
		for _, shape := range []mock.WrongStrategyShape{mock.HTTP456, mock.GRPCStatus456, mock.UnknownCCore, mock.InvalidArgument456} {
			srv := sgStart(t, mock.Options{WrongStrategy: shape})
			cc, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
			require.NoError(t, err)
			cctx := metadata.AppendToOutgoingContext(testCtx(t), "strategy", mock.Green)
			_, err = e6pb.NewQueryEngineServiceClient(cc).HealthCheck(cctx, &e6pb.HealthCheckRequest{})
			require.Error(t, err)
			assert.Equal(t, strategy.WrongStrategy, strategy.Classify(cctx, err), "shape %d: %v", shape, err)
			_ = cc.Close()
		}
	})

	t.Run("j 456 during metadata, fetch and explain", func(t *testing.T) {
		// metadata and first batch: TestStrategyAbruptSwitchBeforeFirstRow; later batches:
		// replay_test.go. The engine's status RPC is not used by the driver. Here: the calls
		// made when the query is cleared (explain analyze) carry the pin across a switch, and a
		// 456 on them loses the statistics, never the result or the pin.
		srv, c, db := sgMock(t, mock.Options{}, 1000)
		ctx := testCtx(t)
		info := &connector.QueryInfo{CollectExplainAnalyze: true}
		rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
		require.NoError(t, err)
		defer rows.Close()
		sgWaitPrefetchParked(t, srv, info.QueryID, 1)
		srv.Switch()
		sgQueryOne(t, ctx, db)
		assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, db).Strategy)
		for rows.Next() {
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		require.NoError(t, info.CollectErr)
		var stats map[string]any
		require.NoError(t, json.Unmarshal([]byte(info.ExplainAnalyze), &stats))
		assert.Equal(t, mock.Blue, stats["strategy"])
		sgAllOn(t, srv, info.QueryID, mock.Blue)

		srv.FailNext("explainAnalyze", 1, errGo456)
		info2 := &connector.QueryInfo{CollectExplainAnalyze: true}
		rows, err = db.QueryContext(connector.WithQueryInfo(ctx, info2), numbersSQL)
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		assert.Equal(t, 1000, n)
		var e *connector.Error
		require.ErrorAs(t, info2.CollectErr, &e)
		assert.Equal(t, strategy.WrongStrategy, e.Class)
		sgNoPins(t, c, srv)
	})

	t.Run("k retries back off", func(t *testing.T) {
		srv, c, db := sgMock(t, mock.Options{}, 0)
		ctx := testCtx(t)
		sgQueryOne(t, ctx, db)
		srv.ResetCallLog()
		srv.FailNext("prepareStatementV2", 3, errGo456)
		start := time.Now()
		info := sgQueryOne(t, ctx, db)
		elapsed := time.Since(start)
		assert.Equal(t, 4, info.Attempts)
		prep := callsOf(srv, "prepareStatementV2")
		require.Len(t, prep, 4)
		var gaps []time.Duration
		for i := 1; i < len(prep); i++ {
			gaps = append(gaps, prep[i].Time.Sub(prep[i-1].Time))
		}
		t.Logf("gaps between prepare attempts: %v (total %v)", gaps, elapsed)
		// The first re-run goes out at once; then the schedule waits at least 25, 50 ms
		// (exponential from 50 ms, half of it jitter).
		const minSchedule = 25*time.Millisecond + 50*time.Millisecond
		assert.GreaterOrEqual(t, prep[3].Time.Sub(prep[0].Time), minSchedule)
		assert.Greater(t, gaps[2], gaps[0], "the waits grow")
		sgNoPins(t, c, srv)
	})

	t.Run("l new_strategy ping-pong cannot recurse or flap", func(t *testing.T) {
		testHintPingPong(t)
	})
}

// pingPongReply is a reply carrying new_strategy.
type pingPongReply struct{ hint string }

func (r *pingPongReply) GetNewStrategy() string { return r.hint }

func testHintPingPong(t *testing.T) {
	s := bluegreen.New(strategy.Key{Endpoint: "ping-pong.invalid:443", ClusterName: t.Name()}, strategy.Options{Logger: slog.New(slog.DiscardHandler)})
	_, _, err := s.Colour(context.Background(), func(context.Context, string) error { return nil })
	require.NoError(t, err)
	require.Equal(t, strategy.Blue, s.Active())
	icpt := s.UnaryClientInterceptor()
	var invoked atomic.Int64
	hint := func(h string) grpc.UnaryInvoker {
		return func(_ context.Context, _ string, _, reply any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
			invoked.Add(1)
			reply.(*pingPongReply).hint = h
			return nil
		}
	}
	colours := []string{strategy.Green, strategy.Blue}

	// Sequential round trips, each answering the other colour: at most one change each, and
	// one invocation per call (Observe never calls the network, so nothing recurses).
	const rounds = 20
	sw0 := s.Health().Switches
	for i := range rounds {
		gen := s.Generation()
		p, ok := s.Acquire()
		require.True(t, ok)
		ctx := bluegreen.WithCall(context.Background(), p.Call(""))
		require.NoError(t, icpt(ctx, "/QueryEngineService/authenticate", nil, &pingPongReply{}, nil, hint(colours[i%2])))
		p.Release()
		assert.LessOrEqual(t, s.Generation()-gen, uint64(2), "round %d: one promotion and one hint at most", i)
	}
	assert.Equal(t, int64(rounds), invoked.Load(), "no recursion")
	assert.LessOrEqual(t, s.Health().Switches-sw0, rounds, "at most one switch per round trip")

	// Replies to calls made at one generation, answering alternating colours, concurrently: the
	// first hint applies, every other one is stale.
	p, ok := s.Acquire()
	require.True(t, ok)
	defer p.Release()
	gen := s.Generation()
	ctx := bluegreen.WithCall(context.Background(), p.Call(""))
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, icpt(ctx, "/QueryEngineService/getNextResultBatch", nil, &pingPongReply{}, nil, hint(colours[i%2])))
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, s.Generation()-gen, uint64(1), "one change for one round trip's worth of replies")
	h := s.Health()
	assert.LessOrEqual(t, h.Switches-sw0, rounds)
	assert.Equal(t, int64(rounds+32), invoked.Load())
}

// sgStable is the part of a Health snapshot that does not change with time alone.
func sgStable(h strategy.Health) strategy.Health {
	return strategy.Health{Active: h.Active, Pending: h.Pending, Generation: h.Generation, InFlight: h.InFlight,
		LastError: h.LastError, Switches: h.Switches}
}

// 6. Two clusters in one process keep separate state; two connectors to one cluster share it.
func TestStrategyTwoClustersKeepSeparateState(t *testing.T) {
	testTwoClustersKeepSeparateState(t)
}

func testTwoClustersKeepSeparateState(t *testing.T) {
	srvA, cA, dbA := sgMock(t, mock.Options{ClusterName: "Cluster-A"}, 1000)
	srvB, cB, dbB := sgMock(t, mock.Options{ClusterName: "cluster-b"}, 1000)
	ctx := testCtx(t)

	keyA := strategy.Key{Endpoint: srvA.Addr(), ClusterName: "Cluster-A"}
	keyB := strategy.Key{Endpoint: srvB.Addr(), ClusterName: "cluster-b"}
	shared := func(k strategy.Key) *bluegreen.State {
		u, err := bluegreen.Shared(k, strategy.Options{}, nil)
		require.NoError(t, err)
		defer bluegreen.Unshare(u)
		return u.State
	}
	assert.NotSame(t, shared(keyA), shared(keyB))
	assert.Same(t, shared(keyA), shared(strategy.Key{Endpoint: srvA.Addr(), ClusterName: "cluster-a"}),
		"the cluster name is compared lower-cased")

	// A second connector to cluster A shares its state.
	cA2, dbA2 := sgOpen(t, configFor(t, srvA, "prefetch=1"))

	sgQueryOne(t, ctx, dbA)
	sgQueryOne(t, ctx, dbB)
	rowsB, err := dbB.QueryContext(ctx, numbersSQL) // a pin on B
	require.NoError(t, err)
	defer rowsB.Close()
	hB := sgStable(cB.Health())
	require.Equal(t, map[string]int{strategy.Blue: 1}, hB.InFlight)

	info := &connector.QueryInfo{}
	rowsA, err := dbA.QueryContext(connector.WithQueryInfo(ctx, info), numbersSQL)
	require.NoError(t, err)
	sgWaitPrefetchParked(t, srvA, info.QueryID, 1)
	srvA.Switch()
	sgQueryOne(t, ctx, dbA)
	assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, dbA).Strategy)
	assert.Equal(t, strategy.Green, sgQueryOne(t, ctx, dbA2).Strategy, "the other connector to A follows")
	assert.Equal(t, strategy.Green, cA2.Health().Active)
	for rowsA.Next() {
	}
	require.NoError(t, rowsA.Err())
	require.NoError(t, rowsA.Close())

	// B is untouched: colour, generation, switches and pins.
	assert.Equal(t, hB, sgStable(cB.Health()))
	assert.Equal(t, strategy.Blue, sgQueryOne(t, ctx, dbB).Strategy)
	awaitInFlight(t, cB, map[string]int{strategy.Blue: 1}) // the open rows B; the query's clear went out
	assert.Zero(t, srvB.Calls("prepareStatementV2", mock.Green))
	require.NoError(t, rowsB.Close())
	assert.Equal(t, 1, cA.Health().Switches)
	assert.Zero(t, cB.Health().Switches)
	sgNoPins(t, cA, srvA)
	sgNoPins(t, cB, srvB)
}

// Two processes share a detection through the file store. A second State for the same cluster
// cannot exist in this process (bluegreen.Shared), so the test binary runs itself as the second
// process (TestStrategyHelperProcess).
func TestStrategyFileStoreSharedBetweenProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a second process")
	}
	srv := sgStart(t, mock.Options{InitialStrategy: mock.Green})
	dir := t.TempDir()
	cfg := configFor(t, srv)
	store := strategy.NewFileStore(dir, nil)
	cfg.StrategyOptions.Store = store
	c, db := sgOpen(t, cfg)
	sgQueryOne(t, testCtx(t), db)
	require.Equal(t, []string{"blue:456", "green:OK"}, sgAuth(srv), "the parent detected green")
	require.Equal(t, strategy.Green, c.Health().Active)
	// The detection is written to the store in the background: let it land before the child looks.
	require.Eventually(t, func() bool {
		rec, ok, _ := store.Load(testCtx(t), strategy.Key{Endpoint: cfg.Addr(), ClusterName: cfg.ClusterName})
		return ok && rec.Colour == strategy.Green
	}, 30*time.Second, time.Millisecond)

	srv.ResetCallLog()
	cmd := exec.CommandContext(testCtx(t), os.Args[0], "-test.run=^TestStrategyHelperProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), sgHelperEnv+"=1", "E6DATA_HELPER_DSN="+srv.DSN(), "E6DATA_HELPER_STORE="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "helper process:\n%s", out)
	require.Contains(t, string(out), "helper: ran on green")
	assert.Equal(t, []string{"green:OK"}, sgAuth(srv), "the child adopted the stored colour: one authenticate, no blue attempt")
	assert.Zero(t, srv.Calls("prepareStatementV2", mock.Blue))
	assert.Positive(t, srv.Calls("prepareStatementV2", mock.Green))
}

const sgHelperEnv = "E6DATA_STRATEGY_HELPER_PROCESS"

// TestStrategyHelperProcess is the second process of TestStrategyFileStoreSharedBetweenProcesses;
// it does nothing in a normal run.
func TestStrategyHelperProcess(t *testing.T) {
	if os.Getenv(sgHelperEnv) != "1" {
		t.Skip("helper process only")
	}
	cfg, err := connector.ParseDSN(os.Getenv("E6DATA_HELPER_DSN"))
	require.NoError(t, err)
	cfg.StrategyOptions.Store = strategy.NewFileStore(os.Getenv("E6DATA_HELPER_STORE"), nil)
	_, db := sgOpen(t, *cfg)
	info := sgQueryOne(t, testCtx(t), db)
	fmt.Printf("helper: ran on %s\n", info.Strategy)
}
