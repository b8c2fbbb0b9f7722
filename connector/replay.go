package connector

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// replay resumes the query after cause cut it mid-stream (see rows): it re-runs the query, reads
// the r.delivered rows already handed out again, compares their checksum with r.sum and, if they
// match, continues reading the new run from the next row. A re-run cut in turn by another switch
// is started again, within Config.RetryAttempts and with backoff.
func (r *rows) replay(cause error) error {
	old := r.q
	r.stopPrefetch()
	old.clearOnServer()
	cn := old.cn
	if limit := int64(cn.cfg.ReplayLimit); r.delivered > limit {
		return r.interrupted(cause, fmt.Sprintf("%d rows were already handed out, more than replay-limit (%d) allows to read again", r.delivered, limit))
	}
	for attempt := 1; ; attempt++ {
		q, ch, hashes, row, err := r.rerun(old)
		if err == nil {
			cn.c.state.CountRetry(q.id, attempt, cause)
			cn.c.log.LogAttrs(q.ctx, slog.LevelInfo, "e6data: query resumed by replay", slog.String("query_id", old.id),
				slog.String("new_query_id", q.id), slog.Int64("rows_replayed", r.delivered), slog.Int("attempt", attempt))
			if q.info != nil {
				q.info.replayed(r.delivered)
			}
			observationFrom(q.ctx).replay(old.id, q.id, r.delivered) // trace.go
			r.follow(q, ch, hashes, row)
			return nil
		}
		var differs *replayMismatch
		switch {
		case old.ctx.Err() != nil:
			return err
		case errors.As(err, &differs):
			return r.interrupted(cause, differs.reason)
		case !rerunnable(err) || attempt >= cn.cfg.RetryAttempts:
			return r.interrupted(cause, "running it again failed: "+err.Error())
		}
		if err := sleepBackoff(old.ctx, attempt); err != nil {
			return err
		}
	}
}

// replayMismatch says why a re-run cannot continue the rows already handed out.
type replayMismatch struct{ reason string }

func (e *replayMismatch) Error() string { return e.reason }

// rerun runs old's statement again and reads the rows already handed out, verifying them. It
// returns the new query positioned after them: its current batch with its row hashes, and the
// next row in it (a nil batch when the result ends exactly there).
func (r *rows) rerun(old *query) (*query, *codec.Chunk, []uint64, int, error) {
	q, ch, err := old.cn.startQuery(old.ctx, old.sql, true)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	ncols := len(q.md.Fields)
	if ncols != len(old.md.Fields) {
		q.clearOnServer()
		return nil, nil, nil, 0, &replayMismatch{"the new run returned other columns"}
	}
	var sum uint64
	row, hashes := 0, []uint64(nil)
	if ch != nil {
		hashes = rowHashes(ch, ncols, r.seed)
	}
	for skip := r.delivered; skip > 0; skip-- {
		for ch != nil && row >= ch.Size {
			if ch, err = q.fetch(q.ctx); err != nil {
				q.clearOnServer()
				return nil, nil, nil, 0, err
			}
			row = 0
			if ch != nil {
				hashes = rowHashes(ch, ncols, r.seed)
			}
		}
		if ch == nil {
			q.clearOnServer()
			return nil, nil, nil, 0, &replayMismatch{fmt.Sprintf("the new run returned fewer than the %d rows already handed out", r.delivered)}
		}
		sum = mix(sum ^ hashes[row])
		row++
	}
	if sum != r.sum {
		q.clearOnServer()
		return nil, nil, nil, 0, &replayMismatch{fmt.Sprintf("the new run returned other rows than the %d already handed out (the result is not deterministic)", r.delivered)}
	}
	return q, ch, hashes, row, nil
}

func (r *rows) interrupted(cause error, reason string) error {
	e := &InterruptedError{QueryID: r.q.id, Delivered: r.delivered, Reason: reason, Cause: cause}
	r.q.cn.c.state.CountInterrupted(e.QueryID, e)
	r.q.cn.c.log.LogAttrs(r.q.ctx, slog.LevelWarn, "e6data: query interrupted", slog.String("query_id", e.QueryID),
		slog.Int64("rows_delivered", e.Delivered), slog.String("reason", reason))
	return e
}
