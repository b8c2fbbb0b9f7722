package bluegreen

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealthSnapshot(t *testing.T) {
	s, clk, _, _ := detected(t, Blue, Options{})
	p, _ := s.Acquire()
	clk.Add(10 * time.Second)
	s.Observe(Green, Call{})
	clk.Add(5 * time.Second)
	h := s.Health()
	assert.Equal(t, Health{
		Active: Blue, Pending: Green, Age: 5 * time.Second, Generation: 2,
		InFlight: map[string]int{Blue: 1}, OldestPinAge: 15 * time.Second,
	}, h)
	p.Release()
}

func TestStartProbeStops(t *testing.T) {
	for _, viaCtx := range []bool{false, true} {
		s, _, _, _ := detected(t, Blue, Options{})
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		cl := newCluster(Blue)
		stop := s.StartProbe(ctx, time.Millisecond, cl.probe)
		require.Eventually(t, func() bool { return cl.count(Blue) >= 3 }, 5*time.Second, time.Millisecond)
		if viaCtx {
			cancel()
		}
		stop() // waits for the goroutine; also fine after cancel
		stop()
		cancel()
		n := cl.count(Blue)
		time.Sleep(20 * time.Millisecond)
		assert.Equal(t, n, cl.count(Blue), "no probe after stop")
		// Polled here, not with assert.Eventually, whose own goroutine would be counted.
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		assert.LessOrEqual(t, runtime.NumGoroutine(), before, "probe goroutine ended")
	}
}

func TestStartProbeStopsOnContext(t *testing.T) {
	s, _, _, _ := detected(t, Blue, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cl := newCluster(Blue)
	stop := s.StartProbe(ctx, time.Millisecond, cl.probe)
	require.Eventually(t, func() bool { return cl.count(Blue) >= 1 }, 5*time.Second, time.Millisecond)
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
	s, clk, rec, _ := detected(t, Blue, Options{})
	cl := newCluster(Green)
	s.probeOnce(context.Background(), cl.probe)
	assert.Empty(t, s.Health().Active)
	assert.Contains(t, s.Health().LastError, "456")
	assert.Len(t, rec.of(EventInvalidated), 1)
	// Next round detects.
	s.probeOnce(context.Background(), cl.probe)
	assert.Equal(t, Green, s.Health().Active)
	// Success renews the validation age.
	clk.Add(time.Minute)
	assert.Equal(t, time.Minute, s.Health().Age)
	s.probeOnce(context.Background(), cl.probe)
	assert.Zero(t, s.Health().Age)
}
