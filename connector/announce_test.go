package connector_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// eventLog records the blue/green events of a State.
type eventLog struct {
	mu  sync.Mutex
	evs []strategy.Event
}

func (l *eventLog) add(e strategy.Event) {
	l.mu.Lock()
	l.evs = append(l.evs, e)
	l.mu.Unlock()
}

// count returns how many events of kind were seen.
func (l *eventLog) count(kind strategy.EventKind) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// TestStrategyAnnouncedSwitchDoesNotFlap: e6data's own test server announces the new colour on
// every response (authenticate included) but refuses it until a query on the old colour was
// cleared. The driver must not flap between the hint and the 456: the refusal wins, the hint is
// held until a query completed on the old colour, and then the switch goes through. Every
// query succeeds, and the driver counts the one switch the cluster made. The shapes: the
// proxy's HTTP 456 (grpc-go shows its body, which names the serving colour), the Python mock's
// INVALID_ARGUMENT naming it, and C-core's UNKNOWN, which names no colour.
func TestStrategyAnnouncedSwitchDoesNotFlap(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape mock.WrongStrategyShape
	}{
		{"HTTP 456", mock.HTTP456},
		{"Python mock INVALID_ARGUMENT", mock.InvalidArgument456},
		{"C-core UNKNOWN", mock.UnknownCCore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sgStart(t, mock.Options{WrongStrategy: tc.shape})
			// Announced before the driver ever saw the cluster: its first authenticate
			// already carries the hint.
			require.Equal(t, mock.Green, srv.AnnounceSwitch())
			evs := &eventLog{}
			cfg := configFor(t, srv, "prefetch=1")
			cfg.StrategyOptions.OnEvent = evs.add
			c, db := sgOpen(t, cfg)
			ctx, cancel := context.WithTimeout(testCtx(t), 20*time.Second)
			defer cancel()

			failed := 0
			var firstErr error
			for i := range 20 {
				var v int
				err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&v)
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				assert.Equal(t, i, v)
			}
			require.Zero(t, failed, "failed queries; first: %v", firstErr)

			assert.Equal(t, mock.Green, srv.ActiveStrategy(), "a query cleared on blue let the switch happen")
			h := c.Health()
			assert.Equal(t, strategy.Green, h.Active)
			assert.Empty(t, h.Pending)
			assert.Empty(t, h.Held)
			assert.Equal(t, srv.Switches(), h.Switches, "the refused hint is not counted as a switch")
			refused := 0
			for _, r := range srv.CallLog() {
				if r.Outcome == mock.OutcomeWrongStrategy {
					refused++
				}
			}
			t.Logf("456 answers: %d; events: %d switched, %d rolled back, %d pending", refused,
				evs.count(strategy.EventSwitched), evs.count(strategy.EventRolledBack), evs.count(strategy.EventPending))
			assert.LessOrEqual(t, refused, 4, "no flapping: one refusal of the hint, one or two of the retired colour")
			assert.LessOrEqual(t, evs.count(strategy.EventSwitched)+evs.count(strategy.EventRolledBack), 3,
				"colour changes: the hinted one, its undoing, the real switch")
			for id, colours := range srv.QueryColours() {
				assert.Len(t, colours, 1, "query %s carried %v", id, colours)
			}
			sgNoPins(t, c, srv)
		})
	}
}

// TestStrategyAnnouncedSwitchUnderLoad: the same server behaviour with queries in flight all
// the time, so new queries keep starting before any query finished on the old colour.
func TestStrategyAnnouncedSwitchUnderLoad(t *testing.T) {
	const workers = 8
	srv, c, db := sgMock(t, mock.Options{WrongStrategy: mock.InvalidArgument456}, 0)
	db.SetMaxIdleConns(workers)
	ctx := testCtx(t)
	sgQueryOne(t, ctx, db)

	stopLoad := selectLoad(ctx, db, workers)
	defer stopLoad()
	for _, want := range []string{mock.Green, mock.Blue, mock.Green} {
		require.Eventually(t, func() bool { return len(srv.PinnedQueries()) > 0 }, 10*time.Second, time.Millisecond)
		require.Equal(t, want, srv.AnnounceSwitch())
		require.Eventually(t, func() bool { return srv.ActiveStrategy() == want && c.Health().Active == want },
			10*time.Second, time.Millisecond, "the switch to %s went through", want)
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		require.NoError(t, srv.WaitDrained(dctx))
		cancel()
	}
	require.Empty(t, stopLoad(), "failed queries")
	assert.Equal(t, 3, srv.Switches())
	assert.Equal(t, srv.Switches(), c.Health().Switches)
	for id, colours := range srv.QueryColours() {
		assert.Len(t, colours, 1, "query %s carried %v", id, colours)
	}
	sgNoPins(t, c, srv)
}
