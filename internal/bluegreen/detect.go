package bluegreen

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// flight is one detection shared by every caller that needs it meanwhile.
//
// It is not golang.org/x/sync/singleflight: a singleflight.Group runs the first caller's
// function to its end, while a flight must go on through another waiter's probe when the
// connector of the probe in use closes under it (see probeOpen), must end when the State
// closes, and must be forgotten under mu together with the adoption of its answer, so that a
// caller after it finds the new colour cached rather than a finished flight.
type flight struct {
	done   chan struct{}
	colour string
	gen    uint64
	err    error
	probes []probeFunc // guarded by State.mu: the waiters' probes, in arrival order
}

// prober returns the flight's i-th probe, nil past the last.
func (s *State) prober(f *flight, i int) probeFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(f.probes) {
		return f.probes[i]
	}
	return nil
}

// Colour returns the colour for new work and its generation, detecting it when it is unknown
// or older than the TTL. probe authenticates on a colour (the caller's authenticate); a 456
// from it (strategy.Classify == strategy.WrongStrategy) moves detection on to the next colour,
// any other error ends detection with that error, and all colours answering 456 gives a
// *strategy.DetectError.
//
// Detection is single-flight per State: concurrent callers share one sequence of probes, each
// returning early with its own ctx's error if ctx ends first. The flight runs on a goroutine
// of the State, on a context detached from the first caller's cancellation (bounded by
// Options.DetectTimeout and by the State's closing), so one caller giving up does not fail the
// others. It probes through the first caller's probe; when that probe's connector closes under
// it (a failure marked with ProberClosed), the probe is made again through the next waiter's,
// so a connector closing does not fail the other connectors' callers.
//
// The cached colour is tried first, then Options.Selector. When nothing is cached, a fresh
// record in the Store is adopted without probing. A detection by probing is written to the
// Store in the background.
func (s *State) Colour(ctx context.Context, probe func(ctx context.Context, colour string) error) (string, uint64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s.mu.Lock()
	if c := s.effective(); c != "" && s.now().Sub(s.validatedAt) < s.opts.TTL {
		gen := s.gen
		s.mu.Unlock()
		return c, gen, nil
	}
	f := s.flight
	switch {
	case f != nil:
		if probe != nil {
			f.probes = append(f.probes, probe)
		}
	case probe == nil:
		s.mu.Unlock()
		return "", 0, errors.New("strategy: detection needs a probe")
	default:
		f = &flight{done: make(chan struct{}), probes: []probeFunc{probe}}
		values := context.WithoutCancel(ctx) // the first caller's values (trace), not its end
		if !s.goLocked(func(life context.Context) {
			fctx, cancel := context.WithTimeout(values, s.opts.DetectTimeout)
			defer cancel()
			defer context.AfterFunc(life, cancel)()
			s.detect(fctx, f)
		}) {
			s.mu.Unlock()
			return "", 0, errStateClosed
		}
		s.flight = f
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.colour, f.gen, f.err
	case <-ctx.Done():
		return "", 0, fmt.Errorf("strategy: waiting for detection: %w", ctx.Err())
	}
}

// detect runs one flight and publishes its result to f's waiters.
func (s *State) detect(ctx context.Context, f *flight) {
	start := s.now()
	colour, method, attempts, err := s.runProbes(ctx, f)
	var evs events
	s.mu.Lock()
	s.flight = nil
	if err != nil {
		s.lastError = err.Error()
		f.err = err
	} else {
		s.onDetected(&evs, colour, method, attempts, start)
		f.colour, f.gen = s.effective(), s.gen
		if method == "probe" {
			s.saveLocked(s.record())
		}
	}
	s.mu.Unlock()
	// Report before waking the waiters: a caller that returns from Colour can rely on OnEvent
	// having seen the detection.
	s.met.detection(s.now().Sub(start), err == nil)
	s.fire(evs)
	close(f.done)
}

// runProbes finds the colour: the store first when nothing is cached, then the probes.
func (s *State) runProbes(ctx context.Context, f *flight) (colour, method string, n int, err error) {
	s.mu.Lock()
	cached := s.effective()
	distrust := s.distrust
	s.mu.Unlock()

	if rec, ok := s.loadFresh(ctx, distrust); ok {
		return rec.Colour, "store", 0, nil
	}
	order := make([]string, 0, 3)
	if cached != "" {
		order = append(order, cached)
	}
	for _, c := range s.opts.Selector {
		if c != cached {
			order = append(order, c)
		}
	}
	de := &strategy.DetectError{Key: s.key}
	from := 0
	for _, c := range order {
		var perr error
		from, perr = probeOpen(ctx, c, from, func(i int) probeFunc { return s.prober(f, i) })
		n++
		if perr == nil {
			return c, "probe", n, nil
		}
		if strategy.Classify(ctx, perr) != strategy.WrongStrategy {
			return "", "probe", n, fmt.Errorf("strategy: detection on %s: %w", c, perr)
		}
		de.Attempts = append(de.Attempts, strategy.Attempt{Colour: c, Err: perr})
	}
	return "", "probe", n, de
}

// loadFresh returns the store's record when it is younger than the TTL and not known stale.
func (s *State) loadFresh(ctx context.Context, distrust distrustState) (strategy.Record, bool) {
	rec, ok, err := s.opts.Store.Load(ctx, s.key)
	if err != nil {
		s.log.WarnContext(ctx, "e6data: strategy store load failed", "error", err.Error())
		return strategy.Record{}, false
	}
	now := s.now()
	if !ok || normColour(rec.Colour) == "" {
		return strategy.Record{}, false
	}
	rec.Colour = normColour(rec.Colour)
	age := now.Sub(rec.ValidatedAt)
	// A record validated before a 456 we saw for its colour is stale; one from the future
	// (beyond a little clock slack) is not trusted either.
	if age >= s.opts.TTL || age < -time.Second || (rec.Colour == distrust.colour && !rec.ValidatedAt.After(distrust.at)) {
		return strategy.Record{}, false
	}
	s.mu.Lock()
	if rec.Generation > s.gen {
		// Keep generations roughly aligned across processes; onDetected bumps by one more.
		s.gen = rec.Generation
	}
	s.validatedAt = rec.ValidatedAt
	s.mu.Unlock()
	return rec, true
}

// onDetected makes colour, found by detection (method "probe" or "store", started at start) or
// named by a 456 (method "456"), the validated colour for new work: every phase -> Steady, or
// Held when a refused colour stays held (it is not colour), or Hinted/Pending when a hint
// seen while the probes ran is kept. Call with mu held.
func (s *State) onDetected(evs *events, colour, method string, attempts int, start time.Time) {
	from := s.active
	if from == "" {
		// Invalidated by a 456: the colour we were on before counts as where a switch came from.
		from = s.distrust.lastActive
	}
	s.distrust.lastActive = ""
	if method != "store" {
		s.validatedAt = s.now()
	}
	keepHint := s.hint.pending != "" && s.hint.pending != colour && s.hint.at.After(start)
	if colour != s.active || (s.hint.pending != "" && !keepHint) {
		s.gen++
	}
	if !keepHint {
		// A hint seen while the probes ran is newer than their answer: keep it pending.
		s.hint.pending, s.hint.at = "", time.Time{}
	}
	// The server's own answer settles an unconfirmed hinted switch: confirmed if it named the
	// hinted colour.
	s.settleHint(s.active == colour)
	s.active = colour
	if s.hint.held == colour {
		s.hint.held, s.hint.heldOpen = "", false
	}
	s.ev(evs, strategy.Event{Kind: strategy.EventDetected, Colour: colour, Method: method, Attempt: attempts, Generation: s.gen})
	if from != "" && from != colour {
		// A detection moved us (the cached colour answered 456): that is a switch too, drained
		// like one announced by a hint.
		s.switches++
		s.met.switched()
		s.ev(evs, strategy.Event{Kind: strategy.EventSwitched, From: from, To: colour, Method: "detect", Generation: s.gen})
		s.beginDrain(evs, from, colour, start)
		s.rb.prev = "" // the colour we left answered 456: nothing to roll back to
	}
	s.publish()
}

// Invalidate records that colour answered 456. If it is the colour for new work, the State
// forgets it (the next Colour re-detects; Acquire reports no colour until then); a pending
// colour that answers 456 is dropped. Pins are kept. Stale 456s for any other colour are
// ignored.
func (s *State) Invalidate(colour string) {
	c := normColour(colour)
	if c == "" {
		return
	}
	var evs events
	s.mu.Lock()
	ok := s.onInvalidate(&evs, c)
	s.mu.Unlock()
	if !ok {
		return
	}
	s.met.invalidated()
	s.fire(evs)
}

// onInvalidate forgets c, which answered 456, when new work goes to it: a pending c is dropped
// (Pending -> the phase under it, Hinted -> Unknown), an active c is forgotten (-> Unknown).
// Store records naming c from before now are stale. It reports whether c was either; any
// other colour changes nothing. Call with mu held.
func (s *State) onInvalidate(evs *events, c string) bool {
	switch c {
	case s.hint.pending:
		s.hint.pending, s.hint.at = "", time.Time{}
	case s.active:
		s.distrust.lastActive = s.active
		s.active, s.validatedAt = "", time.Time{}
	default:
		return false
	}
	s.distrust.colour, s.distrust.at = c, s.now()
	s.gen++
	s.ev(evs, strategy.Event{Kind: strategy.EventInvalidated, Colour: c, Generation: s.gen})
	s.publish()
	return true
}
