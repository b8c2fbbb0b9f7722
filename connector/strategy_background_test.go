package connector_test

// Tests that a query waits only for its own work: the blue/green bookkeeping that follows from
// it (the store write of a switch, the automated-rollback check, a detection shared with
// another connector) never holds its caller, and a connector closing does not fail another's.

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// gateStore is a MemoryStore whose Save, once armed, blocks until released, ignoring its
// context as FileStore does while another process holds the file's lock.
type gateStore struct {
	*strategy.MemoryStore
	saves   atomic.Int32
	entered chan struct{} // receives once a Save is blocked
	mu      sync.Mutex
	gate    chan struct{} // nil: Save does not block
}

func newGateStore() *gateStore {
	return &gateStore{MemoryStore: strategy.NewMemoryStore(), entered: make(chan struct{}, 1)}
}

func (g *gateStore) arm() {
	g.mu.Lock()
	g.gate = make(chan struct{})
	g.mu.Unlock()
}

func (g *gateStore) release() {
	g.mu.Lock()
	if g.gate != nil {
		close(g.gate)
		g.gate = nil
	}
	g.mu.Unlock()
}

func (g *gateStore) Save(ctx context.Context, key strategy.Key, rec strategy.Record) error {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		<-gate
	}
	g.saves.Add(1)
	return g.MemoryStore.Save(ctx, key, rec)
}

// awaitReturn fails the test unless done delivers within a generous bound: the caller would
// otherwise be waiting for work that is not its own.
func awaitReturn(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return: it waits for someone else's work", what)
		return nil
	}
}

// A query whose start moves new work to the hinted colour returns, its deadline honoured, while
// the store write of that switch hangs.
func TestQueryDoesNotWaitForStoreWrite(t *testing.T) {
	srv := sgStart(t, mock.Options{BatchRows: 10})
	loadNumbers(t, srv, 1000)
	store := newGateStore()
	cfg := configFor(t, srv, "prefetch=1")
	cfg.StrategyOptions.Store = store
	c, db := sgOpen(t, cfg)
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, numbersSQL) // detects blue, and keeps blue serving after the switch
	require.NoError(t, err)
	defer rows.Close()
	require.Eventually(t, func() bool { return store.saves.Load() == 1 }, 30*time.Second, time.Millisecond, "the detection written")
	require.Equal(t, mock.Green, srv.Switch())
	sgQueryOne(t, ctx, db) // on blue; its replies announce green
	require.Equal(t, strategy.Green, c.Health().Pending)

	store.arm()
	defer store.release()
	qctx, expire := newExpiringCtx(t)
	done := make(chan error, 1)
	go func() {
		var v int64
		done <- db.QueryRowContext(qctx, "SELECT 1").Scan(&v) // its start promotes green: a store write
	}()
	select {
	case <-store.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the switch's store write never started")
	}
	expire()
	err = awaitReturn(t, done, "the query")
	if err != nil {
		assert.ErrorIs(t, err, context.DeadlineExceeded, "fails, if at all, with its own deadline")
	}
	store.release()
	require.Eventually(t, func() bool {
		rec, ok, _ := store.Load(ctx, strategy.Key{Endpoint: cfg.Addr(), ClusterName: cfg.ClusterName})
		return ok && rec.Colour == strategy.Green
	}, 30*time.Second, time.Millisecond, "the switch written once the store answers")
}

// The query whose failure completes the automated-rollback streak gets its error at once,
// while the rollback's probe of the previous colour hangs (DetectTimeout 10 minutes).
func TestQueryDoesNotWaitForRollbackCheck(t *testing.T) {
	srv := sgStart(t, mock.Options{BatchRows: 10})
	loadNumbers(t, srv, 1000)
	cfg := configFor(t, srv, "prefetch=1", "retry-attempts=1")
	cfg.StrategyOptions.DetectTimeout = 10 * time.Minute
	c, db := sgOpen(t, cfg)
	ctx := testCtx(t)
	rows, _ := sgOnGreenBlueAnswering(t, ctx, srv, c, db)
	defer rows.Close()

	srv.FailNext("prepareStatementV2", strategy.DefaultRollbackFailures, status.Error(codes.Unavailable, "injected outage"))
	for range strategy.DefaultRollbackFailures - 1 {
		var v int64
		require.Error(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&v))
	}
	srv.ResetCallLog()
	srv.DelayNext("authenticate", 1, time.Hour) // the rollback's probe of blue hangs
	qctx, expire := newExpiringCtx(t)
	done := make(chan error, 1)
	go func() {
		var v int64
		done <- db.QueryRowContext(qctx, "SELECT 1").Scan(&v)
	}()
	awaitFaultsMet(t, srv, "authenticate")
	expire()
	err := awaitReturn(t, done, "the query completing the failure streak")
	require.Error(t, err)
	var auths []string
	for _, r := range callsOf(srv, "authenticate") {
		auths = append(auths, r.Strategy)
	}
	assert.Equal(t, []string{strategy.Blue}, auths, "the hanging call is the rollback's probe")
	assert.Equal(t, strategy.Green, c.Health().Active, "no rollback yet: its probe hangs")
}

// detectionWaiters counts the goroutines waiting for a detection flight in State.Colour.
func detectionWaiters() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "[select") && strings.Contains(g, "internal/bluegreen.(*State).Colour(") {
			count++
		}
	}
	return count
}

// Two pools on one cluster share a detection flight; the pool whose connection runs it closes
// while the other waits: the other's query still succeeds, detected through its own connection.
func TestSharedDetectionOutlivesTheClosingPool(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	ctx := testCtx(t)
	_, db1 := sgOpen(t, configFor(t, srv))
	_, db2 := sgOpen(t, configFor(t, srv))

	srv.DelayNext("authenticate", 1, time.Hour) // the flight's first probe, on db1's connection
	first := make(chan error, 1)
	go func() {
		var v int64
		first <- db1.QueryRowContext(ctx, "SELECT 1").Scan(&v)
	}()
	awaitFaultsMet(t, srv, "authenticate")
	second := make(chan error, 1)
	go func() {
		var v int64
		second <- db2.QueryRowContext(ctx, "SELECT 1").Scan(&v)
	}()
	require.Eventually(t, func() bool { return detectionWaiters() == 2 }, 30*time.Second, time.Millisecond,
		"db2's query joins the flight")

	require.NoError(t, db1.Close())
	require.NoError(t, awaitReturn(t, second, "db2's query"), "db1 closing must not fail db2's query")
	if err := awaitReturn(t, first, "db1's query"); err != nil {
		assert.False(t, errors.Is(err, context.DeadlineExceeded), "db1's query ends with its pool, not a timeout: %v", err)
	}
}
