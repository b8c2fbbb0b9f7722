package connector

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

// dsnSecret is distinctive and needs percent-encoding ('/', '@', ':', '?', '#', '%', '+'), so a
// leak of it, encoded or not, shows up in any message.
const dsnSecret = "s3cr3T/T0k@n:Zq9?#%+end"

// dsnSecretMarkers are substrings of the token, raw and encoded, that must appear in no error or
// String output.
var dsnSecretMarkers = []string{dsnSecret, "s3cr3T", "T0k", "Zq9", escapeDSN(dsnSecret, "")}

var dsnWithSecret = "e6data://alice:" + escapeDSN(dsnSecret, "") + "@db.example.com"

// assertNoDSNSecret fails when s contains any part of dsnSecret.
func assertNoDSNSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, m := range dsnSecretMarkers {
		if strings.Contains(s, m) {
			t.Errorf("%s leaks the token (%q): %s", what, m, s)
		}
	}
}

// dsnBaseConfig is what ParseDSN returns for dsnWithSecret.
func dsnBaseConfig() *Config {
	c := NewConfig()
	c.User, c.Token, c.Host = "alice", dsnSecret, "db.example.com"
	return c
}

// wantDSNError checks that err is a *DSNError for key, matched by ErrInvalidDSN, naming the
// key and never the token.
func wantDSNError(t *testing.T, err error, key string) *DSNError {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want a DSNError for %q", key)
	}
	var de *DSNError
	if !errors.As(err, &de) {
		t.Fatalf("error %T %v is not a *DSNError", err, err)
	}
	if !errors.Is(err, ErrInvalidDSN) {
		t.Errorf("errors.Is(%v, ErrInvalidDSN) = false", err)
	}
	if de.Key != key {
		t.Errorf("DSNError.Key = %q; want %q (%v)", de.Key, key, err)
	}
	if key != "" && !strings.Contains(err.Error(), key) {
		t.Errorf("message does not name %q: %v", key, err)
	}
	assertNoDSNSecret(t, "error", err.Error())
	assertNoDSNSecret(t, "DSNError.Value", de.Value)
	return de
}

// TestParseDSNKeys covers every documented key: good values set the field, bad ones give a
// DSNError naming the key and the value.
func TestParseDSNKeys(t *testing.T) {
	tests := []struct {
		key  string
		good string
		want func(c *Config)
		bad  []string
	}{
		{"catalog", "hive%20cat", func(c *Config) { c.Catalog = "hive cat" }, nil},
		{"cluster-name", "My+Cluster%26x%3Dy", func(c *Config) { c.ClusterName = "My Cluster&x=y" }, nil},
		{"secure", "true", func(c *Config) { c.Secure = true }, []string{"yes", ""}},
		{"secure", "1", func(c *Config) { c.Secure = true }, nil},
		{"ca-file", "/etc/ssl/ca%20bundle.pem", func(c *Config) { c.CAFile = "/etc/ssl/ca bundle.pem" }, []string{""}},
		{"auto-resume", "false", func(c *Config) { c.AutoResume = false }, []string{"no"}},
		{"auto-resume", "0", func(c *Config) { c.AutoResume = false }, nil},
		{"resume-timeout", "90s", func(c *Config) { c.ResumeTimeout = 90 * time.Second }, []string{"5", "-1s", "0s", "soon"}},
		{"resume-poll-interval", "250ms", func(c *Config) { c.ResumePollInterval = 250 * time.Millisecond }, []string{"1", "-5s", "0", "0ms"}},
		{"prepare-timeout", "1h30m", func(c *Config) { c.PrepareTimeout = 90 * time.Minute }, []string{"600", "-1m"}},
		{"cancel-timeout", "2s", func(c *Config) { c.CancelTimeout = 2 * time.Second }, []string{"2", "0s"}},
		{"retry-attempts", "1", func(c *Config) { c.RetryAttempts = 1 }, []string{"0", "-1", "many", "1.5"}},
		{"prefetch", "8", func(c *Config) { c.Prefetch = 8 }, []string{"0", "-2", "x"}},
		{"replay-limit", "1000", func(c *Config) { c.ReplayLimit = 1000 }, []string{"0", "-2", "x"}},
		{"max-batch-rows", "65536", func(c *Config) { c.MaxBatchRows = 65536 }, []string{"0", "-1", "1Mi", "134217729"}},
		{"strategy", "blue", func(c *Config) { c.Strategy = "blue" }, []string{"red", "blue,green"}},
		{"strategy", "GREEN", func(c *Config) { c.Strategy = "green" }, nil},
		{"strategy", "", func(c *Config) {}, nil},
		{"strategy-ttl", "0s", func(c *Config) { c.StrategyTTL = 0 }, []string{"-1s", "5"}},
		{"strategy-ttl", "1m", func(c *Config) { c.StrategyTTL = time.Minute }, nil},
		{"keepalive-time", "10s", func(c *Config) { c.KeepaliveTime = 10 * time.Second }, []string{"9s", "0s", "30"}},
		{"keepalive-timeout", "20s", func(c *Config) { c.KeepaliveTimeout = 20 * time.Second }, []string{"0s", "-1s", "20"}},
		{"max-recv-msg-size", "512MiB", func(c *Config) { c.MaxRecvMsgSize = 512 << 20 }, []string{"0", "1TB", "-1", "1.5GiB", "GiB", "99999999999999999999", "9999999999999GiB"}},
		{"max-recv-msg-size", "4194304", func(c *Config) { c.MaxRecvMsgSize = 4 << 20 }, nil},
		{"max-send-msg-size", "64KiB", func(c *Config) { c.MaxSendMsgSize = 64 << 10 }, []string{"0GiB", "lots", "5TiB", "5 MiB"}},
		{"max-send-msg-size", "2GiB", func(c *Config) { c.MaxSendMsgSize = 2 << 30 }, nil},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.key] = true
		t.Run(tt.key+"="+tt.good, func(t *testing.T) {
			got, err := ParseDSN(dsnWithSecret + "?" + tt.key + "=" + tt.good)
			if err != nil {
				t.Fatalf("ParseDSN: %v", err)
			}
			want := dsnBaseConfig()
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseDSN = %s\nwant      %s", got, want)
			}
		})
		for _, bad := range tt.bad {
			t.Run(tt.key+"="+bad, func(t *testing.T) {
				_, err := ParseDSN(dsnWithSecret + "?" + tt.key + "=" + bad)
				de := wantDSNError(t, err, tt.key)
				if de.Value != bad {
					t.Errorf("DSNError.Value = %q; want %q", de.Value, bad)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
					t.Errorf("message does not quote the value %q: %v", bad, err)
				}
				if !strings.Contains(err.Error(), "want") {
					t.Errorf("message does not say what is wanted: %v", err)
				}
			})
		}
	}
	for _, k := range keyNames() {
		if !covered[k] {
			t.Errorf("key %q is not covered by this test", k)
		}
	}
}

// TestParseDSNErrorMessage pins the wording of a typical error.
func TestParseDSNErrorMessage(t *testing.T) {
	_, err := ParseDSN(dsnWithSecret + "?resume-timeout=5")
	want := `e6data: DSN key "resume-timeout": "5" is not a duration; want a Go duration such as "5m" or "30s"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

// TestParseDSNURL covers the URL parts: userinfo, host, port and database.
func TestParseDSNURL(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		want func(c *Config)
	}{
		{"minimal", "e6data://u:t@h", func(c *Config) {}},
		{"port", "e6data://u:t@h:8443", func(c *Config) { c.Port = 8443 }},
		{"port leading zero", "e6data://u:t@h:0443", func(c *Config) { c.Port = 443 }},
		{"database", "e6data://u:t@h/sales", func(c *Config) { c.Database = "sales" }},
		{"empty database", "e6data://u:t@h/", func(c *Config) {}},
		{"empty query", "e6data://u:t@h/db?", func(c *Config) { c.Database = "db" }},
		{"stray ampersands", "e6data://u:t@h?&catalog=c&&", func(c *Config) { c.Catalog = "c" }},
		{"encoded database", "e6data://u:t@h/my%20db%2F1+x", func(c *Config) { c.Database = "my db/1+x" }},
		{"encoded user and token", "e6data://a%40b%3Ac%2Fd:p%2Fq%40r%3As%3F%23%25@h", func(c *Config) {
			c.User, c.Token = "a@b:c/d", "p/q@r:s?#%"
		}},
		{"raw : in token", "e6data://u:p:ss:w@h", func(c *Config) { c.Token = "p:ss:w" }},
		{"plus in token stays plus", "e6data://u:a+b@h", func(c *Config) { c.Token = "a+b" }},
		{"ipv4", "e6data://u:t@10.0.0.1:50051", func(c *Config) { c.Host, c.Port = "10.0.0.1", 50051 }},
		{"ipv6", "e6data://u:t@[::1]", func(c *Config) { c.Host = "::1" }},
		{"ipv6 port", "e6data://u:t@[2001:db8::1]:443/db", func(c *Config) { c.Host, c.Port, c.Database = "2001:db8::1", 443, "db" }},
		{"ipv6 zone", "e6data://u:t@[fe80::1%25eth0]:80", func(c *Config) { c.Host, c.Port = "fe80::1%eth0", 80 }},
		{"ca-file implies nothing else", "e6data://u:t@h?ca-file=/ca.pem", func(c *Config) { c.CAFile = "/ca.pem" }},
		{"secure and ca-file", "e6data://u:t@h?secure=true&ca-file=/ca.pem", func(c *Config) { c.Secure, c.CAFile = true, "/ca.pem" }},
		{"all keys", "e6data://u:t@h:1/d?catalog=c&cluster-name=n&secure=1&ca-file=f&auto-resume=0&resume-timeout=1s" +
			"&resume-poll-interval=2s&prepare-timeout=3s&cancel-timeout=4s&retry-attempts=6&prefetch=7&replay-limit=9&max-batch-rows=10&strategy=blue" +
			"&strategy-ttl=8s&keepalive-time=11s&keepalive-timeout=12s&max-recv-msg-size=13&max-send-msg-size=14KiB",
			func(c *Config) {
				c.Port, c.Database, c.Catalog, c.ClusterName, c.Secure, c.CAFile = 1, "d", "c", "n", true, "f"
				c.AutoResume, c.ResumeTimeout, c.ResumePollInterval = false, time.Second, 2*time.Second
				c.PrepareTimeout, c.CancelTimeout, c.RetryAttempts, c.Prefetch = 3*time.Second, 4*time.Second, 6, 7
				c.ReplayLimit, c.MaxBatchRows = 9, 10
				c.Strategy, c.StrategyTTL, c.KeepaliveTime, c.KeepaliveTimeout = "blue", 8*time.Second, 11*time.Second, 12*time.Second
				c.MaxRecvMsgSize, c.MaxSendMsgSize = 13, 14<<10
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDSN(tt.dsn)
			if err != nil {
				t.Fatalf("ParseDSN(%q): %v", tt.dsn, err)
			}
			want := NewConfig()
			want.User, want.Token, want.Host = "u", "t", "h"
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseDSN(%q) = %s\nwant %s", tt.dsn, got, want)
			}
		})
	}
}

// TestParseDSNBad covers each kind of bad DSN, always with the distinctive token in it.
func TestParseDSNBad(t *testing.T) {
	tok := escapeDSN(dsnSecret, "")
	tests := []struct {
		name string
		dsn  string
		key  string
	}{
		{"empty", "", partScheme},
		{"wrong scheme", "mysql://alice:" + tok + "@h", partScheme},
		{"upper-case scheme", "E6DATA://alice:" + tok + "@h", partScheme},
		{"no scheme", "alice:" + tok + "@h", partScheme},
		{"no scheme, raw token", "alice:" + dsnSecret + "@h", partScheme},
		{"scheme without slashes", "e6data:alice:" + tok + "@h", partScheme},
		{"no host", "e6data://alice:" + tok + "@", partHost},
		{"no host, path", "e6data://alice:" + tok + "@/db", partHost},
		{"no host, port", "e6data://alice:" + tok + "@:443", partHost},
		{"no userinfo", "e6data://h:443", partUser},
		{"token with raw slash", "e6data://alice:" + dsnSecret + "@h", partUser},
		{"token without user or host", "e6data://alice:" + tok, partUser},
		{"empty user", "e6data://:" + tok + "@h", partUser},
		{"bad user encoding", "e6data://al%zzice:" + tok + "@h", partUser},
		{"no token", "e6data://alice@h", partToken},
		{"empty token", "e6data://alice:@h", partToken},
		{"bad token encoding", "e6data://alice:" + tok + "%zz@h", partToken},
		{"port 0", dsnWithSecret + ":0", partPort},
		{"port too big", dsnWithSecret + ":65536", partPort},
		{"port huge", dsnWithSecret + ":99999999999999999999999", partPort},
		{"port not a number", dsnWithSecret + ":https", partPort},
		{"port signed", dsnWithSecret + ":+443", partPort},
		{"port empty", dsnWithSecret + ":", partPort},
		{"ipv6 port bad", "e6data://alice:" + tok + "@[::1]:x", partPort},
		{"ipv6 port empty", "e6data://alice:" + tok + "@[::1]:", partPort},
		{"ipv6 unbracketed", "e6data://alice:" + tok + "@::1", partHost},
		{"ipv6 unclosed", "e6data://alice:" + tok + "@[::1", partHost},
		{"ipv4 bracketed", "e6data://alice:" + tok + "@[10.0.0.1]", partHost},
		{"text after bracket", "e6data://alice:" + tok + "@[::1]x", partHost},
		{"bad zone encoding", "e6data://alice:" + tok + "@[fe80::1%eth0]", partHost},
		{"host with percent", "e6data://alice:" + tok + "@h%41", partHost},
		{"host with space", "e6data://alice:" + tok + "@a b", partHost},
		{"two path segments", dsnWithSecret + "/a/b", partDatabase},
		{"trailing slash", dsnWithSecret + "/a/", partDatabase},
		{"bad database encoding", dsnWithSecret + "/a%2", partDatabase},
		{"fragment", dsnWithSecret + "/db#frag", ""},
		{"raw @ in token", "e6data://alice:" + strings.ReplaceAll(tok, "%40", "@") + "@h", ""},
		{"raw @ in user", "e6data://alice@example.com:" + tok + "@h", ""},
		{"raw @ after the host", "e6data://alice:s3cr3T@T0k/x@h", ""},
		{"unknown key", dsnWithSecret + "?colour=blue", "colour"},
		{"key with wrong case", dsnWithSecret + "?Catalog=x", "Catalog"},
		{"token as a key", dsnWithSecret + "?token=" + tok, "token"},
		{"password as a key", dsnWithSecret + "?password=" + tok, "password"},
		{"host as a key", dsnWithSecret + "?host=x", "host"},
		{"empty key", dsnWithSecret + "?=x", ""},
		{"key without value", dsnWithSecret + "?catalog", "catalog"},
		{"repeated key", dsnWithSecret + "?catalog=a&prefetch=3&catalog=a", "catalog"},
		{"repeated key, other values", dsnWithSecret + "?secure=true&secure=false", "secure"},
		{"bad value encoding", dsnWithSecret + "?catalog=%g0", "catalog"},
		{"secure=false with ca-file", dsnWithSecret + "?ca-file=/ca.pem&secure=false", "secure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseDSN(tt.dsn)
			if err == nil {
				t.Fatalf("ParseDSN(%q) = %s; want an error", tt.dsn, c)
			}
			wantDSNError(t, err, tt.key)
		})
	}
}

// TestParseDSNUnknownKeyListsKeys checks that an unknown key's error lists the known ones.
func TestParseDSNUnknownKeyListsKeys(t *testing.T) {
	_, err := ParseDSN(dsnWithSecret + "?colour=blue")
	wantDSNError(t, err, "colour")
	for _, k := range keyNames() {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("message does not list %q: %v", k, err)
		}
	}
	if strings.Contains(err.Error(), "blue") {
		t.Errorf("message shows the unknown key's value: %v", err)
	}
}

// TestFormatDSN pins FormatDSN's output: only non-default keys, in a fixed order.
func TestFormatDSN(t *testing.T) {
	c := NewConfig()
	c.User, c.Token, c.Host = "alice", "tok", "h.example.com"
	if got, want := c.FormatDSN(), "e6data://alice:tok@h.example.com"; got != want {
		t.Errorf("FormatDSN = %q; want %q", got, want)
	}
	c.Port, c.Database, c.Catalog, c.Secure = 8443, "sales", "hive", true
	c.PrepareTimeout, c.StrategyTTL, c.MaxRecvMsgSize = 90*time.Minute, 0, 3<<20+1
	c.CAFile, c.KeepaliveTime, c.AutoResume = "/etc/ca.pem", time.Hour, false
	want := "e6data://alice:tok@h.example.com:8443/sales?catalog=hive&secure=true&ca-file=/etc/ca.pem" +
		"&auto-resume=false&prepare-timeout=1h30m&strategy-ttl=0s&keepalive-time=1h&max-recv-msg-size=3145729"
	if got := c.FormatDSN(); got != want {
		t.Errorf("FormatDSN = %q\nwant          %q", got, want)
	}
}

// TestFormatDSNRoundTrip checks ParseDSN(c.FormatDSN()) == c, special characters included.
func TestFormatDSNRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
	}{
		{"defaults", func(c *Config) {}},
		{"special userinfo", func(c *Config) { c.User, c.Token = "a@b:c/d e+f%", dsnSecret }},
		{"non-ascii", func(c *Config) { c.User, c.Token, c.Database = "usér", "tök€n", "dätä" }},
		{"special database", func(c *Config) { c.Database = "my db/#?&=%+" }},
		{"special cluster-name and catalog", func(c *Config) { c.ClusterName, c.Catalog = "Prod Cluster&x=1#?+%", "cat/a:b@c" }},
		{"ipv6 zone", func(c *Config) { c.Host, c.Port = "fe80::1%en0/x]", 50051 }},
		{"ipv6", func(c *Config) { c.Host = "2001:db8::1" }},
		{"port equal to a default", func(c *Config) { c.Port, c.Secure = 443, true }},
		{"ca-file without secure", func(c *Config) { c.CAFile = "/tmp/ca bundle&1.pem" }},
		{"odd durations", func(c *Config) {
			c.ResumeTimeout, c.ResumePollInterval, c.CancelTimeout = 1, 1500*time.Microsecond, 9*time.Minute+time.Nanosecond
			c.StrategyTTL = 0
			c.AutoResume = false // with auto-resume, the resume durations have a floor and an order
		}},
		{"sizes", func(c *Config) { c.MaxRecvMsgSize, c.MaxSendMsgSize = 1, 2<<30 }},
		{"upper bounds", func(c *Config) {
			c.ResumeTimeout, c.ResumePollInterval, c.PrepareTimeout, c.CancelTimeout = 24*time.Hour, time.Hour, 24*time.Hour, 10*time.Minute
			c.RetryAttempts, c.Prefetch, c.ReplayLimit, c.MaxBatchRows = 100, 64, 1_000_000_000, 1<<27
			c.StrategyTTL, c.KeepaliveTime, c.KeepaliveTimeout = 24*time.Hour, 24*time.Hour, 10*time.Minute
		}},
		{"every field", func(c *Config) {
			c.Port, c.Database, c.Catalog, c.ClusterName, c.Secure, c.CAFile = 1, "d", "c", "n", true, "f"
			c.AutoResume, c.ResumeTimeout, c.ResumePollInterval = false, time.Second, 2*time.Second
			c.PrepareTimeout, c.CancelTimeout, c.RetryAttempts, c.Prefetch = 3*time.Second, 4*time.Second, 6, 7
			c.Strategy, c.StrategyTTL, c.KeepaliveTime, c.KeepaliveTimeout = "green", 8*time.Second, 11*time.Second, 12*time.Second
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dsnBaseConfig()
			tt.edit(c)
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			dsn := c.FormatDSN()
			got, err := ParseDSN(dsn)
			if err != nil {
				t.Fatalf("ParseDSN(%q): %v", dsn, err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("round trip of %q:\n got %#v\nwant %#v", dsn, got, c)
			}
			if again := got.FormatDSN(); again != dsn {
				t.Errorf("FormatDSN is not stable: %q then %q", dsn, again)
			}
		})
	}
}

// TestConfigStringRedacts checks that no way of printing a Config shows the token.
func TestConfigStringRedacts(t *testing.T) {
	c, err := ParseDSN(dsnWithSecret + ":8443/db?cluster-name=prod")
	if err != nil {
		t.Fatal(err)
	}
	want := "e6data://alice:xxxxx@db.example.com:8443/db?cluster-name=prod"
	if got := c.String(); got != want {
		t.Errorf("String = %q; want %q", got, want)
	}
	if c.Token != dsnSecret {
		t.Errorf("String changed the Config's token to %q", c.Token)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "config", c, "value", *c)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("cfg", "config", c)
	for _, s := range []string{
		c.String(), fmt.Sprint(c), fmt.Sprint(*c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c),
		fmt.Sprintf("%v %+v %#v %s", *c, *c, *c, *c), logs.String(),
	} {
		assertNoDSNSecret(t, "printed Config", s)
	}
	if !strings.Contains(logs.String(), "xxxxx") {
		t.Errorf("slog output does not hold the redacted DSN: %s", logs.String())
	}

	// A Config with a token source and no token prints no placeholder.
	c.Token = ""
	if got := c.String(); !strings.HasPrefix(got, "e6data://alice:@") {
		t.Errorf("String without a token = %q", got)
	}
}
