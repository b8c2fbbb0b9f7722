package bluegreen

import (
	"context"
	"log/slog"

	"github.com/e6data/gorm-e6data/strategy"
)

// events collects what happened under the lock, to be fired after it is released: OnEvent and
// the logger must never run with mu held (a callback may call back into the State).
type events []strategy.Event

func (s *State) ev(evs *events, e strategy.Event) {
	e.Key, e.At = s.key, s.now()
	*evs = append(*evs, e)
}

// fire logs evs to every member's logger and delivers them to every member's OnEvent: they are
// about the cluster's state, which all members share. Call without mu.
func (s *State) fire(evs events) {
	if len(evs) == 0 {
		return
	}
	ms := s.memberList()
	for _, e := range evs {
		logEvent(s.log, e)
		for _, m := range ms {
			if m.onEvent != nil {
				m.onEvent(e)
			}
		}
	}
}

// fireTo logs evs to m's logger and delivers them to m's OnEvent only: they are about m's own
// queries. Call without mu.
func (s *State) fireTo(m *member, evs events) {
	for _, e := range evs {
		logEvent(m.tagged, e)
		if m.onEvent != nil {
			m.onEvent(e)
		}
	}
}

// logEvent writes the INFO timeline of switches (and WARNs) to l. Tokens never reach an Event,
// so they never reach the log.
func logEvent(l *slog.Logger, e strategy.Event) {
	ctx := context.Background()
	level, msg := slog.LevelInfo, ""
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.Uint64("generation", e.Generation))
	switch e.Kind {
	case strategy.EventDetected:
		msg = "e6data: strategy detected"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("method", e.Method), slog.Int("attempt", e.Attempt))
	case strategy.EventPending:
		msg = "e6data: strategy switch hint seen"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To))
	case strategy.EventSwitched:
		msg = "e6data: first query on the new strategy"
		if e.Method != "hint" {
			msg = "e6data: strategy switched"
		}
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.String("method", e.Method))
	case strategy.EventRolledBack:
		level, msg = slog.LevelWarn, "e6data: strategy switch rolled back"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.String("method", e.Method))
	case strategy.EventWrongStrategy:
		msg = "e6data: wrong strategy (456)"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("rpc", e.Method))
	case strategy.EventRetry:
		msg = "e6data: query retried"
		attrs = append(attrs, slog.String("query_id", e.QueryID), slog.Int("attempt", e.Attempt))
	case strategy.EventInterrupted:
		level, msg = slog.LevelWarn, "e6data: query interrupted by a deployment switch"
		attrs = append(attrs, slog.String("query_id", e.QueryID))
	case strategy.EventPinTooOld:
		level, msg = slog.LevelWarn, "e6data: query pinned longer than the maximum pin age"
		attrs = append(attrs, slog.String("strategy", e.Colour), slog.String("query_id", e.QueryID), slog.Duration("age", e.Age))
	case strategy.EventInvalidated:
		msg = "e6data: strategy invalidated"
		attrs = append(attrs, slog.String("strategy", e.Colour))
	case strategy.EventDrained:
		msg = "e6data: last query on the old strategy released"
		attrs = append(attrs, slog.String("from", e.From), slog.String("to", e.To), slog.Duration("switch_duration", e.Age))
	case strategy.EventAutoResume:
		msg = "e6data: cluster auto-resumed"
	default:
		return
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	l.LogAttrs(ctx, level, msg, attrs...)
}

// CountRetry records that the driver transparently re-runs query queryID (attempt counts from
// 1 for the first retry) after err: metric e6data.query.retries and EventRetry.
func (s *State) CountRetry(queryID string, attempt int, err error) {
	s.fire(s.retried(queryID, attempt, err))
}

func (s *State) retried(queryID string, attempt int, err error) events {
	s.met.retry()
	var evs events
	s.ev(&evs, strategy.Event{Kind: strategy.EventRetry, QueryID: queryID, Attempt: attempt, Err: err, Generation: s.Generation()})
	return evs
}

// CountInterrupted records that a deployment switch cut query queryID (ErrQueryInterrupted
// returned to the caller): metric e6data.query.interrupted and EventInterrupted.
func (s *State) CountInterrupted(queryID string, err error) {
	s.fire(s.interrupted(queryID, err))
}

func (s *State) interrupted(queryID string, err error) events {
	s.met.interrupted()
	var evs events
	s.ev(&evs, strategy.Event{Kind: strategy.EventInterrupted, QueryID: queryID, Err: err, Generation: s.Generation()})
	return evs
}

// CountAutoResume records that the driver resumed a suspended cluster: metric
// e6data.cluster.auto_resumes and EventAutoResume.
func (s *State) CountAutoResume() {
	s.met.autoResume()
	var evs events
	s.ev(&evs, strategy.Event{Kind: strategy.EventAutoResume, Generation: s.Generation()})
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
	s.ev(&evs, strategy.Event{Kind: strategy.EventWrongStrategy, Method: method, Colour: colour, Err: err, Generation: s.Generation()})
	s.fire(evs)
}
