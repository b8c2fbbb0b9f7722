package connector_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// The metadata and the first batch are requested together; whichever fails first decides the
// query's error at once and cancels the other call, which may hang (a hung batch call must not
// hold a caller that has no deadline). The held call is a minute long and the test's bound 30 s:
// a caller that waited for it would time the test out, no stopwatch needed.
func TestFirstErrorOfMetadataAndBatchCancelsTheOther(t *testing.T) {
	for _, tc := range []struct {
		name           string
		fails, hangs   string
		wantInTheError string
	}{
		{"metadata fails, batch hangs", "getResultMetadata", "getNextResultBatch", "metadata refused"},
		{"batch fails, metadata hangs", "getNextResultBatch", "getResultMetadata", "batch refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMock(t, mock.Options{})
			db := openDB(t, srv.DSN())
			const q = "SELECT 1"
			refused := status.Error(codes.InvalidArgument, "mock: "+tc.wantInTheError) // not retryable
			srv.DelayNext(tc.hangs, 1, time.Minute)
			srv.FailNextOf(q, tc.fails, 1, refused)

			done := queryFailing(context.Background(), db, q) // no deadline: only the fix ends the wait
			select {
			case err := <-done:
				require.ErrorContains(t, err, tc.wantInTheError)
				var e *connector.Error
				require.ErrorAs(t, err, &e)
				assert.False(t, e.Retryable)
			case <-time.After(30 * time.Second):
				t.Fatalf("QueryContext still waits for %s after %s failed", tc.hangs, tc.fails)
			}
			// The other call may have been cancelled before it reached the cluster (the failure
			// came first); if it reached it, it ends cancelled, not after its minute.
			require.Eventually(t, func() bool {
				for _, r := range callsOf(srv, tc.hangs) {
					if r.Outcome == "" {
						return false
					}
				}
				return true
			}, 30*time.Second, time.Millisecond, "the held %s call ends", tc.hangs)
			for _, r := range callsOf(srv, tc.hangs) {
				assert.Equal(t, codes.Canceled.String(), r.Outcome, "the held call was cancelled")
			}
			awaitClears(t, srv)
		})
	}
}
