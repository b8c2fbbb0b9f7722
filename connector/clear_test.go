package connector_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
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

// gateClears returns a dial option that holds every clearOrCancelQuery until gate is closed,
// and the count of clears it has held.
func gateClears(gate <-chan struct{}) (grpc.DialOption, *atomic.Int32) {
	var held atomic.Int32
	return grpc.WithChainUnaryInterceptor(
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
		}), &held
}

// A slow clear delays no later query: with one connection and the first query's clear held,
// the next queries run to the end all the same (their clears wait behind it, in the
// background), and once the cluster answers, every clear goes out exactly once, carrying its
// query's colour. The queries would wait for the held clear for ever before the fix; the test's
// bound is 30 s.
func TestSlowClearDelaysNoLaterQuery(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	gate := make(chan struct{})
	cfg := configFor(t, srv, "cancel-timeout=10m")
	opt, held := gateClears(gate)
	cfg.DialOptions = append(cfg.DialOptions, opt)
	c, db := sgOpen(t, cfg)
	db.SetMaxOpenConns(1)
	ctx := testCtx(t)

	const queries = 3
	ids := make(chan string, queries)
	done := make(chan error, 1)
	go func() {
		for range queries {
			info := &connector.QueryInfo{}
			var v int
			if err := db.QueryRowContext(connector.WithQueryInfo(ctx, info), "SELECT 1").Scan(&v); err != nil {
				done <- err
				return
			}
			ids <- info.QueryID
		}
		done <- nil
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		close(gate)
		t.Fatalf("the queries wait for the held clear (%d queries done)", len(ids))
	}
	close(ids)
	require.Eventually(t, func() bool { return held.Load() >= 1 }, 30*time.Second, time.Millisecond, "the first clear is held")
	assert.EqualValues(t, 1, held.Load(), "one clear in flight on the connection; the others wait behind it")
	assert.Equal(t, map[string]int{strategy.Blue: queries}, c.Health().InFlight, "each query's pin is held until its clear went out")

	close(gate)
	var all []string
	for id := range ids {
		all = append(all, id)
	}
	awaitCleared(t, srv, all...)
	sgNoPins(t, c, srv)
	require.NoError(t, db.Close())
	for _, id := range all {
		assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", id), "query %s cleared exactly once", id)
		sgAllOn(t, srv, id, mock.Blue)
	}
	assert.EqualValues(t, queries, held.Load())
}

// db.Close leaves no query open on the cluster: rows never closed, rows still being read while
// Close runs, and the queries of a load still starting new ones are cleared before Close
// returns, so a drained switch that follows ends at once (the drain timeout is an hour: a query
// left pinned would hold it).
func TestCloseClearsOpenQueries(t *testing.T) {
	srv := sgStart(t, mock.Options{BatchRows: 10, DrainTimeout: time.Hour})
	_, db := sgOpen(t, configFor(t, srv, "prefetch=1", "cancel-timeout=1m"))
	const abandoned, readers, workers = 20, 4, 2
	db.SetMaxOpenConns(abandoned + readers + workers)
	ctx := testCtx(t)
	var left []*sql.Rows
	defer func() {
		for _, r := range left {
			_ = r.Close()
		}
	}()
	for range abandoned {
		rows, err := db.QueryContext(ctx, genSQL(1000))
		require.NoError(t, err)
		require.True(t, rows.Next())
		left = append(left, rows) // never closed before db.Close
	}
	closing := make(chan struct{})
	var wg sync.WaitGroup
	for range readers {
		rows, err := db.QueryContext(ctx, genSQL(1000))
		require.NoError(t, err)
		require.True(t, rows.Next())
		wg.Go(func() { // reads on while db.Close runs
			<-closing
			for rows.Next() {
			}
			_ = rows.Close()
		})
	}
	require.Equal(t, map[string]int{mock.Blue: abandoned + readers}, srv.PinnedQueries())
	load := selectLoad(ctx, db, workers) // its queries fail once Close began: not checked

	close(closing)
	require.NoError(t, db.Close())
	assert.Empty(t, srv.PinnedQueries(), "queries left open on the cluster after db.Close")
	wg.Wait()
	load()

	srv.Switch()
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitDrained(wctx), "the drained switch waits for queries the closed pool left open")
	awaitNoDriverGoroutines(t, "goroutines of the driver left after db.Close")
	for _, id := range queryIDs(srv) {
		assert.LessOrEqual(t, callsFor(srv, "clearOrCancelQuery", id), 1, "query %s cleared at most once", id)
	}
}

// A query whose rows were never closed is cleared when its connection is closed.
func TestConnCloseClearsItsOpenQuery(t *testing.T) {
	srv := sgStart(t, mock.Options{BatchRows: 10})
	c, err := connector.NewConnector(configFor(t, srv, "prefetch=1"))
	require.NoError(t, err)
	defer c.Close()
	ctx := testCtx(t)
	dc, err := c.Connect(ctx)
	require.NoError(t, err)
	cn := dc.(*connector.Conn)
	rows, err := cn.QueryContext(ctx, genSQL(1000), nil)
	require.NoError(t, err)
	dest := make([]driver.Value, 1)
	require.NoError(t, rows.Next(dest))
	require.Equal(t, map[string]int{mock.Blue: 1}, srv.PinnedQueries())

	require.NoError(t, cn.Close()) // the rows are abandoned, never closed
	awaitClears(t, srv)
	sgNoPins(t, c, srv)
	require.NoError(t, rows.Close())
	require.NoError(t, c.Close())
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", ids[0]), "cleared exactly once")
}
