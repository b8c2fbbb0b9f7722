package connector_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
)

// TestReconnectAfterOutage: when the server comes back after an outage, the first query
// succeeds promptly: the channel retries connecting at least every second, and a call that finds
// it between attempts waits for the next one instead of failing with the last "connection
// refused".
func TestReconnectAfterOutage(t *testing.T) {
	srv := startMock(t, mock.Options{})
	addr := srv.Addr()
	db := openDB(t, srv.DSN())
	ctx := testCtx(t)
	require.NoError(t, db.PingContext(ctx))

	require.NoError(t, srv.Close()) // the server goes down...
	const outage = 4 * time.Second
	down := time.Now()
	failed := 0
	for time.Since(down) < outage {
		qctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err := db.ExecContext(qctx, "SELECT 1")
		cancel()
		require.Error(t, err, "a query while the server is down")
		failed++
		<-time.After(50 * time.Millisecond) // a client's pace, not a wait for an event
	}
	require.Positive(t, failed)

	startMock(t, mock.Options{Listen: addr}) // ...and comes back on the same address
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	var n int
	require.NoError(t, db.QueryRowContext(qctx, "SELECT 7").Scan(&n), "the first query after the outage")
	took := time.Since(start)
	t.Logf("the first query after the outage took %s (%d failed during it)", took, failed)
	assert.Equal(t, 7, n)
	assert.Less(t, took, 3*time.Second, "the first query after the outage took %s", took)
}
