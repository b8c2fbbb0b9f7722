package bluegreen

import "time"

// Transitions follow the drain model of the contract:
//
//   - A hint S' (a response's new_strategy) different from the active colour makes S' pending
//     and bumps the generation. Calls without a pin go to S' at once; the next Acquire promotes
//     S' to active (EventSwitched), so new queries move within one round trip even under load
//     that never drains. The old colour keeps its pins until they are released; the switch
//     ends (EventDrained, e6data.strategy.switch.duration) when its last pin is released.
//   - A server rollback is recognised as a hint equal to the active colour while a switch is
//     still pending, i.e. before any query was acquired on S': the pending switch is cancelled
//     (EventRolledBack, Method "hint"). Once a query runs on S', a hint back to the old colour
//     is simply a new switch.
//   - A hint in the reply to a call made at an older generation than the current one is
//     ignored: it predates the last change. So at most one change happens per round trip, and
//     contradictory hints cannot flap faster than that.
//   - Observe never calls the network and never recurses: it only changes memory.

// Observe records the new_strategy of a response ("" when absent) to call (whose Generation
// says when it was made; 0 = now). Anything but blue/green is ignored.
func (s *State) Observe(hint string, call Call) {
	h := normColour(hint)
	if h == "" {
		return
	}
	// Steady path of a switch: every response repeats the hint we already follow (the colour
	// for new work is the pending one if any, else the active one), so no lock is needed. A
	// view older than the locked state only delays a hint to the next response.
	if s.view.Load().colour == h {
		return
	}
	var evs events
	s.mu.Lock()
	now := s.now()
	switch {
	case call.Generation != 0 && call.Generation < s.gen:
		// Stale: the call was made before the last change.
	case h == s.pending, h == s.active && s.pending == "":
		// Already followed.
	case h == s.active:
		// Server rollback: the hint returns to the active colour before any query used S'.
		from := s.pending
		s.pending, s.hintAt = "", time.Time{}
		s.gen++
		s.ev(&evs, Event{Kind: EventRolledBack, From: from, To: h, Method: "hint", Generation: s.gen})
		s.publish()
	case h == s.rb.holdColour && now.Before(s.rb.holdUntil):
		// We rolled back from h automatically a moment ago: do not follow the server back into
		// a colour that kept failing until the hold ends.
	default:
		s.pending, s.hintAt = h, now
		s.validatedAt = now // the server itself named the colour
		s.gen++
		s.ev(&evs, Event{Kind: EventPending, From: s.active, To: h, Generation: s.gen})
		s.publish()
	}
	s.mu.Unlock()
	s.fire(evs)
}

// promote makes the pending colour active (a query is about to start on it). Call with mu held.
func (s *State) promote(evs *events) {
	from, to, start := s.active, s.pending, s.hintAt
	s.active, s.pending, s.hintAt = to, "", time.Time{}
	s.switches++
	s.met.switched()
	s.ev(evs, Event{Kind: EventSwitched, From: from, To: to, Method: "hint", Generation: s.gen})
	s.beginDrain(evs, from, to, start)
	s.rb = rollbackState{prev: from, holdColour: s.rb.holdColour, holdUntil: s.rb.holdUntil}
	s.publish()
}

// beginDrain starts waiting for the pins of from, the colour a switch to `to` left, measuring
// the switch from start (its first hint). Call with mu held.
func (s *State) beginDrain(evs *events, from, to string, start time.Time) {
	if s.draining != "" {
		// A newer switch supersedes the one still draining: it ends here.
		s.endDrain(evs)
	}
	if start.IsZero() {
		start = s.now()
	}
	s.draining, s.drainTo, s.drainStart = from, to, start
	if from == "" || s.pins[from] == 0 {
		s.endDrain(evs)
	}
}

// endDrain closes the current switch's timeline. Call with mu held.
func (s *State) endDrain(evs *events) {
	d := s.now().Sub(s.drainStart)
	s.met.switchDuration(d)
	s.ev(evs, Event{Kind: EventDrained, From: s.draining, To: s.drainTo, Age: d, Generation: s.gen})
	s.draining, s.drainTo, s.drainStart = "", "", time.Time{}
}
