package strategy

import (
	"context"
	"sync"
	"time"
)

// Record is what a Store keeps for one cluster: the colour last validated, when, and the
// generation of the State that saved it.
type Record struct {
	Colour      string
	ValidatedAt time.Time
	Generation  uint64
}

// Store shares detections between States, e.g. between processes on one host. It is a hint:
// a State adopts a record younger than its TTL instead of probing, and the proxy's 456 stays
// the source of truth. Implementations must be safe for concurrent use. A missing or unusable
// record is (Record{}, false, nil); an error is only for a store that cannot be read at all,
// and the State logs it and probes.
type Store interface {
	Load(ctx context.Context, key Key) (Record, bool, error)
	Save(ctx context.Context, key Key, rec Record) error
}

// MemoryStore is a Store in this process's memory.
type MemoryStore struct {
	mu   sync.Mutex
	recs map[Key]Record
}

// NewMemoryStore returns an empty in-memory Store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{recs: make(map[Key]Record)} }

// Load returns the record of key.
func (m *MemoryStore) Load(_ context.Context, key Key) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[key.norm()]
	return r, ok, nil
}

// Save replaces the record of key.
func (m *MemoryStore) Save(_ context.Context, key Key, rec Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[key.norm()] = rec
	return nil
}
