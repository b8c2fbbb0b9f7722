package bluegreen

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// The State's own goroutines: the store writer, the automated-rollback check and the detection
// flights. They run off the callers' goroutines so that a caller waits only for what it needs,
// bounded by its own context; a store that hangs or a probe that takes DetectTimeout costs a
// caller nothing. They end when the State closes (the last connector sharing it closed).

// storeSaveTimeout bounds one store write, for a Store that honours its context.
const storeSaveTimeout = 5 * time.Second

// errStateClosed is detection's error once every connector sharing the State closed.
var errStateClosed = errors.New("strategy: every connector to the cluster is closed")

// probeFunc authenticates on a colour through one connector (see State.Colour).
type probeFunc = func(ctx context.Context, colour string) error

// lifetime is the State's background work.
type lifetime struct {
	ctx    context.Context // ends when the State closes: background probes stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // the State's goroutines
	closed bool           // guarded by State.mu: no new background work

	// The store writer, guarded by State.mu.
	next    strategy.Record // the newest record not handed to the Store yet
	queued  bool            // next is waiting
	writing bool            // the writer goroutine runs
}

func (b *lifetime) init() { b.ctx, b.cancel = context.WithCancel(context.Background()) }

// goLocked runs fn on a goroutine of the State, with the State's lifetime context, unless the
// State closed (false). Call with mu held: close cannot miss the goroutine.
func (s *State) goLocked(fn func(ctx context.Context)) bool {
	if s.bg.closed {
		return false
	}
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		fn(s.bg.ctx)
	}()
	return true
}

// close ends the State's background work and waits for it: background probes are cancelled,
// and the record waiting for the store is still written (bounded by storeSaveTimeout for a
// Store that honours its context), so a short-lived process leaves its detection to the next.
// Later work that would run in the background is not started. Idempotent.
func (s *State) close() {
	s.mu.Lock()
	s.bg.closed = true
	s.mu.Unlock()
	s.bg.cancel()
	s.bg.wg.Wait()
}

// saveLocked queues rec for the Store; the writer goroutine hands it over. Call with mu held,
// where rec was made: records reach the queue in the order the state changed, and one still
// waiting when a newer one comes is replaced, so a later record is never overwritten by an
// earlier one. The store is a hint: failures are logged, never returned.
func (s *State) saveLocked(rec strategy.Record) {
	if rec.Colour == "" {
		return
	}
	s.bg.next, s.bg.queued = rec, true
	if !s.bg.writing {
		s.bg.writing = s.goLocked(s.writeRecords)
	}
}

// writeRecords is the writer goroutine: it writes the queued record until none is left. The
// write does not use the lifetime context: close lets the last record out.
func (s *State) writeRecords(context.Context) {
	for {
		s.mu.Lock()
		if !s.bg.queued {
			s.bg.writing = false
			s.mu.Unlock()
			return
		}
		rec := s.bg.next
		s.bg.queued = false
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), storeSaveTimeout)
		if err := s.opts.Store.Save(ctx, s.key, rec); err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "e6data: strategy store save failed", slog.String("error", err.Error()))
		}
		cancel()
	}
}

// ProberClosed marks err, a probe's failure, as caused by the probing connector's own closing
// (its gRPC channel closed under the call): it says nothing about the colour. A detection
// shared by several connectors then probes again through another one (see State.Colour). The
// error reads and unwraps as err.
func ProberClosed(err error) error {
	if err == nil {
		return nil
	}
	return &proberClosedError{err}
}

type proberClosedError struct{ error }

func (e *proberClosedError) Unwrap() error { return e.error }

// probeOpen probes colour through the first probe, from the from-th on, whose connector stays
// open under the call: nth returns the i-th probe (nil past the last; the list may grow
// meanwhile). It returns the index of the probe that answered, to start from next time.
func probeOpen(ctx context.Context, colour string, from int, nth func(i int) probeFunc) (int, error) {
	err := errNoProbe
	for i := from; ; i++ {
		p := nth(i)
		if p == nil {
			return i, err
		}
		var pc *proberClosedError
		if err = p(ctx, colour); !errors.As(err, &pc) || ctx.Err() != nil {
			return i, err
		}
	}
}
