package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// MaxDecimalScale bounds |scale| of DECIMAL128 values the codec accepts. Java allows any int,
// but rendering 5 × 10^2147483647 as plain text would take gigabytes; real scales stay within
// a DECIMAL's 38-digit precision, so this only stops hostile input.
const MaxDecimalScale = 10000

var errEmptyDecimal = errors.New("codec: empty DECIMAL128 value")

// DecimalString renders the big-endian two's-complement unscaled integer (any length, as Java's
// BigInteger.toByteArray produces) times 10^-scale as exact plain decimal text: 2451072 with
// scale 2 is "24510.72", -1 with scale 2 is "-0.01", 5 with scale -2 is "500". Empty bytes or
// |scale| > MaxDecimalScale is an error.
func DecimalString(unscaled []byte, scale int32) (string, error) {
	var stack [64]byte
	out, err := AppendDecimal(stack[:0], unscaled, scale)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// AppendDecimal appends the text DecimalString returns to dst. Values of up to 128 bits (every
// DECIMAL128) take a path without math/big and without allocating: a result batch holds
// thousands of them, and the driver formats each one it hands out.
func AppendDecimal(dst, unscaled []byte, scale int32) ([]byte, error) {
	if len(unscaled) == 0 {
		return dst, errEmptyDecimal
	}
	if scale > MaxDecimalScale || scale < -MaxDecimalScale {
		return dst, fmt.Errorf("%w: DECIMAL128 scale %d out of range", ErrInvalid, scale)
	}
	var buf [48]byte
	var digits []byte
	neg := unscaled[0]&0x80 != 0
	if len(unscaled) > 16 {
		// Drop redundant sign-extension bytes, so that a small value sent long still takes the
		// 128-bit path.
		for len(unscaled) > 1 && (unscaled[0] == 0 && unscaled[1]&0x80 == 0 || unscaled[0] == 0xFF && unscaled[1]&0x80 != 0) {
			unscaled = unscaled[1:]
		}
	}
	switch {
	case len(unscaled) <= 16: // 128-bit two's complement, sign-extended from the first byte
		var hi, lo uint64
		if len(unscaled) == 16 { // a DECIMAL(38) always arrives as 16 bytes
			hi, lo = binary.BigEndian.Uint64(unscaled), binary.BigEndian.Uint64(unscaled[8:])
		} else {
			if neg {
				hi, lo = math.MaxUint64, math.MaxUint64
			}
			for _, c := range unscaled {
				hi = hi<<8 | lo>>56
				lo = lo<<8 | uint64(c)
			}
		}
		if neg { // magnitude = -x; right for the most negative value too
			var borrow uint64
			lo, borrow = bits.Sub64(0, lo, 0)
			hi, _ = bits.Sub64(0, hi, borrow)
		}
		if hi == 0 {
			digits = strconv.AppendUint(buf[:0], lo, 10)
		} else {
			digits = appendUint128(buf[:0], hi, lo)
		}
	default:
		x := new(big.Int).SetBytes(unscaled)
		if neg { // value = unsigned - 2^(8·len)
			x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(unscaled))))
			x.Neg(x)
		}
		digits = x.Append(buf[:0], 10)
	}
	return appendPointed(dst, neg, digits, int(scale)), nil
}

// appendUint128 appends the decimal digits of the 128-bit unsigned hi:lo, in chunks of 19
// digits (1e19 < 2^64) divided out with bits.Div64.
func appendUint128(dst []byte, hi, lo uint64) []byte {
	const chunk = 1e19
	var parts [2]uint64 // 2^128 < 1e39: at most two full chunks below the leading part
	n := 0
	for hi != 0 {
		var rem uint64
		q := hi / chunk
		lo, rem = bits.Div64(hi%chunk, lo, chunk)
		hi = q
		parts[n] = rem
		n++
	}
	dst = strconv.AppendUint(dst, lo, 10)
	for i := n - 1; i >= 0; i-- {
		var tmp [20]byte
		d := strconv.AppendUint(tmp[:0], parts[i], 10)
		for range 19 - len(d) {
			dst = append(dst, '0')
		}
		dst = append(dst, d...)
	}
	return dst
}

// appendPointed appends the magnitude digits with the decimal point placed scale digits from
// the right (a negative scale appends zeros), preceded by '-' when neg.
func appendPointed(out []byte, neg bool, digits []byte, scale int) []byte {
	if neg {
		out = append(out, '-')
	}
	switch {
	case scale <= 0:
		out = append(out, digits...)
		if len(digits) != 1 || digits[0] != '0' { // zero stays "0", as BigDecimal prints it
			for i := 0; i < -scale; i++ {
				out = append(out, '0')
			}
		}
	case len(digits) > scale:
		out = append(out, digits[:len(digits)-scale]...)
		out = append(out, '.')
		out = append(out, digits[len(digits)-scale:]...)
	default:
		out = append(out, '0', '.')
		for i := len(digits); i < scale; i++ {
			out = append(out, '0')
		}
		out = append(out, digits...)
	}
	return out
}

// DecimalBytes returns x as the minimal big-endian two's-complement bytes, exactly as Java's
// BigInteger.toByteArray: 0 is [00], 128 is [00 80], -1 is [FF], -129 is [FF 7F]. nil is 0.
func DecimalBytes(x *big.Int) []byte {
	if x == nil || x.Sign() == 0 {
		return []byte{0}
	}
	if x.IsInt64() {
		return appendInt64Bytes(nil, x.Int64())
	}
	if x.Sign() > 0 {
		mag := x.Bytes()
		if mag[0]&0x80 != 0 {
			return append([]byte{0}, mag...)
		}
		return mag
	}
	// For x < 0, ^x = -x-1 >= 0; x's two's complement bytes are the inverted bytes of ^x with
	// room for a sign bit (Java: bitLength()/8 + 1 bytes).
	m := new(big.Int).Not(x)
	n := m.BitLen()/8 + 1
	out := m.FillBytes(make([]byte, n))
	for i := range out {
		out[i] = ^out[i]
	}
	return out
}

// appendInt64Bytes appends x as minimal two's-complement bytes.
func appendInt64Bytes(dst []byte, x int64) []byte {
	n := 8
	for n > 1 {
		// Drop the top byte while the next one's sign bit still says the same thing.
		top := byte(x >> (8 * (n - 1)))
		next := byte(x >> (8 * (n - 2)))
		if (top == 0 && next&0x80 == 0) || (top == 0xFF && next&0x80 != 0) {
			n--
			continue
		}
		break
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(x>>(8*i)))
	}
	return dst
}
