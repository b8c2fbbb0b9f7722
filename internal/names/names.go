// Package names holds how the driver spells and compares the names of e6data's blue/green
// contract: the two colours and a cluster's name. Package strategy (the public types) and the
// machinery behind it both read names through it, so there is one rule for each.
package names

import "strings"

// The two colours of a blue/green cluster, as the strategy header carries them.
const (
	Blue  = "blue"
	Green = "green"
)

// Colour returns Blue or Green for any casing of them, else "".
func Colour(c string) string {
	switch {
	case c == Blue || c == Green:
		return c
	case strings.EqualFold(c, Blue):
		return Blue
	case strings.EqualFold(c, Green):
		return Green
	}
	return ""
}

// Cluster returns a cluster name as it is compared and sent in the cluster-name header:
// lower-cased.
func Cluster(name string) string { return strings.ToLower(name) }
