package mock

import "testing"

func TestEncodeGRPCMessage(t *testing.T) {
	for in, want := range map[string]string{
		"Status: 456. Expected: blue": "Status: 456. Expected: blue",
		"100% done\n":                 "100%25 done%0A",
		"héllo":                       "h%C3%A9llo",
	} {
		if got := encodeGRPCMessage(in); got != want {
			t.Errorf("encodeGRPCMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
