package connector

import (
	"strings"
	"testing"
	"time"
)

// TestParseDSNBounds checks that every numeric key is bounded above, that the values just
// inside the bounds parse, and that the error names the key, the value and the range.
func TestParseDSNBounds(t *testing.T) {
	tests := []struct {
		key, ok, bad, want string
	}{
		{"resume-timeout", "24h", "24h0m0.001s", "want at most 24h"},
		{"resume-poll-interval", "1h&resume-timeout=2h", "61m", "want at most 1h"}, // the timeout must exceed the interval
		{"prepare-timeout", "24h", "1000h", "want at most 24h"},
		{"cancel-timeout", "10m", "11m", "want at most 10m"},
		{"retry-attempts", "100", "101", "want 1-100"},
		{"retry-attempts", "1", "99999999999999999999", "out of range"},
		{"prefetch", "64", "65", "want 1-64"},
		{"prefetch", "1", "1000000000", "want 1-64"},
		{"prefetch", "2", "10000000000000", "want 1-64"},
		{"replay-limit", "1000000000", "1000000001", "want 1-1000000000"},
		{"max-batch-rows", "134217728", "2147483647", "want 1-134217728"},
		{"strategy-ttl", "24h", "25h", "want at most 24h"},
		{"keepalive-time", "24h", "48h", "want at most 24h"},
		{"keepalive-timeout", "10m", "1h", "want at most 10m"},
		{"max-recv-msg-size", "2GiB", "2147483649", "want at most 2GiB"},
		{"max-send-msg-size", "2048MiB", "3GiB", "want at most 2GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.bad, func(t *testing.T) {
			if _, err := ParseDSN(dsnWithSecret + "?" + tt.key + "=" + tt.ok); err != nil {
				t.Fatalf("%s=%s: %v", tt.key, tt.ok, err)
			}
			_, err := ParseDSN(dsnWithSecret + "?" + tt.key + "=" + tt.bad)
			de := wantDSNError(t, err, tt.key)
			if de.Value != tt.bad {
				t.Errorf("DSNError.Value = %q; want %q as written", de.Value, tt.bad)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	for _, v := range valueChecks {
		if lookupKey(v.key) == nil {
			t.Errorf("valueChecks names %q, which is not a DSN key", v.key)
		}
	}
}

// TestConfigValidateBounds checks that Validate applies the same bounds to a Config built in
// code, naming the DSN key.
func TestConfigValidateBounds(t *testing.T) {
	tests := []struct {
		key  string
		edit func(c *Config)
	}{
		{"resume-timeout", func(c *Config) { c.ResumeTimeout = 100 * 24 * time.Hour }},
		{"resume-poll-interval", func(c *Config) { c.ResumePollInterval = 2 * time.Hour }},
		{"prepare-timeout", func(c *Config) { c.PrepareTimeout = 1<<63 - 1 }},
		{"cancel-timeout", func(c *Config) { c.CancelTimeout = time.Hour }},
		{"retry-attempts", func(c *Config) { c.RetryAttempts = 1 << 40 }},
		{"prefetch", func(c *Config) { c.Prefetch = 10_000_000_000_000 }},
		{"replay-limit", func(c *Config) { c.ReplayLimit = 1 << 62 }},
		{"max-batch-rows", func(c *Config) { c.MaxBatchRows = 1 << 40 }},
		{"strategy-ttl", func(c *Config) { c.StrategyTTL = 1 << 62 }},
		{"keepalive-time", func(c *Config) { c.KeepaliveTime = 1 << 62 }},
		{"keepalive-timeout", func(c *Config) { c.KeepaliveTimeout = 1 << 62 }},
		{"max-recv-msg-size", func(c *Config) { c.MaxRecvMsgSize = 1 << 40 }},
		{"max-send-msg-size", func(c *Config) { c.MaxSendMsgSize = 2<<30 + 1 }},
		{"cluster-name", func(c *Config) { c.ClusterName = "prod\r\nx-evil: 1" }},
		{"catalog", func(c *Config) { c.Catalog = "\xff" }},
		{partDatabase, func(c *Config) { c.Database = "d\xc3" }},
		{partUser, func(c *Config) { c.User = "\x80" }},
		{partToken, func(c *Config) { c.Token = "tok\xff" + dsnSecret }},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c := dsnBaseConfig()
			tt.edit(c)
			de := wantDSNError(t, c.Validate(), tt.key)
			if !strings.Contains(de.Reason, "want") {
				t.Errorf("the reason does not say what is wanted: %v", de)
			}
		})
	}
}

// TestParseDSNHeaderValues checks that a cluster-name a gRPC header cannot carry, and text a
// protobuf string cannot carry, fail at parse time rather than at every call.
func TestParseDSNHeaderValues(t *testing.T) {
	tests := []struct {
		name, dsn, key string
	}{
		{"CR LF in cluster-name", dsnWithSecret + "?cluster-name=prod%0D%0Ax-evil:1", "cluster-name"},
		{"LF in cluster-name", dsnWithSecret + "?cluster-name=prod%0A", "cluster-name"},
		{"tab in cluster-name", dsnWithSecret + "?cluster-name=a%09b", "cluster-name"},
		{"NUL in cluster-name", dsnWithSecret + "?cluster-name=a%00b", "cluster-name"},
		{"DEL in cluster-name", dsnWithSecret + "?cluster-name=a%7F", "cluster-name"},
		{"non-ASCII cluster-name", dsnWithSecret + "?cluster-name=caf%C3%A9", "cluster-name"},
		{"invalid UTF-8 catalog", dsnWithSecret + "?catalog=%FF", "catalog"},
		{"invalid UTF-8 database", dsnWithSecret + "/d%FF", partDatabase},
		{"invalid UTF-8 user", "e6data://al%FFice:" + escapeDSN(dsnSecret, "") + "@h", partUser},
		{"invalid UTF-8 token", "e6data://alice:%FF" + escapeDSN(dsnSecret, "") + "@h", partToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDSN(tt.dsn)
			wantDSNError(t, err, tt.key)
		})
	}
	// What a header can carry is accepted: printable ASCII, spaces and punctuation included.
	c, err := ParseDSN(dsnWithSecret + "?cluster-name=Prod+Cluster%26x%3D1%23%3F%2B%25~&catalog=caf%C3%A9&")
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterName != "Prod Cluster&x=1#?+%~" || c.Catalog != "café" {
		t.Errorf("ClusterName, Catalog = %q, %q", c.ClusterName, c.Catalog)
	}
}
