package strategy

import (
	"context"
	"log/slog"
	"time"
)

// EventKind says what happened to a cluster's blue/green state.
type EventKind int

// The events. Fields of Event that an event does not use are zero.
const (
	// EventDetected: detection found the serving colour (Colour, Generation, Method "probe" or
	// "store", Attempt = number of probes made), or a 456 named it (Method "456").
	EventDetected EventKind = iota + 1
	// EventPending: a response hinted a new colour (From, To, Generation).
	EventPending
	// EventSwitched: new work moved to another colour (From, To, Generation, Method "hint" or
	// "detect").
	EventSwitched
	// EventRolledBack: a pending switch was cancelled by a hint back to the active colour
	// (Method "hint"), the server refused a hinted colour with a 456 before any call on it
	// succeeded (Method "refused": the hint is held until a query completes on To), or an
	// automated rollback returned to the previous colour (Method "auto"). From is the colour
	// abandoned, To the colour kept or returned to.
	EventRolledBack
	// EventWrongStrategy: a call got HTTP 456 (Colour sent, Method = RPC, Err).
	EventWrongStrategy
	// EventRetry: the driver re-runs a query transparently (QueryID, Attempt, Err).
	EventRetry
	// EventInterrupted: a deployment switch cut a query that could not be resumed (QueryID, Err).
	EventInterrupted
	// EventPinTooOld: a pin outlived Options.MaxPinAge (Colour, QueryID, Age). Reported once
	// per pin; the pin is kept.
	EventPinTooOld
	// EventInvalidated: a 456 made the State forget its colour for new work (Colour,
	// Generation); the next Colour re-detects.
	EventInvalidated
	// EventDrained: the last pin of the colour a switch left was released (From, To, Age =
	// switch duration, first hint to last old pin).
	EventDrained
	// EventAutoResume: the driver resumed a suspended cluster.
	EventAutoResume
)

var eventNames = [...]string{"", "Detected", "Pending", "Switched", "RolledBack", "WrongStrategy", "Retry",
	"Interrupted", "PinTooOld", "Invalidated", "Drained", "AutoResume"}

// String returns the event name.
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "EventKind(?)"
}

// Event is one observation of a cluster's blue/green state, passed to Options.OnEvent.
type Event struct {
	Kind       EventKind
	Key        Key
	At         time.Time
	Colour     string
	From, To   string
	Generation uint64
	Method     string // RPC method, or how a change was made ("probe", "store", "hint", "detect", "auto")
	QueryID    string
	Attempt    int
	Age        time.Duration
	Err        error
}

// events collects what happened under the lock, to be fired after it is released: OnEvent and
// the logger must never run with mu held (a callback may call back into the State).
type events []Event

func (s *State) ev(evs *events, e Event) {
	e.Key, e.At = s.key, s.now()
	*evs = append(*evs, e)
}

// fire logs and delivers evs. Call without mu.
func (s *State) fire(evs events) {
	for _, e := range evs {
		s.logEvent(e)
		if s.opts.OnEvent != nil {
			s.opts.OnEvent(e)
		}
	}
}

// logEvent writes the INFO timeline of switches (and WARNs). Tokens never reach an Event, so
// they never reach the log.
func (s *State) logEvent(e Event) {
	ctx := context.Background()
	level, msg := slog.LevelInfo, ""
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.Uint64("generation", e.Generation))
	switch e.Kind {
	case EventDetected:
		msg = "e6data: strategy detected"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("method", e.Method), slog.Int("attempt", e.Attempt))
	case EventPending:
		msg = "e6data: strategy switch hint seen"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To))
	case EventSwitched:
		msg = "e6data: first query on the new strategy"
		if e.Method != "hint" {
			msg = "e6data: strategy switched"
		}
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.String("method", e.Method))
	case EventRolledBack:
		level, msg = slog.LevelWarn, "e6data: strategy switch rolled back"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.String("method", e.Method))
	case EventWrongStrategy:
		msg = "e6data: wrong strategy (456)"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("rpc", e.Method))
	case EventRetry:
		msg = "e6data: query retried"
		attrs = append(attrs, slog.String("query_id", e.QueryID), slog.Int("attempt", e.Attempt))
	case EventInterrupted:
		level, msg = slog.LevelWarn, "e6data: query interrupted by a deployment switch"
		attrs = append(attrs, slog.String("query_id", e.QueryID))
	case EventPinTooOld:
		level, msg = slog.LevelWarn, "e6data: query pinned longer than the maximum pin age"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("query_id", e.QueryID), slog.Duration("age", e.Age))
	case EventInvalidated:
		msg = "e6data: strategy invalidated"
		attrs = append(attrs, slog.String("strategy", e.Colour))
	case EventDrained:
		msg = "e6data: last query on the old strategy released"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.Duration("switch_duration", e.Age))
	case EventAutoResume:
		msg = "e6data: cluster auto-resumed"
	default:
		return
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	s.log.LogAttrs(ctx, level, msg, attrs...)
}

// CountRetry records that the driver transparently re-runs query queryID (attempt counts from
// 1 for the first retry) after err: metric e6data.query.retries and EventRetry.
func (s *State) CountRetry(queryID string, attempt int, err error) {
	s.met.retry()
	var evs events
	s.ev(&evs, Event{Kind: EventRetry, QueryID: queryID, Attempt: attempt, Err: err, Generation: s.Generation()})
	s.fire(evs)
}

// CountInterrupted records that a deployment switch cut query queryID (ErrQueryInterrupted
// returned to the caller): metric e6data.query.interrupted and EventInterrupted.
func (s *State) CountInterrupted(queryID string, err error) {
	s.met.interrupted()
	var evs events
	s.ev(&evs, Event{Kind: EventInterrupted, QueryID: queryID, Err: err, Generation: s.Generation()})
	s.fire(evs)
}

// CountAutoResume records that the driver resumed a suspended cluster: metric
// e6data.cluster.auto_resumes and EventAutoResume.
func (s *State) CountAutoResume() {
	s.met.autoResume()
	var evs events
	s.ev(&evs, Event{Kind: EventAutoResume, Generation: s.Generation()})
	s.fire(evs)
}

// CountWrongStrategy records a 456 on RPC method: metric e6data.strategy.wrong_strategy and
// EventWrongStrategy. The State's interceptor already counts every 456 that passes through it;
// call this only for 456s seen elsewhere (e.g. a streaming call).
func (s *State) CountWrongStrategy(method string) {
	s.wrongStrategy(method, "", nil)
}

func (s *State) wrongStrategy(method, colour string, err error) {
	s.met.wrongStrategy(method)
	var evs events
	s.ev(&evs, Event{Kind: EventWrongStrategy, Method: method, Colour: colour, Err: err, Generation: s.Generation()})
	s.fire(evs)
}
