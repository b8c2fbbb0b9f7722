package strategy

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoStrategy is matched (errors.Is) by a DetectError: no colour accepted the probe.
var ErrNoStrategy = errors.New("strategy: no colour accepted")

// Attempt is one probe of a detection: the colour tried and what it answered.
type Attempt struct {
	Colour string
	Err    error
}

// DetectError is the cause (errors.As) of a query's error when detection found no colour:
// every colour tried answered 456. It names each attempt; errors.Is(err, ErrNoStrategy) holds,
// and the attempts' errors are unwrapped too.
type DetectError struct {
	Key      Key
	Attempts []Attempt
}

// Error names every colour tried and what it answered.
func (e *DetectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "strategy: cluster %q at %s: no colour accepted:", e.Key.ClusterName, e.Key.Endpoint)
	for i, a := range e.Attempts {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s: %v", a.Colour, a.Err)
	}
	return b.String()
}

// Is matches ErrNoStrategy.
func (e *DetectError) Is(target error) bool { return target == ErrNoStrategy }

// Unwrap returns the attempts' errors.
func (e *DetectError) Unwrap() []error {
	out := make([]error, 0, len(e.Attempts))
	for _, a := range e.Attempts {
		out = append(out, a.Err)
	}
	return out
}

// ErrOptionsConflict is matched (errors.Is) by an *OptionsConflictError.
var ErrOptionsConflict = errors.New("strategy: options conflict with the cluster's shared state")

// OptionsConflictError is returned (by connector.NewConnector) when Options ask for a value of a
// field that shapes a cluster's shared blue/green state (see Options) different from the value
// that state already has, because another open connector of the process to the same cluster
// asked for it. Use the same value in both connectors, or close the other one first.
type OptionsConflictError struct {
	Key   Key
	Field string // the Options field, e.g. "TTL"
	Have  string // the value in force
	Want  string // the value asked for
}

// Error names the cluster, the field and both values.
func (e *OptionsConflictError) Error() string {
	return fmt.Sprintf("strategy: cluster %q at %s: Options.%s %s conflicts with %s, in force for another open connector to "+
		"the same cluster in this process; use the same value, or close the other connector first",
		e.Key.ClusterName, e.Key.Endpoint, e.Field, e.Want, e.Have)
}

// Is matches ErrOptionsConflict.
func (e *OptionsConflictError) Is(target error) bool { return target == ErrOptionsConflict }
