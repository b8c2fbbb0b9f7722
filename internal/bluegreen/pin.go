package bluegreen

import (
	"sync/atomic"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// Pin ties one query to the colour it started on: every call of the query carries the pin's
// colour and generation (in its Call), and the colour keeps the query's session until the pin
// is released. Release it when the query ends in any way (defer pin.Release()).
type Pin struct {
	s        *State
	colour   string
	gen      uint64
	start    time.Time
	released atomic.Bool

	// Guarded by s.mu.
	queryID  string
	reported bool
}

// Colour returns the pinned colour.
func (p *Pin) Colour() string {
	if p == nil {
		return ""
	}
	return p.colour
}

// Generation returns the generation the pin was taken at: set it as Call.Generation on the
// query's calls.
func (p *Pin) Generation() uint64 {
	if p == nil {
		return 0
	}
	return p.gen
}

// Started returns when the pin was taken.
func (p *Pin) Started() time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.start
}

// Call returns the Call for one RPC of the pinned query (plannerIP "" before prepare returns).
func (p *Pin) Call(plannerIP string) Call {
	return Call{Strategy: p.Colour(), PlannerIP: plannerIP, Generation: p.Generation()}
}

// SetQueryID names the pinned query (once prepare returned it), for events and logs.
func (p *Pin) SetQueryID(id string) {
	if p == nil {
		return
	}
	p.s.mu.Lock()
	p.queryID = id
	p.s.mu.Unlock()
}

// Release ends the pin. It is idempotent and safe from several goroutines (and on a nil
// Pin); only the first call counts.
func (p *Pin) Release() {
	if p == nil || !p.released.CompareAndSwap(false, true) {
		return
	}
	p.s.release(p)
}

// Acquire snapshots the colour for new work and pins a query to it, atomically with the
// in-flight count. A pending colour (hinted by the server) is promoted to active here, so new
// queries move to it at once even under load that never drains. ok is false when no colour is
// known yet: call Colour first.
func (s *State) Acquire() (p *Pin, ok bool) {
	var evs events
	s.mu.Lock()
	promoted := false
	if s.hint.pending != "" {
		s.onAcquire(&evs)
		promoted = true
	}
	if s.active == "" {
		s.mu.Unlock()
		s.fire(evs)
		return nil, false
	}
	p = &Pin{s: s, colour: s.active, gen: s.gen, start: s.now()}
	s.pins[p.colour]++
	s.live[p] = struct{}{}
	if promoted {
		s.saveLocked(s.record()) // written in the background: the query does not wait for the store
	}
	s.mu.Unlock()
	s.met.pins(p.colour, 1)
	s.fire(evs)
	return p, true
}

func (s *State) release(p *Pin) {
	var evs events
	s.mu.Lock()
	s.pins[p.colour]--
	if s.pins[p.colour] <= 0 {
		// Never negative: Release is once per pin, but be defensive about the invariant.
		delete(s.pins, p.colour)
	}
	delete(s.live, p)
	if age := s.now().Sub(p.start); age > s.opts.MaxPinAge && !p.reported {
		p.reported = true
		s.ev(&evs, strategy.Event{Kind: strategy.EventPinTooOld, Colour: p.colour, QueryID: p.queryID, Age: age, Generation: p.gen})
	}
	s.onReleased(&evs, p)
	s.mu.Unlock()
	s.met.pins(p.colour, -1)
	s.fire(evs)
}

// onReleased records that p's query ended: the last pin of the colour a switch left ends the
// switch (EventDrained), and a query completed on the active colour reopens a colour held by a
// refusal (Held -> Steady). Call with mu held, after p left the pin counts.
func (s *State) onReleased(evs *events, p *Pin) {
	if s.drain.from == p.colour && s.pins[p.colour] == 0 {
		s.endDrain(evs)
	}
	if s.hint.held != "" && p.colour == s.active && p.queryID != "" {
		// A query completed (its clear went out before its pin is released) on the colour the
		// server kept: the refused hint may be tried again.
		s.hint.heldOpen = true
	}
}

// Pinned returns the number of running queries pinned to each colour (colours without pins
// are absent).
func (s *State) Pinned() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.pins))
	for c, n := range s.pins {
		if n > 0 {
			out[c] = n
		}
	}
	return out
}

// checkPinAges reports, once each, the pins older than MaxPinAge, and returns the oldest
// pin's age. Call with mu held.
func (s *State) checkPinAges(evs *events) time.Duration {
	now := s.now()
	var oldest time.Duration
	for p := range s.live {
		age := now.Sub(p.start)
		if age > oldest {
			oldest = age
		}
		if age > s.opts.MaxPinAge && !p.reported {
			p.reported = true
			s.ev(evs, strategy.Event{Kind: strategy.EventPinTooOld, Colour: p.colour, QueryID: p.queryID, Age: age, Generation: p.gen})
		}
	}
	return oldest
}
