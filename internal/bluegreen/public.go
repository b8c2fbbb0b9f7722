package bluegreen

import (
	"github.com/e6data/gorm-e6data/internal/names"
	"github.com/e6data/gorm-e6data/strategy"
)

// normKey returns key as States are kept and compared: the cluster name lower-cased.
func normKey(k strategy.Key) strategy.Key {
	return strategy.Key{Endpoint: k.Endpoint, ClusterName: names.Cluster(k.ClusterName)}
}
