// Package strategy is e6data's zero-downtime blue/green contract on the client side, between
// the driver's query lifecycle and the wire:
//
//   - Classify, the one error classifier every retry decision uses (456 in all its shapes, 503,
//     "Access denied", context errors first);
//   - State, one per cluster (endpoint + cluster name) and process (Shared): colour detection
//     (single flight), per-query pins, transitions on new_strategy hints (drain model), TTL,
//     automated rollback, a Store to share detections between processes (NewFileStore),
//     Health, events and OpenTelemetry metrics;
//   - State.UnaryClientInterceptor, which attaches the strategy, cluster-name and plannerip
//     headers to every call and feeds the replies' hints back to the State.
//
// Retrying is the driver's decision (package connector); this package only says what happened.
package strategy

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Class is what an RPC error means for the caller. Every retry decision in the driver is made on
// a Class, so each error is classified once, here.
type Class int

// The classes, from most to least specific. The order of the checks in Classify is the order
// here: a context that ended wins over whatever the transport reported.
const (
	// OK: no error.
	OK Class = iota
	// Canceled: the caller's context ended (cancelled or deadline). Never a server failure.
	Canceled
	// WrongStrategy: the proxy rejected the call's colour (HTTP 456 in any of its shapes). The
	// call did not execute.
	WrongStrategy
	// Suspended: the cluster is suspended (HTTP 503 from its proxy). The call did not execute.
	Suspended
	// AccessDenied: the session is invalid or expired; authenticate again.
	AccessDenied
	// Unauthenticated: the credentials were refused. Not retryable.
	Unauthenticated
	// Unavailable: the transport failed (connection refused or dropped, GOAWAY). The call may or
	// may not have executed.
	Unavailable
	// Other: any other error, such as an SQL error from the engine.
	Other
)

var classNames = [...]string{"OK", "Canceled", "WrongStrategy", "Suspended", "AccessDenied", "Unauthenticated", "Unavailable", "Other"}

// String returns the class name.
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return "Class(?)"
}

// httpStatus matches the ways gRPC libraries report an HTTP status a proxy answered instead of
// gRPC: grpc-go's "status code 456", C-core's "status: 456", e6data's Python mock's "Status:
// 456".
var (
	http456 = regexp.MustCompile(`(?i)(status:|server:|status code)\s*456\b`)
	http503 = regexp.MustCompile(`(?i)(status:|server:|status code)\s*503\b`)
)

// expected456 finds the serving colour a 456 names, as e6data's test server words it ("Wrong
// strategy. Status: 456. Expected: blue, Got: green") and as the mock's other shapes do
// ("expected blue").
var expected456 = regexp.MustCompile(`(?i)\bexpected:?\s+(blue|green)\b`)

// expectedColour returns the serving colour named by the 456 err, or "" when it names none.
func expectedColour(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	if m := expected456.FindStringSubmatch(st.Message()); m != nil {
		return normColour(m[1])
	}
	return ""
}

// Classify returns what err means. ctx is the context of the call that failed: when it has
// ended, the error is Canceled whatever the transport made of it, so a cancelled query never
// looks like a server or network failure.
func Classify(ctx context.Context, err error) Class {
	if err == nil {
		return OK
	}
	if ctx != nil && ctx.Err() != nil {
		return Canceled
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	st, ok := status.FromError(err)
	if !ok {
		return Other
	}
	code, msg := st.Code(), st.Message()
	switch {
	case code == 456:
		return WrongStrategy
	case (code == codes.Unknown || code == codes.InvalidArgument) && http456.MatchString(msg):
		return WrongStrategy
	case code == codes.Unavailable && http503.MatchString(msg):
		return Suspended
	case code == codes.Internal && strings.Contains(strings.ToLower(msg), "access denied"):
		return AccessDenied
	case code == codes.Unauthenticated:
		return Unauthenticated
	case code == codes.Unavailable:
		return Unavailable
	case code == codes.Canceled || code == codes.DeadlineExceeded:
		// The server (or a proxy) gave up on the call although our context is alive.
		return Other
	}
	return Other
}
