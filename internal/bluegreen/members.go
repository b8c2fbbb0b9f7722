package bluegreen

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/e6data/gorm-e6data/strategy"
)

// member is one user of a State (a connector) with what it brings of its own: where its events
// and logs go, and the probe automated rollback may use to reach the cluster through it.
type member struct {
	onEvent func(strategy.Event)                           // nil: none
	log     *slog.Logger                                   // never nil
	tagged  *slog.Logger                                   // log with the cluster's attributes
	probe   func(ctx context.Context, colour string) error // nil: none
}

// members is the State's list of members in the order they joined. It is copy-on-write: fire
// reads it without a lock while connectors join and leave.
type members struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*member]
}

// join adds a member to s. logger nil means slog.Default().
func (s *State) join(onEvent func(strategy.Event), logger *slog.Logger, probe func(ctx context.Context, colour string) error) *member {
	if logger == nil {
		logger = slog.Default()
	}
	m := &member{onEvent: onEvent, log: logger, probe: probe,
		tagged: logger.With(slog.String("cluster", s.key.ClusterName), slog.String("endpoint", s.key.Endpoint))}
	s.members.mu.Lock()
	defer s.members.mu.Unlock()
	next := append(slices.Clone(s.memberList()), m)
	s.members.list.Store(&next)
	return m
}

// leave removes m: from now on it gets no events, and its probe is not used.
func (s *State) leave(m *member) {
	s.members.mu.Lock()
	defer s.members.mu.Unlock()
	next := slices.DeleteFunc(slices.Clone(s.memberList()), func(x *member) bool { return x == m })
	s.members.list.Store(&next)
}

func (s *State) memberList() []*member {
	if l := s.members.list.Load(); l != nil {
		return *l
	}
	return nil
}

// rollbackProbe returns the probe of the longest-standing member that has one, or nil (then
// there is no automated rollback). Members leave when their connector closes, so the probe goes
// through a connector that is still open.
func (s *State) rollbackProbe() func(ctx context.Context, colour string) error {
	for _, m := range s.memberList() {
		if m.probe != nil {
			return m.probe
		}
	}
	return nil
}

// fanout is the slog.Handler of the State's own logger: it hands each record to the logger of
// every member (a logger shared by several members once), so each connector's Logger sees the
// cluster's timeline.
type fanout struct {
	s    *State
	with []func(slog.Handler) slog.Handler // WithAttrs and WithGroup, in order
}

func (f *fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, m := range f.s.memberList() {
		if m.log.Handler().Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f *fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	ms := f.s.memberList()
	for i, m := range ms {
		if slices.ContainsFunc(ms[:i], func(x *member) bool { return x.log == m.log }) {
			continue
		}
		h := m.log.Handler()
		if !h.Enabled(ctx, r.Level) {
			continue
		}
		for _, w := range f.with {
			h = w(h)
		}
		if err := h.Handle(ctx, r.Clone()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (f *fanout) WithAttrs(as []slog.Attr) slog.Handler {
	return &fanout{s: f.s, with: append(slices.Clip(f.with), func(h slog.Handler) slog.Handler { return h.WithAttrs(as) })}
}

func (f *fanout) WithGroup(name string) slog.Handler {
	if name == "" {
		return f
	}
	return &fanout{s: f.s, with: append(slices.Clip(f.with), func(h slog.Handler) slog.Handler { return h.WithGroup(name) })}
}
