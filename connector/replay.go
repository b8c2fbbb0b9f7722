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
// is started again with backoff; all the starts of one replay share Config.RetryAttempts.
func (r *rows) replay(cause error) error {
	old := r.q
	r.stopPrefetch()
	old.clearOnServer()
	cn := old.cn
	if limit := int64(cn.cfg.ReplayLimit); r.delivered > limit {
		return r.interrupted(cause, fmt.Sprintf("%d rows were already handed out, more than replay-limit (%d) allows to read again", r.delivered, limit), nil)
	}
	b := new(budget)
	for {
		q, ch, hashes, row, err := r.rerun(old, b)
		attempt := b.used
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
			return r.interrupted(cause, differs.reason, nil)
		case !rerunnable(err):
			return r.interrupted(cause, "running it again failed: "+err.Error(), err)
		case attempt >= cn.cfg.RetryAttempts:
			// The last start was cut in turn while reading the rows again.
			err = exhausted(attempt, err)
			return r.interrupted(cause, "running it again failed: "+err.Error(), err)
		}
		if err := sleepBackoff(old.ctx, attempt); err != nil {
			return err
		}
	}
}

// replayMismatch says why a re-run cannot continue the rows already handed out.
type replayMismatch struct{ reason string }

func (e *replayMismatch) Error() string { return e.reason }

// rerun runs old's statement again (its starts drawn from b) and reads the rows already handed
// out, verifying them. It returns the new query positioned after them: its current batch with
// its row hashes, and the next row in it (a nil batch when the result ends exactly there).
func (r *rows) rerun(old *query, b *budget) (*query, *codec.Chunk, []uint64, int, error) {
	q, ch, err := old.cn.startQueryWithin(old.ctx, old.sql, true, b)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	ncols := len(q.md.Fields)
	if why := otherColumns(old.md.Fields, q.md.Fields); why != "" {
		q.clearOnServer()
		return nil, nil, nil, 0, &replayMismatch{"the new run returned other columns: " + why}
	}
	var sum uint64
	row, hashes := 0, []uint64(nil)
	if ch != nil {
		hashes = rowHashes(nil, ch, ncols, r.seed)
	}
	for skip := r.delivered; skip > 0; skip-- {
		for ch != nil && row >= ch.Size {
			if ch, _, err = q.fetch(q.ctx, nil); err != nil {
				q.clearOnServer()
				return nil, nil, nil, 0, err
			}
			row = 0
			if ch != nil {
				hashes = rowHashes(hashes, ch, ncols, r.seed) // the last batch's are spent
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

// interrupted gives up on resuming the query that cause cut, for reason; err is the error that
// ended the resume, if one did (it goes into the chain, not only into the text).
func (r *rows) interrupted(cause error, reason string, err error) error {
	e := &InterruptedError{QueryID: r.q.id, Delivered: r.delivered, Reason: reason, Cause: cause, Err: err}
	r.q.cn.c.state.CountInterrupted(e.QueryID, e)
	r.q.cn.c.log.LogAttrs(r.q.ctx, slog.LevelWarn, "e6data: query interrupted", slog.String("query_id", e.QueryID),
		slog.Int64("rows_delivered", e.Delivered), slog.String("reason", reason))
	return e
}

// otherColumns says how the columns of a re-run differ from the original run's ("" when they
// are the same): count, names and type names must match, as values of different types may hash
// alike (a STRING and an ARRAY rendered as the same text).
func otherColumns(was, now []codec.Field) string {
	if len(was) != len(now) {
		return fmt.Sprintf("%d columns instead of %d", len(now), len(was))
	}
	for i := range was {
		if was[i].Name != now[i].Name || was[i].Type != now[i].Type {
			return fmt.Sprintf("column %d is %s %s instead of %s %s", i+1, now[i].Name, now[i].Type, was[i].Name, was[i].Type)
		}
	}
	return ""
}
