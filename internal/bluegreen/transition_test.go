package bluegreen

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObserveDrainModel(t *testing.T) {
	s, clk, rec, logs := detected(t, Blue, Options{})
	old, _ := s.Acquire()
	gen := s.Generation()

	s.Observe("GREEN", Call{Strategy: Blue, Generation: gen})
	h := s.Health()
	assert.Equal(t, Blue, h.Active)
	assert.Equal(t, Green, h.Pending)
	assert.Equal(t, gen+1, h.Generation)
	assert.Equal(t, Green, s.Active(), "calls without a pin go to the hinted colour at once")

	clk.Add(2 * time.Second)
	p, ok := s.Acquire()
	require.True(t, ok)
	assert.Equal(t, Green, p.Colour())
	assert.Equal(t, gen+1, p.Generation())
	assert.Equal(t, map[string]int{Blue: 1, Green: 1}, s.Pinned())
	assert.Empty(t, rec.of(EventDrained), "old colour still has a pin")

	clk.Add(3 * time.Second)
	old.Release()
	dr := rec.of(EventDrained)
	require.Len(t, dr, 1)
	assert.Equal(t, 5*time.Second, dr[0].Age, "first hint to last old pin released")
	assert.Equal(t, []EventKind{EventDetected, EventPending, EventSwitched, EventDrained}, rec.kinds())
	p.Release()
	assert.Empty(t, s.Pinned())
	assert.Equal(t, 1, s.Health().Switches)
	for _, line := range []string{"switch hint seen", "first query on the new strategy", "last query on the old strategy released"} {
		assert.Contains(t, logs.String(), line)
	}
}

func TestObserveIgnores(t *testing.T) {
	for _, tc := range []struct {
		name string
		hint string
		gen  func(cur uint64) uint64
	}{
		{"absent", "", func(c uint64) uint64 { return c }},
		{"not a colour", "purple", func(c uint64) uint64 { return c }},
		{"same colour", "blue", func(c uint64) uint64 { return c }},
		{"stale generation", "green", func(c uint64) uint64 { return c - 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _, _ := detected(t, Blue, Options{})
			s.Observe("green", Call{}) // gen 1 -> 2: pending green
			s.Observe("blue", Call{})  // rollback: gen 3
			gen := s.Generation()
			s.Observe(tc.hint, Call{Generation: tc.gen(gen)})
			assert.Equal(t, gen, s.Generation())
			assert.Equal(t, Blue, s.Active())
		})
	}
}

func TestRollbackHintCancelsPending(t *testing.T) {
	s, _, rec, _ := detected(t, Blue, Options{})
	s.Observe(Green, Call{Generation: s.Generation()})
	s.Observe(Blue, Call{Generation: s.Generation()})
	h := s.Health()
	assert.Equal(t, Blue, h.Active)
	assert.Empty(t, h.Pending)
	rb := rec.of(EventRolledBack)
	require.Len(t, rb, 1)
	assert.Equal(t, Green, rb[0].From)
	assert.Equal(t, Blue, rb[0].To)
	p, _ := s.Acquire()
	assert.Equal(t, Blue, p.Colour())
	p.Release()

	// Once a query runs on the new colour, a hint back is a new switch, not a rollback.
	s.Observe(Green, Call{})
	q, _ := s.Acquire()
	s.Observe(Blue, Call{Generation: q.Generation()})
	assert.Equal(t, Blue, s.Health().Pending)
	assert.Len(t, rec.of(EventRolledBack), 1)
	q.Release()
}

func TestContradictoryHintsBounded(t *testing.T) {
	s, _, _, _ := detected(t, Blue, Options{})
	gen := s.Generation()
	// Many replies to calls made at the same generation carry contradictory hints: only the
	// first can change anything.
	for i := range 100 {
		s.Observe([]string{Green, Blue}[i%2], Call{Generation: gen})
	}
	assert.Equal(t, gen+1, s.Generation())
	assert.Equal(t, Green, s.Health().Pending)
}

func TestConcurrentPinsAndHints(t *testing.T) {
	s, _, _, _ := detected(t, Blue, Options{})
	var wg sync.WaitGroup
	var stop atomic.Bool
	var wrong atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				p, ok := s.Acquire()
				if !ok {
					wrong.Add(1)
					continue
				}
				s.Observe([]string{Blue, Green}[p.Generation()%2], p.Call("10.0.0.1"))
				for c, n := range s.Pinned() {
					if n < 0 {
						t.Errorf("negative pins for %s", c)
					}
				}
				p.Release()
				p.Release()
			}
		}()
	}
	for i := range 200 {
		hint := []string{Green, Blue}[i%2]
		s.Observe(hint, Call{})
		p, ok := s.Acquire()
		require.True(t, ok)
		p.Release()
	}
	stop.Store(true)
	wg.Wait()
	assert.Zero(t, wrong.Load())
	assert.Empty(t, s.Pinned())
	h := s.Health()
	assert.Zero(t, h.OldestPinAge)
	assert.Empty(t, h.InFlight)
}

func TestAcquireAfterHintReturnsNewColour(t *testing.T) {
	s, _, _, _ := detected(t, Blue, Options{})
	var wg sync.WaitGroup
	pins := make(chan *Pin, 1000)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				p, _ := s.Acquire()
				pins <- p
			}
		}()
	}
	s.Observe(Green, Call{})
	after, _ := s.Acquire()
	assert.Equal(t, Green, after.Colour())
	for range 20 {
		p, _ := s.Acquire()
		assert.Equal(t, Green, p.Colour())
		p.Release()
	}
	wg.Wait()
	close(pins)
	for p := range pins {
		p.Release()
	}
	after.Release()
	assert.Empty(t, s.Pinned())
}
