package codec

import (
	"math/big"
	"testing"
)

// FuzzAppendDecimal checks DecimalString (the 64-bit, 128-bit and math/big paths) against
// math/big.Rat for any two's-complement bytes and scale.
func FuzzAppendDecimal(f *testing.F) {
	f.Add([]byte{0x25, 0x66, 0x40}, int32(2))
	f.Add([]byte{0xff}, int32(2))
	f.Add([]byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, int32(38))
	f.Add([]byte{0x00, 0x05}, int32(-3))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, int32(5))
	f.Fuzz(func(t *testing.T, b []byte, scale int32) {
		scale %= 60
		got, err := DecimalString(b, scale)
		if len(b) == 0 {
			if err == nil {
				t.Fatal("empty bytes gave no error")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		x := new(big.Int).SetBytes(b)
		if b[0]&0x80 != 0 {
			x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		var want string
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(scale, -scale))), nil)
		if scale > 0 {
			want = new(big.Rat).SetFrac(x, p).FloatString(int(scale))
		} else {
			want = new(big.Int).Mul(x, p).String()
		}
		if got != want {
			t.Fatalf("DecimalString(% x, %d) = %q; want %q", b, scale, got, want)
		}
	})
}
