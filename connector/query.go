package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/strategy"
)

// query is one run of one statement through e6data's query lifecycle: prepare,
// execute, result metadata, result batches until the end marker, and clearOrCancelQuery always.
type query struct {
	cn       *Conn
	ctx      context.Context // the caller's: when it ends, the query is cancelled on the server
	sql      string
	catalog  string
	schema   string
	colour   string         // the colour every call of the query carries: its pin's
	pin      *bluegreen.Pin // held from before prepare until the query ends in any way
	id       string         // set by prepare
	engineIP string         // set by prepare
	attempt  int
	executed bool // executeStatement succeeded: the statement ran on the server
	md       codec.Metadata
	info     *QueryInfo
	forced   string // a colour forced by WithStrategy: no pin, no re-run elsewhere

	cancelOnce   sync.Once
	clearOnce    sync.Once   // the caller's end of the query (clearOnServer)
	clearClaimed atomic.Bool // the clear was taken by one sender (see sendClear)
	bgMu         sync.Mutex
	cancelDone   <-chan struct{} // closed when the query's cancelQuery ended; nil when none was sent
}

// startQuery prepares, executes and reads the metadata of sqlText, and with fetchFirst also the
// first batch, so that everything that can fail before a row reaches the caller fails here,
// where the whole query can be re-run. A query is re-run from prepare (a new query id, on the
// colour pinned anew) when a call was rejected for its colour (HTTP 456: the call did not run)
// or a suspended cluster was resumed under it; attempts are bounded by Config.RetryAttempts,
// the first re-run at once, then with exponential backoff and jitter. A statement run for its
// effect (ExecContext, fetchFirst false) is not run again once its execute succeeded: it may have
// changed data. When every attempt was rejected, the error is a *RetryError. The metadata and the
// first batch are requested together, so a small query costs three round trips: prepare,
// execute, and those two.
func (cn *Conn) startQuery(ctx context.Context, sqlText string, fetchFirst bool) (*query, *codec.Chunk, error) {
	return cn.startQueryWithin(ctx, sqlText, fetchFirst, new(budget))
}

// budget counts the starts of a statement within one call of the caller (a QueryContext or
// ExecContext, or the replay of a cut query inside one Rows.Next): every start, the first or a
// re-run, takes one of Config.RetryAttempts, so the re-runs of a replay (each a startQuery with
// its own re-runs) share one budget instead of multiplying it.
type budget struct{ used int }

// startQueryWithin is startQuery drawing its attempts from b.
func (cn *Conn) startQueryWithin(ctx context.Context, sqlText string, fetchFirst bool, b *budget) (*query, *codec.Chunk, error) {
	for {
		b.used++
		attempt := b.used
		q := cn.newQuery(ctx, sqlText, attempt)
		var first *codec.Chunk
		err := cn.pin(q)
		if err == nil && !cn.c.open.track(q) {
			err = ErrConnectorClosed // Close began: nothing new goes to the cluster
		}
		if err == nil {
			first, err = q.start(fetchFirst)
		}
		if err == nil {
			return q, first, nil
		}
		q.abandon()
		if !rerunnable(err) || ctx.Err() != nil {
			return nil, nil, err
		}
		if q.executed && !fetchFirst {
			var e *Error
			if errors.As(err, &e) {
				e.Retryable = false
				e.Message += " (the statement ran before this failure; it was not run again)"
			}
			return nil, nil, err
		}
		if attempt >= cn.cfg.RetryAttempts {
			return nil, nil, exhausted(attempt, err)
		}
		cn.c.state.CountRetry(q.id, attempt+1, err)
		observationFrom(ctx).rerun(q.id, attempt+1, err) // trace.go
		cn.c.log.LogAttrs(ctx, slog.LevelInfo, "e6data: re-running query", slog.String("query_id", q.id),
			slog.Int("attempt", attempt+1), slog.String("reason", err.Error()))
		// The first re-run goes out at once: a 456 names the serving colour (or the colour is
		// detected again), so it is not a guess that needs spacing out. Backoff from the
		// second re-run on, when the cluster keeps rejecting.
		if attempt > 1 {
			if err := sleepBackoff(ctx, attempt-1); err != nil {
				return nil, nil, err
			}
		}
	}
}

// pin takes the snapshot of the cluster's colour that every call of q will carry, atomically
// with the in-flight count, before prepare (detecting the colour first when it is unknown).
func (cn *Conn) pin(q *query) error {
	if q.forced != "" {
		return q.force()
	}
	for range 3 { // the colour may be invalidated between detection and the pin: detect again
		if _, err := cn.colour(q.ctx); err != nil {
			return err
		}
		if pin, ok := cn.c.state.Acquire(); ok {
			q.pin = pin
			cn.use(q, pin.Colour())
			cn.forgetOtherSessions(q.colour)
			return nil
		}
	}
	return &Error{RPC: "authenticate", Code: codes.Unavailable, Class: strategy.WrongStrategy, Retryable: true,
		Message: "the cluster's blue/green colour keeps changing; no colour could be pinned"}
}

func (cn *Conn) newQuery(ctx context.Context, sqlText string, attempt int) *query {
	o := optionsFrom(ctx)
	q := &query{cn: cn, ctx: ctx, sql: sqlText, catalog: cn.cfg.Catalog, schema: cn.cfg.Database, attempt: attempt, info: o.info, forced: o.strategy}
	if o.catalog != nil {
		q.catalog = *o.catalog
	}
	if o.schema != nil {
		q.schema = *o.schema
	}
	return q
}

// force runs q on the colour WithStrategy forced, without a pin. A forced query is not re-run
// after its colour was rejected: the caller asked for that colour.
func (q *query) force() error {
	if q.forced != strategy.Blue && q.forced != strategy.Green {
		return &Error{RPC: "prepareStatement", Code: codes.InvalidArgument, Class: strategy.Other,
			Message: fmt.Sprintf("WithStrategy: unknown colour %q; use %q or %q", q.forced, strategy.Blue, strategy.Green)}
	}
	if q.attempt > 1 {
		return &Error{RPC: "prepareStatement", Code: codes.FailedPrecondition, Class: strategy.Other,
			Message: fmt.Sprintf("the colour %q forced with WithStrategy is not serving (HTTP 456); drop WithStrategy to follow the cluster", q.forced)}
	}
	q.cn.use(q, q.forced)
	return nil
}

// rerunnable reports whether a failure allows running the query again: a call rejected for its
// colour (HTTP 456: it did not execute) or a suspended cluster that was resumed; never once the
// attempts were used up (*RetryError).
func rerunnable(err error) bool {
	var e *Error
	var re *RetryError
	if !errors.As(err, &e) || errors.As(err, &re) {
		return false
	}
	return e.Class == strategy.WrongStrategy || (e.Class == strategy.Suspended && e.Retryable)
}

// sleepBackoff waits before attempt+1: exponential from 50 ms, capped at 2 s, with "equal
// jitter": half of the step is fixed and half random, so the waits always grow (at least 25, 50,
// 100 ms, ...) while retries of many clients still spread out. (Full jitter, a random wait in
// [0, step), has no lower bound: consecutive retries could go out back to back, no backoff.)
func sleepBackoff(ctx context.Context, attempt int) error {
	d := 50 * time.Millisecond << min(attempt-1, 6)
	d = min(d, 2*time.Second)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (q *query) start(fetchFirst bool) (*codec.Chunk, error) {
	if err := q.prepare(); err != nil {
		return nil, err
	}
	if q.info != nil {
		q.info.set(q)
	}
	execute := "executeStatement"
	if q.catalog != "" {
		execute = "executeStatementV2" // the V2 prepare's query needs the V2 execute
	}
	if err := q.rpc(execute, func(ctx context.Context, sid string) error {
		var err error
		if q.catalog != "" {
			_, err = q.cn.c.qe.ExecuteStatementV2(ctx, &e6pb.ExecuteStatementV2Request{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
		} else {
			_, err = q.cn.c.qe.ExecuteStatement(ctx, &e6pb.ExecuteStatementRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
		}
		return err
	}); err != nil {
		return nil, err
	}
	q.executed = true
	if !fetchFirst {
		return nil, q.metadata()
	}
	return q.metadataAndFirst()
}

// metadataAndFirst requests the result metadata and the first batch together, so that both cost
// one round trip on the caller's path instead of two. The server answers either call once the
// statement was executed. The first of them to fail decides the error and cancels the other,
// which may be hung: the caller waits for neither beyond the failure (a cancelled call ends on
// the client at once). The batch is decoded once the metadata is there: its columns bound what
// the decoder keeps.
func (q *query) metadataAndFirst() (*codec.Chunk, error) {
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	var (
		first error // the first failure; the other call then fails with the cancellation
		once  sync.Once
	)
	fail := func(err error) {
		once.Do(func() {
			first = err
			cancel()
		})
	}
	var raw []byte
	done := make(chan struct{})
	go func() { // ends with the call, which the caller's context or a failure of the metadata cancels
		defer close(done)
		var err error
		if raw, _, err = q.receive(ctx, nil); err != nil {
			fail(err)
		}
	}()
	if err := q.metadataIn(ctx); err != nil {
		fail(err)
	}
	<-done
	if first != nil {
		return nil, first
	}
	return q.decode(raw, nil)
}

// prepare sends prepareStatementV2 when a catalog is set, else prepareStatement, bounded by
// Config.PrepareTimeout.
func (q *query) prepare() error {
	ctx, cancel := context.WithTimeout(q.ctx, q.cn.cfg.PrepareTimeout)
	defer cancel()
	rpc := "prepareStatement"
	if q.catalog != "" {
		rpc = "prepareStatementV2"
	}
	err := q.cn.invoke(ctx, rpc, q, false, func(ctx context.Context, sid string) error {
		var resp *e6pb.PrepareStatementResponse
		var err error
		if q.catalog != "" {
			resp, err = q.cn.c.qe.PrepareStatementV2(ctx, &e6pb.PrepareStatementV2Request{
				SessionId: sid, Schema: q.schema, Catalog: q.catalog, QueryString: q.sql})
		} else {
			resp, err = q.cn.c.qe.PrepareStatement(ctx, &e6pb.PrepareStatementRequest{
				SessionId: sid, Schema: q.schema, QueryString: q.sql})
		}
		if err != nil {
			return err
		}
		q.id, q.engineIP = resp.GetQueryId(), resp.GetEngineIP()
		q.pin.SetQueryID(q.id)
		return nil
	})
	if err == nil && !q.cn.c.open.prepared(q) {
		// Close began while the prepare was on its way: the query stops here, and its own
		// end (abandon) clears it.
		return fmt.Errorf("%w (the query was prepared as it closed; it was not run)", ErrConnectorClosed)
	}
	return err
}

func (q *query) metadata() error { return q.metadataIn(q.ctx) }

// metadataIn reads the result metadata on ctx, the caller's context or one derived from it.
func (q *query) metadataIn(ctx context.Context) error {
	var raw []byte
	if err := q.rpcCtx(ctx, "getResultMetadata", func(ctx context.Context, sid string) error {
		resp, err := q.cn.c.qe.GetResultMetadata(ctx, &e6pb.GetResultMetadataRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
		raw = resp.GetResultMetaData()
		return err
	}); err != nil {
		return err
	}
	md, err := codec.DecodeMetadata(raw)
	if err != nil {
		return fmt.Errorf("e6data: query %s: result metadata from the server: %w", q.id, err)
	}
	q.md = md
	return nil
}

// fetch returns the next batch, or nil at the end of the results, and the memory of the
// message it came in (see receive). spent, when not nil, is a batch the caller is done with:
// the new one takes over its memory (see batchCodec and codec.DecodeChunkNoCopy).
func (q *query) fetch(ctx context.Context, spent *fetched) (*codec.Chunk, []byte, error) {
	raw, msg, err := q.receive(ctx, spent)
	if err != nil {
		return nil, nil, err
	}
	var recycle *codec.Chunk
	if spent != nil {
		recycle = spent.chunk
	}
	ch, err := q.decode(raw, recycle)
	if ch == nil || err != nil {
		return nil, nil, err
	}
	return ch, msg, nil
}

// decode decodes a batch of the query, or returns nil for the end of the results. Everything
// the batch claims is bounded before the driver does anything for it: its rows by
// Config.MaxBatchRows (the bytes do not bound the rows of a constant column), its vectors by the
// metadata's columns (the others are skipped). It must have a vector per column. raw must be
// the caller's alone: the batch's strings view it.
func (q *query) decode(raw []byte, recycle *codec.Chunk) (*codec.Chunk, error) {
	// A result without columns keeps one vector, which nothing reads: 0 would mean no bound.
	lim := codec.Limits{MaxRows: q.cn.cfg.MaxBatchRows, MaxVectors: max(len(q.md.Fields), 1)}
	ch, err := codec.DecodeChunkNoCopy(raw, recycle, lim)
	switch {
	case errors.Is(err, codec.ErrLimit):
		return nil, fmt.Errorf("e6data: query %s: result batch from the server: %w (if the server does send batches this large, raise max-batch-rows)", q.id, err)
	case err != nil:
		return nil, fmt.Errorf("e6data: query %s: result batch from the server: %w", q.id, err)
	case ch.Size <= 0:
		return nil, nil
	case len(ch.Vectors) < len(q.md.Fields):
		return nil, fmt.Errorf("e6data: query %s: result batch from the server has %d columns, the metadata %d: %w",
			q.id, len(ch.Vectors), len(q.md.Fields), codec.ErrCorrupt)
	}
	return ch, nil
}

// receive fetches the next batch's bytes, not yet decoded, and the memory of the message they
// came in, which a batch decoded from them views. spent, when not nil, is a batch the caller is
// done with: the message is gathered in its message's memory when that has the room.
func (q *query) receive(ctx context.Context, spent *fetched) (raw, msg []byte, err error) {
	call := batchCall
	if spent != nil && spent.msg != nil {
		msg = spent.msg
		call = batchCallInto(&msg)
	}
	if err := q.rpcCtx(ctx, "getNextResultBatch", func(ctx context.Context, sid string) error {
		resp, err := q.cn.c.qe.GetNextResultBatch(ctx, &e6pb.GetNextResultBatchRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id}, call)
		raw = resp.GetResultBatch()
		return err
	}); err != nil {
		return nil, nil, err
	}
	if msg == nil {
		msg = raw // the message's own memory is unknown: recycle what the batch views
	}
	return raw, msg, nil // raw is ours alone (batchcodec.go)
}

// rpc runs a call of the query on the caller's context.
func (q *query) rpc(name string, fn func(ctx context.Context, sessionID string) error) error {
	return q.rpcCtx(q.ctx, name, fn)
}

// rpcCtx runs a call of the query. When the caller's context ends during the call, the query is
// cancelled on the server (on a detached context) and the error wraps the context's error.
func (q *query) rpcCtx(ctx context.Context, name string, fn func(ctx context.Context, sessionID string) error) error {
	err := q.cn.invoke(ctx, name, q, false, fn)
	if err != nil && q.ctx.Err() != nil {
		q.cancelOnServer()
	}
	if err != nil && q.clearClaimed.Load() && q.cn.c.closed.Load() {
		// Close cleared the query on the cluster under the caller (see clear.go): say so,
		// rather than only what the cluster answered about a query it no longer knows.
		return fmt.Errorf("%w (the query was cleared on the cluster as it closed): %w", ErrConnectorClosed, err)
	}
	return err
}

// detached returns a context for the calls that must go out after the caller's context ended
// or the caller is done (cancel, clear): it keeps ctx's values but not its cancellation, bounded by CancelTimeout and
// by the connector's Close.
func (q *query) detached() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(q.ctx), q.cn.cfg.CancelTimeout)
	ctx, release := q.cn.c.withConnector(ctx)
	return ctx, func() {
		release()
		cancel()
	}
}

// cancelOnServer sends cancelQuery once, in the background, on a goroutine of the connector and
// a detached context (see detached): it is called when the caller's context has ended, and the
// caller does not wait for it. The query's clear goes out after it (see awaitCancel). After
// Close it is not sent: the channel is gone, and the server forgets the query on its own.
func (q *query) cancelOnServer() {
	if q.id == "" {
		return
	}
	q.cancelOnce.Do(func() {
		done := make(chan struct{})
		q.bgMu.Lock()
		q.cancelDone = done
		q.bgMu.Unlock()
		send := func() {
			defer close(done)
			if q.cn.c.ctx.Err() != nil {
				return
			}
			ctx, cancel := q.detached()
			defer cancel()
			err := q.cn.invoke(ctx, "cancelQuery", q, false, func(ctx context.Context, sid string) error {
				_, err := q.cn.c.qe.CancelQuery(ctx, &e6pb.CancelQueryRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
				return err
			})
			q.cn.c.log.LogAttrs(ctx, slog.LevelDebug, "e6data: cancelled query", slog.String("query_id", q.id), slog.Any("error", err))
		}
		if !q.cn.c.goBackground(send) {
			send()
		}
	})
}

// awaitCancel waits, while ctx lasts, until q's cancelQuery ended, if one was sent: cancelQuery
// goes before clearOrCancelQuery.
func (q *query) awaitCancel(ctx context.Context) {
	q.bgMu.Lock()
	done := q.cancelDone
	q.bgMu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// clearOnServer ends q once the caller is done with it: it queues the query's clear on its
// connection (see clear.go), and returns without waiting for it: a clear costs no round trip on
// the caller's path, and a slow one delays no later query. A query that never reached the cluster
// (no id) only releases its pin.
func (q *query) clearOnServer() {
	if q.id == "" {
		if q.clearClaimed.CompareAndSwap(false, true) {
			q.pin.Release()
			q.cn.untrack(q)
		}
		return
	}
	q.clearOnce.Do(func() {
		if q.info != nil {
			// On the caller's goroutine, bounded by its context: the caller reads the info
			// after this returns. Most callers (every GORM statement) ask for no RPC here, so
			// the timeout is made only when there is one to bound.
			ctx, cancel := q.ctx, context.CancelFunc(func() {})
			if q.info.CollectExplain || q.info.CollectExplainAnalyze {
				ctx, cancel = context.WithTimeout(q.ctx, q.cn.cfg.CancelTimeout)
			}
			q.info.collect(ctx, q)
			cancel()
		}
		q.cn.queueClear(q)
	})
}

// abandon ends a query that failed before reaching the caller.
func (q *query) abandon() {
	if q.ctx.Err() != nil {
		q.cancelOnServer()
	}
	q.clearOnServer()
}
