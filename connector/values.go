package connector

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date with no time of day or zone. As an argument it is sent as
// CAST('2024-01-02' AS DATE); a DATE result column scans into it.
//
// Date deliberately does not implement driver.Valuer: this driver sees arguments unconverted
// (it implements driver.NamedValueChecker), and a Valuer returning time.Time would be sent as a
// TIMESTAMP. With other drivers, pass d.Time() instead.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date in the form "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("e6data: date %q is not YYYY-MM-DD: %w", s, err)
	}
	return DateOf(t), nil
}

// String returns the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight UTC at the start of the date (normalised as time.Date does).
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// IsValid reports whether d is a real calendar date, such as not February 30.
func (d Date) IsValid() bool { return DateOf(d.Time()) == d }

// Scan implements sql.Scanner for time.Time (its date in its location; e6data returns DATE as
// midnight UTC) and "YYYY-MM-DD" text. NULL is an error: scan into NullDate instead.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		p, err := ParseDate(v)
		if err == nil {
			*d = p
		}
		return err
	case []byte:
		return d.Scan(string(v))
	case nil:
		return errors.New("e6data: cannot scan NULL into Date; use NullDate")
	}
	return fmt.Errorf("e6data: cannot scan %T into Date", src)
}

// NullDate is a Date that may be NULL. As an argument, an invalid NullDate is sent as NULL.
type NullDate struct {
	Date  Date
	Valid bool // Valid is false for NULL
}

// Scan implements sql.Scanner; NULL sets Valid to false.
func (n *NullDate) Scan(src any) error {
	if src == nil {
		*n = NullDate{}
		return nil
	}
	err := n.Date.Scan(src)
	n.Valid = err == nil
	return err
}

// maxDecimalScale bounds the scale (digits after the point, or trailing zeros when negative)
// of decimals the driver writes as plain digits: DECIMAL128 needs at most 38, and without a
// bound a value such as 1e2147483647 would expand to gigabytes of text.
const maxDecimalScale = 10000

// Decimal is an exact decimal number: an unscaled integer times 10^-scale. DECIMAL128 results,
// which arrive as exact decimal text, scan into it; as an argument it is sent as plain digits
// (123.4500), keeping its scale. The zero value is 0. Decimal values are immutable.
//
// Decimal deliberately does not implement driver.Valuer: this driver sees arguments unconverted
// (it implements driver.NamedValueChecker), and a Valuer would have to return a string, which
// would be sent as a quoted literal. With other drivers, pass d.String().
type Decimal struct {
	unscaled *big.Int // nil means 0; never mutated once set
	scale    int32
}

// NewDecimal returns unscaled × 10^-scale. It copies unscaled; nil means 0.
func NewDecimal(unscaled *big.Int, scale int32) Decimal {
	if unscaled == nil {
		return Decimal{scale: scale}
	}
	return Decimal{unscaled: new(big.Int).Set(unscaled), scale: scale}
}

// ParseDecimal parses plain or exponent decimal text: "-24510.72", "1.5E+3", "+.5". The result
// keeps the scale written ("1.50" has scale 2). Scales beyond ±10000 are an error.
func ParseDecimal(s string) (Decimal, error) {
	bad := func(why string) (Decimal, error) {
		return Decimal{}, fmt.Errorf("e6data: %q is not a decimal number: %s", s, why)
	}
	mant, exp := s, 0
	if k := strings.IndexAny(s, "eE"); k >= 0 {
		e, err := strconv.Atoi(s[k+1:])
		if err != nil || e > maxDecimalScale || e < -maxDecimalScale {
			return bad("bad or out-of-range exponent")
		}
		mant, exp = s[:k], e
	}
	neg := strings.HasPrefix(mant, "-")
	if neg || strings.HasPrefix(mant, "+") {
		mant = mant[1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return bad("expected digits with an optional sign, point and exponent")
	}
	scale := len(frac) - exp
	if scale > maxDecimalScale || scale < -maxDecimalScale {
		return bad("scale out of range")
	}
	x, _ := new(big.Int).SetString(digits, 10) // digits are checked above
	if neg {
		x.Neg(x)
	}
	return Decimal{unscaled: x, scale: int32(scale)}, nil
}

// Unscaled returns a copy of the unscaled integer.
func (d Decimal) Unscaled() *big.Int {
	if d.unscaled == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(d.unscaled)
}

// Scale returns the number of digits after the decimal point (negative: trailing zeros).
func (d Decimal) Scale() int32 { return d.scale }

// String returns the exact value as plain digits, keeping the scale: "-24510.72", "0.0100".
// A scale beyond ±10000 (possible only through NewDecimal) is written with an exponent instead.
func (d Decimal) String() string {
	if d.scale > maxDecimalScale || d.scale < -maxDecimalScale {
		return d.Unscaled().String() + "E" + strconv.FormatInt(-int64(d.scale), 10)
	}
	return string(appendDecimal(nil, d.unscaled, int(d.scale)))
}

// Rat returns the exact value as a new big.Rat.
func (d Decimal) Rat() *big.Rat {
	r := new(big.Rat).SetInt(d.Unscaled())
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(d.scale))), nil)
	if d.scale > 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

// Float64 returns the nearest float64 (±Inf when out of range).
func (d Decimal) Float64() float64 {
	f, _ := d.Rat().Float64()
	return f
}

// Cmp compares values, ignoring scale: it returns -1, 0 or +1 as d <, ==, > e. So 1.50 equals 1.5.
func (d Decimal) Cmp(e Decimal) int { return d.Rat().Cmp(e.Rat()) }

// Scan implements sql.Scanner for decimal text (string or []byte, as DECIMAL128 results arrive),
// int64, float64 (its shortest round-trip digits) and Decimal. NULL is an error: scan into
// NullDecimal instead.
func (d *Decimal) Scan(src any) error {
	var err error
	switch v := src.(type) {
	case string:
		*d, err = ParseDecimal(v)
	case []byte:
		*d, err = ParseDecimal(string(v))
	case int64:
		*d = Decimal{unscaled: big.NewInt(v)}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("e6data: cannot scan NaN or ±Inf into Decimal")
		}
		*d, err = ParseDecimal(strconv.FormatFloat(v, 'g', -1, 64))
	case Decimal:
		*d = v
	case nil:
		return errors.New("e6data: cannot scan NULL into Decimal; use NullDecimal")
	default:
		return fmt.Errorf("e6data: cannot scan %T into Decimal", src)
	}
	return err
}

// NullDecimal is a Decimal that may be NULL. As an argument, an invalid NullDecimal is sent
// as NULL.
type NullDecimal struct {
	Decimal Decimal
	Valid   bool // Valid is false for NULL
}

// Scan implements sql.Scanner; NULL sets Valid to false.
func (n *NullDecimal) Scan(src any) error {
	if src == nil {
		*n = NullDecimal{}
		return nil
	}
	err := n.Decimal.Scan(src)
	n.Valid = err == nil
	return err
}

// appendDecimal appends x × 10^-scale as plain digits (nil x is 0). A positive scale places the
// point, padding with leading zeros; a negative one appends zeros. Callers bound |scale|.
func appendDecimal(dst []byte, x *big.Int, scale int) []byte {
	var buf [40]byte
	var digits []byte
	if x == nil {
		digits = append(buf[:0], '0')
	} else {
		digits = x.Append(buf[:0], 10)
	}
	if digits[0] == '-' {
		dst = append(dst, '-')
		digits = digits[1:]
	}
	switch {
	case scale <= 0:
		dst = append(dst, digits...)
		if x != nil && x.Sign() != 0 {
			for range -scale {
				dst = append(dst, '0')
			}
		}
	case len(digits) > scale:
		p := len(digits) - scale
		dst = append(dst, digits[:p]...)
		dst = append(dst, '.')
		dst = append(dst, digits[p:]...)
	default:
		dst = append(dst, '0', '.')
		for range scale - len(digits) {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	}
	return dst
}

func abs32(x int32) int64 {
	if x < 0 {
		return -int64(x)
	}
	return int64(x)
}

// appendScaled writes x × 10^-scale as a decimal literal, refusing scales that would expand
// into huge text.
func appendScaled(dst []byte, x *big.Int, scale int64, v any) ([]byte, error) {
	if scale > maxDecimalScale || scale < -maxDecimalScale {
		return dst, argError(v, "the exponent is too large to write as plain digits (limit ±10000); "+
			"round the value")
	}
	return appendDecimal(dst, x, int(scale)), nil
}

// appendDecimalShaped renders a value with shopspring/decimal's Coefficient and Exponent
// methods. They are user code, so a panic becomes an error.
func appendDecimalShaped(dst []byte, d decimalShaped) (out []byte, err error) {
	defer func() {
		if recover() != nil {
			out, err = dst, argError(d, "its Coefficient or Exponent method panicked")
		}
	}()
	c := d.Coefficient()
	if c == nil {
		return dst, argError(d, "its Coefficient method returned nil; pass nil for NULL")
	}
	return appendScaled(dst, c, -int64(d.Exponent()), d)
}

// appendRat renders r exactly, which is possible only when its reduced denominator is 2^a·5^b;
// the scale is then max(a, b).
func appendRat(dst []byte, r *big.Rat) ([]byte, error) {
	if r.IsInt() {
		return r.Num().Append(dst, 10), nil
	}
	den := r.Denom() // reduced and positive
	a := den.TrailingZeroBits()
	rest := new(big.Int).Rsh(den, a)
	five, m := big.NewInt(5), new(big.Int)
	b := uint(0)
	for rest.Cmp(big.NewInt(1)) != 0 && b <= maxDecimalScale {
		q, _ := new(big.Int).QuoRem(rest, five, m)
		if m.Sign() != 0 {
			return dst, argError(r, "the fraction has no finite decimal expansion; "+
				"round it first (for example to a connector.Decimal)")
		}
		rest, b = q, b+1
	}
	scale := max(a, b)
	if scale > maxDecimalScale {
		return dst, argError(r, "the denominator is too large to write as plain digits (limit 10^10000); "+
			"round the value")
	}
	x := new(big.Int).Set(r.Num())
	x.Lsh(x, scale-a)
	x.Mul(x, new(big.Int).Exp(five, big.NewInt(int64(scale-b)), nil))
	return appendDecimal(dst, x, int(scale)), nil
}

// appendBigFloat renders f as plain digits, the shortest that identify it at its precision,
// bounding the binary exponent so the text stays reasonable.
func appendBigFloat(dst []byte, f *big.Float) ([]byte, error) {
	if f.IsInf() {
		return dst, argError(f, "±Inf has no SQL literal; pass nil for NULL or a finite number")
	}
	// 2^±33000 has about ±10000 decimal digits, the limit used for all decimals.
	if e := f.MantExp(nil); e > 33000 || e < -33000 {
		return dst, argError(f, "the exponent is too large to write as plain digits; round the value")
	}
	return f.Append(dst, 'f', -1), nil
}
