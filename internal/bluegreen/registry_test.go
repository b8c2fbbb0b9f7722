package bluegreen

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSharedPerKey(t *testing.T) {
	// Unique endpoints: the registry lives as long as the process (-count=N).
	ep := fmt.Sprintf("reg-%d", time.Now().UnixNano())
	a := Shared(Key{Endpoint: ep + ":443", ClusterName: "One"}, Options{Logger: quiet}, nil)
	assert.Same(t, a, Shared(Key{Endpoint: ep + ":443", ClusterName: "ONE"}, Options{Logger: quiet}, nil))
	b := Shared(Key{Endpoint: ep + ":443", ClusterName: "two"}, Options{Logger: quiet}, nil)
	c := Shared(Key{Endpoint: ep + ":444", ClusterName: "one"}, Options{Logger: quiet}, nil)
	assert.NotSame(t, a, b)
	assert.NotSame(t, a, c)
	assert.NotSame(t, a, New(Key{Endpoint: ep + ":443", ClusterName: "one"}, Options{Logger: quiet}))
	assert.Equal(t, "one", a.Key().ClusterName)

	// Nothing is shared between keys: colour, generation, pins.
	_, _, err := a.Colour(context.Background(), newCluster(Green).probe)
	require.NoError(t, err)
	_, _, err = b.Colour(context.Background(), newCluster(Blue).probe)
	require.NoError(t, err)
	pa, _ := a.Acquire()
	a.Observe(Blue, Call{})
	assert.Equal(t, Green, pa.Colour())
	assert.Equal(t, Blue, b.Active())
	assert.Empty(t, b.Health().Pending)
	assert.Empty(t, b.Pinned())
	assert.Empty(t, c.Active())
	pa.Release()
}

func TestUnshareForgetsTheLastUse(t *testing.T) {
	key := Key{Endpoint: "unshare.example:1", ClusterName: "c"}
	a := Shared(key, Options{}, nil)
	b := Shared(key, Options{}, nil)
	if a != b {
		t.Fatal("one State per key")
	}
	Unshare(a)
	if Shared(key, Options{}, nil) != a {
		t.Fatal("the State is forgotten only when its last user gives it back")
	}
	Unshare(a)
	Unshare(a)
	if Shared(key, Options{}, nil) == a {
		t.Fatal("the State outlived its last user")
	}
	Unshare(a) // unknown now: no effect
}
