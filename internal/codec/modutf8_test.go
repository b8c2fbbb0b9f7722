package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestModifiedUTF8(t *testing.T) {
	cases := []struct {
		s   string
		enc string // hex-free: raw bytes after the u16 length
	}{
		{"", ""},
		{"id", "id"},
		{"\x00", "\xC0\x80"},
		{"é", "\xC3\xA9"},
		{"日", "\xE6\x97\xA5"},
		{"😀", "\xED\xA0\xBD\xED\xB8\x80"}, // U+1F600 as surrogates D83D DE00
		{"a\x00b😀c", "a\xC0\x80b\xED\xA0\xBD\xED\xB8\x80c"},
		{"\uFFFF", "\xEF\xBF\xBF"},
	}
	for _, tc := range cases {
		b, err := appendModifiedUTF8(nil, tc.s)
		if err != nil {
			t.Fatalf("%q: %v", tc.s, err)
		}
		want := append([]byte{byte(len(tc.enc) >> 8), byte(len(tc.enc))}, tc.enc...)
		if !bytes.Equal(b, want) {
			t.Errorf("%q: encoded %x, want %x", tc.s, b, want)
		}
		got, err := decodeModifiedUTF8([]byte(tc.enc))
		if err != nil || got != tc.s {
			t.Errorf("%x: decoded %q, %v; want %q", tc.enc, got, err, tc.s)
		}
	}
	// Java's readUTF also accepts a raw 00 byte.
	if got, err := decodeModifiedUTF8([]byte{'a', 0}); err != nil || got != "a\x00" {
		t.Errorf("raw NUL: %q, %v", got, err)
	}
}

func TestModifiedUTF8Errors(t *testing.T) {
	for _, bad := range []string{
		"\x80",             // continuation without lead
		"\xC3",             // truncated 2-byte
		"\xE6\x97",         // truncated 3-byte
		"\xC3\x41",         // bad continuation
		"\xF0\x9F\x98\x80", // 4-byte form never occurs
		"\xED\xA0\xBD",     // lone high surrogate
		"\xED\xB8\x80",     // lone low surrogate
		"\xED\xA0\xBDx",    // high surrogate then ASCII
		"\xED\xA0\xBD\xED\xA0\xBD",
	} {
		if s, err := decodeModifiedUTF8([]byte(bad)); err == nil {
			t.Errorf("%x: decoded %q, want error", bad, s)
		}
	}
	if _, err := appendModifiedUTF8(nil, "\xff"); !errors.Is(err, errInvalidUTF8) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if _, err := appendModifiedUTF8(nil, strings.Repeat("é", 32768)); !errors.Is(err, errUTFTooLong) {
		t.Errorf("65536 bytes: %v", err)
	}
	if _, err := appendModifiedUTF8(nil, strings.Repeat("a", 65535)); err != nil {
		t.Errorf("65535 bytes: %v", err)
	}
}

func FuzzModifiedUTF8RoundTrip(f *testing.F) {
	for _, s := range []string{"", "id", "nul\x00inside", "emoji 😀 col", "héllo 日本", "\uFFFF\U0010FFFF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := appendModifiedUTF8(nil, s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("%q: invalid UTF-8 encoded", s)
			}
			return
		}
		if err != nil {
			if errors.Is(err, errUTFTooLong) {
				return
			}
			t.Fatal(err)
		}
		got, err := decodeModifiedUTF8(b[2:])
		if err != nil || got != s {
			t.Fatalf("%q -> %x -> %q, %v", s, b, got, err)
		}
		if n := int(b[0])<<8 | int(b[1]); n != len(b)-2 {
			t.Fatalf("length prefix %d for %d bytes", n, len(b)-2)
		}
	})
}
