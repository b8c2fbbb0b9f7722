package bluegreen

import (
	"context"
	"sync"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// Health returns a snapshot. Pins older than Options.MaxPinAge found here are reported
// (EventPinTooOld, WARN), once each.
func (s *State) Health() strategy.Health {
	var evs events
	s.mu.Lock()
	h := strategy.Health{
		Active:     s.active,
		Pending:    s.hint.pending,
		Held:       s.hint.held,
		Generation: s.gen,
		InFlight:   make(map[string]int, len(s.pins)),
		LastError:  s.lastError,
		Switches:   s.switches,
	}
	if s.effective() != "" && !s.validatedAt.IsZero() {
		h.Age = s.now().Sub(s.validatedAt)
	}
	for c, n := range s.pins {
		if n > 0 {
			h.InFlight[c] = n
		}
	}
	h.OldestPinAge = s.checkPinAges(&evs)
	for p := range s.live {
		if p.reported {
			h.LongPins++
		}
	}
	s.mu.Unlock()
	s.fire(evs)
	return h
}

// StartProbe validates the colour for new work every `every` with probe (the caller's
// authenticate) until ctx ends or stop is called; stop waits for the goroutine to end and may
// be called more than once. It is off unless started. A 456 invalidates the colour (the next
// Colour re-detects); success renews the validation age; other errors are kept as
// Health.LastError. Each round also reports pins past Options.MaxPinAge. When no colour is
// known, a round runs a detection.
func (s *State) StartProbe(ctx context.Context, every time.Duration, probe func(ctx context.Context, colour string) error) (stop func()) {
	if ctx == nil {
		ctx = context.Background()
	}
	if every <= 0 {
		every = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.probeOnce(ctx, probe)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(cancel)
		<-done
	}
}

// probeOnce is one round of the background probe.
func (s *State) probeOnce(ctx context.Context, probe func(ctx context.Context, colour string) error) {
	s.Health() // reports long pins
	colour := s.Active()
	if colour == "" {
		if _, _, err := s.Colour(ctx, probe); err != nil && ctx.Err() == nil {
			s.setLastError(err)
		}
		return
	}
	pctx, cancel := context.WithTimeout(ctx, s.opts.DetectTimeout)
	err := probe(pctx, colour)
	class := strategy.Classify(pctx, err)
	cancel()
	switch class {
	case strategy.OK:
		s.mu.Lock()
		if s.effective() == colour {
			s.validatedAt = s.now()
			s.saveLocked(s.record())
		}
		s.mu.Unlock()
	case strategy.WrongStrategy:
		s.setLastError(err)
		s.Invalidate(colour)
	case strategy.Canceled:
		// Our own context ended: not a cluster problem. The probe's own timeout is one.
		if ctx.Err() == nil {
			s.setLastError(err)
		}
	default:
		s.setLastError(err)
	}
}

func (s *State) setLastError(err error) {
	s.mu.Lock()
	s.lastError = err.Error()
	s.mu.Unlock()
}
