package connector

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/strategy"
)

// Every RPC of the driver goes through call (one attempt, with its headers, logged and
// classified once) and, when it needs a session, through invoke (which renews an expired session
// and resumes a suspended cluster). The strategy layer's interceptors sit below both on the gRPC
// channel.

// call makes one RPC attempt on colour for query q (nil for calls that are not about a query)
// and returns a failure as *Error.
func (cn *Conn) call(ctx context.Context, rpc string, q *query, colour string, fn func(context.Context) error) error {
	c := bluegreen.Call{Strategy: colour}
	qid := ""
	if q != nil {
		c, qid = q.pin.Call(q.engineIP), q.id
		c.Strategy = colour
	}
	start := time.Now()
	err := fn(bluegreen.WithCall(ctx, c))
	log := cn.c.log
	if err == nil {
		cn.c.state.ReportSuccess(colour)
		if log.Enabled(ctx, slog.LevelDebug) {
			log.LogAttrs(ctx, slog.LevelDebug, "e6data: rpc", slog.String("rpc", rpc), slog.String("query_id", qid),
				slog.Duration("duration", time.Since(start)))
		}
		return nil
	}
	settleDeadline(ctx, err)
	class := strategy.Classify(ctx, err)
	if class == strategy.Unavailable || (class == strategy.Other && q == nil) {
		// Counts towards automated rollback: the colour fails while it should answer. SQL
		// errors (class Other on a query's calls) are the user's, not the colour's.
		cn.c.state.ReportFailure(colour, class)
	}
	e := newError(rpc, qid, class, err, ctx.Err())
	if class == strategy.Suspended && !cn.cfg.AutoResume {
		// Nothing will resume the cluster: running the query again cannot succeed, so it is
		// not re-run, and the caller is not told to retry.
		e.Retryable = false
	}
	log.LogAttrs(ctx, slog.LevelDebug, "e6data: rpc failed", slog.String("rpc", rpc), slog.String("query_id", qid),
		slog.Duration("duration", time.Since(start)), slog.String("class", class.String()), slog.String("code", e.Code.String()))
	return e
}

// invoke runs an RPC that needs a session, on the colour of q (its pin) or, for calls outside a
// query, the cluster's colour (detected when unknown). An expired session ("Access denied") is
// renewed and the call retried, within Config.RetryAttempts attempts (with backoff from the
// second renewal on). A wrong colour (HTTP 456) moves the cluster's colour off
// the call's (the State's interceptor does it); a call outside a query is then retried after
// re-detection (bounded by RetryAttempts: the first retry at once, then with backoff), while a
// query's call returns the error for the query to be re-run or replayed on the new colour. A suspended cluster is resumed when auto-resume is on; the call is then retried if
// retrySuspended, else the Suspended error is returned for the caller to start over (a query's
// state does not survive a suspension).
func (cn *Conn) invoke(ctx context.Context, rpc string, q *query, retrySuspended bool, fn func(ctx context.Context, sessionID string) error) error {
	resumed := false
	for attempt := 1; ; attempt++ {
		colour, sid, err := cn.target(ctx, q)
		if err == nil {
			err = cn.call(ctx, rpc, q, colour, func(ctx context.Context) error { return fn(ctx, sid) })
		}
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		switch {
		case e.Class == strategy.AccessDenied:
			if attempt >= cn.cfg.RetryAttempts {
				return exhausted(attempt, err)
			}
			cn.dropSession(colour, sid)
			cn.c.log.LogAttrs(ctx, slog.LevelInfo, "e6data: session expired; authenticating again",
				slog.String("rpc", rpc), slog.String("query_id", e.QueryID), slog.Int("attempt", attempt+1))
			if attempt > 1 {
				// Renewed a moment ago and refused again: give the cluster a moment.
				if err := sleepBackoff(ctx, attempt-1); err != nil {
					return err
				}
			}
			continue
		case e.Class == strategy.WrongStrategy:
			// The State's interceptor has already recorded the 456 (it may name the serving
			// colour, and a call made before the last change of colour must not undo it).
			if q != nil {
				return err // the query is re-run or replayed on the new colour
			}
			if attempt >= cn.cfg.RetryAttempts {
				return exhausted(attempt, err)
			}
			cn.c.state.CountRetry("", attempt, err)
			if attempt > 1 { // the first retry at once, on the colour the 456 named
				if err := sleepBackoff(ctx, attempt-1); err != nil {
					return err
				}
			}
			continue
		case e.Class == strategy.Suspended && cn.cfg.AutoResume && !resumed:
			if rerr := cn.c.resume(ctx, cn); rerr != nil {
				return rerr
			}
			resumed = true
			if retrySuspended || e.RPC == "authenticate" {
				continue
			}
		}
		return err
	}
}

// target returns the colour and session a call runs on: q's pin, or the cluster's colour.
func (cn *Conn) target(ctx context.Context, q *query) (colour, sid string, err error) {
	if q != nil {
		colour = q.colour
	} else if colour, err = cn.colour(ctx); err != nil {
		return "", "", err
	}
	sid, err = cn.session(ctx, colour)
	return colour, sid, err
}
