package connector

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/strategy"
)

// resumeFlight is one resume in progress; every connection that finds the cluster suspended
// waits for the same one (single flight per connector).
type resumeFlight struct {
	done chan struct{}
	err  error
}

// resume brings a suspended cluster back (ClusterService resume, then status polls) and returns
// when it is active, when it failed, when Config.ResumeTimeout passed, or when ctx ends (the
// resume itself then goes on for the other waiters until its own timeout or Close).
func (c *Connector) resume(ctx context.Context, cn *Conn) error {
	c.resumeMu.Lock()
	f := c.resuming
	if f == nil {
		f = &resumeFlight{done: make(chan struct{})}
		started := c.goBackground(func() {
			f.err = c.runResume(cn)
			c.resumeMu.Lock()
			c.resuming = nil
			c.resumeMu.Unlock()
			close(f.done)
		})
		if !started {
			c.resumeMu.Unlock()
			return ErrConnectorClosed
		}
		c.resuming = f
	}
	c.resumeMu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return newError("ClusterService/resume", "", strategy.Canceled, ctx.Err(), ctx.Err())
	}
}

func (c *Connector) runResume(cn *Conn) error {
	ctx, cancel := context.WithTimeout(c.ctx, c.cfg.ResumeTimeout)
	defer cancel()
	start := time.Now()
	c.log.Info("e6data: cluster is suspended; resuming it")
	token := c.cfg.Token
	if c.cfg.TokenSource != nil {
		t, err := c.cfg.TokenSource(ctx)
		if err != nil {
			return fmt.Errorf("e6data: resume: token source: %w", err)
		}
		token = t
	}
	clusterStatus := func() (string, error) {
		var st string
		err := c.clusterCall(ctx, cn, "ClusterService/status", func(ctx context.Context) error {
			resp, err := c.cs.Status(ctx, &e6pb.ClusterStatusRequest{User: c.cfg.User, Password: token})
			st = resp.GetStatus()
			return err
		})
		return st, err
	}
	st, err := clusterStatus()
	if err != nil {
		return err
	}
	switch st {
	case "active":
		return nil
	case "suspended":
		c.state.CountAutoResume()
		err := c.clusterCall(ctx, cn, "ClusterService/resume", func(ctx context.Context) error {
			_, err := c.cs.Resume(ctx, &e6pb.ResumeRequest{User: c.cfg.User, Password: token})
			return err
		})
		if err != nil {
			return err
		}
	case "resuming":
	default:
		return fmt.Errorf("%w: cluster status is %q", ErrResumeFailed, st)
	}
	tick := time.NewTicker(c.cfg.ResumePollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if c.ctx.Err() != nil {
				return ErrConnectorClosed
			}
			return fmt.Errorf("%w: still not active after %s (resume-timeout)", ErrClusterSuspended, c.cfg.ResumeTimeout)
		case <-tick.C:
		}
		st, err := clusterStatus()
		if err != nil {
			continue // errors while polling are expected while the cluster comes up
		}
		switch st {
		case "active":
			c.log.LogAttrs(ctx, slog.LevelInfo, "e6data: cluster resumed", slog.Duration("duration", time.Since(start)))
			return nil
		case "failed":
			return ErrResumeFailed
		}
	}
}

// clusterCall makes a ClusterService call on the cluster's colour; on a 456 it tries the other
// colour once (ClusterService responses carry no new_strategy to follow).
func (c *Connector) clusterCall(ctx context.Context, cn *Conn, rpc string, fn func(context.Context) error) error {
	colour := c.state.Active()
	err := cn.call(ctx, rpc, nil, colour, fn)
	if strategy.Classify(ctx, err) != strategy.WrongStrategy {
		return err
	}
	other := strategy.Blue
	if colour == strategy.Blue {
		other = strategy.Green
	}
	return cn.call(ctx, rpc, nil, other, fn)
}
