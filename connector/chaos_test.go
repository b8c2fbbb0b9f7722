package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// TestChaosBlueGreenSwitches is the zero-downtime promise under load: 32 goroutines run mixed
// queries (single-batch and multi-batch, every result checked row by row) through database/sql
// for 12 s per mode while the mock switches colour every 1.5 s. The modes: alternating a
// drained, announced switch and an abrupt one (no announcement, no drain, queries cut
// mid-stream); and announce-first, as e6data's own test server switches (the new colour is
// announced on every response but refused, naming the serving one, until a query on the old
// colour was cleared). A drain that outlives 4 s is cut, so a starved machine still sees a few
// switches. Each mode must end with no failed query, no wrong result, every call of every query
// id carrying one colour, no pins left and the driver's switch count equal to the mock's.
func TestChaosBlueGreenSwitches(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test: 12 s per mode")
	}
	for _, mode := range []struct {
		name  string
		shape mock.WrongStrategyShape
		do    func(srv *mock.Server, n int)
	}{
		{"drained and abrupt", mock.HTTP456, func(srv *mock.Server, n int) {
			if n%2 == 0 {
				srv.Switch()
			} else {
				srv.SwitchAbrupt()
			}
		}},
		{"announce-first", mock.InvalidArgument456, func(srv *mock.Server, _ int) { srv.AnnounceSwitch() }},
	} {
		t.Run(mode.name, func(t *testing.T) { runChaos(t, mode.shape, mode.do) })
	}
}

func runChaos(t *testing.T, shape mock.WrongStrategyShape, switchOnce func(srv *mock.Server, n int)) {
	const (
		workers  = 32
		duration = 12 * time.Second
		every    = 1500 * time.Millisecond
		tableLen = 5000
		batch    = 100
	)
	srv := startMock(t, mock.Options{BatchRows: batch, DrainTimeout: 4 * time.Second, WrongStrategy: shape})
	loadNumbers(t, srv, tableLen)
	logs := &countingHandler{}
	cfg := configFor(t, srv, "prefetch=1", "retry-attempts=8")
	cfg.Logger = slog.New(logs)
	c, err := connector.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(workers)
	db.SetMaxIdleConns(workers)

	ctx, stop := context.WithTimeout(testCtx(t), duration)
	defer stop()
	end, _ := ctx.Deadline()
	var queries, failed, wrong atomic.Int64
	var firstErrMu sync.Mutex
	var firstErr error // errors of different types: an atomic.Value would panic on the second
	fail := func(counter *atomic.Int64, err error) {
		counter.Add(1)
		firstErrMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		firstErrMu.Unlock()
	}
	record := func(err error) {
		queries.Add(1)
		switch {
		case err == nil:
		case strings.HasPrefix(err.Error(), "wrong result"):
			fail(&wrong, err)
		default:
			fail(&failed, err)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for ctx.Err() == nil {
				record(runCheckedQuery(context.WithoutCancel(ctx), db, rng, tableLen))
			}
		}()
	}
	switches := 0
	tick := time.NewTicker(every)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			// A switch the driver had no call to notice is not one it can count: before the
			// next switch, wait (briefly) until it saw the previous one. Under normal load it
			// always has; on a CPU starved by -race and other test binaries it may lag.
			deadline := time.Now().Add(5 * time.Second)
			for c.Health().Switches < srv.Switches() && time.Now().Before(deadline) && ctx.Err() == nil {
				time.Sleep(10 * time.Millisecond)
			}
			// A switch waits for the previous one's drain: wait here, within the run.
			if ctx.Err() != nil || srv.WaitDrained(ctx) != nil {
				break loop
			}
			if time.Until(end) < every/2 {
				// Too late for the load to carry the switch to the driver before it stops
				// (an announced switch is not even carried out until a query is cleared).
				continue
			}
			switchOnce(srv, switches)
			switches++
		}
	}
	wg.Wait()

	// The driver learns of a switch from the calls it makes. On a machine starved by -race and
	// other test binaries the last switch may have come after the workers' last call: a few
	// more checked queries let it catch up (and an announced switch is carried out only when a
	// query on the old colour is cleared).
	rng := rand.New(rand.NewPCG(99, 42))
	for catchUp := time.Now().Add(10 * time.Second); c.Health().Switches < srv.Switches() && time.Now().Before(catchUp); {
		record(runCheckedQuery(testCtx(t), db, rng, tableLen))
	}
	require.NoError(t, srv.WaitDrained(testCtx(t)))
	rerun, replayed := logs.count("re-running query"), logs.count("query resumed by replay")
	t.Logf("chaos: %d queries, %d switches (%d started), %d re-run before their first row, %d resumed by replay",
		queries.Load(), srv.Switches(), switches, rerun, replayed)
	if firstErr != nil {
		t.Logf("first failure: %v", firstErr)
	}
	assert.Zero(t, failed.Load(), "failed queries")
	assert.Zero(t, wrong.Load(), "wrong results")
	assert.GreaterOrEqual(t, queries.Load(), int64(workers), "every worker ran a query")
	for id, colours := range srv.QueryColours() {
		assert.Len(t, colours, 1, "query %s carried %v", id, colours)
	}
	require.Eventually(t, func() bool {
		inFlight := 0
		for _, n := range c.Health().InFlight {
			inFlight += n
		}
		return inFlight == 0 && len(srv.PinnedQueries()) == 0
	}, 10*time.Second, 10*time.Millisecond, "pins left: driver %v, mock %v", c.Health().InFlight, srv.PinnedQueries())
	assert.Equal(t, srv.Switches(), c.Health().Switches, "the driver's switch count")
}

// runCheckedQuery runs one randomly chosen query and checks its result row by row.
func runCheckedQuery(ctx context.Context, db *sql.DB, rng *rand.Rand, tableLen int) error {
	switch rng.IntN(3) {
	case 0: // single batch: a short range
		lo := 1 + rng.IntN(tableLen-50)
		return checkRange(ctx, db, `SELECT n FROM numbers WHERE n BETWEEN ? AND ? ORDER BY n`, lo, lo+rng.IntN(50))
	case 1: // many batches
		hi := 200 + rng.IntN(tableLen-200)
		return checkRange(ctx, db, `SELECT n FROM numbers WHERE n BETWEEN ? AND ? ORDER BY n`, 1, hi)
	default: // an aggregate
		hi := 1 + rng.IntN(tableLen)
		var count, sum int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*), SUM(n) FROM numbers WHERE n <= ?`, hi).Scan(&count, &sum); err != nil {
			return err
		}
		if count != int64(hi) || sum != int64(hi)*int64(hi+1)/2 {
			return fmt.Errorf("wrong result: count %d sum %d for n <= %d", count, sum, hi)
		}
		return nil
	}
}

func checkRange(ctx context.Context, db *sql.DB, query string, lo, hi int) error {
	rows, err := db.QueryContext(ctx, query, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	want := int64(lo)
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("wrong result: row %d is %d in [%d, %d]", want-int64(lo), n, lo, hi)
		}
		want++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if want != int64(hi)+1 {
		return fmt.Errorf("wrong result: %d rows for [%d, %d]", want-int64(lo), lo, hi)
	}
	return nil
}

// countingHandler is a slog.Handler counting messages, to see what the driver did.
type countingHandler struct {
	mu   sync.Mutex
	msgs map[string]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.msgs == nil {
		h.msgs = map[string]int{}
	}
	h.msgs[r.Message]++
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) count(substr string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for m, c := range h.msgs {
		if strings.Contains(m, substr) {
			n += c
		}
	}
	return n
}
