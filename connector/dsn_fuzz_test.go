package connector

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseDSN checks that ParseDSN never panics, that every DSN it accepts round-trips through
// FormatDSN to an equal Config (and FormatDSN is then stable), and that a token placed in the
// userinfo never shows in an error or in String.
func FuzzParseDSN(f *testing.F) {
	seeds := []string{
		"",
		"e6data://u:t@h",
		"e6data://u:t@h:443/db?secure=true",
		"e6data://a%40b%3Ac:p%2Fq%40r@h/my%20db%2Fx?catalog=c&cluster-name=A+B%26",
		"e6data://u:p@ss:w@[fe80::1%25eth0]:8443/d?strategy=GREEN&strategy-ttl=0s",
		"e6data://u:t@h?ca-file=/a/b.pem&auto-resume=0&resume-timeout=1h2m3.5s&prefetch=9&replay-limit=5",
		"e6data://u:t@h?max-recv-msg-size=512MiB&max-send-msg-size=7&keepalive-time=10s&keepalive-timeout=1ns",
		"e6data://u:t@h?retry-attempts=+3&cancel-timeout=1.5µs&prepare-timeout=2562047h47m16.854775807s",
		"e6data://u:t@h?secure=false&ca-file=x",
		"e6data://u:t@h/a/b",
		"e6data://u:t@h?catalog=a&catalog=b",
		"e6data://u:t@h#x",
		"mysql://u:t@h",
		"e6data://u:t@[1.2.3.4]:0",
		"e6data://:t@::1",
		// The bounds of the numeric keys, on both sides, and values a header or protobuf
		// string cannot carry.
		"e6data://u:t@h?prefetch=64&retry-attempts=100&replay-limit=1000000000&cancel-timeout=10m&max-batch-rows=134217728",
		"e6data://u:t@h?max-batch-rows=134217729",
		"e6data://u:t@h?prefetch=65",
		"e6data://u:t@h?prefetch=10000000000000",
		"e6data://u:t@h?prefetch=99999999999999999999",
		"e6data://u:t@h?retry-attempts=101&replay-limit=1000000001",
		"e6data://u:t@h?resume-timeout=24h&prepare-timeout=24h1ns&keepalive-time=25h",
		"e6data://u:t@h?max-recv-msg-size=2GiB&max-send-msg-size=2147483649",
		"e6data://u:t@h?cluster-name=a%0D%0Ab&catalog=%FF",
		"e6data://u%FF:t@h/caf%C3%A9?cluster-name=caf%C3%A9",
		// A raw '@' that makes the token's end ambiguous, before the host and after it.
		"e6data://alice:p@SECRETTAIL/x@real-host:443",
		"e6data://alice:p@x@real-host:443",
		"e6data://alice:p@SECRETTAIL?x@real-host=1",
		"e6data://alice%40example.com:p%40x@h/d%40b?cluster-name=a@b",
		// The bounds of the host (253 bytes, labels of 63) and of the cluster name (1024).
		"e6data://u:t@" + strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62),
		"e6data://u:t@" + strings.Repeat("h", 300) + ":443",
		"e6data://u:t@" + strings.Repeat("a", 64) + ".example.com",
		"e6data://u:t@h?cluster-name=" + strings.Repeat("n", 1025),
	}
	for _, s := range seeds {
		f.Add(s, "p@ss:w%2F%3F%23rd")
	}
	f.Fuzz(func(t *testing.T, dsn, token string) {
		checkDSNRoundTrip(t, dsn)

		// The same DSN's tail behind e6data://user:TOKEN@, with no '@' left in the tail, so the
		// parser's token is exactly the fuzzed one, framed by the markers.
		if strings.ContainsAny(token, "/?#") {
			return // these end the authority: such a token must be percent-encoded
		}
		tail := strings.ReplaceAll(dsn, "@", "")
		full := "e6data://user:" + fuzzTokenStart + token + fuzzTokenEnd + "@" + tail
		checkDSNRoundTrip(t, full)
		if !strings.Contains(tail, fuzzTokenStart) && !strings.Contains(tail, fuzzTokenEnd) {
			checkNoDSNTokenLeak(t, full)
		}
	})
}

// The markers framing the fuzzed token; no wording of the driver contains them.
const (
	fuzzTokenStart = "Zq9K"
	fuzzTokenEnd   = "Wv8J"
)

// checkDSNRoundTrip parses dsn and, when it parses, checks ParseDSN(FormatDSN(c)) == c.
func checkDSNRoundTrip(t *testing.T, dsn string) {
	c, err := ParseDSN(dsn)
	if err != nil {
		var de *DSNError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDSN) {
			t.Fatalf("ParseDSN(%q) error %T %v is not a *DSNError", dsn, err, err)
		}
		return
	}
	out := c.FormatDSN()
	again, err := ParseDSN(out)
	if err != nil {
		t.Fatalf("ParseDSN(%q) ok, but its FormatDSN %q fails: %v", dsn, out, err)
	}
	if !reflect.DeepEqual(c, again) {
		t.Fatalf("round trip of %q through %q:\n got %#v\nwant %#v", dsn, out, again, c)
	}
	if out2 := again.FormatDSN(); out2 != out {
		t.Fatalf("FormatDSN not stable: %q then %q", out, out2)
	}
}

// checkNoDSNTokenLeak checks that neither the error of ParseDSN(full) nor the parsed Config's
// String shows the token. The token is framed by two markers that no message of the driver
// contains, so any leak that includes either end of the token, raw or decoded, is caught.
func checkNoDSNTokenLeak(t *testing.T, full string) {
	c, err := ParseDSN(full)
	var shown []string
	if err != nil {
		shown = append(shown, err.Error())
		var de *DSNError
		if errors.As(err, &de) {
			shown = append(shown, de.Value)
		}
	} else {
		shown = append(shown, c.String(), fmt.Sprintf("%+v %#v", *c, c))
	}
	for _, s := range shown {
		if strings.Contains(s, fuzzTokenStart) || strings.Contains(s, fuzzTokenEnd) {
			t.Fatalf("ParseDSN(%q) shows the token: %s", full, s)
		}
	}
}
