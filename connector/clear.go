package connector

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// A query prepared on the cluster stays open there, holding its colour's stack through a
// drained switch, until clearOrCancelQuery reaches it. The clear is the driver's work, not the
// caller's: it goes out in the background, after the caller is done with the query, and no
// caller ever waits for another query's clear. Two parts keep that bounded:
//
//   - Each connection sends its clears one at a time, in order, from a queue drained by a
//     goroutine of the connector (Conn.queueClear): a connection whose clears are slow holds
//     at most one of them in flight, and its next query does not wait for them. A queued clear
//     keeps its query's pin (visible in Health), and the session of its colour stays with the
//     connection until it went out (Conn.forgetOtherSessions).
//   - The connector knows every query from its start to the end of its clear (openQueries).
//     Close clears the ones still open, whoever held them (rows never closed, rows read while
//     Close runs, clears still queued), each within cancel-timeout, before it closes the
//     channel; Conn.Close clears its connection's.
//
// Whoever sends a query's clear claims it first (query.sendClear), so each clear goes out once.

// openQueries is the set of a connector's queries that may be open on the cluster: from before
// their prepare until their clear ended.
type openQueries struct {
	mu      sync.Mutex
	started map[*query]bool // the queries, and whether their prepare returned an id
	closing bool            // Close began: no query starts, and a prepare returning now is refused
	empty   chan struct{}   // made when Close begins with queries open; closed when none is left
}

// track records q before its prepare; false once Close began.
func (o *openQueries) track(q *query) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closing {
		return false
	}
	if o.started == nil {
		o.started = map[*query]bool{}
	}
	o.started[q] = false
	return true
}

// prepared records that q's prepare returned its id (written before, so that Close may read it
// once it finds q marked here); false once Close began: q must stop, and is cleared as it ends.
func (o *openQueries) prepared(q *query) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.started[q]; ok {
		o.started[q] = true
	}
	return !o.closing
}

// untrack forgets q: it ended without reaching the cluster, or its clear ended.
func (o *openQueries) untrack(q *query) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.started[q]; !ok {
		return
	}
	delete(o.started, q)
	if o.closing && len(o.started) == 0 && o.empty != nil {
		close(o.empty)
		o.empty = nil
	}
}

// of returns the prepared queries, those of cn only when cn is not nil.
func (o *openQueries) of(cn *Conn) []*query {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*query
	for q, ok := range o.started {
		if ok && (cn == nil || q.cn == cn) {
			out = append(out, q)
		}
	}
	return out
}

// close refuses new queries and returns the prepared queries and a channel closed once no query
// is left (nil when none is open).
func (o *openQueries) close() ([]*query, <-chan struct{}) {
	o.mu.Lock()
	o.closing = true
	if len(o.started) > 0 {
		o.empty = make(chan struct{})
	}
	empty := o.empty
	o.mu.Unlock()
	return o.of(nil), empty
}

// clearOpen sends the clear of every query still open on the cluster, at once and side by side,
// and waits until they ended, or cancel-timeout passed: Close's part (see openQueries). The
// queries whose prepare is still in flight are refused when it returns, and cleared by their
// own caller meanwhile.
func (c *Connector) clearOpen() {
	qs, empty := c.open.close()
	if empty == nil {
		return
	}
	for _, q := range qs {
		if !c.goBackground(q.sendClear) {
			q.sendClear()
		}
	}
	t := time.NewTimer(c.cfg.CancelTimeout)
	defer t.Stop()
	select {
	case <-empty:
	case <-t.C:
		c.log.LogAttrs(c.ctx, slog.LevelWarn, "e6data: closing: queries still open on the cluster after cancel-timeout",
			slog.Duration("cancel_timeout", c.cfg.CancelTimeout))
	}
}

// clearAbandoned queues the clears of the connection's queries still open on the cluster: their rows
// were never closed, and the connection is going away.
func (cn *Conn) clearAbandoned() {
	for _, q := range cn.c.open.of(cn) {
		cn.queueClear(q)
	}
}

// queueClear queues q's clear behind the connection's clear in flight, if any, and returns at
// once; the queue is drained by a goroutine of the connector, one clear at a time. After Close
// the clear is settled at once, on the caller's goroutine (the channel is gone: see sendClear).
func (cn *Conn) queueClear(q *query) {
	cn.clearMu.Lock()
	cn.clearQueue = append(cn.clearQueue, q)
	start := !cn.clearRunning
	cn.clearRunning = true
	cn.clearMu.Unlock()
	if start && !cn.c.goBackground(cn.drainClears) {
		cn.drainClears()
	}
}

// drainClears sends the queued clears in order until the queue is empty.
func (cn *Conn) drainClears() {
	for {
		cn.clearMu.Lock()
		if len(cn.clearQueue) == 0 {
			cn.clearQueue = nil // let the backing array go with the burst that grew it
			cn.clearRunning = false
			cn.clearMu.Unlock()
			return
		}
		q := cn.clearQueue[0]
		cn.clearQueue[0] = nil
		cn.clearQueue = cn.clearQueue[1:]
		cn.clearMu.Unlock()
		q.sendClear()
	}
}

// sendClear sends clearOrCancelQuery for q, unless another sender claimed it already; then it
// releases q's pin (the clear carries it) and forgets q. It goes after q's cancelQuery, if one
// is on its way, on a detached context (see detached). Errors are logged, not returned: the
// query's outcome is already decided, and the server forgets queries on its own (a stack
// retired by a deployment has forgotten them already).
func (q *query) sendClear() {
	if !q.clearClaimed.CompareAndSwap(false, true) {
		return
	}
	defer q.cn.untrack(q)
	defer q.pin.Release()
	ctx, cancel := q.detached()
	defer cancel()
	q.awaitCancel(ctx)
	if q.cn.c.ctx.Err() != nil {
		return // closed: the channel is gone, and the server forgets the query on its own
	}
	err := q.cn.invoke(ctx, "clearOrCancelQuery", q, false, func(ctx context.Context, sid string) error {
		_, err := q.cn.c.qe.ClearOrCancelQuery(ctx, &e6pb.ClearOrCancelQueryRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.id})
		return err
	})
	if err != nil {
		level := slog.LevelWarn
		if rerunnable(err) || q.cn.c.ctx.Err() != nil {
			level = slog.LevelDebug // the stack that ran it is gone or suspended, or the connector closed
		}
		q.cn.c.log.LogAttrs(ctx, level, "e6data: clearing query failed", slog.String("query_id", q.id), slog.Any("error", err))
	}
}
