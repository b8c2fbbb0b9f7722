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
	return s.deploy(false, "")
}

// SwitchAbrupt switches to the other colour with no announcement and no drain: the old colour is
// retired at once and the queries running on it are cut mid-stream (the worst case a client must
// survive). Like Switch, it first waits for an unfinished drain. It returns the new active colour.
func (s *Server) SwitchAbrupt() string {
	return s.deploy(true, "")
}

// AnnounceSwitch starts a deployment to the other colour the way e6data's own test server (in
// its Python connector) does it: announce first, accept later. From now on every response
// announces the other colour in new_strategy, but calls carrying it keep getting the
// wrong-strategy answer naming the serving colour (InvalidArgument456: "Wrong strategy. Status:
// 456. Expected: blue, Got: green"), until a query that ran on the serving colour is cleared
// (clearOrCancelQuery or clear): that clear carries the deployment out as Switch does (the
// announced colour serves new work, the old one drains its pinned queries). Until then the
// cluster keeps serving the old colour only. Like Switch, it first waits for an unfinished
// drain; announcing again while a switch is announced changes nothing, and Switch or
// SwitchAbrupt during an announcement carry it out at once. It returns the announced colour.
func (s *Server) AnnounceSwitch() string {
	c := s.cluster
	c.mu.Lock()
	s.waitDrainLocked()
	fresh := c.announced == ""
	if fresh {
		c.announced = other(c.active)
	}
	from, to := c.active, c.announced
	c.mu.Unlock()
	if fresh {
		s.opts.Logger.Info("mock: switch announced", "from", from, "to", to)
	}
	return to
}

// acceptAnnounced carries out an announced switch once a query on the old colour, colour, was
// cleared.
func (s *Server) acceptAnnounced(colour string) {
	c := s.cluster
	c.mu.Lock()
	ok := c.announced != "" && c.active == colour
	c.mu.Unlock()
	if ok {
		s.deploy(false, colour)
	}
}

// deploy switches to the other colour. With from set, it switches only while a switch from
// that colour is still announced (two clears may race to carry out one announcement).
func (s *Server) deploy(abrupt bool, from string) string {
	c := s.cluster
	c.mu.Lock()
	s.waitDrainLocked()
	if from != "" && (c.announced == "" || c.active != from) {
		now := c.active
		c.mu.Unlock()
		return now
	}
	c.announced = ""
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

// waitDrainLocked waits, with c.mu held (released while waiting), until no drain is in
// progress or the server is closed.
func (s *Server) waitDrainLocked() {
	c := s.cluster
	for c.draining != "" {
		ch := c.drained
		c.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
		}
		c.mu.Lock()
		if s.isClosed() {
			return
		}
	}
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
