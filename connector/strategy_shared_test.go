package connector_test

// Tests of one cluster's blue/green state shared by several connectors of the process: each
// connector keeps its own hooks on it, and options that shape the shared state must agree.

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/metric/noop"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// sgEvents records the events a connector's OnEvent receives.
type sgEvents struct {
	mu  sync.Mutex
	evs []strategy.Event
}

func (r *sgEvents) on(e strategy.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

func (r *sgEvents) of(k strategy.EventKind) []strategy.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []strategy.Event
	for _, e := range r.evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// clusterKinds returns the kinds of the events about the cluster's state, leaving out those
// about one connector's queries.
func (r *sgEvents) clusterKinds() []strategy.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []strategy.EventKind
	for _, e := range r.evs {
		if e.Kind != strategy.EventRetry && e.Kind != strategy.EventInterrupted {
			out = append(out, e.Kind)
		}
	}
	return out
}

// sgOpenObserved opens a connector on srv (prefetch=1 plus params) whose OnEvent records into
// the returned sgEvents.
func sgOpenObserved(t *testing.T, srv *mock.Server, params ...string) (*connector.Connector, *sql.DB, *sgEvents) {
	t.Helper()
	rec := &sgEvents{}
	cfg := configFor(t, srv, append([]string{"prefetch=1"}, params...)...)
	cfg.StrategyOptions.OnEvent = rec.on
	c, db := sgOpen(t, cfg)
	return c, db, rec
}

// Two connectors to one cluster share its state, and each one's OnEvent sees its changes: a
// switch observed through either connector is reported to both.
func TestStrategySharedStateEventsReachEveryConnector(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	ctx := testCtx(t)
	c1, db1, rec1 := sgOpenObserved(t, srv)
	c2, db2, rec2 := sgOpenObserved(t, srv)

	sgQueryOne(t, ctx, db1)
	sgQueryOne(t, ctx, db2)
	awaitClears(t, srv) // the clears go out in the background: let them release the pins
	require.Equal(t, mock.Green, srv.Switch())
	// No query holds blue, so it retires at once: the next query meets a 456 and re-detects.
	require.Equal(t, strategy.Green, sgQueryOne(t, ctx, db2).Strategy)

	for name, rec := range map[string]*sgEvents{"first": rec1, "second": rec2} {
		sw := rec.of(strategy.EventSwitched)
		if assert.Len(t, sw, 1, "the %s connector's OnEvent sees the switch", name) {
			assert.Equal(t, strategy.Blue, sw[0].From)
			assert.Equal(t, strategy.Green, sw[0].To)
		}
	}
	assert.Equal(t, rec2.clusterKinds(), rec1.clusterKinds(), "both see every change of the cluster's state")
	assert.Empty(t, rec1.of(strategy.EventRetry), "the second connector's query retry is its own")
	assert.NotEmpty(t, rec2.of(strategy.EventRetry))
	assert.Equal(t, c1.Health().Generation, c2.Health().Generation, "one state")
}

// Automated rollback checks the previous colour through a connector that is still open: after
// the first connector closed, the second one's probe is used.
func TestStrategyRollbackProbesThroughAnOpenConnector(t *testing.T) {
	srv := sgStart(t, mock.Options{BatchRows: 10})
	loadNumbers(t, srv, 1000)
	ctx := testCtx(t)
	_, db1, rec1 := sgOpenObserved(t, srv)
	c2, db2, rec2 := sgOpenObserved(t, srv, "retry-attempts=1")
	sgQueryOne(t, ctx, db1)
	require.NoError(t, db1.Close(), "the first connector closes")
	rows, next := sgOnGreenBlueAnswering(t, ctx, srv, c2, db2)
	defer rows.Close()

	// Green fails while it should answer (transport errors on prepare): after
	// RollbackFailures of them the driver probes blue and, as it answers, returns to it.
	srv.FailNext("prepareStatementV2", strategy.DefaultRollbackFailures, status.Error(codes.Unavailable, "injected outage"))
	for range strategy.DefaultRollbackFailures {
		var v int64
		err := db2.QueryRowContext(ctx, "SELECT 1").Scan(&v)
		require.Error(t, err, "the injected failure reaches the caller (retry-attempts=1)")
	}
	// The check runs in the background, not on the goroutine of the failing query.
	require.Eventually(t, func() bool { return len(rec2.of(strategy.EventRolledBack)) > 0 }, 30*time.Second, time.Millisecond,
		"no rollback (last error %q)", c2.Health().LastError)
	h := c2.Health()
	assert.Equal(t, strategy.Blue, h.Active, "rolled back through the open connector (last error %q)", h.LastError)
	rb := rec2.of(strategy.EventRolledBack)
	if assert.Len(t, rb, 1) {
		assert.Equal(t, "auto", rb[0].Method)
		assert.Equal(t, strategy.Green, rb[0].From)
		assert.Equal(t, strategy.Blue, rb[0].To)
	}
	assert.Empty(t, rec1.of(strategy.EventRolledBack), "a closed connector's OnEvent hears nothing more")
	assert.Equal(t, strategy.Blue, sgQueryOne(t, ctx, db2).Strategy, "new work is back on blue")
	sgRead(t, rows, 5, next)
	require.NoError(t, rows.Close())
}

// sgOnGreenBlueAnswering makes db's new work run on green after a hint-driven switch while
// blue still answers, as automated rollback needs: a query pinned to blue (rows, read up to
// next) keeps blue serving (draining) after the switch, a query on blue hears of green, and one
// on green has completed, its success reported (c's pins show only the blue query).
func sgOnGreenBlueAnswering(t *testing.T, ctx context.Context, srv *mock.Server, c *connector.Connector, db *sql.DB) (*sql.Rows, *int64) {
	t.Helper()
	rows, err := db.QueryContext(ctx, numbersSQL)
	require.NoError(t, err)
	next := int64(1)
	sgRead(t, rows, 5, &next)
	require.Equal(t, mock.Green, srv.Switch())
	require.Equal(t, mock.Blue, srv.DrainingStrategy())
	sgQueryOne(t, ctx, db) // on blue; its replies announce green
	onGreen := sgQueryOne(t, ctx, db)
	require.Equal(t, strategy.Green, onGreen.Strategy)
	// Its clear, a success on green that goes out in the background, must not land among
	// failures that follow (a success ends a run of failures). The server seeing the clear is
	// not enough: the driver reports the success when the answer arrives, which under load can
	// be after the first failure. The pin is released after that report, so wait for it.
	awaitCleared(t, srv, onGreen.QueryID)
	awaitInFlight(t, c, map[string]int{strategy.Blue: 1})
	return rows, &next
}

// Options that shape the shared state must agree between the open connectors to one cluster:
// a conflicting value is refused at NewConnector with an error naming the field; per-connector
// hooks never conflict. Once the connector that set a value is closed, another value is
// accepted.
func TestStrategySharedOptionsConflict(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	store := strategy.NewMemoryStore()
	mp := noop.NewMeterProvider()
	base := func(t *testing.T) connector.Config {
		cfg := configFor(t, srv, "strategy-ttl=1m")
		cfg.StrategyOptions.Store = store
		cfg.StrategyOptions.MeterProvider = mp
		return cfg
	}
	first, err := connector.NewConnector(base(t))
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		edit  func(c *connector.Config)
		field string // "" when compatible
	}{
		{"same options", func(*connector.Config) {}, ""},
		{"own OnEvent and Logger", func(c *connector.Config) {
			c.StrategyOptions.OnEvent = func(strategy.Event) {}
			c.StrategyOptions.Logger = slog.New(slog.DiscardHandler)
			c.Logger = slog.New(slog.DiscardHandler)
		}, ""},
		{"explicit defaults", func(c *connector.Config) {
			c.StrategyOptions.MaxPinAge = strategy.DefaultMaxPinAge
			c.StrategyOptions.Selector = []string{"BLUE", "green"}
		}, ""},
		{"TTL from the DSN", func(c *connector.Config) { c.StrategyTTL = 2 * time.Minute }, "TTL"},
		{"TTL in the options", func(c *connector.Config) { c.StrategyOptions.TTL = time.Hour }, "TTL"},
		{"forced colour", func(c *connector.Config) { c.Strategy = strategy.Green }, "Selector"},
		{"another store", func(c *connector.Config) { c.StrategyOptions.Store = strategy.NewMemoryStore() }, "Store"},
		{"no store", func(c *connector.Config) { c.StrategyOptions.Store = nil }, "Store"},
		{"no metrics", func(c *connector.Config) { c.StrategyOptions.MeterProvider = nil }, "MeterProvider"},
		{"max pin age", func(c *connector.Config) { c.StrategyOptions.MaxPinAge = time.Minute }, "MaxPinAge"},
		{"rollback failures", func(c *connector.Config) { c.StrategyOptions.RollbackFailures = 5 }, "RollbackFailures"},
		{"rollback window", func(c *connector.Config) { c.StrategyOptions.RollbackWindow = time.Hour }, "RollbackWindow"},
		{"detect timeout", func(c *connector.Config) { c.StrategyOptions.DetectTimeout = time.Second }, "DetectTimeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base(t)
			tc.edit(&cfg)
			c, err := connector.NewConnector(cfg)
			if tc.field == "" {
				require.NoError(t, err)
				require.NoError(t, c.Close())
				return
			}
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, strategy.ErrOptionsConflict)
			var ce *strategy.OptionsConflictError
			require.True(t, errors.As(err, &ce), "%T: %v", err, err)
			assert.Equal(t, tc.field, ce.Field)
			assert.Contains(t, err.Error(), tc.field)
			assert.NotContains(t, err.Error(), "mock-token", "no secret in the error")
		})
	}

	// With the first connector closed, nothing holds the state: another TTL is accepted.
	require.NoError(t, first.Close())
	cfg := base(t)
	cfg.StrategyTTL = 2 * time.Minute
	c, err := connector.NewConnector(cfg)
	require.NoError(t, err)
	require.NoError(t, c.Close())
}
