package connector

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDate(t *testing.T) {
	d := Date{2024, time.February, 29}
	assert.Equal(t, "2024-02-29", d.String())
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), d.Time())
	assert.True(t, d.IsValid())
	assert.False(t, Date{2023, time.February, 29}.IsValid())
	assert.Equal(t, d, DateOf(time.Date(2024, 2, 29, 23, 59, 0, 0, time.FixedZone("x", -3600))))

	p, err := ParseDate("0001-01-01")
	require.NoError(t, err)
	assert.Equal(t, Date{1, time.January, 1}, p)
	for _, bad := range []string{"", "2024-2-29", "2023-02-29", "2024-01-02 00:00:00"} {
		_, err := ParseDate(bad)
		assert.Error(t, err, bad)
	}

	var s Date
	require.NoError(t, s.Scan(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, Date{2024, time.January, 2}, s)
	require.NoError(t, s.Scan("1999-12-31"))
	assert.Equal(t, Date{1999, time.December, 31}, s)
	require.NoError(t, s.Scan([]byte("2000-01-01")))
	assert.Equal(t, Date{2000, time.January, 1}, s)
	assert.ErrorContains(t, s.Scan(nil), "NullDate")
	assert.Error(t, s.Scan(42))
	assert.Error(t, s.Scan("junk"))

	var n NullDate
	require.NoError(t, n.Scan("2024-01-02"))
	assert.Equal(t, NullDate{Date{2024, time.January, 2}, true}, n)
	require.NoError(t, n.Scan(nil))
	assert.Equal(t, NullDate{}, n)
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in, want string
		scale    int32
	}{
		{"-24510.72", "-24510.72", 2},
		{"123.4500", "123.4500", 4},
		{"0", "0", 0},
		{"-0.01", "-0.01", 2},
		{"+.5", "0.5", 1},
		{"5.", "5", 0},
		{"1.5E+3", "1500", -2},
		{"1e-5", "0.00001", 5},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678", 0},
		{"0.000", "0.000", 3},
		{"0E+3", "0", -3},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, d.String(), tt.in)
		assert.Equal(t, tt.scale, d.Scale(), tt.in)
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "1e", "1e+99999", "0x10", " 1", "1_000", "NaN", "Infinity", "1e5.5"} {
		_, err := ParseDecimal(bad)
		assert.Error(t, err, bad)
	}
}

func TestDecimal(t *testing.T) {
	d := mustDecimal(t, "-24510.72")
	assert.Equal(t, big.NewInt(-2451072), d.Unscaled())
	assert.Equal(t, big.NewRat(-2451072, 100), d.Rat())
	assert.Equal(t, -24510.72, d.Float64())
	assert.Equal(t, 0, mustDecimal(t, "1.50").Cmp(mustDecimal(t, "1.5")))
	assert.Equal(t, -1, d.Cmp(Decimal{}))
	assert.Equal(t, 1, mustDecimal(t, "1E+2").Cmp(mustDecimal(t, "99.99")))
	assert.Equal(t, "0", Decimal{}.String())
	assert.Equal(t, "0.00", NewDecimal(nil, 2).String())
	assert.Equal(t, "1E2147483647", NewDecimal(big.NewInt(1), -2147483647).String())

	x := big.NewInt(5)
	nd := NewDecimal(x, 1)
	x.SetInt64(6)
	assert.Equal(t, "0.5", nd.String(), "NewDecimal copies")
	nd.Unscaled().SetInt64(7)
	assert.Equal(t, "0.5", nd.String(), "Unscaled returns a copy")

	var s Decimal
	for _, tt := range []struct {
		src  any
		want string
	}{
		{"12.30", "12.30"}, {[]byte("-1"), "-1"}, {int64(42), "42"}, {0.1, "0.1"}, {1e21, "1000000000000000000000"},
		{d, "-24510.72"},
	} {
		require.NoError(t, s.Scan(tt.src), "%v", tt.src)
		assert.Equal(t, tt.want, s.String())
	}
	assert.ErrorContains(t, s.Scan(nil), "NullDecimal")
	assert.Error(t, s.Scan(true))
	assert.Error(t, s.Scan("x"))

	var n NullDecimal
	require.NoError(t, n.Scan("1.5"))
	assert.True(t, n.Valid)
	assert.Equal(t, "1.5", n.Decimal.String())
	require.NoError(t, n.Scan(nil))
	assert.Equal(t, NullDecimal{}, n)
}
