package main

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/logbuf"
)

// TestServesDemoDataset starts the command as `e6data-mock -demo` would (on a free port), queries
// the demo dataset through the driver with the DSN it printed, and stops it.
func TestServesDemoDataset(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-demo", "-switch-every", "50ms", "-batch-rows", "1000"}, outW, stderr)
		outW.Close()
	}()
	dsn, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	dsn = strings.TrimSpace(dsn)
	assert.True(t, strings.HasPrefix(dsn, "e6data://admin:mock-token@127.0.0.1:"), dsn)

	db, err := sql.Open("e6data", dsn)
	require.NoError(t, err)
	defer db.Close()
	var n int64
	qctx, qcancel := context.WithTimeout(ctx, 30*time.Second)
	defer qcancel()
	// Switches happen every 50 ms without the strategy layer in this query's way: calls without
	// a strategy header are served whatever colour is live.
	require.NoError(t, db.QueryRowContext(qctx, `SELECT COUNT(*) FROM "orders"`).Scan(&n))
	assert.Equal(t, int64(100000), n)

	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "mock: switch") }, 10*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-batch-rows", "0"},
		{"-switch-every", "-1s"},
		{"extra"},
		{"-no-such-flag"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}

// syncBuffer is a log sink safe for a logger and the test to share.
type syncBuffer = logbuf.Buffer
