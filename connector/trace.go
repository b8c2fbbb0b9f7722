package connector

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/strategy"
)

// Tracing and the per-statement metrics.
//
// Each statement run through QueryContext or ExecContext is one observation, from the call until
// its result is closed (for ExecContext, until it returns): a span on Config.TracerProvider and
// the metric e6data.query.duration (plus e6data.query.replays and e6data.query.replayed_rows for
// replays) on StrategyOptions.MeterProvider. The span is in the context of every gRPC call the
// statement makes, so the spans of a gRPC stats handler such as otelgrpc's are its children; a
// re-run and a replay stay in the same span, as events, since to the caller they are one query.
//
// Span names and attributes:
//
//	name              "e6data.query" (QueryContext) or "e6data.exec" (ExecContext); kind client
//	db.system.name    "e6data"
//	server.address    Config.Host; server.port the port dialled
//	db.namespace      Config.Database, when set
//	e6data.cluster    Config.ClusterName, when set
//	e6data.strategy   the colour the statement ended on ("" when it never got one)
//	e6data.query_id   e6data's id of its last run
//	e6data.attempts   how many times it was run: 1, plus its transparent re-runs and replays
//	e6data.replays    how many times a switch cut it mid-stream and it resumed by replay
//	e6data.replayed_rows  the rows those replays read again and verified
//	error.type        on failure: the strategy.Class of the error, or "Interrupted"
//
// Events: "e6data.rerun" for each transparent re-run (attributes e6data.attempt, the attempt
// about to start; e6data.query_id, the run abandoned, "" when it failed before prepare;
// e6data.reason, its error), and "e6data.replay" for each replay (e6data.query_id the run that
// was cut, e6data.new_query_id its replacement, e6data.replayed_rows). A failure sets the span's
// status to Error with the error's message (which never carries the token) and records the
// error. The SQL text is not recorded: the driver interpolates arguments into it client-side, so
// it carries the values.

// Span names.
const (
	spanQuery = "e6data.query"
	spanExec  = "e6data.exec"
)

// tracerName is the instrumentation scope of the driver's spans.
const tracerName = "github.com/e6data/gorm-e6data/connector"

// newTracer returns the tracer of cfg.TracerProvider, nil when it is nil (no spans).
func newTracer(cfg *Config) trace.Tracer {
	if cfg.TracerProvider == nil {
		return nil
	}
	return cfg.TracerProvider.Tracer(tracerName)
}

type observationKey struct{}

// observation is one statement's span and counters. Its methods accept a nil receiver (a context
// without an observation), so the hooks in the query's code are one line each.
type observation struct {
	state *bluegreen.Use
	span  trace.Span // nil without a TracerProvider
	began time.Time

	mu       sync.Mutex
	reruns   int
	replays  int
	replayed int64
	ended    bool
}

// observe starts the observation of a statement and returns ctx carrying it (and its span, so
// that the gRPC calls of the statement are its children).
func (cn *Conn) observe(ctx context.Context, name string) (context.Context, *observation) {
	ob := &observation{state: cn.c.state, began: time.Now()}
	if t := cn.c.tracer; t != nil {
		ctx, ob.span = t.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient))
		if ob.span.IsRecording() {
			ob.span.SetAttributes(cn.c.spanAttrs...)
		}
	}
	return context.WithValue(ctx, observationKey{}, ob), ob
}

// spanAttributes returns the attributes every span of the connector carries.
func spanAttributes(cfg *Config) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("db.system.name", "e6data"),
		attribute.String("server.address", cfg.Host),
		attribute.Int("server.port", cfg.port()),
	}
	if cfg.Database != "" {
		attrs = append(attrs, attribute.String("db.namespace", cfg.Database))
	}
	if cfg.ClusterName != "" {
		attrs = append(attrs, attribute.String("e6data.cluster", cfg.ClusterName))
	}
	return attrs
}

// observationFrom returns the observation ctx carries, or nil.
func observationFrom(ctx context.Context) *observation {
	ob, _ := ctx.Value(observationKey{}).(*observation)
	return ob
}

// rerun records that the statement is run again (attempt is the attempt about to start) after
// err ended the run abandonedID.
func (ob *observation) rerun(abandonedID string, attempt int, err error) {
	if ob == nil {
		return
	}
	ob.mu.Lock()
	ob.reruns++
	ob.mu.Unlock()
	if ob.span != nil && ob.span.IsRecording() {
		attrs := []attribute.KeyValue{attribute.Int("e6data.attempt", attempt), attribute.String("e6data.query_id", abandonedID)}
		if err != nil {
			attrs = append(attrs, attribute.String("e6data.reason", err.Error()))
		}
		ob.span.AddEvent("e6data.rerun", trace.WithAttributes(attrs...))
	}
}

// replay records that the run cutID, cut mid-stream, was replaced by newID after rows were read
// again and verified.
func (ob *observation) replay(cutID, newID string, rows int64) {
	if ob == nil {
		return
	}
	ob.state.CountReplay(rows)
	ob.mu.Lock()
	ob.replays++
	ob.replayed += rows
	ob.mu.Unlock()
	if ob.span != nil && ob.span.IsRecording() {
		ob.span.AddEvent("e6data.replay", trace.WithAttributes(attribute.String("e6data.query_id", cutID),
			attribute.String("e6data.new_query_id", newID), attribute.Int64("e6data.replayed_rows", rows)))
	}
}

// end ends the observation once: q is the statement's last run (nil when none started), err
// how it ended (nil, or io.EOF-free: the caller passes only real failures).
func (ob *observation) end(q *query, err error) {
	if ob == nil {
		return
	}
	ob.mu.Lock()
	if ob.ended {
		ob.mu.Unlock()
		return
	}
	ob.ended = true
	attempts, replays, replayed := 1+ob.reruns+ob.replays, ob.replays, ob.replayed
	ob.mu.Unlock()
	var colour, id string
	if q != nil {
		colour, id = q.colour, q.id
	}
	ob.state.RecordQuery(time.Since(ob.began), colour, err == nil)
	if ob.span == nil {
		return
	}
	if ob.span.IsRecording() {
		ob.span.SetAttributes(
			attribute.String("e6data.strategy", colour),
			attribute.String("e6data.query_id", id),
			attribute.Int("e6data.attempts", attempts),
			attribute.Int("e6data.replays", replays),
			attribute.Int64("e6data.replayed_rows", replayed),
		)
		if err != nil {
			ob.span.SetAttributes(attribute.String("error.type", errorType(err)))
			ob.span.RecordError(err)
			ob.span.SetStatus(codes.Error, err.Error())
		}
	}
	ob.span.End()
}

// errorType names the kind of a statement's failure for the error.type attribute: a low
// cardinality name, never the message.
func errorType(err error) string {
	var e *Error
	switch {
	case errors.Is(err, ErrQueryInterrupted):
		return "Interrupted"
	case errors.As(err, &e):
		return e.Class.String()
	default:
		return strategy.Classify(context.Background(), err).String()
	}
}
