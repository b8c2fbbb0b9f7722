package connector_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// awaitClears waits until every query in srv's call log has been cleared (a clearOrCancelQuery
// about it has ended on the mock): the driver sends the clear in the background once the caller
// is done with a query, so it may still be on its way when the caller's call returned.
func awaitClears(t testing.TB, srv *mock.Server) {
	t.Helper()
	awaitCleared(t, srv, queryIDs(srv)...)
}

// awaitCleared waits until the queries ids have been cleared (see awaitClears).
func awaitCleared(t testing.TB, srv *mock.Server, ids ...string) {
	t.Helper()
	require.Eventually(t, func() bool {
		cleared := map[string]bool{}
		for _, r := range srv.CallLog() {
			if r.Method == "clearOrCancelQuery" && r.Outcome != "" {
				cleared[r.QueryID] = true
			}
		}
		for _, id := range ids {
			if !cleared[id] {
				return false
			}
		}
		return true
	}, 10*time.Second, time.Millisecond, "queries cleared")
}

// awaitInFlight waits until c's pins per colour are want (nil: none): a query's pin is released
// once its clear, sent in the background after the caller is done, has gone out.
func awaitInFlight(t testing.TB, c *connector.Connector, want map[string]int) {
	t.Helper()
	norm := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	require.Eventually(t, func() bool {
		got, w := norm(c.Health().InFlight), norm(want)
		if len(got) != len(w) {
			return false
		}
		for k, v := range w {
			if got[k] != v {
				return false
			}
		}
		return true
	}, 10*time.Second, time.Millisecond, "pins in flight: want %v, have %v", want, c.Health().InFlight)
}

// delayEveryCall returns an interceptor that delays every unary call by d before it goes out: a
// simulated network round trip (the calls themselves answer within microseconds on loopback).
func delayEveryCall(d time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// delayedDB opens a *sql.DB with one connection on a fresh mock where every call costs d, warmed
// up (authenticated, colour detected) so that what follows measures queries only. Interceptors
// in outer wrap the delay.
func delayedDB(t testing.TB, d time.Duration, outer ...grpc.UnaryClientInterceptor) (*mock.Server, *sql.DB) {
	t.Helper()
	srv := sgStart(t, mock.Options{})
	cfg := configFor(t, srv)
	cfg.DialOptions = append(cfg.DialOptions, grpc.WithChainUnaryInterceptor(append(outer, delayEveryCall(d))...))
	_, db := sgOpen(t, cfg)
	db.SetMaxOpenConns(1)
	var v int
	require.NoError(t, db.QueryRowContext(testCtx(t), "SELECT 1").Scan(&v))
	return srv, db
}

// selectOneRoundTrips runs QueryRow("SELECT 1").Scan and returns its duration in round trips of d.
func selectOneRoundTrips(ctx context.Context, db *sql.DB, d time.Duration) (float64, error) {
	start := time.Now()
	err := selectOne(ctx, db)
	return float64(time.Since(start)) / float64(d), err
}

func selectOne(ctx context.Context, db *sql.DB) error {
	var v int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&v)
}

// readAllRoundTrips runs Query("SELECT 1"), reads it to the end and closes it, in round trips of d.
func readAllRoundTrips(ctx context.Context, db *sql.DB, d time.Duration) (float64, error) {
	start := time.Now()
	err := readSelectOne(ctx, db)
	return float64(time.Since(start)) / float64(d), err
}

func readSelectOne(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	err = rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// roundTrips counts the round trips a caller waits for by causality, not by the clock: a call
// belongs to round trip 1 + the highest round trip of the calls that had ended when it started,
// so calls sent together (the metadata and the first batch) share one. CPU time between calls,
// which a stopwatch would add, does not count, so load on the machine cannot change the figure;
// the delay every call gets (delayEveryCall) keeps calls sent together overlapping.
// Not counted: the clear, which goes out after the caller is done, and calls that ended because
// the driver gave them up (a prefetch cancelled when the caller closed its rows).
type roundTrips struct {
	mu    sync.Mutex
	gen   int // bumped by reset, so a call of an earlier measurement that ends late is ignored
	ended int // the highest round trip among the counted calls that have ended
}

func (r *roundTrips) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if strings.HasSuffix(method, "/clearOrCancelQuery") {
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	r.mu.Lock()
	gen, n := r.gen, r.ended+1
	r.mu.Unlock()
	err := invoker(ctx, method, req, reply, cc, opts...)
	r.mu.Lock()
	if gen == r.gen && ctx.Err() == nil {
		r.ended = max(r.ended, n)
	}
	r.mu.Unlock()
	return err
}

// of runs fn and returns the round trips it waited for.
func (r *roundTrips) of(fn func() error) (int, error) {
	r.mu.Lock()
	r.gen++
	r.ended = 0
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ended, err
}

// A small query costs 3 sequential round trips on the caller's path (prepare, execute, then the
// metadata and the first batch together; the clear goes out in the background), and reading to
// the end one more (the end marker, fetched ahead while the caller reads).
func TestRoundTripsPerSmallQuery(t *testing.T) {
	// The delay is the margin within which calls sent together must start: generous, since the
	// race detector and a loaded machine slow the driver's goroutines down.
	d := 100 * time.Millisecond
	if raceEnabled {
		d = 200 * time.Millisecond
	}
	rt := &roundTrips{}
	_, db := delayedDB(t, d, rt.intercept)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name string
		run  func(context.Context, *sql.DB) error
		want int
	}{
		{"QueryRow Scan", selectOne, 3},
		{"Query read to the end", readSelectOne, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 3 {
				n, err := rt.of(func() error { return tc.run(ctx, db) })
				require.NoError(t, err)
				assert.Equal(t, tc.want, n, "round trips")
			}
		})
	}
}

// BenchmarkRoundTripsSelect1 reports how many simulated round trips a small query takes when
// every call costs the same delay: QueryRow("SELECT 1").Scan, and Query read to the end.
func BenchmarkRoundTripsSelect1(b *testing.B) {
	for _, bc := range []struct {
		name string
		run  func(context.Context, *sql.DB, time.Duration) (float64, error)
	}{
		{"QueryRow", selectOneRoundTrips},
		{"ReadAll", readAllRoundTrips},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const d = 20 * time.Millisecond
			_, db := delayedDB(b, d)
			ctx := testCtx(b)
			var total float64
			b.ResetTimer()
			for range b.N {
				rtt, err := bc.run(ctx, db, d)
				if err != nil {
					b.Fatal(err)
				}
				total += rtt
			}
			b.ReportMetric(total/float64(b.N), "RTT/op")
		})
	}
}

// The clear goes out after the caller is done, without the caller waiting for it, exactly once
// per query and carrying the query's pin, which is held until the clear went out.
func TestClearIsSentInTheBackground(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	gate := make(chan struct{})
	var held atomic.Int32
	cfg := configFor(t, srv)
	cfg.DialOptions = append(cfg.DialOptions, grpc.WithChainUnaryInterceptor(
		func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			if strings.HasSuffix(method, "/clearOrCancelQuery") {
				held.Add(1)
				select {
				case <-gate:
				case <-ctx.Done():
					return status.FromContextError(ctx.Err()).Err()
				}
			}
			return invoker(ctx, method, req, reply, cc, opts...)
		}))
	c, db := sgOpen(t, cfg)
	ctx := testCtx(t)

	info := sgQueryOne(t, ctx, db) // returns although the clear cannot go out yet
	require.Eventually(t, func() bool { return held.Load() == 1 }, 10*time.Second, time.Millisecond, "the clear was started")
	assert.Zero(t, callsFor(srv, "clearOrCancelQuery", info.QueryID), "the clear has not reached the cluster")
	assert.Equal(t, map[string]int{strategy.Blue: 1}, c.Health().InFlight, "the pin is held until the clear went out")
	assert.Equal(t, map[string]int{mock.Blue: 1}, srv.PinnedQueries(), "the query is still open on the cluster")

	close(gate)
	sgNoPins(t, c, srv)
	awaitClears(t, srv)
	sgAllOn(t, srv, info.QueryID, mock.Blue) // the clear carried the query's pin
	require.NoError(t, db.Close())           // waits for the connector's background work
	assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", info.QueryID), "sent exactly once")
	assert.EqualValues(t, 1, held.Load())
}

// A connection has at most one clear in flight: a query's clear waits, in the background, for
// the previous one of its connection, so slow clears cannot pile up on the cluster behind a fast
// caller, and the caller does not wait for them (TestSlowClearDelaysNoLaterQuery). (Close sends
// the clears still queued side by side: TestCloseClearsOpenQueries.)
func TestClearsInFlightAreBounded(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	var mu sync.Mutex
	inFlight, most := 0, 0
	cfg := configFor(t, srv)
	cfg.DialOptions = append(cfg.DialOptions, grpc.WithChainUnaryInterceptor(
		func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			if !strings.HasSuffix(method, "/clearOrCancelQuery") {
				return invoker(ctx, method, req, reply, cc, opts...)
			}
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			defer func() {
				mu.Lock()
				inFlight--
				mu.Unlock()
			}()
			time.Sleep(20 * time.Millisecond) // a slow clear: a simulated network round trip
			return invoker(ctx, method, req, reply, cc, opts...)
		}))
	_, db := sgOpen(t, cfg)
	db.SetMaxOpenConns(1)
	ctx := testCtx(t)
	const queries = 10
	for range queries {
		sgQueryOne(t, ctx, db)
	}
	awaitClears(t, srv)
	mu.Lock()
	assert.Equal(t, 1, most, "clears in flight at once on one connection")
	mu.Unlock()
	require.NoError(t, db.Close())
	assert.Equal(t, queries, srv.Calls("clearOrCancelQuery", "*"), "one clear per query")
}

// The first re-run after a 456 goes out at once; backoff starts with the second.
func TestFirstRerunWithoutBackoff(t *testing.T) {
	srv, _, db := sgMock(t, mock.Options{}, 0)
	ctx := testCtx(t)
	sgQueryOne(t, ctx, db)
	const shortestBackoff = 25 * time.Millisecond
	prepareGaps := func(rejected int) []time.Duration {
		awaitClears(t, srv)
		srv.ResetCallLog()
		srv.FailNext("prepareStatementV2", rejected, errGo456)
		info := sgQueryOne(t, ctx, db)
		require.Equal(t, rejected+1, info.Attempts)
		prep := callsOf(srv, "prepareStatementV2")
		require.Len(t, prep, rejected+1)
		var gaps []time.Duration
		for i := 1; i < len(prep); i++ {
			gaps = append(gaps, prep[i].Time.Sub(prep[i-1].Time))
		}
		return gaps
	}
	// With a backoff, every gap would be at least the shortest one; load can lengthen some
	// gaps, but not all of them.
	var first []time.Duration
	for range 5 {
		first = append(first, prepareGaps(1)[0])
	}
	t.Logf("gaps before the first re-run: %v", first)
	assert.Less(t, slices.Min(first), shortestBackoff, "the first re-run waits for no backoff")

	gaps := prepareGaps(2)
	t.Logf("gaps with two re-runs: %v", gaps)
	assert.GreaterOrEqual(t, gaps[1], shortestBackoff, "the second re-run backs off")
}
