package strategy

import (
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
)

// Defaults of Options.
const (
	DefaultTTL              = 5 * time.Minute
	DefaultMaxPinAge        = time.Hour
	DefaultDetectTimeout    = 30 * time.Second
	DefaultRollbackFailures = 3
	DefaultRollbackWindow   = time.Minute

	// MinHealthProbeInterval is the floor of connector.Config.HealthProbeInterval: each round of
	// the probe authenticates on the cluster, and a switch is seen anyway by the next call that
	// meets a 456, so probing more often only loads the cluster (1ns made thousands of
	// authenticates a second).
	MinHealthProbeInterval = time.Second
)

// Options configures the blue/green handling of one cluster (connector.Config.StrategyOptions).
// The zero value is usable: every field has a default.
//
// The blue/green state of a cluster (its colour, generation, pins) is one per process, shared by
// every open connector to the same endpoint and cluster name, because they all talk to the same
// proxy. So the fields split in two:
//
//   - OnEvent and Logger belong to each connector: every open connector's OnEvent receives the
//     events of the shared state, and its Logger receives the state's timeline and warnings.
//     The events of one connector's own queries (EventRetry, EventInterrupted) go to that
//     connector's OnEvent and Logger only.
//   - Every other field shapes the shared state itself. A connector that asks for a different
//     value of one of them (after defaults) than the state already has, because another open
//     connector to the same cluster asked for it, is refused with an *OptionsConflictError
//     naming the field; a value is never ignored silently. Once the last connector to a cluster
//     closes, the state is forgotten and the next connector sets it afresh.
type Options struct {
	// TTL is how long a detected colour is trusted before it is validated again. Expiry never
	// moves a running query. Default 5 minutes. Shared.
	TTL time.Duration
	// Selector is the order in which detection tries the colours when none is cached. Default
	// [blue, green]. A single colour forces it: detection tries only that colour, so a 456 on it
	// fails detection instead of falling back. Hints from the server still apply (the proxy is
	// the source of truth). Values other than blue/green are ignored. Shared (compared after
	// that normalisation).
	Selector []string
	// OnEvent observes every event. It is called synchronously, never with a lock held; it
	// should be quick. Per connector.
	OnEvent func(Event)
	// Store shares detections, e.g. between processes (NewFileStore). Default: an in-memory store
	// of the shared state. Shared: connectors to one cluster must pass the same Store (or, for
	// FileStores, stores on the same directory).
	Store Store
	// Logger receives the INFO timeline of each switch and WARNs. Default slog.Default(). Per
	// connector.
	Logger *slog.Logger
	// MeterProvider exports the e6data.* metrics (see the Metric constants). nil: no metrics.
	// Shared: the instruments are the state's, so connectors to one cluster must pass the same
	// provider.
	MeterProvider metric.MeterProvider
	// MaxPinAge is the age past which a running query is reported (EventPinTooOld, a WARN log,
	// Health.LongPins). Queries are never cut for their age. Default 1 hour. Shared.
	MaxPinAge time.Duration
	// RollbackFailures is how many consecutive failures (other than 456) of the colour a switch
	// moved to, within RollbackWindow, make the driver check whether the previous colour still
	// answers and, if it does, send new work back to it (automated rollback). Default 3. Shared.
	RollbackFailures int
	// RollbackWindow bounds that failure streak, and is how long hints back to a colour the
	// driver rolled back from are ignored afterwards. Default 1 minute. Shared.
	RollbackWindow time.Duration
	// DetectTimeout bounds one detection (all its probes) and one rollback check. Default 30
	// seconds. Shared.
	DetectTimeout time.Duration
}
