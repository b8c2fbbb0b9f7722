package connector

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A DSN names a cluster and the driver's settings:
//
//	e6data://user:token@host[:port][/database][?key=value&...]
//
// user, token and database are percent-decoded: an '@', '/', '?' or '#' in them, a ':' in the
// user and a '%' anywhere must be percent-encoded (a ':' in the token may be, as FormatDSN
// does). A raw '@' is refused anywhere before the query but where it ends the user-info: with
// two, which one ends the token is a guess, and a wrong guess sends the token's tail to DNS and
// the logs as the host. An IPv6 host is bracketed, with a zone written %25zone. Values are
// percent-decoded with '+' as a space. The keys, their defaults and forms are those of the
// Config fields that name them. The parser is strict: an unknown or repeated key, a second
// path segment or a fragment is an error rather than something silently ignored.

// ErrInvalidDSN is matched by errors.Is for every *DSNError.
var ErrInvalidDSN = errors.New("e6data: invalid DSN")

// DSNError is an invalid DSN or Config. Its message names the key, the value (never the token)
// and the form expected.
type DSNError struct {
	// Key is the DSN key (e.g. "resume-timeout"), or the part of the URL: "scheme", "user",
	// "token", "host", "port" or "database"; "" for the DSN as a whole; or, for a Config field
	// that no DSN carries, the field's name (e.g. "HealthProbeInterval").
	Key string
	// Value is the offending value as written, "" when there is none, or "REDACTED" when it is
	// (or may contain) the token. The message shows at most its first maxShownValue bytes.
	Value string
	// Reason says what is wrong and what is wanted.
	Reason string
	// Err is the cause, when another error is one (the *fs.PathError of a ca-file that cannot
	// be read); Unwrap returns it, so errors.Is(err, fs.ErrNotExist) holds too.
	Err error

	showValue bool // print Value even when empty: the value itself is what is wrong
	inQuery   bool // Key is a query key even if it is spelt like a URL part ("?host=...")
	field     bool // Key is a Config field that no DSN carries
}

// Error formats the error, e.g. e6data: DSN key "resume-timeout": "5" is not a duration; want a
// Go duration such as "5m".
func (e *DSNError) Error() string {
	var b strings.Builder
	b.WriteString("e6data: DSN")
	switch {
	case e.field:
		b.Reset()
		b.WriteString("e6data: Config." + e.Key)
	case e.Key == "" && !e.inQuery:
	case isURLPart(e.Key) && !e.inQuery:
		b.WriteString(" " + e.Key)
	default:
		fmt.Fprintf(&b, " key %q", e.Key)
	}
	b.WriteString(": ")
	switch {
	case e.Value == redactedValue:
		b.WriteString(redactedValue + " ")
	case len(e.Value) > maxShownValue:
		// A value of a megabyte would make a megabyte of message (and of log line).
		cut := maxShownValue
		for cut > 0 && !utf8.RuneStart(e.Value[cut]) {
			cut--
		}
		fmt.Fprintf(&b, "%q… (%d bytes) ", e.Value[:cut], len(e.Value))
	case e.Value != "" || e.showValue:
		fmt.Fprintf(&b, "%q ", e.Value)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidDSN) hold.
func (e *DSNError) Is(target error) bool { return target == ErrInvalidDSN }

// Unwrap returns the cause, Err (nil for most).
func (e *DSNError) Unwrap() error { return e.Err }

// maxShownValue is the most of a DSNError's Value its message shows.
const maxShownValue = 512

const (
	redactedValue = "REDACTED" // DSNError.Value standing for the token
	redactedToken = "xxxxx"    // the token in String's DSN

	dsnScheme   = "e6data"
	dsnWantForm = "want e6data://user:token@host[:port][/database][?key=value&...]"

	partScheme   = "scheme"
	partUser     = "user"
	partToken    = "token"
	partHost     = "host"
	partPort     = "port"
	partDatabase = "database"
)

func isURLPart(key string) bool {
	switch key {
	case partScheme, partUser, partToken, partHost, partPort, partDatabase:
		return true
	}
	return false
}

// dsnValueError is a DSNError about a value that is shown as written, even when empty.
func dsnValueError(key, value, reason string) *DSNError {
	return &DSNError{Key: key, Value: value, Reason: reason, showValue: true}
}

// fieldError is a DSNError about the value of a Config field that no DSN carries.
func fieldError(field, value, reason string) *DSNError {
	return &DSNError{Key: field, Value: value, Reason: reason, showValue: true, field: true}
}

// ambiguousAtError reports a raw '@' where only an unencoded '@', '/', '?' or '#' of the
// user-info can have put it. It shows no part of the DSN: any of it may be the token.
func ambiguousAtError() *DSNError {
	return &DSNError{Reason: "has an '@' that is not percent-encoded besides the one before the host, so where the " +
		"token ends is ambiguous; percent-encode '@' as %40 in the user, token and database " +
		"(and '/', '?' and '#' in the user or token as %2F, %3F and %23)"}
}

// ParseDSN parses a DSN of the form e6data://user:token@host[:port][/database][?key=value&...]
// and validates the result (see Config.Validate). Its errors are *DSNError and never contain
// the token.
func ParseDSN(dsn string) (*Config, error) {
	c := NewConfig()
	rest, ok := strings.CutPrefix(dsn, dsnScheme+"://")
	if !ok {
		return nil, schemeError(dsn)
	}
	// The authority ends at the first '/', '?' or '#', the user-info at its '@'. Another raw
	// '@' in the authority, or one in the path, can only come from a user-info with an
	// unencoded '@', '/', '?' or '#': refused rather than guessed at (see ambiguousAtError).
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]
	if path, _, _ := strings.Cut(rest, "?"); strings.Count(authority, "@") > 1 ||
		strings.Contains(authority, "@") && strings.Contains(path, "@") {
		return nil, ambiguousAtError()
	}
	at := strings.IndexByte(authority, '@')
	if at < 0 {
		// Never show the authority: without an '@' it may be the token.
		reason := "is missing; " + dsnWantForm
		if strings.Contains(rest, "@") {
			reason = "is missing, or the user or token has a '/', '?' or '#' that is not percent-encoded (%2F, %3F, %23)"
		}
		return nil, &DSNError{Key: partUser, Reason: reason}
	}
	if err := parseUserinfo(c, authority[:at]); err != nil {
		return nil, err
	}
	if err := parseHostPort(c, authority[at+1:]); err != nil {
		return nil, err
	}
	if strings.Contains(rest, "#") {
		return nil, &DSNError{Reason: "has a fragment ('#'); percent-encode a '#' in a value as %23"}
	}
	path, query, _ := strings.Cut(rest, "?")
	if err := parsePath(c, path); err != nil {
		return nil, err
	}
	if err := parseQuery(c, query); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// schemeError reports a DSN that does not start with e6data://. It shows the scheme only when
// one is there: the text before a missing "://" could be the userinfo, token included.
func schemeError(dsn string) error {
	s, _, found := strings.Cut(dsn, "://")
	if !found || !validURLScheme(s) {
		return &DSNError{Key: partScheme, Reason: "is missing; " + dsnWantForm}
	}
	return dsnValueError(partScheme, s, `is not supported; want "e6data://" (lower case)`)
}

// validURLScheme reports whether s has the syntax of a URL scheme (RFC 3986, section 3.1).
func validURLScheme(s string) bool {
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if b := s[i]; !isASCIILetter(b) && !('0' <= b && b <= '9') && b != '+' && b != '-' && b != '.' {
			return false
		}
	}
	return true
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// parseUserinfo sets User and Token from user:token. Its errors show no value: the user part
// of a mistyped DSN may well be the token.
func parseUserinfo(c *Config, userinfo string) error {
	rawUser, rawToken, hasToken := strings.Cut(userinfo, ":")
	user, err := url.PathUnescape(rawUser)
	if err != nil {
		return &DSNError{Key: partUser, Value: redactedValue, Reason: "is not valid percent-encoding; encode '%' as %25"}
	}
	if user == "" {
		return &DSNError{Key: partUser, Reason: "is missing; " + dsnWantForm}
	}
	token, err := url.PathUnescape(rawToken)
	if err != nil {
		return &DSNError{Key: partToken, Value: redactedValue, Reason: "is not valid percent-encoding; encode '%' as %25"}
	}
	if !hasToken || token == "" {
		return &DSNError{Key: partToken, Reason: "is missing; " + dsnWantForm}
	}
	c.User, c.Token = user, token
	return nil
}

// parseHostPort sets Host and Port from host[:port] or [ipv6][:port].
func parseHostPort(c *Config, hostport string) error {
	if hostport == "" {
		return &DSNError{Key: partHost, Reason: "is missing; " + dsnWantForm}
	}
	var host, port string
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return dsnValueError(partHost, hostport, "has no closing ']'; want [ipv6] or [ipv6]:port")
		}
		inner, err := url.PathUnescape(hostport[1:end])
		if err != nil {
			return dsnValueError(partHost, hostport[:end+1], "is not valid percent-encoding; write an IPv6 zone as %25zone")
		}
		if a, err := netip.ParseAddr(inner); err != nil || !a.Is6() {
			return dsnValueError(partHost, hostport[:end+1], "is not an IPv6 address; brackets are for IPv6 addresses only")
		}
		host = inner
		switch after := hostport[end+1:]; {
		case after == "":
		case after[0] == ':':
			port = after[1:]
			if port == "" {
				return dsnValueError(partPort, port, "is empty; want 1-65535, or no ':' for the default")
			}
		default:
			return dsnValueError(partHost, hostport, "has text after ']'; want [ipv6] or [ipv6]:port")
		}
	} else {
		if strings.Count(hostport, ":") > 1 {
			return dsnValueError(partHost, hostport, "has more than one ':'; bracket an IPv6 address, e.g. [::1]:443")
		}
		host = hostport
		if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
			host, port = hostport[:i], hostport[i+1:]
			if port == "" {
				return dsnValueError(partPort, port, "is empty; want 1-65535, or no ':' for the default")
			}
		}
		if host == "" {
			return &DSNError{Key: partHost, Reason: "is missing; " + dsnWantForm}
		}
		if reason := checkDSNHost(host); reason != "" {
			return dsnValueError(partHost, host, reason)
		}
	}
	c.Host = host
	if port != "" {
		n, ok := parseDigits(port)
		if !ok || n < 1 || n > 65535 {
			return dsnValueError(partPort, port, "is not a port; want a decimal integer 1-65535")
		}
		c.Port = n
	}
	return nil
}

// parseDigits parses a non-negative decimal integer with no sign, as strconv.Atoi would not
// ensure.
func parseDigits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parsePath sets Database from "", "/" or "/database".
func parsePath(c *Config, path string) error {
	if path == "" {
		return nil
	}
	seg := path[1:] // the authority ended at this '/'
	if strings.Contains(seg, "/") {
		return dsnValueError(partDatabase, path, "has more than one path segment; want /database (encode a '/' in the name as %2F)")
	}
	db, err := url.PathUnescape(seg)
	if err != nil {
		return dsnValueError(partDatabase, seg, "is not valid percent-encoding; encode '%' as %25")
	}
	c.Database = db
	return nil
}

// parseQuery sets the fields named by the query's keys.
func parseQuery(c *Config, query string) error {
	seen := make(map[string]bool)
	insecure := "" // the value of an explicit secure=false, which ca-file contradicts
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue // "?" alone, "&&" and a trailing '&' carry nothing
		}
		key, raw, hasValue := strings.Cut(pair, "=")
		k := lookupKey(key)
		if k == nil && strings.Contains(key, "@") {
			// No key has an '@': the user-info's '?' ended the authority early, and this
			// "key" is the token's tail; it is not shown.
			return ambiguousAtError()
		}
		if k == nil {
			return unknownKeyError(key)
		}
		if !hasValue {
			return &DSNError{Key: key, Reason: `has no value; want key=value`, inQuery: true}
		}
		if seen[key] {
			return &DSNError{Key: key, Reason: "is repeated; give each key once", inQuery: true}
		}
		seen[key] = true
		value, err := url.QueryUnescape(raw)
		if err != nil {
			return dsnValueError(key, raw, "is not valid percent-encoding; encode '%' as %25")
		}
		if reason := k.set(c, value); reason != "" {
			return dsnValueError(key, value, reason)
		}
		// Checked here as well as by Validate, so the error shows the value as written.
		if k.check != nil {
			if reason := k.check(c); reason != "" {
				return dsnValueError(key, value, reason)
			}
		}
		if reason := checkValue(c, key); reason != "" {
			return dsnValueError(key, value, reason)
		}
		if key == "secure" && !c.Secure {
			insecure = value
		}
	}
	if insecure != "" && c.CAFile != "" {
		return dsnValueError("secure", insecure, "contradicts ca-file, which turns TLS on; remove one of them")
	}
	return nil
}

func unknownKeyError(key string) error {
	reason := "is not a known key; known keys: " + strings.Join(keyNames(), ", ")
	switch strings.ToLower(key) {
	case "":
		reason = "is empty (a '=' right after '?' or '&'); want key=value"
	case "token", "password", "user", "username":
		reason = "is not a key: the user and token go before the host, e6data://user:token@host"
	case "host", "port", "database", "schema":
		reason = "is not a key: the host, port and database are parts of the URL, e6data://user:token@host:port/database"
	}
	// The value is not shown: a mistaken key such as password= may carry the token.
	return &DSNError{Key: key, Reason: reason, inQuery: true}
}

// FormatDSN returns the DSN of c, the token included. It writes only the keys whose value
// differs from NewConfig's, in a fixed order, and ParseDSN(c.FormatDSN()) returns a Config
// equal to c in every field a DSN can carry (for a c that Validate accepts). TLSConfig,
// Logger, DialOptions and TokenSource are left out.
func (c *Config) FormatDSN() string {
	var b strings.Builder
	b.WriteString(dsnScheme + "://")
	b.WriteString(escapeDSN(c.User, ""))
	b.WriteByte(':')
	b.WriteString(escapeDSN(c.Token, ""))
	b.WriteByte('@')
	if strings.Contains(c.Host, ":") {
		b.WriteString("[" + escapeDSN(c.Host, ":") + "]")
	} else {
		b.WriteString(escapeDSN(c.Host, ""))
	}
	if c.Port != 0 {
		b.WriteString(":" + strconv.Itoa(c.Port))
	}
	if c.Database != "" {
		b.WriteString("/" + escapeDSN(c.Database, ""))
	}
	defaults := NewConfig()
	sep := byte('?')
	for _, k := range dsnKeys {
		v := k.get(c)
		if v == k.get(defaults) {
			continue
		}
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(k.name + "=" + escapeDSN(v, "/:@"))
	}
	return b.String()
}

// escapeDSN percent-encodes every byte of s but RFC 3986's unreserved characters and those in
// keep. Encoding more than needed is harmless and makes each part's rules easy to check.
func escapeDSN(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIILetter(c) || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// dsnKey is one DSN query key: how to parse it into a Config, format it from one, and check
// its range. One table serves ParseDSN, FormatDSN, Validate and the list of known keys.
type dsnKey struct {
	name  string
	set   func(c *Config, v string) string // sets the field; returns why v is malformed, or ""
	get   func(c *Config) string           // formats the field; "" round-trips through set
	check func(c *Config) string           // returns why the field is out of range, or ""
}

// dsnKeys is in FormatDSN's order: where, how to connect, then tuning.
var dsnKeys = []dsnKey{
	stringKey("catalog", func(c *Config) *string { return &c.Catalog }),
	stringKey("cluster-name", func(c *Config) *string { return &c.ClusterName }),
	boolKey("secure", func(c *Config) *bool { return &c.Secure }),
	{
		name: "ca-file",
		set: func(c *Config, v string) string {
			if v == "" {
				return "is empty; want the path of a PEM file of CA certificates"
			}
			c.CAFile = v
			return ""
		},
		get: func(c *Config) string { return c.CAFile },
	},
	boolKey("auto-resume", func(c *Config) *bool { return &c.AutoResume }),
	durationKey("resume-timeout", func(c *Config) *time.Duration { return &c.ResumeTimeout }, 1),
	durationKey("resume-poll-interval", func(c *Config) *time.Duration { return &c.ResumePollInterval }, 1),
	durationKey("prepare-timeout", func(c *Config) *time.Duration { return &c.PrepareTimeout }, 1),
	durationKey("cancel-timeout", func(c *Config) *time.Duration { return &c.CancelTimeout }, 1),
	intKey("retry-attempts", func(c *Config) *int { return &c.RetryAttempts }),
	intKey("prefetch", func(c *Config) *int { return &c.Prefetch }),
	intKey("replay-limit", func(c *Config) *int { return &c.ReplayLimit }),
	intKey("max-batch-rows", func(c *Config) *int { return &c.MaxBatchRows }),
	{
		name: "strategy",
		set: func(c *Config, v string) string {
			c.Strategy = strings.ToLower(v)
			return ""
		},
		get: func(c *Config) string { return c.Strategy },
		check: func(c *Config) string {
			if c.Strategy != "" && c.Strategy != "blue" && c.Strategy != "green" {
				return `is not a strategy; want "blue" or "green", or no strategy key to detect it`
			}
			return ""
		},
	},
	durationKey("strategy-ttl", func(c *Config) *time.Duration { return &c.StrategyTTL }, 0),
	durationKey("keepalive-time", func(c *Config) *time.Duration { return &c.KeepaliveTime }, minKeepaliveTime),
	durationKey("keepalive-timeout", func(c *Config) *time.Duration { return &c.KeepaliveTimeout }, 1),
	sizeKey("max-recv-msg-size", func(c *Config) *int { return &c.MaxRecvMsgSize }),
	sizeKey("max-send-msg-size", func(c *Config) *int { return &c.MaxSendMsgSize }),
}

func lookupKey(name string) *dsnKey {
	for i := range dsnKeys {
		if dsnKeys[i].name == name {
			return &dsnKeys[i]
		}
	}
	return nil
}

func keyNames() []string {
	names := make([]string, len(dsnKeys))
	for i, k := range dsnKeys {
		names[i] = k.name
	}
	return names
}

func stringKey(name string, field func(*Config) *string) dsnKey {
	return dsnKey{
		name: name,
		set:  func(c *Config, v string) string { *field(c) = v; return "" },
		get:  func(c *Config) string { return *field(c) },
	}
}

func boolKey(name string, field func(*Config) *bool) dsnKey {
	return dsnKey{
		name: name,
		set: func(c *Config, v string) string {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return "is not a boolean; want true or false (or 1 or 0)"
			}
			*field(c) = b
			return ""
		},
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
	}
}

// durationKey is a key holding a Go duration of at least least (1ns: positive).
func durationKey(name string, field func(*Config) *time.Duration, least time.Duration) dsnKey {
	return dsnKey{
		name: name,
		set: func(c *Config, v string) string {
			d, err := time.ParseDuration(v)
			if err != nil {
				return `is not a duration; want a Go duration such as "5m" or "30s"`
			}
			*field(c) = d
			return ""
		},
		get: func(c *Config) string { return formatDSNDuration(*field(c)) },
		check: func(c *Config) string {
			switch d := *field(c); {
			case d >= least:
				return ""
			case least == 0:
				return "is negative; want a duration of 0 or more"
			case least == 1:
				return "is out of range; want a positive duration (NewConfig sets the default)"
			default:
				return "is out of range; want at least " + formatDSNDuration(least)
			}
		},
	}
}

// formatDSNDuration is time.Duration.String without its zero tails: "5m", not "5m0s".
func formatDSNDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// intKey is a key holding a decimal integer of at least 1.
func intKey(name string, field func(*Config) *int) dsnKey {
	return dsnKey{
		name: name,
		set: func(c *Config, v string) string {
			n, err := strconv.Atoi(v)
			if errors.Is(err, strconv.ErrRange) {
				return "is out of range; want a decimal integer such as 5"
			}
			if err != nil {
				return "is not an integer; want a decimal integer such as 5"
			}
			*field(c) = n
			return ""
		},
		get: func(c *Config) string { return strconv.Itoa(*field(c)) },
		check: func(c *Config) string {
			if *field(c) < 1 {
				return "is out of range; want at least 1"
			}
			return ""
		},
	}
}

// sizeUnits are the suffixes a size may carry, largest first (FormatDSN uses the largest that
// divides the size exactly).
var sizeUnits = []struct {
	suffix string
	bytes  int
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// sizeKey is a key holding a positive number of bytes: a decimal integer, optionally followed
// by KiB, MiB or GiB.
func sizeKey(name string, field func(*Config) *int) dsnKey {
	return dsnKey{
		name: name,
		set: func(c *Config, v string) string {
			n, ok := parseDSNSize(v)
			if !ok {
				return `is not a size; want bytes as a decimal integer, optionally with a KiB, MiB or GiB suffix, such as "512MiB"`
			}
			*field(c) = n
			return ""
		},
		get: func(c *Config) string { return formatDSNSize(*field(c)) },
		check: func(c *Config) string {
			if *field(c) < 1 {
				return "is out of range; want a positive size"
			}
			return ""
		},
	}
}

func parseDSNSize(v string) (int, bool) {
	mult := 1
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = num, u.bytes
			break
		}
	}
	n, ok := parseDigits(v)
	if !ok || n > int(^uint(0)>>1)/mult {
		return 0, false
	}
	return n * mult, true
}

func formatDSNSize(n int) string {
	if n > 0 {
		for _, u := range sizeUnits {
			if n%u.bytes == 0 {
				return strconv.Itoa(n/u.bytes) + u.suffix
			}
		}
	}
	return strconv.Itoa(n)
}
