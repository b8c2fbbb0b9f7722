package mock

import (
	"context"
	"time"
)

// Switch starts a blue/green deployment to the other colour, the way the real cluster does it:
// the new colour serves new work at once and every response announces it in new_strategy; the
// old colour keeps serving the queries pinned to it (every call of those queries) until the last
// one is cleared or Options.DrainTimeout passes; then it is retired, and any call carrying it gets
// the wrong-strategy answer (HTTP 456 by default). A Switch during an unfinished drain waits for
// that drain to end first (at most DrainTimeout), as a cluster finishes one deployment before it
// starts the next: the stack of a colour is never replaced while queries still run on it. It
// returns the new active colour.
func (s *Server) Switch() string {
	return s.deploy(false)
}

// SwitchAbrupt switches to the other colour with no announcement and no drain: the old colour is
// retired at once and the queries running on it are cut mid-stream (the worst case a client must
// survive). Like Switch, it first waits for an unfinished drain. It returns the new active colour.
func (s *Server) SwitchAbrupt() string {
	return s.deploy(true)
}

func (s *Server) deploy(abrupt bool) string {
	c := s.cluster
	c.mu.Lock()
	for c.draining != "" {
		ch := c.drained
		c.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
		}
		c.mu.Lock()
		if s.isClosed() {
			break
		}
	}
	dropped := c.retireLocked() // only when closed mid-wait
	old := c.active
	c.active = other(old)
	c.stack[c.active]++ // a new stack of that colour
	c.switches++
	now := c.active
	pinned := c.pins[old]
	if abrupt || c.pins[old] == 0 {
		// Nothing to drain (or no drain at all): the old stack goes away at once.
		dropped = append(dropped, c.dropColourLocked(old)...)
	} else {
		c.draining = old
		c.drained = make(chan struct{})
		seq := c.drainSeq
		time.AfterFunc(s.opts.DrainTimeout, func() { s.drainTimeout(seq) })
	}
	c.mu.Unlock()
	retireQueries(dropped)
	s.opts.Logger.Info("mock: switch", "from", old, "to", now, "abrupt", abrupt, "pinned_on_old", pinned)
	return now
}

// drainTimeout retires the old colour of drain seq if that drain is still in progress.
func (s *Server) drainTimeout(seq int) {
	c := s.cluster
	c.mu.Lock()
	if c.draining == "" || c.drainSeq != seq {
		c.mu.Unlock()
		return
	}
	old := c.draining
	dropped := c.retireLocked()
	c.mu.Unlock()
	retireQueries(dropped)
	s.opts.Logger.Warn("mock: drain timeout, old colour retired with queries still pinned",
		"colour", old, "queries_cut", len(dropped))
}

// ActiveStrategy returns the colour that new work goes to.
func (s *Server) ActiveStrategy() string {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return s.cluster.active
}

// DrainingStrategy returns the colour still serving its pinned queries during a switch, or "".
func (s *Server) DrainingStrategy() string {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return s.cluster.draining
}

// Switches returns how many switches (graceful and abrupt) the cluster has made.
func (s *Server) Switches() int {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return s.cluster.switches
}

// PinnedQueries returns how many live (not yet cleared) queries each colour holds.
func (s *Server) PinnedQueries() map[string]int {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	out := make(map[string]int, len(s.cluster.pins))
	for k, v := range s.cluster.pins {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

// WaitDrained blocks until no switch is draining (the old colour is retired), or ctx ends.
func (s *Server) WaitDrained(ctx context.Context) error {
	s.cluster.mu.Lock()
	ch := s.cluster.drained
	s.cluster.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
