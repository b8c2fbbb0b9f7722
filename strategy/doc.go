// Package strategy holds the public side of the driver's zero-downtime blue/green support: what
// a user configures, observes and plugs in. An e6data cluster runs in one of two colours (Blue,
// Green) behind a proxy that refuses calls carrying the wrong colour (HTTP 456); during a
// deployment the proxy announces the new colour, and the driver moves new queries to it while
// running queries finish on the colour they started on.
//
//   - Options configures it (connector.Config.StrategyOptions): TTL, Selector, Store, rollback
//     tuning, and OnEvent, Logger and MeterProvider to observe it.
//   - Event and EventKind describe each change (detection, hint, switch, drain, rollback, 456,
//     retry, interrupted query, auto-resume).
//   - Store, with MemoryStore and FileStore, shares detections, e.g. between the processes of a
//     host.
//   - Health is a snapshot of a cluster's state (connector.Connector.Health).
//   - The Metric constants name the OpenTelemetry instruments.
//   - Class and Classify say what an RPC error means; connector.Error carries its Class.
//
// The state machine itself is the driver's (package connector); its state is one per cluster
// (endpoint and cluster name) and process, shared by every connector to that cluster (see
// Options for which fields are per connector and which are shared).
package strategy
