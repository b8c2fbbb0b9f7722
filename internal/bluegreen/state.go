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

// State is the blue/green state of one cluster: the active colour, a pending one, the
// generation, the pins of running queries and the last validation. It is safe for concurrent
// use. Get the process-wide one with Shared.
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

	mu          sync.Mutex
	active      string // colour of new work; "" when unknown (never detected, or invalidated)
	pending     string // hinted colour not yet used by any query (promoted by Acquire)
	gen         uint64
	validatedAt time.Time
	lastError   string
	switches    int
	flight      *flight

	// Pins.
	pins map[string]int
	live map[*Pin]struct{}

	// Switch timeline: hintAt is when the current pending hint was first seen; draining is the
	// colour whose pins we wait for, since drainStart (the switch's first hint).
	hintAt     time.Time
	draining   string
	drainTo    string
	drainStart time.Time

	// Store distrust: a record naming badColour validated before badAt is stale (we saw a 456).
	badColour  string
	rbFailing  atomic.Bool // a rollback failure streak is open (lets ReportSuccess skip the lock)
	lastActive string      // the active colour before Invalidate forgot it; "" once detection ran
	badAt      time.Time

	rb rollbackState

	// A refused hint: held is a hinted colour the server answered 456 before any call on it
	// succeeded. Hints to it are ignored until a query completed on the active colour
	// (heldOpen): servers such as e6data's own test server accept a new colour only once a
	// query on the old one was cleared. A hint-driven switch from hintFrom to hintTo is
	// unconfirmed until a call made on hintTo after the switch succeeds (unconfirmed mirrors
	// hintTo != "" for the interceptor's lock-free path). moveGen is the generation at which
	// the colour for new work last changed: a 456 for a call made before it says nothing about
	// the current choice.
	held             string
	heldOpen         bool
	hintFrom, hintTo string
	unconfirmed      atomic.Bool
	moveGen          uint64
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
	if s.pending != "" {
		return s.pending
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
