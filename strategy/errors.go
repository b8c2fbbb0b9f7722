package strategy

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoStrategy is matched (errors.Is) by a DetectError: no colour accepted the probe.
var ErrNoStrategy = errors.New("strategy: no colour accepted")

// Attempt is one probe of a detection.
type Attempt struct {
	Colour string
	Err    error
}

// DetectError is returned by Colour when every colour tried answered 456. It names each
// attempt; errors.Is(err, ErrNoStrategy) holds, and the attempts' errors are unwrapped too.
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
