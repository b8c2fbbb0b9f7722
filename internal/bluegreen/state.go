package bluegreen

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/e6data/gorm-e6data/internal/names"
	"github.com/e6data/gorm-e6data/strategy"
)

func withDefaults(o strategy.Options) strategy.Options {
	if o.TTL <= 0 {
		o.TTL = strategy.DefaultTTL
	}
	o.Selector = normSelector(o.Selector)
	if o.Store == nil {
		o.Store = strategy.NewMemoryStore()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxPinAge <= 0 {
		o.MaxPinAge = strategy.DefaultMaxPinAge
	}
	if o.RollbackFailures <= 0 {
		o.RollbackFailures = strategy.DefaultRollbackFailures
	}
	if o.RollbackWindow <= 0 {
		o.RollbackWindow = strategy.DefaultRollbackWindow
	}
	if o.DetectTimeout <= 0 {
		o.DetectTimeout = strategy.DefaultDetectTimeout
	}
	return o
}

// normSelector keeps blue/green (lower-cased, first occurrence) in order; empty means default.
func normSelector(in []string) []string {
	out := make([]string, 0, 2)
	for _, c := range in {
		c = normColour(c)
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = append(out, strategy.Blue, strategy.Green)
	}
	return out
}

// normColour returns blue or green for any casing of them, else "".
func normColour(c string) string { return names.Colour(c) }

// other returns the colour that is not c.
func other(c string) string {
	if c == strategy.Blue {
		return strategy.Green
	}
	return strategy.Blue
}

// State is the blue/green state of one cluster: the active colour, the generation, the pins of
// running queries, the last validation, and what hints, switches, 456s and rollbacks left
// (grouped in hint, drain, distrust and rb; Phase names their combinations). It is safe for
// concurrent use. Get the process-wide one with Shared.
type State struct {
	key  strategy.Key
	opts strategy.Options
	log  *slog.Logger
	met  meters

	asked   strategy.Options // the options as the first member asked for them (before defaults): see conflict
	clock   func() time.Time
	members members  // the connectors using the State, with their own hooks
	bg      lifetime // its goroutines (store writer, rollback check, detection flights)

	// view is an immutable snapshot of (colour for new work, generation) read without the lock
	// by the interceptor's steady path; it is replaced under mu whenever either changes.
	view atomic.Pointer[view]
	md   mdCache

	mu     sync.Mutex
	active string // colour of new work once acquired; "" when unknown (never detected, or invalidated)
	gen    uint64
	// moveGen is the generation at which the colour for new work last changed: a 456 for a
	// call made before it says nothing about the current choice.
	moveGen     uint64
	validatedAt time.Time
	lastError   string
	switches    int
	flight      *flight

	// Pins.
	pins map[string]int
	live map[*Pin]struct{}

	// The rest, grouped by what it is about. Phase names the combinations that decide where
	// new work goes; drain, distrust and rb run alongside them.
	hint     hintState     // what the server's hints left: pending colour, unconfirmed switch, refused colour
	drain    drainState    // the colour the last switch left, until its last pin is released
	distrust distrustState // store records a 456 made stale; the colour Invalidate forgot
	rb       rollbackState // automated rollback: the failure streak and the hold after a rollback

	// Lock-free mirrors of the locked state, so that a successful call takes no lock.
	unconfirmed atomic.Bool // hint.to != "": a success may confirm a switch (interceptor)
	rbFailing   atomic.Bool // a rollback failure streak is open (ReportSuccess)
}

// view is what the interceptor needs without a lock.
type view struct {
	colour string
	gen    uint64
}

// New returns a private State for key, whose one member has opts' OnEvent and Logger and no
// probe (so no automated rollback). Connectors share a State through Shared.
func New(key strategy.Key, opts strategy.Options) *State {
	s := newState(key, opts, time.Now)
	s.join(opts.OnEvent, opts.Logger, nil)
	return s
}

// newState returns a State without members, whose clock is now (tests set it). Its logger
// writes to every member's (fanout); opts.OnEvent and opts.Logger are the members'.
func newState(key strategy.Key, opts strategy.Options, now func() time.Time) *State {
	asked := opts
	asked.Selector = slices.Clone(opts.Selector)
	key = normKey(key)
	opts = withDefaults(opts)
	s := &State{
		key:  key,
		opts: opts,
		pins: make(map[string]int, 2),
		live: make(map[*Pin]struct{}),
	}
	s.asked, s.clock = asked, now
	s.log = slog.New(&fanout{s: s}).With(slog.String("cluster", key.ClusterName), slog.String("endpoint", key.Endpoint))
	s.met = newMeters(opts.MeterProvider, key)
	s.md.init(key.ClusterName)
	s.bg.init()
	s.view.Store(&view{})
	return s
}

// Key returns the cluster this State is about (cluster name lower-cased).
func (s *State) Key() strategy.Key { return s.key }

// Generation returns the current generation. It grows on every change of the colour for new
// work (hint, promotion, rollback, detection, invalidation).
func (s *State) Generation() uint64 { return s.view.Load().gen }

// Active returns the colour for new work ("" when unknown), without detection.
func (s *State) Active() string { return s.view.Load().colour }

func (s *State) now() time.Time { return s.clock() }

// effective is the colour new work goes to: the pending one if any. Call with mu held.
func (s *State) effective() string {
	if s.hint.pending != "" {
		return s.hint.pending
	}
	return s.active
}

// publish refreshes the lock-free view. Call with mu held after any change.
func (s *State) publish() {
	c := s.effective()
	if s.view.Load().colour != c {
		s.moveGen = s.gen
	}
	s.view.Store(&view{colour: c, gen: s.gen})
	s.met.active(c)
}

// record returns the current store record. Call with mu held.
func (s *State) record() strategy.Record {
	return strategy.Record{Colour: s.effective(), ValidatedAt: s.validatedAt, Generation: s.gen}
}
