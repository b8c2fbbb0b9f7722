package connector

import (
	"context"
	"log/slog"
	"time"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// Per-query options travel in the context of QueryContext/ExecContext (and so of GORM's
// WithContext): they change the fields of the prepare request, never the SQL text.

type optionsKey struct{}

type queryOptions struct {
	catalog  *string
	schema   *string
	info     *QueryInfo
	strategy string // a colour forced by WithStrategy
}

func optionsFrom(ctx context.Context) queryOptions {
	if o, _ := ctx.Value(optionsKey{}).(*queryOptions); o != nil {
		return *o
	}
	return queryOptions{}
}

// withOptions returns ctx with fn applied to a copy of its options. The context holds a pointer
// to options never changed after this, so boxing them takes no allocation of its own: the
// dialect calls this for every GORM statement.
func withOptions(ctx context.Context, fn func(*queryOptions)) context.Context {
	o := new(queryOptions)
	*o = optionsFrom(ctx)
	fn(o)
	return context.WithValue(ctx, optionsKey{}, o)
}

// WithCatalog returns ctx making queries run with catalog instead of the DSN's (an empty catalog
// selects the V1 prepare request, which carries none).
func WithCatalog(ctx context.Context, catalog string) context.Context {
	return withOptions(ctx, func(o *queryOptions) { o.catalog = &catalog })
}

// WithSchema returns ctx making queries resolve unqualified names in schema instead of the DSN's
// database.
func WithSchema(ctx context.Context, schema string) context.Context {
	return withOptions(ctx, func(o *queryOptions) { o.schema = &schema })
}

// QueryInfo receives facts about the query run with a context from WithQueryInfo. The driver
// fills it while the query runs; read it after the query returned (Exec) or its rows were closed.
// Only the last run of the statement is described when it was re-run.
type QueryInfo struct {
	// Set these before running the query to have the driver collect more on completion, just
	// before it clears the query on the server.
	CollectExplain        bool
	CollectExplainAnalyze bool

	QueryID  string // e6data's query id
	Strategy string // the blue/green colour the query ran on ("" when not in use)
	Attempts int    // how many times the query was started (more than 1 after transparent re-runs)
	RowCount int64  // the row count in the result metadata, as the engine reports it

	// Replays counts how often a deployment switch cut the query after rows had reached the
	// caller and the driver resumed it by replay; ReplayedRows is how many rows those re-runs
	// read again (and verified) before continuing. QueryID, Strategy and Attempts then describe
	// the last re-run.
	Replays      int
	ReplayedRows int64
	// TimeToFirstRow is how long QueryContext took to return: from the first prepare until the
	// first batch of rows arrived, re-runs and their backoff included. Zero for Exec.
	TimeToFirstRow time.Duration

	Explain        string // the plan, with CollectExplain
	ExplainAnalyze string // JSON execution statistics, with CollectExplainAnalyze
	CollectErr     error  // why collecting the plan or statistics failed, if it did
}

// WithQueryInfo returns ctx that makes the driver describe the query it runs in info.
func WithQueryInfo(ctx context.Context, info *QueryInfo) context.Context {
	return withOptions(ctx, func(o *queryOptions) { o.info = info })
}

// WithStrategy returns ctx making queries run on colour ("blue" or "green") whatever colour
// the cluster serves, for diagnostics (to compare the two stacks during a deployment). Such a
// query holds no pin and is never re-run on another colour: a call rejected for colour (HTTP 456)
// fails the query. Leave it unset in application code, where the driver follows the cluster.
func WithStrategy(ctx context.Context, colour string) context.Context {
	return withOptions(ctx, func(o *queryOptions) { o.strategy = colour })
}

// firstRow records the time to the first row once: a replay's re-run is not the first row.
func (i *QueryInfo) firstRow(d time.Duration) {
	if i.TimeToFirstRow == 0 {
		i.TimeToFirstRow = d
	}
}

// replayed records a replay that read rows again before continuing.
func (i *QueryInfo) replayed(rows int64) {
	i.Replays++
	i.ReplayedRows += rows
}

// set records the query's identity once it was prepared.
func (i *QueryInfo) set(q *query) {
	i.QueryID, i.Strategy, i.Attempts = q.id, q.colour, q.attempt
}

// collect runs the explain RPCs the caller asked for, before the query is cleared.
func (i *QueryInfo) collect(ctx context.Context, q *query) {
	i.RowCount = q.md.RowCount
	if i.CollectExplain {
		i.CollectErr = q.cn.invoke(ctx, "explain", q, false, func(ctx context.Context, sid string) error {
			resp, err := q.cn.c.qe.Explain(ctx, &e6pb.ExplainRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
			i.Explain = resp.GetExplain()
			return err
		})
	}
	if i.CollectExplainAnalyze && i.CollectErr == nil {
		i.CollectErr = q.cn.invoke(ctx, "explainAnalyze", q, false, func(ctx context.Context, sid string) error {
			resp, err := q.cn.c.qe.ExplainAnalyze(ctx, &e6pb.ExplainAnalyzeRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
			i.ExplainAnalyze = resp.GetExplainAnalyze()
			return err
		})
	}
	if i.CollectErr != nil {
		q.cn.c.log.LogAttrs(ctx, slog.LevelWarn, "e6data: collecting query info failed", slog.String("query_id", q.id), slog.Any("error", i.CollectErr))
	}
}
