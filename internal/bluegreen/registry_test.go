package bluegreen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/strategy"
)

// uniqueKey returns a key no other test (or earlier -count run) uses: the registry lives as
// long as the process.
var keys atomic.Int64

func uniqueKey(t *testing.T) strategy.Key {
	return strategy.Key{Endpoint: fmt.Sprintf("reg-%d.example:443", keys.Add(1)), ClusterName: t.Name()}
}

// share is Shared that must succeed, given back at the end of the test.
func share(t *testing.T, key strategy.Key, opts strategy.Options, probe func(context.Context, string) error) *Use {
	t.Helper()
	u, err := Shared(key, opts, probe)
	require.NoError(t, err)
	t.Cleanup(func() { Unshare(u) })
	return u
}

func TestSharedPerKey(t *testing.T) {
	ep := uniqueKey(t).Endpoint
	a := share(t, strategy.Key{Endpoint: ep, ClusterName: "One"}, strategy.Options{Logger: quiet}, nil)
	assert.Same(t, a.State, share(t, strategy.Key{Endpoint: ep, ClusterName: "ONE"}, strategy.Options{Logger: quiet}, nil).State)
	b := share(t, strategy.Key{Endpoint: ep, ClusterName: "two"}, strategy.Options{Logger: quiet}, nil)
	c := share(t, strategy.Key{Endpoint: ep + "4", ClusterName: "one"}, strategy.Options{Logger: quiet}, nil)
	assert.NotSame(t, a.State, b.State)
	assert.NotSame(t, a.State, c.State)
	assert.NotSame(t, a.State, New(strategy.Key{Endpoint: ep, ClusterName: "one"}, strategy.Options{Logger: quiet}))
	assert.Equal(t, "one", a.Key().ClusterName)

	// Nothing is shared between keys: colour, generation, pins.
	_, _, err := a.Colour(context.Background(), newCluster(strategy.Green).probe)
	require.NoError(t, err)
	_, _, err = b.Colour(context.Background(), newCluster(strategy.Blue).probe)
	require.NoError(t, err)
	pa, _ := a.Acquire()
	a.Observe(strategy.Blue, Call{})
	assert.Equal(t, strategy.Green, pa.Colour())
	assert.Equal(t, strategy.Blue, b.Active())
	assert.Empty(t, b.Health().Pending)
	assert.Empty(t, b.Pinned())
	assert.Empty(t, c.Active())
	pa.Release()
}

// Every use is given back, so the test passes however often it runs in one process
// (-count=N); it used to take a use it never gave back.
func TestUnshareForgetsTheLastUse(t *testing.T) {
	key := strategy.Key{Endpoint: "unshare.example:1", ClusterName: "c"}
	get := func() *Use {
		u, err := Shared(key, strategy.Options{}, nil)
		require.NoError(t, err)
		return u
	}
	a, b := get(), get()
	require.Same(t, a.State, b.State, "one State per key")
	Unshare(a)
	Unshare(a) // a Use is given back once: this does not count
	c := get()
	require.Same(t, a.State, c.State, "the State is forgotten only when its last user gives it back")
	Unshare(b)
	Unshare(c)
	d := get()
	assert.NotSame(t, a.State, d.State, "the State outlived its last user")
	Unshare(d)
	Unshare(nil) // no effect
}

// Each use brings its own OnEvent and Logger: the State's events reach all of them, the events
// of one use's queries reach that use only, and a use given back hears nothing more.
func TestSharedUsesHaveTheirOwnHooks(t *testing.T) {
	key := uniqueKey(t)
	recA, recB := &recorder{}, &recorder{}
	logA, logB := &syncBuffer{}, &syncBuffer{}
	a := share(t, key, strategy.Options{OnEvent: recA.On, Logger: slogTo(logA)}, nil)
	b := share(t, key, strategy.Options{OnEvent: recB.On, Logger: slogTo(logB)}, nil)

	_, _, err := a.Colour(context.Background(), newCluster(strategy.Blue).probe)
	require.NoError(t, err)
	b.Observe(strategy.Green, Call{})
	assert.Equal(t, []strategy.EventKind{strategy.EventDetected, strategy.EventPending}, recA.kinds())
	assert.Equal(t, recA.kinds(), recB.kinds())
	for _, l := range []*syncBuffer{logA, logB} {
		assert.Contains(t, l.String(), "strategy detected")
		assert.Contains(t, l.String(), "cluster="+strings.ToLower(t.Name()))
	}

	b.CountRetry("q1", 1, errors.New("cut"))
	a.CountInterrupted("q2", errors.New("cut"))
	assert.Empty(t, recA.of(strategy.EventRetry), "another use's retry")
	assert.Len(t, recB.of(strategy.EventRetry), 1)
	assert.Len(t, recA.of(strategy.EventInterrupted), 1)
	assert.Empty(t, recB.of(strategy.EventInterrupted))
	assert.Contains(t, logB.String(), "query_id=q1")
	assert.NotContains(t, logA.String(), "query_id=q1")

	Unshare(a)
	n := len(recA.kinds())
	b.Invalidate(strategy.Green)
	assert.Len(t, recA.kinds(), n, "a use given back gets no events")
	assert.Contains(t, recB.kinds(), strategy.EventInvalidated)
}

// Uses sharing one logger see each line once.
func TestSharedLoggerOnce(t *testing.T) {
	key := uniqueKey(t)
	logs := &syncBuffer{}
	l := slogTo(logs)
	a := share(t, key, strategy.Options{Logger: l}, nil)
	share(t, key, strategy.Options{Logger: l}, nil)
	_, _, err := a.Colour(context.Background(), newCluster(strategy.Blue).probe)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(logs.String(), "strategy detected"), logs.String())
}

// Automated rollback probes through the longest-standing use that is still there.
func TestSharedRollbackProbesThroughARemainingUse(t *testing.T) {
	key := uniqueKey(t)
	gone := func(context.Context, string) error { t.Error("the probe of a use given back was called"); return nil }
	cl := newCluster(strategy.Blue) // blue, the colour before the switch, still answers
	first := share(t, key, strategy.Options{Logger: quiet}, gone)
	second := share(t, key, strategy.Options{Logger: quiet}, cl.probe)
	_, _, err := first.Colour(context.Background(), newCluster(strategy.Blue).probe)
	require.NoError(t, err)
	first.Observe(strategy.Green, Call{})
	p, _ := first.Acquire()
	p.Release()
	Unshare(first)

	for range strategy.DefaultRollbackFailures {
		second.ReportFailure(strategy.Green, strategy.Unavailable)
	}
	second.settle() // the check runs in the background
	assert.Equal(t, strategy.Blue, second.Active())
	assert.Equal(t, int64(1), cl.count(strategy.Blue))
}

// Options that shape the State must agree between its uses; a conflict is refused, names the
// field, and leaves the State as it was.
func TestSharedOptionsConflict(t *testing.T) {
	store := strategy.NewMemoryStore()
	base := strategy.Options{TTL: time.Minute, Store: store, Selector: []string{strategy.Green}, Logger: quiet}
	for _, tc := range []struct {
		name  string
		edit  func(o *strategy.Options)
		field string
	}{
		{"same", func(*strategy.Options) {}, ""},
		{"hooks differ", func(o *strategy.Options) { o.OnEvent = func(strategy.Event) {}; o.Logger = nil }, ""},
		{"selector normalised", func(o *strategy.Options) { o.Selector = []string{"GREEN", "red"} }, ""},
		{"explicit defaults", func(o *strategy.Options) {
			o.MaxPinAge, o.RollbackFailures = strategy.DefaultMaxPinAge, strategy.DefaultRollbackFailures
		}, ""},
		{"TTL", func(o *strategy.Options) { o.TTL = 0 }, "TTL"},
		{"selector", func(o *strategy.Options) { o.Selector = nil }, "Selector"},
		{"store", func(o *strategy.Options) { o.Store = strategy.NewMemoryStore() }, "Store"},
		{"meter provider", func(o *strategy.Options) { o.MeterProvider = newFakeMP() }, "MeterProvider"},
		{"max pin age", func(o *strategy.Options) { o.MaxPinAge = time.Second }, "MaxPinAge"},
		{"rollback failures", func(o *strategy.Options) { o.RollbackFailures = 9 }, "RollbackFailures"},
		{"rollback window", func(o *strategy.Options) { o.RollbackWindow = time.Second }, "RollbackWindow"},
		{"detect timeout", func(o *strategy.Options) { o.DetectTimeout = time.Second }, "DetectTimeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := uniqueKey(t)
			first := share(t, key, base, nil)
			opts := base
			opts.Selector = append([]string(nil), base.Selector...)
			tc.edit(&opts)
			u, err := Shared(key, opts, nil)
			if tc.field == "" {
				require.NoError(t, err)
				Unshare(u)
				return
			}
			assert.Nil(t, u)
			var ce *strategy.OptionsConflictError
			require.ErrorAs(t, err, &ce)
			assert.ErrorIs(t, err, strategy.ErrOptionsConflict)
			assert.Equal(t, tc.field, ce.Field)
			assert.Equal(t, first.Key(), ce.Key)
			assert.Contains(t, err.Error(), "Options."+tc.field)
			assert.Equal(t, time.Minute, first.opts.TTL, "the State is unchanged")
		})
	}
}

func TestSameValue(t *testing.T) {
	type incomparable struct{ f []int }
	type holder struct{ v any }
	s := strategy.NewMemoryStore()
	for _, tc := range []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{s, s, true},
		{s, nil, false},
		{s, strategy.NewMemoryStore(), false},
		{incomparable{}, incomparable{}, false},
		{holder{[]int{1}}, holder{[]int{1}}, false}, // == would panic
		{holder{1}, holder{1}, true},
	} {
		assert.Equal(t, tc.want, sameValue(tc.a, tc.b), "%#v %#v", tc.a, tc.b)
	}
}
