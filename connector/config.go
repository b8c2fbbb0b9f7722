package connector

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"github.com/e6data/gorm-e6data/strategy"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
)

// Defaults of the Config fields, as NewConfig sets them. Each matches the official Python
// client where it has one.
const (
	defaultPortTLS            = 443
	defaultPortPlain          = 80
	defaultResumeTimeout      = 5 * time.Minute  // Python's 300 s overall resume deadline
	defaultResumePollInterval = 5 * time.Second  // Python polls ClusterService/status every 5 s
	defaultPrepareTimeout     = 10 * time.Minute // Python's grpc_prepare_timeout, 600 s
	defaultCancelTimeout      = 5 * time.Second
	defaultRetryAttempts      = 5 // Python makes at most 5 attempts after "Access denied"
	defaultPrefetch           = 2
	defaultReplayLimit        = 1_000_000
	defaultMaxBatchRows       = 1 << 20 // 128 times the mock's batches; 8 MiB of row hashes
	defaultStrategyTTL        = 5 * time.Minute
	defaultKeepaliveTime      = 30 * time.Second // Python pings every 30 s
	defaultKeepaliveTimeout   = 10 * time.Second
	defaultMaxRecvMsgSize     = 1 << 30   // 1 GiB: grpc-go's 4 MiB default is smaller than one batch can be
	defaultMaxSendMsgSize     = 300 << 20 // 300 MiB, the official client's send limit

	// minResumePollInterval is the floor of ResumePollInterval: at most 10 status calls a
	// second while a cluster resumes.
	minResumePollInterval = 100 * time.Millisecond

	// minKeepaliveTime is grpc-go's floor: it silently raises a smaller keepalive time to 10 s,
	// so a smaller value is rejected rather than ignored.
	minKeepaliveTime = 10 * time.Second
)

// Config is everything the driver needs for one cluster. ParseDSN builds one from a DSN;
// NewConnector accepts one directly, for the fields a DSN cannot carry.
//
// Start from NewConfig (or ParseDSN) rather than a literal: the zero value of several fields is
// out of range (Validate rejects it) and AutoResume's zero value turns auto-resume off.
//
// Each field that a DSN can carry names its DSN key, its default and its form below. DSN
// durations are Go durations ("30s", "5m", "1h30m"); DSN booleans are anything
// strconv.ParseBool accepts (true/false/1/0); DSN integers are decimal.
type Config struct {
	// User is the user name (DSN userinfo, e6data://USER:token@host). Required.
	User string
	// Token is the access token, sent as the password (DSN userinfo, e6data://user:TOKEN@host).
	// Required unless TokenSource is set. It is never printed: String, GoString, LogValue and
	// every error of this package leave it out.
	Token string
	// Host is the cluster's host name or IP address (DSN host; an IPv6 address is bracketed in
	// a DSN, [::1], and not here). A name has at most 253 bytes, as in DNS. Required.
	Host string
	// Port is the TCP port (DSN port, host:PORT), 1-65535. 0, the default, means 443 when TLS is
	// on (Secure, CAFile or TLSConfig) and 80 otherwise; Addr resolves it.
	Port int
	// Database is the schema that unqualified table names resolve in (DSN path,
	// e6data://user:token@host/DATABASE, one percent-decoded segment). Default "": none.
	Database string
	// Catalog is the catalog queries are prepared in (DSN key catalog). Default "": prepare
	// without a catalog, with the V1 RPCs.
	Catalog string
	// ClusterName is the cluster's name (DSN key cluster-name), sent lower-cased in the
	// cluster-name header that the cluster's proxy routes by, so it must be printable ASCII, of
	// at most 1024 bytes. Default "": header not sent.
	ClusterName string
	// Secure turns TLS on, verifying the server against the system roots (DSN key secure,
	// boolean). Default false: plaintext. CAFile and TLSConfig also turn TLS on.
	Secure bool
	// CAFile is the path of a PEM bundle of CA certificates to verify the server with, instead
	// of the system roots (DSN key ca-file). It turns TLS on even when Secure is false; a DSN
	// that says both secure=false and ca-file is rejected as contradictory. Default "".
	CAFile string
	// AutoResume makes the driver resume a suspended cluster and retry, instead of failing with
	// ErrClusterSuspended (DSN key auto-resume, boolean). Default true. When it is off, a
	// query that meets a suspended cluster fails at once, without re-runs, and its error is not
	// Retryable.
	AutoResume bool
	// ResumeTimeout bounds one resume, from its start until the cluster is active (DSN key
	// resume-timeout, duration > 0, at most 24h; with auto-resume on, longer than
	// resume-poll-interval). Default 5m.
	ResumeTimeout time.Duration
	// ResumePollInterval is how often the cluster's status is polled while it resumes (DSN key
	// resume-poll-interval, duration > 0, at most 1h; with auto-resume on, at least 100ms, its
	// floor, and shorter than resume-timeout). Default 5s.
	ResumePollInterval time.Duration
	// PrepareTimeout is the deadline of each prepare call, the only call the official client
	// bounds (DSN key prepare-timeout, duration > 0, at most 24h). Default 10m (its 600 s).
	PrepareTimeout time.Duration
	// CancelTimeout is the budget of the detached cancelQuery/clear calls sent when a query's
	// context ends, since that context can no longer carry them (DSN key cancel-timeout,
	// duration > 0, at most 10m). Default 5s.
	CancelTimeout time.Duration
	// RetryAttempts is how many times an operation is attempted in all when it fails in a way
	// that is safe to retry transparently: wrong blue/green strategy (456), expired session
	// (DSN key retry-attempts, integer 1-100). Default 5.
	RetryAttempts int
	// Prefetch is how many result batches are fetched ahead of the reader (DSN key prefetch,
	// integer 1-64). Memory grows with it: about Prefetch+2 batches per open result. Default 2.
	Prefetch int
	// ReplayLimit is the most rows a query may have handed out and still be resumed by replay
	// when a blue/green switch cuts it mid-stream (DSN key replay-limit, integer 1-1000000000): the
	// re-run reads that many rows again to verify them before continuing. Past it the query
	// fails with ErrQueryInterrupted. Default 1,000,000.
	ReplayLimit int
	// MaxBatchRows is the most rows one result batch may claim (DSN key max-batch-rows, integer
	// 1-134217728). A constant column carries one value for every row of its batch, so a batch
	// of a few dozen bytes can claim 2^31-1 rows: the bytes received do not bound the rows, and
	// the driver does work and holds memory per row (8 bytes each for replay). A batch claiming
	// more fails the query with a "corrupt chunk" error that names this key. Default 1,048,576.
	MaxBatchRows int
	// StrategyTTL is the age after which the cached blue/green colour is re-validated (DSN key
	// strategy-ttl, duration 0-24h; 0 re-validates at every use). Default 5m.
	StrategyTTL time.Duration
	// Strategy forces the blue/green colour sent in the strategy header (DSN key strategy,
	// "blue" or "green"; a DSN may use any case). Default "": detect it.
	Strategy string
	// KeepaliveTime is the interval of the HTTP/2 keepalive pings, sent even with no call in
	// flight as the official client does (DSN key keepalive-time, duration from 10s, grpc-go's
	// floor, to 24h). Default 30s.
	KeepaliveTime time.Duration
	// KeepaliveTimeout is how long to wait for a ping's answer before closing the connection
	// (DSN key keepalive-timeout, duration > 0, at most 10m). Default 10s.
	KeepaliveTimeout time.Duration
	// MaxRecvMsgSize is the largest message accepted from the server, in bytes (DSN key
	// max-recv-msg-size: bytes as a decimal integer, or with a KiB, MiB or GiB suffix such as
	// 512MiB; 1 byte to 2GiB, the largest protobuf message). Default 1GiB: grpc-go's 4 MiB
	// default is smaller than one result batch can be.
	MaxRecvMsgSize int
	// MaxSendMsgSize is the largest message sent to the server, in bytes (DSN key
	// max-send-msg-size, same form and range as max-recv-msg-size). Default 300MiB, the official
	// client's.
	MaxSendMsgSize int

	// The fields below cannot be expressed in a DSN: set them on a Config passed to
	// NewConnector. FormatDSN leaves them out.

	// TLSConfig, when set, is the TLS configuration to use, overriding Secure and CAFile (it
	// turns TLS on). It is cloned, never mutated; an empty ServerName becomes Host and a zero
	// MinVersion becomes TLS 1.2.
	TLSConfig *tls.Config
	// Logger receives the driver's structured logs. nil: silent.
	Logger *slog.Logger
	// DialOptions are appended to the driver's own gRPC dial options, so they can override
	// them. For a span per gRPC call under each query's span (see TracerProvider), add
	// OpenTelemetry's gRPC stats handler:
	//
	//	cfg.DialOptions = append(cfg.DialOptions, grpc.WithStatsHandler(otelgrpc.NewClientHandler(
	//		otelgrpc.WithTracerProvider(tp)))) // go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc
	DialOptions []grpc.DialOption
	// TracerProvider, when set, receives a span per statement: "e6data.query" for QueryContext
	// (until its rows are closed) and "e6data.exec" for ExecContext, with the colour it ran on
	// (e6data.strategy), its query id (e6data.query_id), how many times it was run
	// (e6data.attempts), its replays (e6data.replays, e6data.replayed_rows), an event per
	// re-run and replay, and a failure as the span's status. The span is in the context of the
	// statement's gRPC calls, so a gRPC stats handler in DialOptions adds their spans under it.
	// The SQL text is not recorded (it carries the interpolated arguments). nil, the default: no
	// spans; use otel.GetTracerProvider() for the global provider.
	TracerProvider trace.TracerProvider
	// TokenSource, when set, is asked for the token at each authentication, so a rotated token
	// is picked up; Token may then be empty.
	TokenSource func(ctx context.Context) (string, error)
	// StrategyOptions tunes the blue/green state of the cluster (see package strategy): an
	// event callback (OnEvent), the initial colour order (Selector), a Store shared between
	// processes (strategy.NewFileStore), a MeterProvider for the e6data.* metrics, automated
	// rollback. TTL and Selector come from the DSN's strategy-ttl and strategy when left zero;
	// Logger defaults to the Logger above. The state is shared by every open connector to the
	// same endpoint and cluster name in the process: each one's OnEvent and Logger receive its
	// events, and NewConnector refuses options that would shape it differently from the other
	// open connectors' (*strategy.OptionsConflictError naming the field).
	StrategyOptions strategy.Options
	// HealthProbeInterval, when positive, starts a background probe that re-validates the
	// active colour at that interval (stopped by Close): 0 or at least
	// strategy.MinHealthProbeInterval (1s), as each round authenticates on the cluster.
	// Default 0: off.
	HealthProbeInterval time.Duration
}

// NewConfig returns a Config with every default set and no user, token or host.
func NewConfig() *Config {
	return &Config{
		AutoResume:         true,
		ResumeTimeout:      defaultResumeTimeout,
		ResumePollInterval: defaultResumePollInterval,
		PrepareTimeout:     defaultPrepareTimeout,
		CancelTimeout:      defaultCancelTimeout,
		RetryAttempts:      defaultRetryAttempts,
		Prefetch:           defaultPrefetch,
		ReplayLimit:        defaultReplayLimit,
		MaxBatchRows:       defaultMaxBatchRows,
		StrategyTTL:        defaultStrategyTTL,
		KeepaliveTime:      defaultKeepaliveTime,
		KeepaliveTimeout:   defaultKeepaliveTimeout,
		MaxRecvMsgSize:     defaultMaxRecvMsgSize,
		MaxSendMsgSize:     defaultMaxSendMsgSize,
	}
}

// Clone returns a deep copy of c: its TLSConfig and DialOptions are copied, so changing the copy
// leaves c alone. Logger and TokenSource are shared.
func (c *Config) Clone() *Config {
	cp := *c
	if c.TLSConfig != nil {
		cp.TLSConfig = c.TLSConfig.Clone()
	}
	cp.DialOptions = slices.Clone(c.DialOptions)
	cp.StrategyOptions.Selector = slices.Clone(c.StrategyOptions.Selector)
	return &cp
}

// Validate reports the first required part that is missing or field that is out of range, as a
// *DSNError naming the field's DSN key (errors.Is(err, ErrInvalidDSN) holds). It never names
// the token's value.
func (c *Config) Validate() error {
	switch {
	case c.User == "":
		return &DSNError{Key: partUser, Reason: "is missing; " + dsnWantForm}
	case c.Token == "" && c.TokenSource == nil:
		return &DSNError{Key: partToken, Reason: "is missing; " + dsnWantForm + " (or set Config.TokenSource)"}
	case c.Host == "":
		return &DSNError{Key: partHost, Reason: "is missing; " + dsnWantForm}
	}
	if reason := checkDSNHost(c.Host); reason != "" {
		return dsnValueError(partHost, c.Host, reason)
	}
	if c.Port < 0 || c.Port > 65535 {
		return dsnValueError(partPort, strconv.Itoa(c.Port), "is out of range; want 1-65535 (or 0 for the default)")
	}
	for _, k := range dsnKeys {
		if k.check == nil {
			continue
		}
		if reason := k.check(c); reason != "" {
			return dsnValueError(k.name, k.get(c), reason)
		}
	}
	if err := c.validateValues(); err != nil {
		return err
	}
	if err := c.checkResume(); err != nil {
		return err
	}
	if d := c.HealthProbeInterval; d != 0 && d < strategy.MinHealthProbeInterval {
		return fieldError("HealthProbeInterval", d.String(), "is below the floor of "+strategy.MinHealthProbeInterval.String()+
			"; want 0 (no probe) or at least "+strategy.MinHealthProbeInterval.String()+": each round authenticates on the cluster")
	}
	return nil
}

// checkResume checks the resume settings together, when auto-resume uses them: a poll interval
// below minResumePollInterval would flood the cluster's status endpoint, and a resume-timeout
// not longer than the poll interval ends before the first poll, so no resume could succeed.
func (c *Config) checkResume() error {
	if !c.AutoResume {
		return nil
	}
	if c.ResumePollInterval < minResumePollInterval {
		return dsnValueError("resume-poll-interval", formatDSNDuration(c.ResumePollInterval),
			"is below the floor of "+minResumePollInterval.String()+"; want at least "+minResumePollInterval.String()+
				" (the official client polls every 5s)")
	}
	if c.ResumeTimeout <= c.ResumePollInterval {
		return dsnValueError("resume-timeout", formatDSNDuration(c.ResumeTimeout),
			"is not longer than resume-poll-interval ("+formatDSNDuration(c.ResumePollInterval)+
				"), so the cluster's status would never be polled; want resume-timeout > resume-poll-interval")
	}
	return nil
}

// Addr returns host:port for dialing, with an IPv6 host bracketed and the default port filled
// in when Port is 0.
func (c *Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.port()))
}

// dialTarget is Addr as a gRPC target. gRPC parses a target as a URL, in which the '%' of an
// IPv6 zone ([fe80::1%eth0]:443) is not valid, so an address with a zone is written as an
// escaped URL for gRPC's default resolver, which resolves it to the same address.
func (c *Config) dialTarget() string {
	addr := c.Addr()
	if !strings.Contains(addr, "%") {
		return addr
	}
	return "dns:///" + url.PathEscape(addr)
}

// port is Port, or its default when Port is 0.
func (c *Config) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.useTLS():
		return defaultPortTLS
	default:
		return defaultPortPlain
	}
}

// useTLS reports whether the connection is encrypted.
func (c *Config) useTLS() bool {
	return c.Secure || c.CAFile != "" || c.TLSConfig != nil
}

// tlsConfig returns the TLS configuration to dial with, or nil for plaintext. The server is
// verified as Host, against TLSConfig's roots, else CAFile's, else the system's.
func (c *Config) tlsConfig() (*tls.Config, error) {
	if !c.useTLS() {
		return nil, nil
	}
	var t *tls.Config
	if c.TLSConfig != nil {
		t = c.TLSConfig.Clone()
	} else {
		t = &tls.Config{}
		if c.CAFile != "" {
			pool, err := loadCAFile(c.CAFile)
			if err != nil {
				return nil, err
			}
			t.RootCAs = pool
		}
	}
	if t.ServerName == "" {
		t.ServerName = tlsServerName(c.Host)
	}
	if t.MinVersion == 0 {
		t.MinVersion = tls.VersionTLS12
	}
	return t, nil
}

// loadCAFile reads a PEM bundle. Its errors are *DSNError about the ca-file key, naming the file
// and what is wrong, never the contents; one that cannot be read keeps the read's error as its
// cause, so errors.Is(err, fs.ErrNotExist) holds as well as ErrInvalidDSN.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		why := err
		if pe, ok := err.(*fs.PathError); ok {
			why = pe.Err // the path is the Value already
		}
		e := dsnValueError("ca-file", path, "cannot be read ("+why.Error()+"); want the path of a readable PEM file of CA certificates")
		e.Err = err
		return nil, e
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, dsnValueError("ca-file", path, "is not a CA bundle: no certificate found; want a PEM bundle of CA certificates (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}

// tlsServerName is the name a TLS certificate is verified against: the host, without the zone of
// an IPv6 address (a zone is local to this machine; certificates never carry one).
func tlsServerName(host string) string {
	if strings.Contains(host, ":") {
		if i := strings.IndexByte(host, '%'); i >= 0 {
			return host[:i]
		}
	}
	return host
}

// The lengths DNS allows (RFC 1035): a name of at most 253 bytes written without its final dot,
// of labels of at most 63. A longer host can never resolve, so it is refused when parsed rather
// than failing every dial (and travelling whole into errors and logs).
const (
	maxHostLen  = 253
	maxLabelLen = 63
)

// checkDSNHost returns why host is not a host name or IP address, or "" when it is one. An IP
// literal is bounded by its own syntax; a name by DNS's lengths.
func checkDSNHost(host string) string {
	if strings.Contains(host, ":") {
		if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
			return ""
		}
		return "is not a valid host; want a DNS name, an IPv4 address or an IPv6 address (bracketed in a DSN, e.g. [::1])"
	}
	for i := 0; i < len(host); i++ {
		b := host[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '-' || b == '_') {
			return "is not a valid host; want a DNS name (letters, digits, '.', '-', '_'), an IPv4 address or a bracketed IPv6 address"
		}
	}
	name := strings.TrimSuffix(host, ".")
	if len(name) > maxHostLen {
		return "is too long for a DNS name; want at most " + strconv.Itoa(maxHostLen) + " bytes"
	}
	for label := range strings.SplitSeq(name, ".") {
		if len(label) > maxLabelLen {
			return "has a label (a part between dots) longer than " + strconv.Itoa(maxLabelLen) + " bytes, which DNS does not allow"
		}
	}
	return ""
}

// String returns the DSN of c with the token replaced by "xxxxx", so a Config can be logged.
// It has a value receiver so that printing a Config value is redacted too.
func (c Config) String() string {
	if c.Token != "" {
		c.Token = redactedToken
	}
	return c.FormatDSN()
}

// GoString is String: it keeps %#v from printing the token.
func (c Config) GoString() string { return c.String() }

// LogValue makes slog log the redacted DSN (String) rather than the fields, token included.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
