package bluegreen

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/strategy"
)

func TestObserveDrainModel(t *testing.T) {
	s, clk, rec, logs := detected(t, strategy.Blue, strategy.Options{})
	old, _ := s.Acquire()
	gen := s.Generation()

	s.Observe("GREEN", Call{Strategy: strategy.Blue, Generation: gen})
	h := s.Health()
	assert.Equal(t, strategy.Blue, h.Active)
	assert.Equal(t, strategy.Green, h.Pending)
	assert.Equal(t, gen+1, h.Generation)
	assert.Equal(t, strategy.Green, s.Active(), "calls without a pin go to the hinted colour at once")

	clk.Add(2 * time.Second)
	p, ok := s.Acquire()
	require.True(t, ok)
	assert.Equal(t, strategy.Green, p.Colour())
	assert.Equal(t, gen+1, p.Generation())
	assert.Zero(t, s.Health().Switches, "counted once a call on green succeeds")
	succeed(t, s, p.Call(""))
	assert.Equal(t, map[string]int{strategy.Blue: 1, strategy.Green: 1}, s.Pinned())
	assert.Empty(t, rec.of(strategy.EventDrained), "old colour still has a pin")

	clk.Add(3 * time.Second)
	old.Release()
	dr := rec.of(strategy.EventDrained)
	require.Len(t, dr, 1)
	assert.Equal(t, 5*time.Second, dr[0].Age, "first hint to last old pin released")
	assert.Equal(t, []strategy.EventKind{strategy.EventDetected, strategy.EventPending, strategy.EventSwitched, strategy.EventDrained}, rec.kinds())
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
			s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
			s.Observe("green", Call{}) // gen 1 -> 2: pending green
			s.Observe("blue", Call{})  // rollback: gen 3
			gen := s.Generation()
			s.Observe(tc.hint, Call{Generation: tc.gen(gen)})
			assert.Equal(t, gen, s.Generation())
			assert.Equal(t, strategy.Blue, s.Active())
		})
	}
}

func TestRollbackHintCancelsPending(t *testing.T) {
	s, _, rec, _ := detected(t, strategy.Blue, strategy.Options{})
	s.Observe(strategy.Green, Call{Generation: s.Generation()})
	s.Observe(strategy.Blue, Call{Generation: s.Generation()})
	h := s.Health()
	assert.Equal(t, strategy.Blue, h.Active)
	assert.Empty(t, h.Pending)
	rb := rec.of(strategy.EventRolledBack)
	require.Len(t, rb, 1)
	assert.Equal(t, strategy.Green, rb[0].From)
	assert.Equal(t, strategy.Blue, rb[0].To)
	p, _ := s.Acquire()
	assert.Equal(t, strategy.Blue, p.Colour())
	p.Release()

	// Once a query runs on the new colour, a hint back is a new switch, not a rollback.
	s.Observe(strategy.Green, Call{})
	q, _ := s.Acquire()
	s.Observe(strategy.Blue, Call{Generation: q.Generation()})
	assert.Equal(t, strategy.Blue, s.Health().Pending)
	assert.Len(t, rec.of(strategy.EventRolledBack), 1)
	q.Release()
}

func TestContradictoryHintsBounded(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
	gen := s.Generation()
	// Many replies to calls made at the same generation carry contradictory hints: only the
	// first can change anything.
	for i := range 100 {
		s.Observe([]string{strategy.Green, strategy.Blue}[i%2], Call{Generation: gen})
	}
	assert.Equal(t, gen+1, s.Generation())
	assert.Equal(t, strategy.Green, s.Health().Pending)
}

func TestConcurrentPinsAndHints(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
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
				s.Observe([]string{strategy.Blue, strategy.Green}[p.Generation()%2], p.Call("10.0.0.1"))
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
		hint := []string{strategy.Green, strategy.Blue}[i%2]
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
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
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
	s.Observe(strategy.Green, Call{})
	after, _ := s.Acquire()
	assert.Equal(t, strategy.Green, after.Colour())
	for range 20 {
		p, _ := s.Acquire()
		assert.Equal(t, strategy.Green, p.Colour())
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

// errRefused is e6data's test server refusing green while it still serves blue.
var errRefused = status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green")

// refuse runs one call c through s's interceptor, answered with err.
func refuse(t *testing.T, s *State, c Call, err error) {
	t.Helper()
	got := s.UnaryClientInterceptor()(WithCall(context.Background(), c), "/svc/prepareStatementV2", nil, &fakeReply{}, nil,
		(&capture{err: err}).invoke)
	require.ErrorIs(t, got, err)
}

// succeed runs one call c through s's interceptor, answered OK.
func succeed(t *testing.T, s *State, c Call) {
	t.Helper()
	require.NoError(t, s.UnaryClientInterceptor()(WithCall(context.Background(), c), "/svc/prepareStatementV2", nil, &fakeReply{}, nil,
		(&capture{}).invoke))
}

// A hinted colour the server refuses (as e6data's test server does until a query on the old
// colour was cleared) is undone and held: no flapping back to it on the next hint; it is tried
// again on the first hint after a query completed on the colour the server kept.
func TestRefusedHintIsHeld(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{{"naming the serving colour", errRefused}, {"naming none", err456}} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, rec, _ := detected(t, strategy.Blue, strategy.Options{})
			old, _ := s.Acquire() // a query running on blue
			s.Observe(strategy.Green, Call{})
			p, ok := s.Acquire()
			require.True(t, ok)
			require.Equal(t, strategy.Green, p.Colour())

			refuse(t, s, p.Call(""), tc.err)
			p.Release()
			h := s.Health()
			assert.Equal(t, strategy.Blue, h.Active, "the 456 beats the hint")
			assert.Equal(t, strategy.Green, h.Held)
			assert.Empty(t, h.Pending)
			assert.Zero(t, h.Switches, "the refused switch did not happen")
			rb := rec.of(strategy.EventRolledBack)
			require.Len(t, rb, 1)
			assert.Equal(t, strategy.Event{Kind: strategy.EventRolledBack, From: strategy.Green, To: strategy.Blue, Method: "refused"},
				strategy.Event{Kind: rb[0].Kind, From: rb[0].From, To: rb[0].To, Method: rb[0].Method})
			old.Release()
			assert.Empty(t, rec.of(strategy.EventDrained), "the undone switch has no drain")

			// The hint keeps coming: held, new work stays on blue.
			gen := s.Generation()
			s.Observe(strategy.Green, Call{})
			assert.Equal(t, gen, s.Generation())
			q, ok := s.Acquire()
			require.True(t, ok)
			assert.Equal(t, strategy.Blue, q.Colour())
			// A pin released without a query (prepare failed) completed nothing.
			s.Observe(strategy.Green, Call{})
			assert.Equal(t, strategy.Blue, s.Active())

			// A query completes on blue: the next hint is followed again.
			q.SetQueryID("q1")
			q.Release()
			assert.Equal(t, strategy.Green, s.Health().Held, "held until the next hint")
			s.Observe(strategy.Green, Call{})
			h = s.Health()
			assert.Equal(t, strategy.Green, h.Pending)
			assert.Empty(t, h.Held)
			r, ok := s.Acquire()
			require.True(t, ok)
			assert.Equal(t, strategy.Green, r.Colour())
			succeed(t, s, r.Call(""))
			r.Release()
			assert.Equal(t, 1, s.Health().Switches)
		})
	}
}

// A 456 naming the serving colour is the truth: new work moves there at once, without a probe,
// whatever was hinted; a 456 for a colour new work no longer goes to, or for a call made before
// the last change of colour, changes nothing (one change per round trip).
func TestRefusalRules(t *testing.T) {
	t.Run("names the serving colour", func(t *testing.T) {
		s, _, rec, _ := detected(t, strategy.Green, strategy.Options{})
		p, _ := s.Acquire()
		refuse(t, s, p.Call(""), errRefused) // green refused: blue serves (an abrupt switch)
		p.Release()
		h := s.Health()
		assert.Equal(t, strategy.Blue, h.Active)
		assert.Empty(t, h.Held, "not a hint: nothing to hold")
		assert.Equal(t, 1, h.Switches)
		det := rec.of(strategy.EventDetected)
		require.Len(t, det, 2)
		assert.Equal(t, "456", det[1].Method)
	})
	t.Run("a confirmed switch refused later is a new switch", func(t *testing.T) {
		s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
		s.Observe(strategy.Green, Call{})
		p, _ := s.Acquire()
		succeed(t, s, p.Call(""))
		p.Release()
		q, _ := s.Acquire()
		refuse(t, s, q.Call(""), status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green"))
		q.Release()
		h := s.Health()
		assert.Equal(t, strategy.Blue, h.Active)
		assert.Empty(t, h.Held)
		assert.Equal(t, 2, h.Switches)
	})
	t.Run("a success of an older pin does not confirm a switch", func(t *testing.T) {
		s, _, _, _ := detected(t, strategy.Green, strategy.Options{})
		old, _ := s.Acquire() // green, e.g. a query of the previous green period
		s.Observe(strategy.Blue, Call{})
		b, _ := s.Acquire()
		succeed(t, s, b.Call(""))
		b.Release()
		s.Observe(strategy.Green, Call{})
		g, _ := s.Acquire() // green again, promoted, not yet accepted by the server
		succeed(t, s, old.Call(""))
		refuse(t, s, g.Call(""), status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green"))
		h := s.Health()
		assert.Equal(t, strategy.Blue, h.Active)
		assert.Equal(t, strategy.Green, h.Held, "the refusal undid the unconfirmed switch")
		assert.Equal(t, 1, h.Switches)
		old.Release()
		g.Release()
	})
	t.Run("an unconfirmed switch that new work left is forgotten", func(t *testing.T) {
		s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
		s.Observe(strategy.Green, Call{})
		p, _ := s.Acquire()
		require.True(t, s.unconfirmed.Load())
		s.Invalidate(strategy.Green) // new work leaves green by another way than a refusal
		succeed(t, s, Call{Strategy: strategy.Blue})
		assert.False(t, s.unconfirmed.Load(), "successful calls no longer take the lock to confirm")
		p.Release()
	})
	t.Run("stale", func(t *testing.T) {
		s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
		s.Observe(strategy.Green, Call{})
		p, _ := s.Acquire() // green, promoted
		refuse(t, s, p.Call(""), errRefused)
		p.Release()
		q, _ := s.Acquire()
		q.SetQueryID("q")
		q.Release()
		s.Observe(strategy.Green, Call{}) // tried again
		r, _ := s.Acquire()
		require.Equal(t, strategy.Green, r.Colour())
		gen := s.Generation()
		// A late refusal of a call made on green before the retry says nothing about it.
		refuse(t, s, Call{Strategy: strategy.Green, Generation: p.Generation()}, errRefused)
		assert.Equal(t, strategy.Green, s.Active())
		assert.Equal(t, gen, s.Generation())
		// Nor does a 456 for blue, which new work left.
		refuse(t, s, Call{Strategy: strategy.Blue, Generation: gen}, err456)
		assert.Equal(t, strategy.Green, s.Active())
		r.Release()
	})
	t.Run("many replies of one round trip change the colour once", func(t *testing.T) {
		s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
		s.Observe(strategy.Green, Call{})
		var pins []*Pin
		for range 8 {
			p, _ := s.Acquire()
			pins = append(pins, p)
		}
		gen := s.Generation()
		var wg sync.WaitGroup
		for _, p := range pins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				refuse(t, s, p.Call(""), errRefused)
			}()
		}
		wg.Wait()
		assert.Equal(t, gen+1, s.Generation())
		assert.Equal(t, strategy.Blue, s.Active())
		assert.Empty(t, s.Health().Pending)
		for _, p := range pins {
			p.Release()
		}
	})
}

func TestExpectedColour(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errRefused, strategy.Blue},
		{status.Error(456, "wrong strategy: expected green, got blue"), strategy.Green},
		{status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 ();\ndata: \"wrong strategy: expected green\\n\""), strategy.Green},
		{err456, ""},
		{status.Error(codes.Unknown, "Received http2 header with status: 456"), ""},
		{status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: purple, Got: green"), ""},
		{context.Canceled, ""},
	} {
		assert.Equal(t, tc.want, expectedColour(tc.err), "%v", tc.err)
	}
}
