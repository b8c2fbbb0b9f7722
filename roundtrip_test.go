package e6data_test

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// Property: a string, integer, float or time value written as a GORM condition and selected back
// through the driver and the mock comes back identical (no injection, no corruption). The fuzz
// targets run their seeds and generated values in every test run; go test -fuzz explores more.

var (
	probeOnce sync.Once
	probeDB   *gorm.DB
	probeErr  error
)

// probe returns GORM on a mock with a one-row table probe, shared by the round-trip tests.
func probe(t testing.TB) *gorm.DB {
	t.Helper()
	probeOnce.Do(func() {
		srv, err := mock.NewServer(mock.Options{ClusterName: "roundtrip"})
		if err != nil {
			probeErr = err
			return
		}
		// Closed with the process: the fuzz engine calls the target across many tests.
		if _, err := srv.Exec(`CREATE TABLE probe (id BIGINT)`); err != nil {
			probeErr = err
			return
		}
		if _, err := srv.Exec(`INSERT INTO probe VALUES (1)`); err != nil {
			probeErr = err
			return
		}
		probeDB, probeErr = gorm.Open(e6data.Open(srv.DSN()), &gorm.Config{Logger: logger.Discard})
	})
	require.NoError(t, probeErr)
	return probeDB
}

// roundTrip selects v back with v as the condition: exactly one row, holding v.
func roundTrip[T comparable](t testing.TB, v T) {
	t.Helper()
	var got []T
	err := probe(t).Table("probe").Select("? AS v", v).Where("? = ?", v, v).Where("id = ?", 1).Pluck("v", &got).Error
	require.NoError(t, err, "%#v", v)
	require.Len(t, got, 1, "the condition on %#v held", v)
	require.Equal(t, v, got[0])
}

func FuzzRoundTripString(f *testing.F) {
	for _, s := range []string{"", "it's", `C:\tmp\`, "a\nb\r\tc", `\'`, `''`, `'; DROP TABLE probe; --`, "?", "/* ? */", "-- x",
		"\"quoted\"", "Chloé 🚀", `\\\'`, "\x01\x7f", "ends with \\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || containsNUL(s) {
			t.Skip("invalid UTF-8 is refused by the driver; NUL is not text SQL can carry")
		}
		roundTrip(t, s)
	})
}

func FuzzRoundTripInt(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) { roundTrip(t, n) })
}

func FuzzRoundTripFloat(f *testing.F) {
	for _, x := range []float64{0, 1.5, -2.25, 0.1, 1e-5, 1500000, math.Pi, math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789.123} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Skip("NaN and infinities have no literal")
		}
		roundTrip(t, x)
	})
}

func FuzzRoundTripTime(f *testing.F) {
	for _, us := range []int64{0, 1, -1, 1704164645123456, -2208988800000000} {
		f.Add(us)
	}
	f.Fuzz(func(t *testing.T, us int64) {
		ts := time.UnixMicro(us).UTC()
		if ts.Year() < 1 || ts.Year() > 9999 {
			t.Skip("TIMESTAMP years are 0001-9999")
		}
		roundTrip(t, ts)
	})
}

// TestRoundTripRandom checks the property on generated values (fixed seed: reproducible).
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("ab'\"\\?;-/*%_ \n\r\té🚀\x01:@$")
	for i := range 150 {
		r := make([]rune, rng.IntN(24))
		for j := range r {
			r[j] = alphabet[rng.IntN(len(alphabet))]
		}
		roundTrip(t, string(r))
		roundTrip(t, int64(rng.Uint64()))
		roundTrip(t, math.Float64frombits(rng.Uint64()&^(0x7ff<<52)|uint64(rng.IntN(0x7fe))<<52))
		roundTrip(t, time.UnixMicro(rng.Int64N(253402300799999999+62135596800000000)-62135596800000000).UTC())
		_ = i
	}
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}
