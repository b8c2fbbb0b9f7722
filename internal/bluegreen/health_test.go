package bluegreen

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/strategy"
)

func TestHealthSnapshot(t *testing.T) {
	s, clk, _, _ := detected(t, strategy.Blue, strategy.Options{})
	p, _ := s.Acquire()
	clk.Add(10 * time.Second)
	s.Observe(strategy.Green, Call{})
	clk.Add(5 * time.Second)
	h := s.Health()
	assert.Equal(t, strategy.Health{
		Active: strategy.Blue, Pending: strategy.Green, Age: 5 * time.Second, Generation: 2,
		InFlight: map[string]int{strategy.Blue: 1}, OldestPinAge: 15 * time.Second,
	}, h)
	p.Release()
}

func TestStartProbeStops(t *testing.T) {
	for _, viaCtx := range []bool{false, true} {
		s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		cl := newCluster(strategy.Blue)
		stop := s.StartProbe(ctx, time.Millisecond, cl.probe)
		require.Eventually(t, func() bool { return cl.count(strategy.Blue) >= 3 }, 5*time.Second, time.Millisecond)
		if viaCtx {
			cancel()
		}
		stop() // waits for the goroutine; also fine after cancel
		stop()
		cancel()
		n := cl.count(strategy.Blue)
		time.Sleep(20 * time.Millisecond)
		assert.Equal(t, n, cl.count(strategy.Blue), "no probe after stop")
		// Polled here, not with assert.Eventually, whose own goroutine would be counted.
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		assert.LessOrEqual(t, runtime.NumGoroutine(), before, "probe goroutine ended")
	}
}

func TestStartProbeStopsOnContext(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cl := newCluster(strategy.Blue)
	stop := s.StartProbe(ctx, time.Millisecond, cl.probe)
	require.Eventually(t, func() bool { return cl.count(strategy.Blue) >= 1 }, 5*time.Second, time.Millisecond)
	cancel()
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("probe goroutine did not end with its context")
	}
}

func TestProbe456Invalidates(t *testing.T) {
	s, clk, rec, _ := detected(t, strategy.Blue, strategy.Options{})
	cl := newCluster(strategy.Green)
	s.probeOnce(context.Background(), cl.probe)
	assert.Empty(t, s.Health().Active)
	assert.Contains(t, s.Health().LastError, "456")
	assert.Len(t, rec.of(strategy.EventInvalidated), 1)
	// Next round detects.
	s.probeOnce(context.Background(), cl.probe)
	assert.Equal(t, strategy.Green, s.Health().Active)
	// Success renews the validation age.
	clk.Add(time.Minute)
	assert.Equal(t, time.Minute, s.Health().Age)
	s.probeOnce(context.Background(), cl.probe)
	assert.Zero(t, s.Health().Age)
}
