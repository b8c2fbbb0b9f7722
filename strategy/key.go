package strategy

import "github.com/e6data/gorm-e6data/internal/names"

// The two colours of a blue/green e6data cluster: "blue" and "green", as the strategy header
// carries them.
const (
	Blue  = names.Blue
	Green = names.Green
)

// Key names one cluster: its endpoint (host:port) and its cluster name. The cluster name is
// compared lower-cased, as the cluster-name header is sent. Events and Stores are keyed by it.
type Key struct{ Endpoint, ClusterName string }

func (k Key) norm() Key {
	return Key{Endpoint: k.Endpoint, ClusterName: names.Cluster(k.ClusterName)}
}
