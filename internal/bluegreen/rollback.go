package bluegreen

import (
	"context"
	"errors"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// errNoProbe is the rollback check's error when the last member with a probe left meanwhile.
var errNoProbe = errors.New("no open connector to probe through")

// rollbackState tracks automated rollback: after a switch, the new colour failing
// RollbackFailures times in a row (non-456 errors) within RollbackWindow, while the previous
// colour still answers a member's probe, sends new work back to the previous colour.
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
// and the probe of a member (the longest-standing one that has a probe and stays open) accepts
// the previous colour, new work returns to it (EventRolledBack with Method "auto",
// e6data.strategy.rollbacks). Without such a member there is no automated rollback.
//
// ReportFailure never waits: the check runs on a goroutine of the State, bounded by
// Options.DetectTimeout and by the State's closing, so the caller whose failure completed the
// streak gets its error at once. Reports made while the check runs are ignored.
func (s *State) ReportFailure(colour string, class strategy.Class) {
	c := normColour(colour)
	if c == "" || (class != strategy.Other && class != strategy.Unavailable) || s.rollbackProbe() == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c != s.active || s.hint.pending != "" || s.rb.prev == "" || s.rb.checking {
		return
	}
	now := s.now()
	if s.rb.failures == 0 || now.Sub(s.rb.firstFailure) > s.opts.RollbackWindow {
		s.rb.failures, s.rb.firstFailure = 0, now
	}
	s.rb.failures++
	s.rbFailing.Store(true)
	if s.rb.failures < s.opts.RollbackFailures {
		return
	}
	prev, gen := s.rb.prev, s.gen
	s.rb.checking = s.goLocked(func(ctx context.Context) { s.checkRollback(ctx, c, prev, gen) })
}

// checkRollback probes prev, the colour a switch to c left at generation gen, and returns new
// work to it if it answers and nothing moved meanwhile. It runs on a goroutine of the State.
func (s *State) checkRollback(ctx context.Context, c, prev string, gen uint64) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.DetectTimeout)
	// The members are taken now, not at the start of the streak: their connectors may have
	// closed since; one closing under the probe hands it to the next.
	var probes []probeFunc
	for _, m := range s.memberList() {
		if m.probe != nil {
			probes = append(probes, m.probe)
		}
	}
	_, err := probeOpen(ctx, prev, 0, func(i int) probeFunc {
		if i < len(probes) {
			return probes[i]
		}
		return nil
	})
	class := strategy.Classify(ctx, err)
	cancel()

	var evs events
	s.mu.Lock()
	s.rb.checking, s.rb.failures = false, 0
	switch {
	case err != nil:
		s.lastError = "rollback probe on " + prev + ": " + err.Error()
		if class == strategy.WrongStrategy {
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
	s.onAutoRollback(&evs, c, prev)
	s.mu.Unlock()
	s.met.rolledBack()
	s.fire(evs)
}

// onAutoRollback returns new work from c, which kept failing, to prev, which answered the
// rollback check (Unconfirmed or Steady -> Steady on prev), and ignores hints back to c for
// RollbackWindow. Call with mu held.
func (s *State) onAutoRollback(evs *events, c, prev string) {
	now := s.now()
	s.active, s.hint.pending, s.hint.at = prev, "", time.Time{}
	s.validatedAt = now
	s.gen++
	s.switches++
	s.rb = rollbackState{holdColour: c, holdUntil: now.Add(s.opts.RollbackWindow)}
	s.ev(evs, strategy.Event{Kind: strategy.EventRolledBack, From: c, To: prev, Method: "auto", Generation: s.gen})
	s.beginDrain(evs, c, prev, now)
	s.publish()
	s.saveLocked(s.record())
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
