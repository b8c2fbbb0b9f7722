package codec

import (
	"encoding/hex"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestDecimalString(t *testing.T) {
	cases := []struct {
		hex   string
		scale int32
		want  string
	}{
		{"00000000000000000000000000256680", 2, "24510.72"},
		{"256680", 2, "24510.72"},
		{"ff", 2, "-0.01"},
		{"ffffffffffffffffffffffffffffffff", 2, "-0.01"},
		{"00", 2, "0.00"},
		{"00", 0, "0"},
		{"00", -2, "0"},
		{"05", -2, "500"},
		{"7b", 5, "0.00123"},
		{"85", 1, "-12.3"},
		{"8000000000000000", 0, "-9223372036854775808"},
		{"7fffffffffffffff", 19, "0.9223372036854775807"},
		{"0080000000000000000000000000000000", 0, "170141183460469231731687303715884105728"},
		{"80000000000000000000000000000000", 0, "-170141183460469231731687303715884105728"},
		{"fffffffffffffffffffffffffffffffffffffff9", 2, "-0.07"},
	}
	for _, tc := range cases {
		b, _ := hex.DecodeString(tc.hex)
		got, err := DecimalString(b, tc.scale)
		if err != nil || got != tc.want {
			t.Errorf("%s scale %d: got %q, %v; want %q", tc.hex, tc.scale, got, err, tc.want)
		}
	}
	if _, err := DecimalString(nil, 0); err == nil {
		t.Error("empty bytes: no error")
	}
	if _, err := DecimalString([]byte{1}, MaxDecimalScale+1); !errors.Is(err, ErrInvalid) {
		t.Errorf("huge scale: %v", err)
	}
}

func TestDecimalBytes(t *testing.T) {
	cases := map[string]string{
		"0": "00", "1": "01", "127": "7f", "128": "0080", "255": "00ff", "256": "0100",
		"-1": "ff", "-128": "80", "-129": "ff7f", "-256": "ff00",
		"9223372036854775807":                      "7fffffffffffffff",
		"9223372036854775808":                      "008000000000000000",
		"-9223372036854775808":                     "8000000000000000",
		"-9223372036854775809":                     "ff7fffffffffffffff",
		"-170141183460469231731687303715884105728": "80000000000000000000000000000000",
	}
	for n, want := range cases {
		x, _ := new(big.Int).SetString(n, 10)
		if got := hex.EncodeToString(DecimalBytes(x)); got != want {
			t.Errorf("%s: got %s, want %s", n, got, want)
		}
		// And back.
		if s, err := DecimalString(DecimalBytes(x), 0); err != nil || s != n {
			t.Errorf("%s: back as %q, %v", n, s, err)
		}
	}
	if got := DecimalBytes(nil); len(got) != 1 || got[0] != 0 {
		t.Errorf("nil: %x", got)
	}
}

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		in    string
		scale int32
		want  string // DecimalString of the result at the same scale
	}{
		{"24510.72", 2, "24510.72"},
		{"-0.01", 2, "-0.01"},
		{"0", 2, "0.00"},
		{"+7", 0, "7"},
		{".5", 1, "0.5"},
		{"5.", 0, "5"},
		{"1.5e3", 0, "1500"},
		{"15E-1", 1, "1.5"},
		{"500", -2, "500"},
		{"0.125", 2, "0.13"},   // half-up
		{"-0.125", 2, "-0.13"}, // ties away from zero
		{"0.124", 2, "0.12"},
		{"0.005", 2, "0.01"},
		{"0.0049", 2, "0.00"},
		{"0.0005", 2, "0.00"},
		{"999.995", 2, "1000.00"},
		{"-10000000000000000000000000000.07", 2, "-10000000000000000000000000000.07"},
		{"99999999999999999999999999999999999999", 0, "99999999999999999999999999999999999999"},
		{"0000123.4500", 2, "123.45"},
		{"549", -1, "550"},
	}
	for _, tc := range cases {
		b, err := ParseDecimal(tc.in, tc.scale)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got, _ := DecimalString(b, tc.scale); got != tc.want {
			t.Errorf("%q scale %d: got %q, want %q", tc.in, tc.scale, got, tc.want)
		}
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "abc", "1e", "e5", "1e99999", "--1", "1 ", "0x10"} {
		if _, err := ParseDecimal(bad, 2); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: got %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := ParseDecimal("1", MaxDecimalScale+1); !errors.Is(err, ErrInvalid) {
		t.Errorf("huge scale: %v", err)
	}
}

// TestDecimalStringMatchesBig checks the int64/128-bit fast paths against math/big for random
// values of every byte length from 1 to 20, including sign-extended (padded) forms.
func TestDecimalStringMatchesBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := make([]byte, 1+rng.IntN(20))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if rng.IntN(4) == 0 { // long runs of sign bytes exercise the trimming
			for j := 0; j < len(b)/2; j++ {
				b[j] = b[0]
			}
		}
		x := new(big.Int).SetBytes(b)
		if b[0]&0x80 != 0 {
			x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		got, err := DecimalString(b, 0)
		if err != nil || got != x.String() {
			t.Fatalf("%x: got %q, %v; want %s", b, got, err, x)
		}
	}
}
