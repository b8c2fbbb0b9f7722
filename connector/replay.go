package connector

import (
	"fmt"
	"log/slog"
)

// replay resumes the query after cause cut it mid-stream (see rows): it re-runs the query, reads
// the r.delivered rows already handed out again, compares their checksum with r.sum and, if they
// match, continues reading the new run from the next row.
func (r *rows) replay(cause error) error {
	old := r.q
	r.stopPrefetch()
	old.clearOnServer()
	limit := int64(old.cn.cfg.ReplayLimit)
	if r.delivered > limit {
		return r.interrupted(cause, fmt.Sprintf("%d rows were already handed out, more than replay-limit (%d) allows to read again", r.delivered, limit))
	}
	q, ch, err := old.cn.startQuery(old.ctx, old.sql, true)
	if err != nil {
		if old.ctx.Err() != nil {
			return err
		}
		return r.interrupted(cause, "running it again failed: "+err.Error())
	}
	var sum uint64
	row, hashes := 0, []uint64(nil)
	if ch != nil {
		hashes = rowHashes(ch, len(q.md.Fields), r.seed)
	}
	for skip := r.delivered; skip > 0; skip-- {
		for ch != nil && row >= ch.Size {
			if ch, err = q.fetch(q.ctx); err != nil {
				q.clearOnServer()
				return r.interrupted(cause, "reading it again failed: "+err.Error())
			}
			row = 0
			if ch != nil {
				hashes = rowHashes(ch, len(q.md.Fields), r.seed)
			}
		}
		if ch == nil {
			q.clearOnServer()
			return r.interrupted(cause, fmt.Sprintf("the new run returned fewer than the %d rows already handed out", r.delivered))
		}
		sum = mix(sum ^ hashes[row])
		row++
	}
	if sum != r.sum {
		q.clearOnServer()
		return r.interrupted(cause, fmt.Sprintf("the new run returned other rows than the %d already handed out (the result is not deterministic)", r.delivered))
	}
	if len(q.md.Fields) != len(old.md.Fields) {
		q.clearOnServer()
		return r.interrupted(cause, "the new run returned other columns")
	}
	q.cn.c.state.CountRetry(q.id, q.attempt, cause)
	q.cn.c.log.LogAttrs(q.ctx, slog.LevelInfo, "e6data: query resumed by replay", slog.String("query_id", old.id),
		slog.String("new_query_id", q.id), slog.Int64("rows_replayed", r.delivered))
	r.follow(q, ch, row)
	return nil
}

func (r *rows) interrupted(cause error, reason string) error {
	e := &InterruptedError{QueryID: r.q.id, Delivered: r.delivered, Reason: reason, Cause: cause}
	r.q.cn.c.state.CountInterrupted(e.QueryID, e)
	r.q.cn.c.log.LogAttrs(r.q.ctx, slog.LevelWarn, "e6data: query interrupted", slog.String("query_id", e.QueryID),
		slog.Int64("rows_delivered", e.Delivered), slog.String("reason", reason))
	return e
}
