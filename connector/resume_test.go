package connector_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

const resumeParams = "auto-resume=true&resume-poll-interval=100ms" // the floor: as fast as allowed

func TestAutoResume(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: 30 * time.Millisecond}, resumeParams)
	ctx := testCtx(t)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&n)) // a session before the suspension

	srv.Suspend()
	require.Equal(t, "suspended", srv.ClusterStatus())
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 2").Scan(&n))
	assert.Equal(t, 2, n)
	assert.Equal(t, "active", srv.ClusterStatus())
	assert.Equal(t, 1, len(callsOf(srv, "ClusterService/resume")))
	assert.NotEmpty(t, callsOf(srv, "ClusterService/status"))
	var suspended int
	for _, r := range srv.CallLog() {
		if r.Outcome == mock.OutcomeSuspended {
			suspended++
		}
	}
	assert.Positive(t, suspended, "the driver met the suspension")
}

func TestAutoResumeIsDefault(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: 10 * time.Millisecond}, "resume-poll-interval=100ms")
	srv.Suspend()
	_, err := db.ExecContext(testCtx(t), "SELECT 1")
	require.NoError(t, err)
	assert.Len(t, callsOf(srv, "ClusterService/resume"), 1)
}

func TestAutoResumeSingleFlight(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: 100 * time.Millisecond}, resumeParams)
	const workers = 8
	db.SetMaxOpenConns(workers)
	ctx := testCtx(t)
	// Open the connections and their sessions first, so every worker runs on its own.
	conns := make([]*sql.Conn, workers)
	for i := range conns {
		conns[i] = rawConn(t, db)
		require.NoError(t, conns[i].PingContext(ctx))
	}

	srv.Suspend()
	errs := make(chan error, workers)
	start := make(chan struct{})
	for i, c := range conns {
		go func() {
			<-start
			var got int
			err := c.QueryRowContext(ctx, "SELECT ?", i).Scan(&got)
			if err == nil && got != i {
				err = assert.AnError
			}
			errs <- err
		}()
	}
	close(start)
	for range workers {
		require.NoError(t, <-errs)
	}
	assert.Len(t, callsOf(srv, "ClusterService/resume"), 1, "one resume for all the queries")
	assert.Equal(t, "active", srv.ClusterStatus())
}

func TestAutoResumeOff(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{}, "auto-resume=false")
	ctx := testCtx(t)
	require.NoError(t, db.PingContext(ctx))
	srv.Suspend()

	// The query fails at once: one prepare, no re-runs, and an error a caller should not
	// retry as it is.
	start := time.Now()
	_, err := db.QueryContext(ctx, "SELECT 1")
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, connector.ErrClusterSuspended)
	var e *connector.Error
	require.ErrorAs(t, err, &e)
	assert.False(t, e.Retryable)
	assert.Contains(t, err.Error(), "auto-resume")
	assert.Len(t, callsOf(srv, "prepareStatementV2"), 1, "prepares of a query on a suspended cluster")
	assert.Less(t, elapsed, time.Second, "no backoff between re-runs")

	_, err = db.ExecContext(ctx, "SELECT 1")
	assert.ErrorIs(t, err, connector.ErrClusterSuspended)
	err = db.PingContext(ctx)
	assert.ErrorIs(t, err, connector.ErrClusterSuspended)

	assert.Empty(t, callsOf(srv, "ClusterService/resume"), "the driver does not resume")
	assert.Equal(t, "suspended", srv.ClusterStatus())

	srv.Resume()
	require.Eventually(t, func() bool { return srv.ClusterStatus() == "active" }, 10*time.Second, time.Millisecond)
	_, err = db.ExecContext(ctx, "SELECT 1")
	require.NoError(t, err)
}

func TestResumeFails(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: 10 * time.Millisecond}, resumeParams)
	srv.SetResumeFails(true)
	srv.Suspend()
	_, err := db.ExecContext(testCtx(t), "SELECT 1")
	require.Error(t, err)
	assert.ErrorIs(t, err, connector.ErrResumeFailed)
	assert.Len(t, callsOf(srv, "ClusterService/resume"), 1)
	assert.Equal(t, "failed", srv.ClusterStatus())
}

// The wait for a resume ends with the caller's context: its deadline passes while the cluster is
// still resuming, and the caller gets the deadline, not a resume error.
func TestResumeWaitEndsWithContext(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: time.Hour}, resumeParams)
	srv.Suspend()
	ctx, expire := newExpiringCtx(t)
	done := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, "SELECT 1")
		done <- err
	}()
	// The deadline passes once the driver has asked for the resume and waits for it.
	require.Eventually(t, func() bool {
		for _, r := range callsOf(srv, "ClusterService/resume") {
			if r.Outcome == mock.OutcomeOK {
				return true
			}
		}
		return false
	}, 30*time.Second, time.Millisecond, "the driver resumes the cluster")
	expire()
	err := <-done
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "resuming", srv.ClusterStatus())
}

func TestResumeTimeout(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{ResumeDelay: time.Hour}, resumeParams, "resume-timeout=300ms")
	srv.Suspend()
	_, err := db.ExecContext(testCtx(t), "SELECT 1")
	require.Error(t, err)
	assert.ErrorIs(t, err, connector.ErrClusterSuspended)
	assert.Contains(t, err.Error(), "resume-timeout")
}

// TestSuspendWhileReading: a suspension ends running queries. A stream already handed to the
// caller either fails or, when the driver resumes it (replay), delivers every row exactly once;
// it is never cut short silently. The next query succeeds after the resume.
func TestSuspendWhileReading(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 10, ResumeDelay: 10 * time.Millisecond}, resumeParams, "prefetch=1")
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx, genSQL(1000))
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var x int
		require.NoError(t, rows.Scan(&x))
		n++
		require.Equal(t, n, x, "no row lost or repeated")
		if n == 1 {
			srv.Suspend()
		}
	}
	if err := rows.Err(); err != nil {
		assert.Less(t, n, 1000)
		t.Logf("stream failed after %d rows: %v", n, err)
	} else {
		assert.Equal(t, 1000, n, "a cut stream is not reported as complete")
	}
	require.NoError(t, rows.Close())

	var got int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 5").Scan(&got))
	assert.Equal(t, 5, got)
	// One resume in all: by the stream when it saw the suspension, else by this query. (A batch
	// call already past the proxy when the cluster suspended finds its query gone, NotFound,
	// and the stream fails without having seen the suspension.)
	assert.Len(t, callsOf(srv, "ClusterService/resume"), 1)
}
