package strategy

import (
	"context"
	"errors"

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
	// AccessDenied: the engine does not know the call's session (it expired, or another
	// colour's stack issued it); authenticate again. Not a permission error of the engine.
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

// Classify returns what err means. ctx is the context of the call that failed: when it has
// ended, the error is Canceled whatever the transport made of it, so a cancelled query never
// looks like a server or network failure.
//
// The gRPC status decides, structure before text: code 456 is a wrong colour whatever its
// message; a status that carries structured detail (google.rpc details such as ErrorInfo) is
// classified by its code alone, since every known wording is of an answer that has none; and
// only then is the message compared with those wordings (shapes.go), each matched whole,
// never as a part of a longer message: an engine error that merely mentions "Access denied" or
// "Status: 456" is the engine's error, not a session or colour problem. The status is the one
// the chain carries (errors.As), read as its sender wrote it, not status.FromError's rewording
// of a wrapped error.
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
	st := statusOf(err)
	if st == nil {
		return Other
	}
	code := st.Code()
	if code == codeWrongStrategy {
		return WrongStrategy
	}
	// Details are looked for only when a wording matched: elsewhere the code decides anyway,
	// and reading them copies the status.
	if class, ok := matchShape(code, st.Message()); ok && len(st.Proto().GetDetails()) == 0 {
		return class
	}
	switch code {
	case codes.Unauthenticated:
		return Unauthenticated
	case codes.Unavailable:
		return Unavailable
	}
	// Canceled or DeadlineExceeded from the server (or a proxy) while our context is alive:
	// it gave up on the call; Other, like any engine error.
	return Other
}

// statusOf returns the gRPC status err carries, nil when it carries none.
func statusOf(err error) *status.Status {
	var gs interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &gs) {
		return nil
	}
	return gs.GRPCStatus()
}
