package connector

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/strategy"
)

// Sentinel errors; errors.Is matches them through *Error and any wrapping.
var (
	// ErrTransactionsNotSupported is returned by BeginTx: e6data has no transactions.
	ErrTransactionsNotSupported = errors.New("e6data: transactions are not supported; run statements without Begin (with GORM, set SkipDefaultTransaction)")
	// ErrClusterSuspended means the cluster is suspended and auto-resume is off (or gave up).
	ErrClusterSuspended = errors.New("e6data: the cluster is suspended; resume it, or enable auto-resume in the DSN (auto-resume=true)")
	// ErrInvalidCredentials means the cluster refused the user and token.
	ErrInvalidCredentials = errors.New("e6data: invalid credentials; check the DSN's user and token")
	// ErrNoLastInsertID is returned by Result.LastInsertId: e6data generates no keys.
	ErrNoLastInsertID = errors.New("e6data: LastInsertId is not supported; e6data does not generate keys")
	// ErrResumeFailed means the cluster reported "failed" while resuming.
	ErrResumeFailed = errors.New("e6data: the cluster failed to resume")
	// ErrQueryInterrupted means a blue/green deployment switch cut a query after rows had
	// reached the caller, and the driver could not resume it (see InterruptedError).
	ErrQueryInterrupted = errors.New("e6data: query interrupted by a deployment switch")
	// ErrConnectorClosed is returned for calls on a closed Connector.
	ErrConnectorClosed = errors.New("e6data: connector is closed")
	// ErrCorruptResult means the server sent result bytes the driver cannot decode, or a result
	// batch that claims more than the configured limits allow (max-batch-rows): the query fails
	// with it before anything is allocated for the claim. It is the result codec's own
	// sentinel, so errors.Is matches every decode error, whichever layer wrapped it.
	ErrCorruptResult = codec.ErrCorrupt
)

// Error is an error from a call to the cluster. It says which RPC failed, for which query, with
// which gRPC code, and whether retrying the whole operation is safe (the call did not execute or
// cannot have changed anything).
type Error struct {
	RPC       string         // the RPC that failed, e.g. "prepareStatementV2"
	QueryID   string         // the query the call was about, if any
	Code      codes.Code     // the gRPC status code
	Class     strategy.Class // what the error means (see strategy.Classify)
	Retryable bool           // retrying the operation is safe
	Message   string         // the server's message
	Err       error          // the underlying error (a sentinel, a context error or the gRPC status error)
}

// Error formats the error with its RPC, query id and code.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("e6data: ")
	b.WriteString(e.RPC)
	if e.QueryID != "" {
		fmt.Fprintf(&b, " (query %s)", e.QueryID)
	}
	fmt.Fprintf(&b, ": %s", e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil && !isStatusError(e.Err) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, so errors.Is(err, context.Canceled) and the sentinels work.
func (e *Error) Unwrap() error { return e.Err }

// GRPCStatus lets status.FromError and status.Code see the gRPC status of the failed call: the
// server's own, structured details included, when Err is it; else one of Code and Message.
func (e *Error) GRPCStatus() *status.Status {
	if gs, ok := e.Err.(interface{ GRPCStatus() *status.Status }); ok {
		if st := gs.GRPCStatus(); st != nil && st.Code() == e.Code {
			return st
		}
	}
	return status.New(e.Code, e.Message)
}

func isStatusError(err error) bool {
	_, ok := err.(interface{ GRPCStatus() *status.Status })
	return ok
}

// newError builds the driver's error for a failed RPC. ctxErr, when the caller's context ended,
// is wrapped instead of the transport error so errors.Is(err, context.Canceled) holds.
func newError(rpc, queryID string, class strategy.Class, err, ctxErr error) *Error {
	st := status.Convert(err)
	e := &Error{RPC: rpc, QueryID: queryID, Code: st.Code(), Class: class, Message: st.Message(), Err: err}
	switch class {
	case strategy.Canceled:
		if ctxErr != nil {
			e.Err = ctxErr
		}
		e.Code = status.FromContextError(e.Err).Code()
		e.Message = ""
	case strategy.Suspended:
		e.Err, e.Retryable = ErrClusterSuspended, true
	case strategy.Unauthenticated:
		e.Err = ErrInvalidCredentials
	case strategy.WrongStrategy, strategy.AccessDenied:
		e.Retryable = true
	}
	return e
}

// InterruptedError is returned by Rows.Next when a deployment switch cut a query after some of
// its rows reached the caller and resuming it by replay failed: the re-run returned other rows
// (the result is not deterministic), fewer rows, or more rows would have had to be read again
// than Config.ReplayLimit allows. The rows already returned are correct; the rest is not
// available. errors.Is(err, ErrQueryInterrupted) holds. Run the query again.
type InterruptedError struct {
	QueryID   string // the query that was cut
	Delivered int64  // rows the caller had received
	Reason    string // why it could not be resumed
	Cause     error  // the error that cut it
	// Err is the error that ended the attempt to resume, when one did: a *RetryError when every
	// re-run was cut in turn, or the re-run's own failure. nil when the re-run's rows did not
	// match or replay-limit was passed (Reason says which).
	Err error
}

// Error says what happened and what to do.
func (e *InterruptedError) Error() string {
	return fmt.Sprintf("e6data: query %s was interrupted by a deployment switch after %d rows and could not be resumed: %s; run it again",
		e.QueryID, e.Delivered, e.Reason)
}

// Is matches ErrQueryInterrupted.
func (e *InterruptedError) Is(target error) bool { return target == ErrQueryInterrupted }

// Unwrap returns the error that ended the resume (Err), when there is one, and the error that
// cut the query (Cause), so errors.As reaches a *RetryError and both calls' gRPC statuses.
func (e *InterruptedError) Unwrap() []error {
	errs := make([]error, 0, 2)
	for _, err := range []error{e.Err, e.Cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// RetryError is returned when an operation failed on every one of its Config.RetryAttempts
// attempts in a way the driver retries transparently: rejected for its blue/green colour (HTTP
// 456, e.g. during a storm of deployment switches), or refused with "Access denied" although its
// session was renewed each time. (A cluster found suspended again is reported as such, with
// ErrClusterSuspended.) It says how
// often the operation was tried and wraps the last attempt's error, so errors.Is and errors.As
// reach it (a *Error with its Class; its Retryable is false). The driver gives up: retrying at
// once is unlikely to help; wait, or raise retry-attempts.
type RetryError struct {
	Attempts int   // how many times the operation was tried, all failing
	Err      error // the last attempt's error
}

// Error says how often the operation was tried, why it failed each time, and the last error.
func (e *RetryError) Error() string {
	why := "failing each time"
	var ce *Error
	if errors.As(e.Err, &ce) {
		switch ce.Class {
		case strategy.WrongStrategy:
			why = "across blue/green deployment switches, rejected for its colour (HTTP 456) each time"
		case strategy.AccessDenied:
			why = "with a new session each time, refused with Access denied each time"
		}
	}
	times := fmt.Sprintf("%d times", e.Attempts)
	if e.Attempts == 1 {
		times = "once"
	}
	return fmt.Sprintf("e6data: tried %s %s; giving up (retry-attempts=%d): %v", times, why, e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *RetryError) Unwrap() error { return e.Err }

// exhausted returns the error for an operation whose attempts, all n of them, failed in a way
// that is retried transparently, the last with err: a *RetryError, with the wrapped *Error
// marked not retryable (the driver has already retried it). A suspended cluster's error is
// returned as it is: it says what to do (resume the cluster).
func exhausted(n int, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Class == strategy.Suspended {
			return err
		}
		e.Retryable = false
	}
	return &RetryError{Attempts: n, Err: err}
}
