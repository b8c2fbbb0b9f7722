package bluegreen

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/strategy"
)

// within fails the test unless fn returns within a generous bound: fn must not wait for
// background work.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s waits for background work", what)
	}
}

// rollbackReady returns a State switched by a hint from blue to green, whose rollback check
// probes with probe.
func rollbackReady(t *testing.T, probe probeFunc) (*State, *recorder) {
	t.Helper()
	s, _, rec, _ := detectedProbing(t, strategy.Blue, strategy.Options{Logger: quiet}, probe)
	s.Observe(strategy.Green, Call{})
	p, ok := s.Acquire()
	require.True(t, ok)
	require.Equal(t, strategy.Green, p.Colour())
	p.Release()
	return s, rec
}

// The report that completes a failure streak returns while the rollback's probe hangs; the
// rollback happens once the probe answers.
func TestReportFailureDoesNotWaitForTheCheck(t *testing.T) {
	cl := newCluster(strategy.Blue)
	cl.gate = make(chan struct{})
	s, rec := rollbackReady(t, cl.probe)
	within(t, "ReportFailure", func() {
		for range strategy.DefaultRollbackFailures {
			s.ReportFailure(strategy.Green, strategy.Unavailable)
		}
	})
	assert.Equal(t, strategy.Green, s.Active(), "the check is still probing")
	close(cl.gate)
	s.settle()
	assert.Equal(t, strategy.Blue, s.Active())
	assert.Len(t, rec.of(strategy.EventRolledBack), 1)
}

// gatedStore is a MemoryStore whose Save blocks on gate (ignoring its context) and counts.
type gatedStore struct {
	*strategy.MemoryStore
	gate    chan struct{}
	entered chan struct{}
	mu      sync.Mutex
	saved   []strategy.Record
}

func (g *gatedStore) Save(ctx context.Context, key strategy.Key, rec strategy.Record) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.gate
	g.mu.Lock()
	g.saved = append(g.saved, rec)
	g.mu.Unlock()
	return g.MemoryStore.Save(ctx, key, rec)
}

// Store writes leave the caller at once and stay in order: while one hangs, later records
// replace each other, and the newest is written last.
func TestStoreWritesInOrderInTheBackground(t *testing.T) {
	store := &gatedStore{MemoryStore: strategy.NewMemoryStore(), gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	s, _, _, _ := testState(t, strategy.Options{Store: store, Logger: quiet})
	cl := newCluster(strategy.Blue)
	within(t, "Colour", func() {
		_, _, err := s.Colour(context.Background(), cl.probe) // its write hangs
		require.NoError(t, err)
	})
	<-store.entered
	within(t, "Acquire", func() {
		for _, c := range []string{strategy.Green, strategy.Blue} {
			s.Observe(c, Call{})
			p, ok := s.Acquire() // promotes c: a write, queued behind the hanging one
			require.True(t, ok)
			p.Release()
		}
	})
	close(store.gate)
	s.settle()
	store.mu.Lock()
	defer store.mu.Unlock()
	require.Len(t, store.saved, 2, "the first write, then only the newest of those queued behind it")
	assert.Equal(t, strategy.Blue, store.saved[0].Colour)
	assert.Equal(t, strategy.Blue, store.saved[1].Colour)
	assert.Less(t, store.saved[0].Generation, store.saved[1].Generation)
	got, ok, err := store.Load(context.Background(), s.Key())
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, s.Generation(), got.Generation, "the store holds the newest record")
}

// A shared flight whose probe's connector closes under it goes on through another waiter's
// probe: no waiter fails because the first caller's connector closed.
func TestFlightGoesOnThroughAnotherWaiter(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{Logger: quiet})
	started, release := make(chan struct{}), make(chan struct{})
	closing := func(ctx context.Context, _ string) error {
		close(started)
		<-release
		return ProberClosed(errors.New("grpc: the client connection is closing"))
	}
	cl := newCluster(strategy.Green)
	type result struct {
		colour string
		err    error
	}
	results := make(chan result, 2)
	wait := func(probe probeFunc) {
		c, _, err := s.Colour(context.Background(), probe)
		results <- result{c, err}
	}
	go wait(closing)
	<-started
	go wait(cl.probe)
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.flight != nil && len(s.flight.probes) == 2
	}, 30*time.Second, time.Millisecond, "the second caller joins the flight")
	close(release)
	for range 2 {
		r := <-results
		require.NoError(t, r.err)
		assert.Equal(t, strategy.Green, r.colour)
	}
	assert.Equal(t, int64(1), cl.count(strategy.Blue), "blue probed again through the second caller")
	assert.Equal(t, int64(1), cl.count(strategy.Green))
}

// A flight whose every probe's connector closed fails with that error.
func TestFlightWithOnlyClosedProbesFails(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{Logger: quiet})
	closed := errors.New("connector is closed")
	_, _, err := s.Colour(context.Background(), func(context.Context, string) error { return ProberClosed(closed) })
	assert.ErrorIs(t, err, closed)
}

// close ends the background work: a rollback check that hangs is cancelled, and detection
// afterwards refuses to start.
func TestCloseEndsBackgroundWork(t *testing.T) {
	cl := newCluster(strategy.Blue)
	cl.gate = make(chan struct{}) // never opened: the probe ends only with its context
	s, _ := rollbackReady(t, cl.probe)
	for range strategy.DefaultRollbackFailures {
		s.ReportFailure(strategy.Green, strategy.Unavailable)
	}
	require.Eventually(t, func() bool { return cl.count(strategy.Blue) == 1 }, 30*time.Second, time.Millisecond,
		"the check probes blue")
	within(t, "close", s.close)
	assert.Equal(t, strategy.Green, s.Active())
	s.Invalidate(strategy.Green)
	_, _, err := s.Colour(context.Background(), cl.probe)
	assert.ErrorIs(t, err, errStateClosed)
}
