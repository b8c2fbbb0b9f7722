package bluegreen

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/e6data/gorm-e6data/strategy"
)

// conflict returns an *strategy.OptionsConflictError for the first field of opts that shapes
// the State and asks for another value than the State has; nil when every one agrees. Values
// are compared after defaults (a zero TTL and an explicit DefaultTTL agree; Selector after
// normalisation). Store and MeterProvider agree when both are unset or both are the same
// value. OnEvent and Logger are per member and never conflict.
func (s *State) conflict(opts strategy.Options) error {
	want := opts
	want.Store = s.opts.Store // compared below; spares withDefaults a store
	want = withDefaults(want)
	for _, c := range []struct {
		field      string
		same       bool
		have, want any
	}{
		{"TTL", s.opts.TTL == want.TTL, s.opts.TTL, want.TTL},
		{"Selector", slices.Equal(s.opts.Selector, want.Selector), s.opts.Selector, want.Selector},
		{"Store", sameValue(s.asked.Store, opts.Store), describe(s.asked.Store), describe(opts.Store)},
		{"MeterProvider", sameValue(s.asked.MeterProvider, opts.MeterProvider), describe(s.asked.MeterProvider), describe(opts.MeterProvider)},
		{"MaxPinAge", s.opts.MaxPinAge == want.MaxPinAge, s.opts.MaxPinAge, want.MaxPinAge},
		{"RollbackFailures", s.opts.RollbackFailures == want.RollbackFailures, s.opts.RollbackFailures, want.RollbackFailures},
		{"RollbackWindow", s.opts.RollbackWindow == want.RollbackWindow, s.opts.RollbackWindow, want.RollbackWindow},
		{"DetectTimeout", s.opts.DetectTimeout == want.DetectTimeout, s.opts.DetectTimeout, want.DetectTimeout},
	} {
		if !c.same {
			return &strategy.OptionsConflictError{Key: s.key, Field: c.field, Have: fmt.Sprint(c.have), Want: fmt.Sprint(c.want)}
		}
	}
	return nil
}

// sameValue reports whether a and b are both nil or the same comparable value. A value whose
// dynamic type cannot be compared is the same only as itself, which cannot be told: it is not.
func sameValue(a, b any) (same bool) {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) || !reflect.TypeOf(a).Comparable() {
		return false
	}
	defer func() {
		if recover() != nil {
			same = false // a struct holding an incomparable value in an interface field
		}
	}()
	return a == b
}

// describe names a Store or MeterProvider for an error: its type and, for a pointer, its
// address, which tells two values of one type apart. Never its contents.
func describe(v any) string {
	if v == nil {
		return "none (the default)"
	}
	if reflect.ValueOf(v).Kind() == reflect.Pointer {
		return fmt.Sprintf("%T(%p)", v, v)
	}
	return fmt.Sprintf("%T", v)
}
