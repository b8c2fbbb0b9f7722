package bluegreen

import "time"

// Phase names where a cluster's State is in the life of a switch: which colour new work goes
// to, and how sure the State is of it. It is derived from the State's fields (see
// State.Phase); the transitions that move between phases are the on* methods of transition.go,
// detect.go, pin.go and rollback.go, and docs/architecture.md draws them.
//
// Three things run alongside a phase rather than being one, because they neither decide nor
// depend on where new work goes: the drain of the colour a switch left (drainState, until its
// last pin is released), the distrust of store records that a 456 made stale (distrustState),
// and the automated-rollback failure streak with the hold that follows a rollback
// (rollbackState). Likewise a call made before the last change of generation is stale in every
// phase: its hint or 456 changes nothing.
type Phase int

// The phases. When fields of an earlier phase are left over under a later one (a pending hint
// over a switch still unconfirmed, a refused colour still held while the colour is unknown), the
// first phase in this order that applies is the State's phase: Hinted, Pending, Unknown,
// Unconfirmed, Held, Steady.
const (
	// PhaseUnknown: no colour for new work, either never detected or forgotten after a 456
	// (Invalidate). Acquire pins nothing; Colour detects. A colour held by a refusal (Held) stays
	// held: hints to it are still ignored.
	PhaseUnknown Phase = iota
	// PhaseHinted: no colour was known and a response hinted one. Calls without a pin go to it;
	// the next Acquire adopts it as the first colour (counted as a switch at once: there is no
	// colour to return to).
	PhaseHinted
	// PhaseSteady: new work goes to the active colour and nothing is pending.
	PhaseSteady
	// PhasePending: a hint named the other colour and no query was acquired on it yet. Calls
	// without a pin go to it; the next Acquire promotes it (Unconfirmed); a hint back to the
	// active colour cancels it (a server rollback); a 456 for it holds it (Held).
	PhasePending
	// PhaseUnconfirmed: Acquire promoted a hinted colour and no call made on it after the switch
	// has succeeded yet. A success confirms it (Steady, counted in Health.Switches); a 456 for it
	// undoes the switch (Held): the server did not accept the colour yet.
	PhaseUnconfirmed
	// PhaseHeld: the server refused a hinted colour with a 456 before any call on it succeeded;
	// new work went back to the active colour, and hints to the refused colour (Health.Held) are
	// ignored until a query completed on the active colour (its pin released after its clear).
	// Then the phase is Steady again and the next hint to the refused colour is followed.
	PhaseHeld
)

var phaseNames = [...]string{"unknown", "hinted", "steady", "pending", "unconfirmed", "held"}

// String returns the phase's name as the docs write it.
func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "Phase(?)"
}

// Phase returns the State's phase now. It takes the lock: it is for tests, diagnostics and
// docs, not for the query path.
func (s *State) Phase() Phase {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase()
}

// phase derives the phase from the grouped fields (see the order on the Phase constants). Call
// with mu held.
func (s *State) phase() Phase {
	switch {
	case s.hint.pending != "" && s.active == "":
		return PhaseHinted
	case s.hint.pending != "":
		return PhasePending
	case s.active == "":
		return PhaseUnknown
	case s.hint.to == s.active:
		// hint.to naming another colour than the active one is a switch that new work left by
		// another way (automated rollback): nothing is left to confirm there.
		return PhaseUnconfirmed
	case s.hint.held != "" && !s.hint.heldOpen:
		return PhaseHeld
	}
	return PhaseSteady
}

// hintState is what the server's new_strategy hints left in the State: a colour hinted and not
// yet used (pending), a hint-driven switch not yet confirmed by a successful call (from, to),
// and a hinted colour the server refused (held).
type hintState struct {
	pending string    // hinted colour not yet used by any query (promoted by Acquire)
	at      time.Time // when pending was first seen: the switch's start

	// from and to are the last hint-driven switch while it is unconfirmed: until a call made on
	// `to` after the switch succeeds (State.unconfirmed mirrors to != "" for the interceptor's
	// lock-free path).
	from, to string

	// held is a hinted colour the server answered 456 before any call on it succeeded. Hints to
	// it are ignored until a query completed on the active colour (heldOpen): servers such as
	// e6data's own test server accept a new colour only once a query on the old one was
	// cleared.
	held     string
	heldOpen bool
}

// drainState is the timeline of the last switch: the colour it left (from), whose pins it
// waits for, the colour it went to, and when it started (its first hint). from is "" when no
// switch is draining.
type drainState struct {
	from, to string
	start    time.Time
}

// distrustState is what a 456 taught about the Store and the colour it retired: a record naming
// colour validated before at is stale, and lastActive is the colour Invalidate forgot (""
// once detection ran), which a later detection counts as where its switch came from.
type distrustState struct {
	colour     string
	at         time.Time
	lastActive string
}
