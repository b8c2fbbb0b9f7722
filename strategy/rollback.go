package strategy

import (
	"context"
	"time"
)

// rollbackState tracks automated rollback: after a switch, the new colour failing
// RollbackFailures times in a row (non-456 errors) within RollbackWindow, while the previous
// colour still answers Options.Probe, sends new work back to the previous colour.
type rollbackState struct {
	prev         string // colour the last hint-driven switch left; "" when no rollback is possible
	failures     int
	firstFailure time.Time
	checking     bool
	// After an automated rollback, hints to holdColour are ignored until holdUntil.
	holdColour string
	holdUntil  time.Time
}

// ReportFailure tells the State that a call on colour failed with class. Only Other and
// Unavailable count towards automated rollback (a 456 means the colour is retired, not
// failing; context ends are the caller's). When the streak reaches Options.RollbackFailures
// and Options.Probe accepts the previous colour, new work returns to it (EventRolledBack with
// Method "auto", e6data.strategy.rollbacks). The probe runs synchronously in the caller that
// completes the streak, bounded by Options.DetectTimeout; concurrent reports meanwhile are
// ignored.
func (s *State) ReportFailure(colour string, class Class) {
	c := normColour(colour)
	if c == "" || (class != Other && class != Unavailable) || s.opts.Probe == nil {
		return
	}
	s.mu.Lock()
	if c != s.active || s.pending != "" || s.rb.prev == "" || s.rb.checking {
		s.mu.Unlock()
		return
	}
	now := s.now()
	if s.rb.failures == 0 || now.Sub(s.rb.firstFailure) > s.opts.RollbackWindow {
		s.rb.failures, s.rb.firstFailure = 0, now
	}
	s.rb.failures++
	s.rbFailing.Store(true)
	if s.rb.failures < s.opts.RollbackFailures {
		s.mu.Unlock()
		return
	}
	s.rb.checking = true
	prev, gen := s.rb.prev, s.gen
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), s.opts.DetectTimeout)
	err := s.opts.Probe(ctx, prev)
	class = Classify(ctx, err)
	cancel()

	var evs events
	s.mu.Lock()
	s.rb.checking, s.rb.failures = false, 0
	switch {
	case err != nil:
		s.lastError = "rollback probe on " + prev + ": " + err.Error()
		if class == WrongStrategy {
			// The previous colour is retired: there is nothing to return to.
			s.rb.prev = ""
		}
		s.mu.Unlock()
		return
	case s.gen != gen || s.active != c:
		// The state moved on while we probed.
		s.mu.Unlock()
		return
	}
	now = s.now()
	s.active, s.pending, s.hintAt = prev, "", time.Time{}
	s.validatedAt = now
	s.gen++
	s.switches++
	s.rb = rollbackState{holdColour: c, holdUntil: now.Add(s.opts.RollbackWindow)}
	s.ev(&evs, Event{Kind: EventRolledBack, From: c, To: prev, Method: "auto", Generation: s.gen})
	s.beginDrain(&evs, c, prev, now)
	s.publish()
	rec := s.record()
	s.mu.Unlock()
	s.met.rolledBack()
	s.saveRecord(rec)
	s.fire(evs)
}

// ReportSuccess tells the State that a call on colour succeeded: it ends the failure streak
// of the active colour.
func (s *State) ReportSuccess(colour string) {
	if !s.rbFailing.Load() {
		return // the steady path: no streak to end, no lock taken
	}
	c := normColour(colour)
	s.mu.Lock()
	if c == s.active {
		s.rb.failures = 0
		s.rbFailing.Store(false)
	}
	s.mu.Unlock()
}
