package connector

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// requireDSNError fails unless err is a *DSNError matching ErrInvalidDSN whose message contains
// every one of want, none of the secrets, and is short (a huge value is not echoed whole).
func requireDSNError(t *testing.T, err error, want []string, secrets ...string) *DSNError {
	t.Helper()
	var de *DSNError
	if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDSN) {
		t.Fatalf("error %T %v; want a *DSNError matching ErrInvalidDSN", err, err)
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) || strings.Contains(de.Value, s) {
			t.Errorf("error %q (value %q) shows %q", msg, de.Value, s)
		}
	}
	if len(msg) > 1024 {
		t.Errorf("error is %d bytes long; a value is echoed whole: %.200s…", len(msg), msg)
	}
	return de
}

// A raw '@' before the host's end, or after it where only the token's tail can have put it, is
// ambiguous: which '@' ends the user-info decides what is token and what is host. The DSN is
// refused, without echoing any part of it that may be the token.
func TestDSNAmbiguousAt(t *testing.T) {
	for _, tc := range []struct{ name, dsn string }{
		// The token "pSECRET@TAILSECRET/x": its '/' ends the authority early, so the tail
		// would become the host (and reach DNS, String and the logs).
		{"token with @ and /", "e6data://alice:pSECRET@TAILSECRET/x@real-host:443"},
		{"token with @", "e6data://alice:pSECRET@TAILSECRET@real-host:443"},
		{"token with @ and ?", "e6data://alice:pSECRET@TAILSECRET?x@real-host"},
		{"token with @ and ?, key-like", "e6data://alice:pSECRET@TAILSECRET?x@real-host=1"},
		{"token with @ and /, database-like", "e6data://alice:pSECRET@TAILSECRET/db@real-host:443/db"},
		{"user with @", "e6data://alice@example.com:SECRETtoken@real-host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDSN(tc.dsn)
			requireDSNError(t, err, []string{"'@'", "%40"}, "SECRET", "real-host")
		})
	}

	// Percent-encoded, the same parts parse; a query value may hold a raw '@' (FormatDSN
	// writes one so).
	c, err := ParseDSN("e6data://alice%40example.com:p%40x%2Fy@real-host:443/db%40x?cluster-name=a@b")
	if err != nil {
		t.Fatal(err)
	}
	if c.User != "alice@example.com" || c.Token != "p@x/y" || c.Host != "real-host" || c.Database != "db@x" || c.ClusterName != "a@b" {
		t.Errorf("parsed %+v", *c)
	}
	checkDSNRoundTrip(t, "e6data://alice%40example.com:p%40x%2Fy@real-host:443/db%40x?cluster-name=a@b")
}

// Hosts end where DNS names end (253 bytes, labels of 63); a longer one is refused at once,
// from a DSN and from a Config, instead of failing each dial.
func TestHostBound(t *testing.T) {
	label := strings.Repeat("a", 63)
	longest := strings.Join([]string{label, label, label, strings.Repeat("b", 61)}, ".") // 253 bytes
	if len(longest) != maxHostLen {
		t.Fatalf("test host is %d bytes", len(longest))
	}
	for _, ok := range []string{longest, longest + ".", "10.0.0.1", "db.example.com"} {
		if _, err := ParseDSN("e6data://u:t@" + ok); err != nil {
			t.Errorf("host of %d bytes: %v", len(ok), err)
		}
	}
	if _, err := ParseDSN("e6data://u:t@[fe80::1%25" + strings.Repeat("z", 300) + "]"); err != nil {
		t.Errorf("an IPv6 literal is bounded by its own syntax: %v", err)
	}
	for _, tc := range []struct {
		name, host string
		want       string
	}{
		{"254 bytes", longest + "c", "253"},
		{"300 bytes", strings.Repeat("h", 300), "253"},
		{"1 MiB", strings.Repeat("h", 1<<20), "253"},
		{"label of 64 bytes", strings.Repeat("a", 64) + ".example.com", "63"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDSN("e6data://u:t@" + tc.host + ":443")
			de := requireDSNError(t, err, []string{"host", tc.want})
			if de.Key != partHost {
				t.Errorf("key %q; want host", de.Key)
			}
			c := NewConfig()
			c.User, c.Token, c.Host = "u", "t", tc.host
			requireDSNError(t, c.Validate(), []string{"host", tc.want})
		})
	}
}

// A cluster name travels in a header on every call: past the bound it is refused when parsed,
// not by the proxy on every call.
func TestClusterNameBound(t *testing.T) {
	if _, err := ParseDSN("e6data://u:t@h?cluster-name=" + strings.Repeat("n", maxClusterNameLen)); err != nil {
		t.Errorf("cluster-name of %d bytes: %v", maxClusterNameLen, err)
	}
	for _, n := range []int{maxClusterNameLen + 1, 1 << 20} {
		_, err := ParseDSN("e6data://u:t@h?cluster-name=" + strings.Repeat("n", n))
		de := requireDSNError(t, err, []string{"cluster-name", "1024"})
		if de.Key != "cluster-name" {
			t.Errorf("key %q; want cluster-name", de.Key)
		}
		c := NewConfig()
		c.User, c.Token, c.Host, c.ClusterName = "u", "t", "h", strings.Repeat("n", n)
		requireDSNError(t, c.Validate(), []string{"cluster-name", "1024"})
	}
}

// An unreadable ca-file is an invalid DSN that keeps its cause: both errors.Is hold.
func TestCAFileErrorsAreDSNErrors(t *testing.T) {
	c := NewConfig()
	c.User, c.Token, c.Host = "u", "t", "h"
	c.CAFile = filepath.Join(t.TempDir(), "nope.pem")
	_, err := NewConnector(*c)
	de := requireDSNError(t, err, []string{"ca-file", c.CAFile})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not match fs.ErrNotExist", err)
	}
	if de.Key != "ca-file" {
		t.Errorf("key %q; want ca-file", de.Key)
	}

	c.CAFile = filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(c.CAFile, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = NewConnector(*c)
	requireDSNError(t, err, []string{"ca-file", "PEM"})
}

// HealthProbeInterval has a floor: each round authenticates, so 1ns would flood the cluster.
func TestHealthProbeIntervalFloor(t *testing.T) {
	for _, tc := range []struct {
		every time.Duration
		ok    bool
	}{
		{0, true},
		{strategy.MinHealthProbeInterval, true},
		{time.Minute, true},
		{time.Nanosecond, false},
		{strategy.MinHealthProbeInterval - 1, false},
		{-time.Second, false},
	} {
		c := NewConfig()
		c.User, c.Token, c.Host = "u", "t", "h"
		c.HealthProbeInterval = tc.every
		err := c.Validate()
		if tc.ok {
			if err != nil {
				t.Errorf("HealthProbeInterval %v: %v", tc.every, err)
			}
			continue
		}
		de := requireDSNError(t, err, []string{"HealthProbeInterval", strategy.MinHealthProbeInterval.String()})
		if de.Key != "HealthProbeInterval" {
			t.Errorf("key %q; want HealthProbeInterval", de.Key)
		}
		if strings.Contains(err.Error(), "DSN key") {
			t.Errorf("%q calls a Config field a DSN key", err)
		}
		if _, err := NewConnector(*c); !errors.Is(err, ErrInvalidDSN) {
			t.Errorf("NewConnector with HealthProbeInterval %v: %v; want ErrInvalidDSN", tc.every, err)
		}
	}
}
