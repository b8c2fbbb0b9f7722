package bluegreen

import (
	"context"
	"sync"
	"time"
)

// registry holds the one State per cluster of this process, with the number of users of each.
var registry = struct {
	mu     sync.Mutex
	states map[Key]*State
	users  map[*State]int
}{states: make(map[Key]*State), users: make(map[*State]int)}

// Shared returns the one State of this process for key, creating it with opts on first use.
// All connections and connectors to the same cluster must share it (the spec's "state is per
// cluster"); two keys never share anything. opts of later calls for the same key are ignored:
// the first caller configures the cluster's state.
func Shared(key Key, opts Options, probe func(ctx context.Context, colour string) error) *State {
	key = normKey(key)
	registry.mu.Lock()
	defer registry.mu.Unlock()
	s, ok := registry.states[key]
	if !ok {
		s = newState(key, opts, probe, time.Now)
		registry.states[key] = s
	}
	registry.users[s]++
	return s
}

// Unshare gives back one use of a State obtained from Shared. When the last user gave it back,
// the process forgets the cluster's state (a later Shared starts afresh, from the Store), so a
// process that connects to many clusters over time does not keep them all.
func Unshare(s *State) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	n, ok := registry.users[s]
	if !ok {
		return
	}
	if n > 1 {
		registry.users[s] = n - 1
		return
	}
	delete(registry.users, s)
	if registry.states[s.key] == s {
		delete(registry.states, s.key)
	}
}
