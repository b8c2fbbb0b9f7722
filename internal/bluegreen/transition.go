package bluegreen

import (
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

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
//   - A 456 is the truth and beats any hint (refused): a hinted colour the server refuses is
//     undone and held until a query completed on the colour the server kept, then tried again
//     on the next hint; a 456 naming the serving colour moves new work there.
//
// Each transition is one method named for its event (onHint, onServerRollback, onAcquire,
// onPendingRefused, onPromotionRefused, onServingNamed, onConfirm, onDetected, onInvalidate,
// onAutoRollback, onReleased): it edits the grouped state (hint, drain, distrust, rb) with mu
// held, bumps the generation and collects the events. The entry points (Observe, Acquire,
// refused, confirm, Colour's detection, Invalidate, the rollback check, Pin.Release) take the
// lock, sort out stale and ignored input, and call them. Phase names where they lead.

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
	case h == s.hint.pending, h == s.active && s.hint.pending == "":
		// Already followed.
	case h == s.active:
		s.onServerRollback(&evs)
	case h == s.rb.holdColour && now.Before(s.rb.holdUntil):
		// We rolled back from h automatically a moment ago: do not follow the server back into
		// a colour that kept failing until the hold ends.
	case h == s.hint.held && !s.hint.heldOpen:
		// The server refused h a moment ago: it is tried again once a query completed on the
		// colour it kept (see refused).
	default:
		s.onHint(&evs, h, now)
	}
	s.mu.Unlock()
	s.fire(evs)
}

// onHint makes h, which a response hinted at now, the pending colour (Steady or Held ->
// Pending, Unknown -> Hinted, Unconfirmed -> Pending over it): calls without a pin go to it at
// once, the next Acquire promotes it. A colour held by a refusal is no longer held. Call with mu
// held.
func (s *State) onHint(evs *events, h string, now time.Time) {
	s.hint.held, s.hint.heldOpen = "", false
	s.hint.pending, s.hint.at = h, now
	s.validatedAt = now // the server itself named the colour
	s.gen++
	s.ev(evs, strategy.Event{Kind: strategy.EventPending, From: s.active, To: h, Generation: s.gen})
	s.publish()
}

// onServerRollback cancels the pending switch because a hint returned to the active colour
// before any query used the pending one (Pending -> Steady). Call with mu held.
func (s *State) onServerRollback(evs *events) {
	from := s.hint.pending
	s.hint.pending, s.hint.at = "", time.Time{}
	s.gen++
	s.ev(evs, strategy.Event{Kind: strategy.EventRolledBack, From: from, To: s.active, Method: "hint", Generation: s.gen})
	s.publish()
}

// onAcquire makes the pending colour active: a query is about to start on it (Pending ->
// Unconfirmed, Hinted -> Steady). Call with mu held.
func (s *State) onAcquire(evs *events) {
	from, to, start := s.active, s.hint.pending, s.hint.at
	s.active, s.hint.pending, s.hint.at = to, "", time.Time{}
	if from != "" {
		// Counted in Health.Switches once a call on `to` succeeds (confirm); a 456 for `to`
		// before that undoes it (refused).
		s.hint.from, s.hint.to = from, to
		s.unconfirmed.Store(true)
	} else {
		s.switches++
	}
	s.met.switched()
	s.ev(evs, strategy.Event{Kind: strategy.EventSwitched, From: from, To: to, Method: "hint", Generation: s.gen})
	s.beginDrain(evs, from, to, start)
	s.rb = rollbackState{prev: from, holdColour: s.rb.holdColour, holdUntil: s.rb.holdUntil}
	s.publish()
}

// beginDrain starts waiting for the pins of from, the colour a switch to `to` left, measuring
// the switch from start (its first hint). Call with mu held.
func (s *State) beginDrain(evs *events, from, to string, start time.Time) {
	if s.drain.from != "" {
		// A newer switch supersedes the one still draining: it ends here.
		s.endDrain(evs)
	}
	if start.IsZero() {
		start = s.now()
	}
	s.drain = drainState{from: from, to: to, start: start}
	if from == "" || s.pins[from] == 0 {
		s.endDrain(evs)
	}
}

// endDrain closes the current switch's timeline. Call with mu held.
func (s *State) endDrain(evs *events) {
	d := s.now().Sub(s.drain.start)
	s.met.switchDuration(d)
	s.ev(evs, strategy.Event{Kind: strategy.EventDrained, From: s.drain.from, To: s.drain.to, Age: d, Generation: s.gen})
	s.drain = drainState{}
}

// refused records the 456 answered to call; expected is the colour the answer named as serving
// ("" when it named none, as the proxy's bare HTTP 456 does). The 456 is the truth and beats
// any hint:
//   - A hinted colour refused before any call on it succeeded (pending, or promoted by Acquire
//     and not yet confirmed) is undone: new work returns to the colour it left, that switch is
//     not counted (EventRolledBack, Method "refused"), and the hint is held: hints to it are
//     ignored until a query has completed on the colour the server kept (its pin released
//     after its clear), as e6data's own client applies a pending colour after a query's clear
//     and e6data's test server accepts the new colour only then.
//   - Otherwise a 456 naming the serving colour moves new work there at once (EventDetected,
//     Method "456", and a switch), and one naming none forgets the colour (Invalidate).
//
// A 456 for a call made before the colour for new work last changed is stale and ignored, as is
// one for a colour new work no longer goes to: so a refusal changes the colour at most once per
// round trip, however many replies of one round trip carry it.
func (s *State) refused(call Call, expected string) {
	c, e := normColour(call.Strategy), normColour(expected)
	if c == "" {
		return
	}
	if e == c {
		e = "" // the serving colour's stack was replaced under the call: no news about colours
	}
	var evs events
	invalidated := false
	s.mu.Lock()
	switch {
	case s.effective() != c || (call.Generation != 0 && call.Generation < s.moveGen):
		// Stale: nothing to change.
	case s.hint.pending == c:
		s.onPendingRefused(&evs)
	case s.active == c && s.hint.to == c:
		s.onPromotionRefused(&evs)
	case e != "":
		s.onServingNamed(&evs, c, e)
	default:
		// Under the same lock as the checks above, c is the active colour: it is forgotten.
		invalidated = s.onInvalidate(&evs, c)
	}
	s.mu.Unlock()
	if invalidated {
		s.met.invalidated()
	}
	s.fire(evs)
}

// onPendingRefused undoes the pending hint the server refused before any query used it, and
// holds it (Pending -> Held, Hinted -> Unknown). Call with mu held.
func (s *State) onPendingRefused(evs *events) {
	refused := s.hint.pending
	s.hint.pending, s.hint.at = "", time.Time{}
	s.hold(evs, refused, s.active)
}

// onPromotionRefused returns new work to the colour a hint-driven switch left, because the
// server refused the hinted colour before any call on it succeeded (Unconfirmed -> Held): that
// switch did not happen, so it is not counted and its drain ends without EventDrained. Call
// with mu held.
func (s *State) onPromotionRefused(evs *events) {
	refused, kept := s.active, s.hint.from
	s.active = kept
	s.settleHint(false)
	if s.drain.from == kept && s.drain.to == refused {
		s.drain = drainState{}
	}
	s.rb.prev = ""
	s.hold(evs, refused, kept)
}

// hold holds the refused hint (see refused) after new work went back to kept. Call with mu
// held.
func (s *State) hold(evs *events, refused, kept string) {
	s.hint.held, s.hint.heldOpen = refused, false
	s.gen++
	s.ev(evs, strategy.Event{Kind: strategy.EventRolledBack, From: refused, To: kept, Method: "refused", Generation: s.gen})
	s.publish()
}

// onServingNamed moves new work to serving, the colour a 456 for c named (Steady or Held ->
// Steady on serving): a switch found by the server's answer, like a detection, and store
// records naming c from before now are stale. Call with mu held.
func (s *State) onServingNamed(evs *events, c, serving string) {
	now := s.now()
	s.distrust.colour, s.distrust.at = c, now
	s.onDetected(evs, serving, "456", 0, now)
	s.saveLocked(s.record())
}

// confirm records that call, which succeeded, confirms an unconfirmed hint-driven switch: it
// ran on the new colour and was made after the switch (a query pinned to that colour earlier,
// still served by its old stack, proves nothing about the new one). The switch is counted in
// Health.Switches; a 456 for the colour is then a new switch, no longer the refusal of the hint.
func (s *State) confirm(call Call) {
	c := normColour(call.Strategy)
	s.mu.Lock()
	switch {
	case s.hint.to != s.active:
		// New work left the hinted colour meanwhile (e.g. automated rollback): nothing left
		// to confirm.
		s.settleHint(false)
	case c == s.hint.to && call.Generation >= s.moveGen:
		s.onConfirm()
	}
	s.mu.Unlock()
}

// onConfirm counts the unconfirmed switch a successful call confirmed (Unconfirmed ->
// Steady). Call with mu held.
func (s *State) onConfirm() { s.settleHint(true) }

// settleHint ends the unconfirmed state of a hint-driven switch, counting it when it was
// confirmed. Call with mu held.
func (s *State) settleHint(confirmed bool) {
	if s.hint.to == "" {
		return
	}
	if confirmed {
		s.switches++
	}
	s.hint.from, s.hint.to = "", ""
	s.unconfirmed.Store(false)
}
