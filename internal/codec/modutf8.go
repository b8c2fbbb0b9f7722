package codec

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJavaUTF is the largest encoded length DataOutputStream.writeUTF accepts (u16 length prefix).
const maxJavaUTF = 65535

var (
	errBadModUTF8  = errors.New("invalid modified UTF-8")
	errLoneSurr    = errors.New("unpaired UTF-16 surrogate in modified UTF-8")
	errUTFTooLong  = errors.New("string longer than 65535 bytes in modified UTF-8")
	errInvalidUTF8 = errors.New("string is not valid UTF-8")
)

// decodeModifiedUTF8 decodes Java's modified UTF-8 (DataInputStream.readUTF) into a Go string.
// It accepts exactly what readUTF accepts (1-, 2- and 3-byte forms, including C0 80 for U+0000
// and a raw 00 byte), then joins UTF-16 surrogate pairs into one rune. An unpaired surrogate
// cannot be represented in a valid Go string, so it is an error rather than a silent U+FFFD.
func decodeModifiedUTF8(b []byte) (string, error) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii { // common case: column names and type names are ASCII
		return string(b), nil
	}
	out := make([]byte, 0, len(b))
	var hi rune // pending high surrogate, 0 if none
	for i := 0; i < len(b); {
		c := b[i]
		var u rune
		switch {
		case c < 0x80:
			u = rune(c)
			i++
		case c>>5 == 0x6: // 110xxxxx 10xxxxxx
			if i+1 >= len(b) || b[i+1]&0xC0 != 0x80 {
				return "", errBadModUTF8
			}
			u = rune(c&0x1F)<<6 | rune(b[i+1]&0x3F)
			i += 2
		case c>>4 == 0xE: // 1110xxxx 10xxxxxx 10xxxxxx
			if i+2 >= len(b) || b[i+1]&0xC0 != 0x80 || b[i+2]&0xC0 != 0x80 {
				return "", errBadModUTF8
			}
			u = rune(c&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F)
			i += 3
		default: // 10xxxxxx continuation without a lead, or 1111xxxx (4-byte forms never occur)
			return "", errBadModUTF8
		}
		switch {
		case utf16.IsSurrogate(u) && u < 0xDC00: // high surrogate
			if hi != 0 {
				return "", errLoneSurr
			}
			hi = u
		case utf16.IsSurrogate(u): // low surrogate
			if hi == 0 {
				return "", errLoneSurr
			}
			out = utf8.AppendRune(out, utf16.DecodeRune(hi, u))
			hi = 0
		default:
			if hi != 0 {
				return "", errLoneSurr
			}
			out = utf8.AppendRune(out, u)
		}
	}
	if hi != 0 {
		return "", errLoneSurr
	}
	return string(out), nil
}

// appendModifiedUTF8 appends s as a Java UTF string: u16 big-endian byte length, then modified
// UTF-8 (U+0000 as C0 80, supplementary runes as two 3-byte surrogates), as writeUTF does.
// s must be valid UTF-8 and encode to at most 65535 bytes.
func appendModifiedUTF8(dst []byte, s string) ([]byte, error) {
	n := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			return dst, errInvalidUTF8
		}
		i += w
		switch {
		case r == 0:
			n += 2
		case r < 0x80:
			n++
		case r < 0x800:
			n += 2
		case r < 0x10000:
			n += 3
		default:
			n += 6
		}
	}
	if n > maxJavaUTF {
		return dst, errUTFTooLong
	}
	dst = append(dst, byte(n>>8), byte(n))
	for _, r := range s {
		switch {
		case r == 0:
			dst = append(dst, 0xC0, 0x80)
		case r < 0x80:
			dst = append(dst, byte(r))
		case r < 0x800:
			dst = append(dst, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			dst = append3(dst, r)
		default:
			h, l := utf16.EncodeRune(r)
			dst = append3(append3(dst, h), l)
		}
	}
	return dst, nil
}

// append3 appends the 3-byte form of a UTF-16 code unit.
func append3(dst []byte, u rune) []byte {
	return append(dst, 0xE0|byte(u>>12), 0x80|byte(u>>6&0x3F), 0x80|byte(u&0x3F))
}
