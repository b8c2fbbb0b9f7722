package engine

import (
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// slowMicros is what the engine read before the fast path: e6sql's lenient parser.
func slowMicros(s string) (int64, bool) {
	t, err := e6sql.ParseTimestamp(s)
	if err != nil {
		return 0, false
	}
	return codec.TimeToMicros(t), true
}

func TestCanonicalMicros(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1970-01-01", time.Unix(0, 0), true},
		{"1969-12-31", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"0001-01-01 00:00:00.000000", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"9999-12-31 23:59:59.999999", time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), true},
		{"2024-02-29 12:34:56.000789", time.Date(2024, 2, 29, 12, 34, 56, 789000, time.UTC), true},
		{"2000-02-29", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), true},
		{"1900-02-29", time.Time{}, false},
		{"2023-02-29", time.Time{}, false},
		{"2024-04-31", time.Time{}, false},
		{"2024-13-01", time.Time{}, false},
		{"0000-01-01", time.Time{}, false},
		{"2024-01-01 24:00:00.000000", time.Time{}, false},
		{"2024-01-01T00:00:00.000000", time.Time{}, false}, // other spellings take the slow path
		{"2024-01-01 00:00:00.00000Z", time.Time{}, false},
		{"2024-01-01 00:00:00", time.Time{}, false},
		{"+024-01-01", time.Time{}, false},
		{"2024-1-01", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := canonicalMicros(tc.in)
		if ok != tc.ok || (ok && got != codec.TimeToMicros(tc.want)) {
			t.Errorf("canonicalMicros(%q) = %d, %v; want %d, %v", tc.in, got, ok, codec.TimeToMicros(tc.want), tc.ok)
		}
	}
}

// FuzzCanonicalMicros: whatever the fast path accepts, the lenient parser reads the same.
func FuzzCanonicalMicros(f *testing.F) {
	for _, s := range []string{"2024-01-02 03:04:05.123456", "1969-12-31", "0001-01-01", "9999-12-31 23:59:59.999999", "2024-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := canonicalMicros(s)
		if !ok {
			return
		}
		want, wok := slowMicros(s)
		if !wok || got != want {
			t.Fatalf("canonicalMicros(%q) = %d; e6sql reads %d (ok %v)", s, got, want, wok)
		}
	})
}
