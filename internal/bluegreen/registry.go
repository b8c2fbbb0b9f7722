package bluegreen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/e6data/gorm-e6data/strategy"
)

// registry holds the one State per cluster of this process, with the number of users of each.
var registry = struct {
	mu     sync.Mutex
	states map[strategy.Key]*State
	users  map[*State]int
}{states: make(map[strategy.Key]*State), users: make(map[*State]int)}

// Use is one connector's share of a State, from Shared: the State's methods, plus the
// connector's own hooks. Events about the State go to every member's hooks; the events of the
// connector's own queries (CountRetry, CountInterrupted through the Use) go to its hooks only.
// Give it back with Unshare.
type Use struct {
	*State
	m    *member
	gone atomic.Bool
}

// Shared returns a Use of the one State of this process for key, creating the State with opts
// on first use. All connectors to the same cluster share it (its state is per cluster: they
// talk to the same proxy); two keys never share anything.
//
// opts.OnEvent, opts.Logger and probe are the caller's own (its member's): each user's OnEvent
// and Logger receive the State's events, and automated rollback probes through the
// longest-standing user that is still there. Every other field of opts shapes the State
// itself: when the State exists already and opts asks for a different value of one of them
// (after defaults), Shared returns an *strategy.OptionsConflictError naming the field and the
// State is left as it was.
func Shared(key strategy.Key, opts strategy.Options, probe func(ctx context.Context, colour string) error) (*Use, error) {
	key = normKey(key)
	registry.mu.Lock()
	defer registry.mu.Unlock()
	s, ok := registry.states[key]
	if ok {
		if err := s.conflict(opts); err != nil {
			return nil, err
		}
	} else {
		s = newState(key, opts, time.Now)
		registry.states[key] = s
	}
	registry.users[s]++
	return &Use{State: s, m: s.join(opts.OnEvent, opts.Logger, probe)}, nil
}

// Unshare gives back a Use obtained from Shared: its hooks leave the State at once (an event
// being delivered at that very moment may still reach them, none after). When the
// last user gave its Use back, the process forgets the cluster's state (a later Shared starts
// afresh, from the Store, with its own options), so a process that connects to many clusters
// over time does not keep them all, and the State's background work ends: Unshare waits for it
// (the last store write goes out; probes are cancelled). A Use is given back once; later calls
// do nothing.
func Unshare(u *Use) {
	if u == nil || !u.gone.CompareAndSwap(false, true) {
		return
	}
	s := u.State
	s.leave(u.m)
	registry.mu.Lock()
	if n := registry.users[s]; n > 1 {
		registry.users[s] = n - 1
		registry.mu.Unlock()
		return
	}
	delete(registry.users, s)
	if registry.states[s.key] == s {
		delete(registry.states, s.key)
	}
	registry.mu.Unlock()
	s.close() // outside the registry's lock: it waits for I/O
}

// CountRetry is State.CountRetry with the event delivered to this Use's hooks only.
func (u *Use) CountRetry(queryID string, attempt int, err error) {
	u.fireTo(u.m, u.retried(queryID, attempt, err))
}

// CountInterrupted is State.CountInterrupted with the event delivered to this Use's hooks only.
func (u *Use) CountInterrupted(queryID string, err error) {
	u.fireTo(u.m, u.interrupted(queryID, err))
}
