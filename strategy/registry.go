package strategy

import "sync"

// registry holds the one State per cluster of this process.
var registry = struct {
	mu     sync.Mutex
	states map[Key]*State
}{states: make(map[Key]*State)}

// Shared returns the one State of this process for key, creating it with opts on first use.
// All connections and connectors to the same cluster must share it (the spec's "state is per
// cluster"); two keys never share anything. opts of later calls for the same key are ignored:
// the first caller configures the cluster's state.
func Shared(key Key, opts Options) *State {
	key = key.norm()
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if s, ok := registry.states[key]; ok {
		return s
	}
	s := New(key, opts)
	registry.states[key] = s
	return s
}
