package connector

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The checks below bound what a well-formed value may be, beyond the lower bounds and syntax
// that dsnKeys checks: upper bounds for the numeric keys, and the characters that the values
// sent on the wire can carry. Without them, a value parsed fine and then failed far from the
// DSN: prefetch sizes a channel, so prefetch=10000000000000 made the first query panic and
// prefetch=1000000000 ran out of memory; a cluster-name with a line break made every call fail
// inside gRPC.

// Upper bounds of the numeric keys. Each is far beyond any useful setting, and small enough
// that nothing sized or multiplied by it can exhaust memory or overflow.
const (
	maxRetryAttempts = 100           // with backoff capped at 2 s, over 3 minutes of retrying
	maxPrefetch      = 64            // each prefetched batch is held in memory
	maxReplayLimit   = 1_000_000_000 // re-reading a billion rows takes hours
	maxMaxBatchRows  = 1 << 27       // 1 GiB of row hashes for one batch
	maxMsgSize       = 2 << 30       // a protobuf message cannot exceed 2 GiB
	maxLongDuration  = 24 * time.Hour
	maxPollInterval  = time.Hour
	maxShortDuration = 10 * time.Minute
)

// valueCheck checks one DSN key's field: it returns why the value is out of range, or "".
type valueCheck struct {
	key   string
	check func(c *Config) string
}

// valueChecks holds the checks, in dsnKeys order; userinfo and database are checked by
// checkWireText.
var valueChecks = []valueCheck{
	{"catalog", func(c *Config) string { return checkUTF8(c.Catalog) }},
	{"cluster-name", func(c *Config) string { return checkClusterName(c.ClusterName) }},
	durationAtMost("resume-timeout", func(c *Config) time.Duration { return c.ResumeTimeout }, maxLongDuration),
	durationAtMost("resume-poll-interval", func(c *Config) time.Duration { return c.ResumePollInterval }, maxPollInterval),
	durationAtMost("prepare-timeout", func(c *Config) time.Duration { return c.PrepareTimeout }, maxLongDuration),
	durationAtMost("cancel-timeout", func(c *Config) time.Duration { return c.CancelTimeout }, maxShortDuration),
	intAtMost("retry-attempts", func(c *Config) int { return c.RetryAttempts }, maxRetryAttempts),
	intAtMost("prefetch", func(c *Config) int { return c.Prefetch }, maxPrefetch),
	intAtMost("replay-limit", func(c *Config) int { return c.ReplayLimit }, maxReplayLimit),
	intAtMost("max-batch-rows", func(c *Config) int { return c.MaxBatchRows }, maxMaxBatchRows),
	durationAtMost("strategy-ttl", func(c *Config) time.Duration { return c.StrategyTTL }, maxLongDuration),
	durationAtMost("keepalive-time", func(c *Config) time.Duration { return c.KeepaliveTime }, maxLongDuration),
	durationAtMost("keepalive-timeout", func(c *Config) time.Duration { return c.KeepaliveTimeout }, maxShortDuration),
	sizeAtMost("max-recv-msg-size", func(c *Config) int { return c.MaxRecvMsgSize }),
	sizeAtMost("max-send-msg-size", func(c *Config) int { return c.MaxSendMsgSize }),
}

// checkValue returns why key's field of c is out of range, or "" (also for keys without a check).
func checkValue(c *Config, key string) string {
	for _, v := range valueChecks {
		if v.key == key {
			return v.check(c)
		}
	}
	return ""
}

// validateValues is Validate's part for valueChecks and checkWireText.
func (c *Config) validateValues() error {
	if err := c.checkWireText(); err != nil {
		return err
	}
	for _, v := range valueChecks {
		if reason := v.check(c); reason != "" {
			return dsnValueError(v.key, lookupKey(v.key).get(c), reason)
		}
	}
	return nil
}

// checkWireText checks that the user, token and database are valid UTF-8: they travel in
// protobuf string fields, which cannot carry anything else. The token is never shown.
func (c *Config) checkWireText() error {
	switch {
	case checkUTF8(c.User) != "":
		return &DSNError{Key: partUser, Value: redactedValue, Reason: checkUTF8(c.User)}
	case checkUTF8(c.Token) != "":
		return &DSNError{Key: partToken, Value: redactedValue, Reason: checkUTF8(c.Token)}
	case checkUTF8(c.Database) != "":
		return dsnValueError(partDatabase, c.Database, checkUTF8(c.Database))
	}
	return nil
}

func checkUTF8(s string) string {
	if utf8.ValidString(s) {
		return ""
	}
	return "is not valid UTF-8, which the protocol cannot carry; want UTF-8 text " +
		"(in a DSN, percent-encode the UTF-8 bytes of each non-ASCII character)"
}

// maxClusterNameLen bounds the cluster name, sent in a header on every call. Names of e6data
// clusters are short identifiers, far below it; it is an eighth of 8 KiB, the smallest default
// budget for a call's whole header list among gRPC's implementations and the HTTP/2 proxies in
// front of them (gRPC C-core's metadata limit; grpc-go allows 16 MiB, Go's HTTP/2 server 1 MiB),
// so the name leaves room for the other headers and a longer one fails here, once, not at the
// proxy on every call.
const maxClusterNameLen = 1024

// checkClusterName returns why s cannot be the cluster name, or "".
func checkClusterName(s string) string {
	if len(s) > maxClusterNameLen {
		return "is too long; want at most " + strconv.Itoa(maxClusterNameLen) + " bytes (it is sent in a header on every call)"
	}
	return checkHeaderValue(s)
}

// checkHeaderValue returns why s cannot be sent as a gRPC header value, which holds printable
// ASCII only (bytes 0x20-0x7E), or "".
func checkHeaderValue(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return "has a character a gRPC header cannot carry (a control character such as CR or LF, " +
				"or a non-ASCII one); want printable ASCII, as the cluster's name is written in e6data"
		}
	}
	return ""
}

func durationAtMost(key string, field func(*Config) time.Duration, most time.Duration) valueCheck {
	return valueCheck{key, func(c *Config) string {
		if field(c) > most {
			return "is too long; want at most " + formatDSNDuration(most)
		}
		return ""
	}}
}

func intAtMost(key string, field func(*Config) int, most int) valueCheck {
	return valueCheck{key, func(c *Config) string {
		if field(c) > most {
			return "is out of range; want 1-" + strconv.Itoa(most)
		}
		return ""
	}}
}

func sizeAtMost(key string, field func(*Config) int) valueCheck {
	return valueCheck{key, func(c *Config) string {
		if int64(field(c)) > maxMsgSize {
			return "is out of range; want at most 2GiB, the largest protobuf message"
		}
		return ""
	}}
}
