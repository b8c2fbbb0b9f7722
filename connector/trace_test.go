package connector_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// tracedDB opens a *sql.DB on srv whose statements and gRPC calls are traced into the returned
// in-memory exporter (gRPC spans through otelgrpc's stats handler in Config.DialOptions).
func tracedDB(t *testing.T, srv *mock.Server, params ...string) (*tracetest.InMemoryExporter, *sql.DB) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	cfg := configFor(t, srv, params...)
	cfg.TracerProvider = tp
	cfg.DialOptions = append(cfg.DialOptions, grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(tp))))
	_, db := sgOpen(t, cfg)
	return exp, db
}

// spanAttr returns the value of attribute key of s (an empty Value when absent).
func spanAttr(s tracetest.SpanStub, key string) attribute.Value {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

func eventNames(s tracetest.SpanStub) []string {
	var out []string
	for _, e := range s.Events {
		out = append(out, e.Name)
	}
	return out
}

// readNumbers reads the result of a QueryContext that returned rows and err: rows whose first
// column is a BIGINT n (the others are ignored), calling at(n), when not nil, after each row.
func readNumbers(rows *sql.Rows, err error, at func(n int64)) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	dest := make([]any, len(cols))
	var n int64
	dest[0] = &n
	for i := 1; i < len(dest); i++ {
		dest[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if at != nil {
			at(n)
		}
	}
	return rows.Err()
}

// TestTracingSpans runs one statement per case against a mock whose cluster switches or fails
// under it, and checks its span: one statement span per statement, whose attributes say on which
// colour it ended, with which query id, after how many runs and replays; an event per re-run and
// replay; failures as the span's status; every gRPC call of the statement a child span.
func TestTracingSpans(t *testing.T) {
	const numbers = `SELECT n FROM numbers ORDER BY n`
	for _, tc := range []struct {
		name string
		exec bool
		// run runs the statement on db with ctx, making srv switch or fail under it.
		run func(ctx context.Context, srv *mock.Server, db *sql.DB) error

		wantStrategy string
		wantAttempts int64
		wantReplays  int64
		wantEvents   []string
		wantErrType  string // "" for success
		wantFailed   string // a gRPC call whose span must have failed (the 456 or the SQL error)
	}{
		{
			name: "query re-run after an abrupt switch",
			run: func(ctx context.Context, srv *mock.Server, db *sql.DB) error {
				srv.SwitchAbrupt()
				rows, err := db.QueryContext(ctx, `SELECT 1`)
				return readNumbers(rows, err, nil)
			},
			wantStrategy: strategy.Green, wantAttempts: 2, wantEvents: []string{"e6data.rerun"},
			wantFailed: "QueryEngineService/prepareStatementV2",
		},
		{
			name: "exec re-run after a 456 on execute",
			exec: true,
			run: func(ctx context.Context, srv *mock.Server, db *sql.DB) error {
				srv.FailNext("executeStatementV2", 1, errGo456)
				_, err := db.ExecContext(ctx, `SELECT 1`)
				return err
			},
			wantStrategy: strategy.Blue, wantAttempts: 2, wantEvents: []string{"e6data.rerun"},
			wantFailed: "QueryEngineService/executeStatementV2",
		},
		{
			name: "query cut mid-stream and resumed by replay",
			run: func(ctx context.Context, srv *mock.Server, db *sql.DB) error {
				rows, err := db.QueryContext(ctx, numbers)
				return readNumbers(rows, err, func(n int64) {
					if n == 250 {
						srv.SwitchAbrupt()
					}
				})
			},
			wantStrategy: strategy.Green, wantAttempts: 2, wantReplays: 1, wantEvents: []string{"e6data.replay"},
			wantFailed: "QueryEngineService/getNextResultBatch",
		},
		{
			name: "query interrupted: the replay returned other rows",
			run: func(ctx context.Context, srv *mock.Server, db *sql.DB) error {
				rows, err := db.QueryContext(ctx, `SELECT n, random() AS r FROM numbers ORDER BY n`)
				return readNumbers(rows, err, func(n int64) {
					if n == 250 {
						srv.SwitchAbrupt()
					}
				})
			},
			wantStrategy: strategy.Blue, wantAttempts: 1, wantErrType: "Interrupted", wantEvents: []string{"exception"},
			wantFailed: "QueryEngineService/getNextResultBatch",
		},
		{
			name: "query refused by the engine",
			run: func(ctx context.Context, srv *mock.Server, db *sql.DB) error {
				rows, err := db.QueryContext(ctx, `SELECT * FROM no_such_table`)
				return readNumbers(rows, err, nil)
			},
			wantAttempts: 1, wantErrType: "Other", wantEvents: []string{"exception"},
			wantFailed: "QueryEngineService/prepareStatementV2",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sgStart(t, mock.Options{BatchRows: 100})
			loadNumbers(t, srv, 1000)
			exp, db := tracedDB(t, srv, "prefetch=1")
			ctx := testCtx(t)
			sgQueryOne(t, ctx, db) // detect the colour, outside the statement under test
			// Its clear goes out in the background: let it end before the spans are reset.
			require.Eventually(t, func() bool {
				return slices.ContainsFunc(exp.GetSpans(), func(s tracetest.SpanStub) bool {
					return s.Name == "QueryEngineService/clearOrCancelQuery"
				})
			}, 10*time.Second, time.Millisecond, "the first query's clear")
			exp.Reset()

			info := &connector.QueryInfo{}
			runErr := tc.run(connector.WithQueryInfo(ctx, info), srv, db)
			// Close waits for the statement's clears, sent in the background, so that every span
			// of the statement has ended before they are read.
			require.NoError(t, db.Close())
			if tc.wantErrType == "" {
				require.NoError(t, runErr)
			} else {
				require.Error(t, runErr)
			}

			spans := exp.GetSpans()
			wantName := "e6data.query"
			if tc.exec {
				wantName = "e6data.exec"
			}
			var root tracetest.SpanStub
			roots := 0
			for _, s := range spans {
				if strings.HasPrefix(s.Name, "e6data.") {
					root = s
					roots++
				}
			}
			require.Equal(t, 1, roots, "one span per statement: %v", spanNames(spans))
			assert.Equal(t, wantName, root.Name)
			assert.Equal(t, trace.SpanKindClient, root.SpanKind)
			assert.Equal(t, "e6data", spanAttr(root, "db.system.name").AsString())
			assert.Equal(t, "127.0.0.1", spanAttr(root, "server.address").AsString())
			assert.Equal(t, tc.wantStrategy, spanAttr(root, "e6data.strategy").AsString())
			assert.Equal(t, tc.wantAttempts, spanAttr(root, "e6data.attempts").AsInt64())
			assert.Equal(t, tc.wantReplays, spanAttr(root, "e6data.replays").AsInt64())
			assert.Equal(t, tc.wantEvents, eventNames(root))
			if tc.wantErrType == "" {
				assert.Equal(t, otelcodes.Unset, root.Status.Code)
				assert.Equal(t, info.QueryID, spanAttr(root, "e6data.query_id").AsString(), "the last run's id")
				assert.Equal(t, info.Strategy, tc.wantStrategy)
				assert.Equal(t, info.ReplayedRows, spanAttr(root, "e6data.replayed_rows").AsInt64())
				assert.Equal(t, int64(info.Replays), spanAttr(root, "e6data.replays").AsInt64())
			} else {
				assert.Equal(t, otelcodes.Error, root.Status.Code)
				assert.Equal(t, runErr.Error(), root.Status.Description)
				assert.Equal(t, tc.wantErrType, spanAttr(root, "error.type").AsString())
				var ie *connector.InterruptedError
				if errors.As(runErr, &ie) {
					assert.Equal(t, ie.QueryID, spanAttr(root, "e6data.query_id").AsString())
				}
			}
			if tc.wantReplays > 0 && len(root.Events) > 0 {
				assert.Greater(t, spanAttr(root, "e6data.replayed_rows").AsInt64(), int64(249), "the rows handed out before the cut")
				ev := root.Events[0]
				assert.Contains(t, ev.Attributes, attribute.String("e6data.new_query_id", info.QueryID))
			}
			if slices.Contains(tc.wantEvents, "e6data.rerun") && len(root.Events) > 0 {
				ev := root.Events[0]
				assert.Contains(t, ev.Attributes, attribute.Int("e6data.attempt", 2))
				var reason string
				for _, kv := range ev.Attributes {
					if kv.Key == "e6data.reason" {
						reason = kv.Value.AsString()
					}
				}
				assert.Contains(t, reason, "456")
			}

			// The gRPC calls of the statement are its children, and the call that failed says so.
			failed := false
			children := map[string]int{}
			for _, s := range spans {
				if s.SpanContext.SpanID() == root.SpanContext.SpanID() {
					continue
				}
				assert.Equal(t, root.SpanContext.TraceID(), s.SpanContext.TraceID(), "span %s in the statement's trace", s.Name)
				assert.Equal(t, root.SpanContext.SpanID(), s.Parent.SpanID(), "span %s is a child of the statement's", s.Name)
				children[s.Name]++
				if s.Name == tc.wantFailed && s.Status.Code == otelcodes.Error {
					failed = true
				}
			}
			assert.True(t, failed, "the span of the failed call %s has status Error: %v", tc.wantFailed, children)
			assert.Positive(t, children["QueryEngineService/prepareStatementV2"], "%v", children)
		})
	}
}

// TestTracingOff checks that without a TracerProvider no span is made, even when the caller's
// context carries one: the driver adds nothing to the caller's trace.
func TestTracingOff(t *testing.T) {
	srv := sgStart(t, mock.Options{})
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	_, db := sgOpen(t, configFor(t, srv))
	ctx, parent := tp.Tracer("test").Start(testCtx(t), "caller")
	sgQueryOne(t, ctx, db)
	parent.End()
	assert.Equal(t, []string{"caller"}, spanNames(exp.GetSpans()))
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
