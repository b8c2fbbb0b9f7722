// Package bluegreen is the driver's blue/green state machine, between the query lifecycle
// (package connector) and the wire. Package strategy is the public face: its types (Options,
// Event, Store, Health, Class, Key) and constants are used here as strategy.Options,
// strategy.Blue and so on, not re-aliased, so a reader sees where each name is defined. This
// package holds the machinery:
//
//   - State, one per cluster (endpoint + cluster name) and process (Shared): colour detection
//     (single flight), per-query pins, transitions on new_strategy hints (drain model), TTL,
//     automated rollback, the Store, Health, events and OpenTelemetry metrics;
//   - Use, one connector's share of a State, with its own event hook, logger and probe;
//   - State.UnaryClientInterceptor, which attaches the strategy, cluster-name and plannerip
//     headers to every call and feeds the replies' hints back to the State.
//
// Retrying is the driver's decision (package connector); this package only says what happened.
package bluegreen
