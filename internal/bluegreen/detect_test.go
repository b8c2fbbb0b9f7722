package bluegreen

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/strategy"
)

func TestColourDetection(t *testing.T) {
	boom := status.Error(codes.Internal, "boom")
	for _, tc := range []struct {
		name      string
		live      string
		selector  []string
		fail      error
		want      string
		wantCalls map[string]int64
		wantErr   string
		noColour  bool
	}{
		{name: "blue live", live: strategy.Blue, want: strategy.Blue, wantCalls: map[string]int64{strategy.Blue: 1, strategy.Green: 0}},
		{name: "green live: blue 456 then green", live: strategy.Green, want: strategy.Green, wantCalls: map[string]int64{strategy.Blue: 1, strategy.Green: 1}},
		{name: "selector green first", live: strategy.Green, selector: []string{"GREEN", "blue"}, want: strategy.Green, wantCalls: map[string]int64{strategy.Blue: 0, strategy.Green: 1}},
		{name: "forced colour does not fall back", live: strategy.Blue, selector: []string{strategy.Green}, noColour: true, wantErr: "green:", wantCalls: map[string]int64{strategy.Blue: 0, strategy.Green: 1}},
		{name: "both 456 names both", live: "none", noColour: true, wantErr: "blue: rpc error", wantCalls: map[string]int64{strategy.Blue: 1, strategy.Green: 1}},
		{name: "other error ends detection", live: strategy.Green, fail: boom, wantErr: "detection on blue", wantCalls: map[string]int64{strategy.Blue: 1, strategy.Green: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, rec, _ := testState(t, strategy.Options{Selector: tc.selector})
			cl := newCluster(tc.live)
			cl.fail = tc.fail
			got, gen, err := s.Colour(context.Background(), cl.probe)
			for c, n := range tc.wantCalls {
				assert.Equal(t, n, cl.count(c), "probes of %s", c)
			}
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Equal(t, tc.noColour, errors.Is(err, strategy.ErrNoStrategy))
				if tc.fail != nil {
					assert.ErrorIs(t, err, tc.fail)
				}
				assert.Empty(t, got)
				assert.NotEmpty(t, s.Health().LastError)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, uint64(1), gen)
			assert.Equal(t, []strategy.EventKind{strategy.EventDetected}, rec.kinds())
			p, ok := s.Acquire()
			require.True(t, ok)
			assert.Equal(t, tc.want, p.Colour())
			p.Release()
		})
	}
}

func TestDetectErrorNamesBothAttempts(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{})
	_, _, err := s.Colour(context.Background(), newCluster("none").probe)
	var de *strategy.DetectError
	require.ErrorAs(t, err, &de)
	require.Len(t, de.Attempts, 2)
	assert.Equal(t, strategy.Blue, de.Attempts[0].Colour)
	assert.Equal(t, strategy.Green, de.Attempts[1].Colour)
	assert.Contains(t, err.Error(), "blue: rpc error")
	assert.Contains(t, err.Error(), "; green: rpc error")
	assert.ErrorIs(t, err, err456)
}

func TestColourSingleFlight(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{})
	cl := newCluster(strategy.Green)
	cl.gate = make(chan struct{})

	// A waiter whose context ends first returns promptly with its own error.
	cctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	go func() {
		_, _, err := s.Colour(cctx, cl.probe)
		impatient <- err
	}()

	const n = 100
	var wg sync.WaitGroup
	results := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := s.Colour(context.Background(), cl.probe)
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			results <- c
		}()
	}
	require.Eventually(t, func() bool { return cl.count(strategy.Blue) == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-impatient:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled waiter did not return")
	}
	close(cl.gate)
	wg.Wait()
	close(results)
	for r := range results {
		assert.Equal(t, strategy.Green, r)
	}
	assert.Equal(t, int64(1), cl.count(strategy.Blue))
	assert.Equal(t, int64(1), cl.count(strategy.Green))
}

func TestLeaderCancelDoesNotFailOthers(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{})
	cl := newCluster(strategy.Blue)
	cl.gate = make(chan struct{})
	lctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() { _, _, err := s.Colour(lctx, cl.probe); leader <- err }()
	require.Eventually(t, func() bool { return cl.count(strategy.Blue) == 1 }, 5*time.Second, time.Millisecond)
	other := make(chan error, 1)
	go func() { _, _, err := s.Colour(context.Background(), cl.probe); other <- err }()
	cancel()
	assert.ErrorIs(t, <-leader, context.Canceled)
	close(cl.gate)
	assert.NoError(t, <-other)
	assert.Equal(t, int64(1), cl.count(strategy.Blue))
}

func TestTTLRevalidatesAndKeepsPins(t *testing.T) {
	s, clk, rec, _ := detected(t, strategy.Blue, strategy.Options{TTL: time.Minute})
	p, ok := s.Acquire()
	require.True(t, ok)

	cl := newCluster(strategy.Blue)
	clk.Add(30 * time.Second)
	_, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(0), cl.count(strategy.Blue), "fresh cache: no probe")

	clk.Add(31 * time.Second)
	_, _, err = s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(1), cl.count(strategy.Blue), "expired: re-validated with the cached colour")
	assert.Equal(t, map[string]int{strategy.Blue: 1}, s.Pinned())

	// Expired again, and the cluster moved: detection switches, the old pin stays.
	clk.Add(2 * time.Minute)
	cl.live.Store(strategy.Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Green, c)
	assert.Equal(t, map[string]int{strategy.Blue: 1}, s.Pinned())
	sw := rec.of(strategy.EventSwitched)
	require.Len(t, sw, 1)
	assert.Equal(t, "detect", sw[0].Method)
	assert.Equal(t, strategy.Blue, sw[0].From)
	assert.Empty(t, rec.of(strategy.EventDrained))
	p.Release()
	assert.Len(t, rec.of(strategy.EventDrained), 1)
	assert.Empty(t, s.Pinned())
}

func TestInvalidate(t *testing.T) {
	s, _, rec, _ := detected(t, strategy.Blue, strategy.Options{})
	gen := s.Generation()
	s.Invalidate(strategy.Green) // not ours: ignored
	assert.Equal(t, gen, s.Generation())

	p, _ := s.Acquire()
	s.Invalidate("BLUE")
	_, ok := s.Acquire()
	assert.False(t, ok, "no colour until re-detection")
	assert.Greater(t, s.Generation(), gen)
	assert.Len(t, rec.of(strategy.EventInvalidated), 1)
	assert.Equal(t, map[string]int{strategy.Blue: 1}, s.Pinned(), "pins survive invalidation")

	cl := newCluster(strategy.Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Green, c)
	p.Release()
}

func TestStoreSharedAcrossStates(t *testing.T) {
	store := strategy.NewMemoryStore()
	key := strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}
	a := New(key, strategy.Options{Store: store, Logger: quiet})
	_, _, err := a.Colour(context.Background(), newCluster(strategy.Green).probe)
	require.NoError(t, err)
	a.settle() // the store is written in the background

	b := New(strategy.Key{Endpoint: "e6:443", ClusterName: "PROD"}, strategy.Options{Store: store, Logger: quiet})
	cl := newCluster(strategy.Green)
	c, _, err := b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Green, c)
	assert.Equal(t, int64(0), cl.count(strategy.Blue)+cl.count(strategy.Green), "fresh record adopted without probing")

	// After a 456 on green, the (older) record naming green is not trusted again.
	b.Invalidate(strategy.Green)
	cl.live.Store(strategy.Blue)
	c, _, err = b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Blue, c)
	assert.Equal(t, int64(1), cl.count(strategy.Blue))
}

func TestColourNeedsProbe(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{})
	_, _, err := s.Colour(context.Background(), nil)
	assert.Error(t, err)
}
