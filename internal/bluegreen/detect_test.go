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
		{name: "blue live", live: Blue, want: Blue, wantCalls: map[string]int64{Blue: 1, Green: 0}},
		{name: "green live: blue 456 then green", live: Green, want: Green, wantCalls: map[string]int64{Blue: 1, Green: 1}},
		{name: "selector green first", live: Green, selector: []string{"GREEN", "blue"}, want: Green, wantCalls: map[string]int64{Blue: 0, Green: 1}},
		{name: "forced colour does not fall back", live: Blue, selector: []string{Green}, noColour: true, wantErr: "green:", wantCalls: map[string]int64{Blue: 0, Green: 1}},
		{name: "both 456 names both", live: "none", noColour: true, wantErr: "blue: rpc error", wantCalls: map[string]int64{Blue: 1, Green: 1}},
		{name: "other error ends detection", live: Green, fail: boom, wantErr: "detection on blue", wantCalls: map[string]int64{Blue: 1, Green: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, rec, _ := testState(t, Options{Selector: tc.selector})
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
			assert.Equal(t, []EventKind{EventDetected}, rec.kinds())
			p, ok := s.Acquire()
			require.True(t, ok)
			assert.Equal(t, tc.want, p.Colour())
			p.Release()
		})
	}
}

func TestDetectErrorNamesBothAttempts(t *testing.T) {
	s, _, _, _ := testState(t, Options{})
	_, _, err := s.Colour(context.Background(), newCluster("none").probe)
	var de *DetectError
	require.ErrorAs(t, err, &de)
	require.Len(t, de.Attempts, 2)
	assert.Equal(t, Blue, de.Attempts[0].Colour)
	assert.Equal(t, Green, de.Attempts[1].Colour)
	assert.Contains(t, err.Error(), "blue: rpc error")
	assert.Contains(t, err.Error(), "; green: rpc error")
	assert.ErrorIs(t, err, err456)
}

func TestColourSingleFlight(t *testing.T) {
	s, _, _, _ := testState(t, Options{})
	cl := newCluster(Green)
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
	require.Eventually(t, func() bool { return cl.count(Blue) == 1 }, 5*time.Second, time.Millisecond)
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
		assert.Equal(t, Green, r)
	}
	assert.Equal(t, int64(1), cl.count(Blue))
	assert.Equal(t, int64(1), cl.count(Green))
}

func TestLeaderCancelDoesNotFailOthers(t *testing.T) {
	s, _, _, _ := testState(t, Options{})
	cl := newCluster(Blue)
	cl.gate = make(chan struct{})
	lctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() { _, _, err := s.Colour(lctx, cl.probe); leader <- err }()
	require.Eventually(t, func() bool { return cl.count(Blue) == 1 }, 5*time.Second, time.Millisecond)
	other := make(chan error, 1)
	go func() { _, _, err := s.Colour(context.Background(), cl.probe); other <- err }()
	cancel()
	assert.ErrorIs(t, <-leader, context.Canceled)
	close(cl.gate)
	assert.NoError(t, <-other)
	assert.Equal(t, int64(1), cl.count(Blue))
}

func TestTTLRevalidatesAndKeepsPins(t *testing.T) {
	s, clk, rec, _ := detected(t, Blue, Options{TTL: time.Minute})
	p, ok := s.Acquire()
	require.True(t, ok)

	cl := newCluster(Blue)
	clk.Add(30 * time.Second)
	_, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(0), cl.count(Blue), "fresh cache: no probe")

	clk.Add(31 * time.Second)
	_, _, err = s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(1), cl.count(Blue), "expired: re-validated with the cached colour")
	assert.Equal(t, map[string]int{Blue: 1}, s.Pinned())

	// Expired again, and the cluster moved: detection switches, the old pin stays.
	clk.Add(2 * time.Minute)
	cl.live.Store(Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Green, c)
	assert.Equal(t, map[string]int{Blue: 1}, s.Pinned())
	sw := rec.of(EventSwitched)
	require.Len(t, sw, 1)
	assert.Equal(t, "detect", sw[0].Method)
	assert.Equal(t, Blue, sw[0].From)
	assert.Empty(t, rec.of(EventDrained))
	p.Release()
	assert.Len(t, rec.of(EventDrained), 1)
	assert.Empty(t, s.Pinned())
}

func TestInvalidate(t *testing.T) {
	s, _, rec, _ := detected(t, Blue, Options{})
	gen := s.Generation()
	s.Invalidate(Green) // not ours: ignored
	assert.Equal(t, gen, s.Generation())

	p, _ := s.Acquire()
	s.Invalidate("BLUE")
	_, ok := s.Acquire()
	assert.False(t, ok, "no colour until re-detection")
	assert.Greater(t, s.Generation(), gen)
	assert.Len(t, rec.of(EventInvalidated), 1)
	assert.Equal(t, map[string]int{Blue: 1}, s.Pinned(), "pins survive invalidation")

	cl := newCluster(Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Green, c)
	p.Release()
}

func TestStoreSharedAcrossStates(t *testing.T) {
	store := strategy.NewMemoryStore()
	key := Key{Endpoint: "e6:443", ClusterName: "prod"}
	a := New(key, Options{Store: store, Logger: quiet})
	_, _, err := a.Colour(context.Background(), newCluster(Green).probe)
	require.NoError(t, err)
	a.settle() // the store is written in the background

	b := New(Key{Endpoint: "e6:443", ClusterName: "PROD"}, Options{Store: store, Logger: quiet})
	cl := newCluster(Green)
	c, _, err := b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Green, c)
	assert.Equal(t, int64(0), cl.count(Blue)+cl.count(Green), "fresh record adopted without probing")

	// After a 456 on green, the (older) record naming green is not trusted again.
	b.Invalidate(Green)
	cl.live.Store(Blue)
	c, _, err = b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Blue, c)
	assert.Equal(t, int64(1), cl.count(Blue))
}

func TestColourNeedsProbe(t *testing.T) {
	s, _, _, _ := testState(t, Options{})
	_, _, err := s.Colour(context.Background(), nil)
	assert.Error(t, err)
}
