package codec

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ParseDecimal converts exact decimal text ("-12.345", "+7", ".5", "1.5e3") to the unscaled
// two's-complement bytes of a DECIMAL128 with the given scale (value × 10^scale), as
// DecimalBytes would write them. Text with more fractional digits than scale keeps is rounded
// half-up, i.e. ties away from zero like Java's RoundingMode.HALF_UP: "0.125" at scale 2 is
// 13, "-0.125" is -13. Malformed text, or a result longer than MaxDecimalScale digits, is an
// error wrapping ErrInvalid.
func ParseDecimal(s string, scale int32) ([]byte, error) {
	bad := func(why string) error { return fmt.Errorf("%w: decimal %q: %s", ErrInvalid, s, why) }
	if scale > MaxDecimalScale || scale < -MaxDecimalScale {
		return nil, bad("scale out of range")
	}
	t := s
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg, t = t[0] == '-', t[1:]
	}
	exp := 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, err := strconv.Atoi(t[i+1:])
		if err != nil || e > MaxDecimalScale || e < -MaxDecimalScale {
			return nil, bad("bad exponent")
		}
		exp, t = e, t[:i]
	}
	intPart, frac, _ := strings.Cut(t, ".")
	digits := intPart + frac
	if digits == "" {
		return nil, bad("no digits")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil, bad("not a number")
		}
	}
	digits = strings.TrimLeft(digits, "0")
	// unscaled = digits × 10^k
	k := exp - len(frac) + int(scale)
	roundUp := false
	if k < 0 {
		cut := len(digits) + k // digits kept
		if cut < 0 {
			digits = ""
		} else {
			roundUp = digits[cut] >= '5'
			digits = digits[:cut]
		}
		k = 0
	}
	if len(digits)+k > MaxDecimalScale {
		return nil, bad("too many digits")
	}
	if len(digits)+k <= 18 { // fits in int64 even after rounding up: no big.Int
		var x int64
		for i := 0; i < len(digits); i++ {
			x = x*10 + int64(digits[i]-'0')
		}
		for range k {
			x *= 10
		}
		if roundUp {
			x++
		}
		if neg {
			x = -x
		}
		return appendInt64Bytes(nil, x), nil
	}
	x := new(big.Int)
	if digits != "" {
		x.SetString(digits, 10) // only ASCII digits: cannot fail
	}
	if roundUp {
		x.Add(x, big.NewInt(1))
	}
	if k > 0 {
		x.Mul(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	}
	if neg {
		x.Neg(x)
	}
	return DecimalBytes(x), nil
}
