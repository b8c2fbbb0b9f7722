package bluegreen

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/strategy"
)

func TestAcquireWithoutColour(t *testing.T) {
	s, _, _, _ := testState(t, strategy.Options{})
	p, ok := s.Acquire()
	assert.False(t, ok)
	assert.Nil(t, p)
	p.Release() // nil-safe
}

func TestReleaseIdempotent(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Green, strategy.Options{})
	p, ok := s.Acquire()
	require.True(t, ok)
	q, _ := s.Acquire()
	assert.Equal(t, map[string]int{strategy.Green: 2}, s.Pinned())
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); p.Release() }()
	}
	wg.Wait()
	assert.Equal(t, map[string]int{strategy.Green: 1}, s.Pinned())
	q.Release()
	q.Release()
	assert.Empty(t, s.Pinned())
	assert.Equal(t, Call{Strategy: strategy.Green, PlannerIP: "10.1.1.1", Generation: p.Generation()}, p.Call("10.1.1.1"))
}

func TestPinTooOld(t *testing.T) {
	s, clk, rec, logs := detected(t, strategy.Blue, strategy.Options{MaxPinAge: time.Minute})
	old, _ := s.Acquire()
	old.SetQueryID("q-1")
	clk.Add(50 * time.Second)
	young, _ := s.Acquire()
	clk.Add(20 * time.Second)

	h := s.Health()
	assert.Equal(t, 70*time.Second, h.OldestPinAge)
	assert.Equal(t, 1, h.LongPins)
	assert.Equal(t, map[string]int{strategy.Blue: 2}, h.InFlight)
	ev := rec.of(strategy.EventPinTooOld)
	require.Len(t, ev, 1)
	assert.Equal(t, "q-1", ev[0].QueryID)
	assert.Contains(t, logs.String(), "query_id=q-1")

	s.Health() // reported once per pin
	old.Release()
	assert.Len(t, rec.of(strategy.EventPinTooOld), 1)
	clk.Add(2 * time.Minute)
	young.Release() // too old at release, never reported before: reported now
	assert.Len(t, rec.of(strategy.EventPinTooOld), 2)
}
