package connector

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// deadlineSlack bounds how early before ctx's deadline a DeadlineExceeded answer is taken as
// that deadline (see settleDeadline).
const deadlineSlack = 100 * time.Millisecond

// settleDeadline waits for ctx to end when err is a DeadlineExceeded status that ctx's own
// deadline explains but ctx's timer has not fired yet. grpc-go sends the deadline to the server
// (grpc-timeout), whose copy can expire and answer a moment before the client's timer does; the
// error is then classified as the caller's deadline (errors.Is(err, context.DeadlineExceeded)),
// and the query is cancelled on the server, rather than reported as a server failure.
func settleDeadline(ctx context.Context, err error) {
	if ctx.Err() != nil || status.Code(err) != codes.DeadlineExceeded {
		return
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < deadlineSlack {
		<-ctx.Done() // ends at dl, less than deadlineSlack from now
	}
}
