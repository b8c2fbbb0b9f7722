package mock

import (
	"crypto/tls"
	"log/slog"
	"time"
)

// Colours of the two stacks a cluster switches between.
const (
	Blue  = "blue"
	Green = "green"
)

// WrongStrategyShape selects how the mock answers a call that carries the colour that is not
// serving. The real front proxy answers HTTP 456 at the HTTP/2 layer; the other shapes are what
// other servers and gRPC libraries have been seen to produce (docs/protocol.md lists them), for
// compatibility tests of a client's classifier.
type WrongStrategyShape int

const (
	// HTTP456 answers `:status 456` with a text/plain body and no gRPC framing, before gRPC sees
	// the call, as the real proxy does. grpc-go reports codes.Unknown "unexpected HTTP status
	// code received from server: 456 …".
	HTTP456 WrongStrategyShape = iota
	// GRPCStatus456 answers a gRPC trailers-only response with grpc-status 456.
	GRPCStatus456
	// UnknownCCore answers codes.Unknown with gRPC C-core's text "Received http2 header with
	// status: 456".
	UnknownCCore
	// InvalidArgument456 answers codes.InvalidArgument "Wrong strategy. Status: 456. Expected:
	// <live>, Got: <sent>", as e6data's Python mock server does.
	InvalidArgument456
)

// Options configure a mock cluster. The zero value is usable: one user "admin" with token
// "mock-token", catalog "e6data", schema "default", blue serving, on 127.0.0.1 with a free port.
type Options struct {
	// Listen is the address to serve on; default "127.0.0.1:0" (a free port on loopback).
	Listen string
	// Users maps user names to their tokens. Default {"admin": "mock-token"}.
	Users map[string]string
	// Catalog and Schema name the default catalog and schema (and the DSN's). Defaults "e6data"
	// and "default".
	Catalog, Schema string
	// ClusterName is the cluster name put in the DSN; calls are accepted whatever cluster-name
	// header they carry (it is logged for assertions).
	ClusterName string
	// InitialStrategy is the colour serving at start: Blue (default) or Green.
	InitialStrategy string
	// BatchRows is the number of rows per result batch; default 8192.
	BatchRows int
	// DrainTimeout bounds how long Switch keeps the old colour serving the queries pinned to
	// it; default 30s. After it, the old colour is retired even with queries still pinned.
	DrainTimeout time.Duration
	// ResumeDelay is how long a suspended cluster stays "resuming" after a resume; default 50ms.
	ResumeDelay time.Duration
	// WrongStrategy selects how calls carrying the retired colour are rejected; default HTTP456.
	WrongStrategy WrongStrategyShape
	// RejectAuthWithStatus makes a wrong token fail with codes.Unauthenticated "Invalid
	// credentials" instead of the default OK response with an empty sessionId.
	RejectAuthWithStatus bool
	// Demo loads the deterministic retail demo dataset into the default catalog and schema.
	Demo bool
	// Dir holds the SQLite files; "" uses a private temporary directory removed by Close.
	Dir string
	// TLS, when set, serves HTTP/2 over TLS with this configuration instead of plaintext h2c.
	TLS *tls.Config
	// Logger receives the mock's own log lines (switches, state changes); nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if len(o.Users) == 0 {
		o.Users = map[string]string{"admin": "mock-token"}
	}
	if o.Catalog == "" {
		o.Catalog = "e6data"
	}
	if o.Schema == "" {
		o.Schema = "default"
	}
	if o.InitialStrategy == "" {
		o.InitialStrategy = Blue
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 8192
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 30 * time.Second
	}
	if o.ResumeDelay <= 0 {
		o.ResumeDelay = 50 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
