package mock

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// loadNumbers creates table numbers(n) holding 1..count.
func loadNumbers(t *testing.T, srv *Server, count int) {
	t.Helper()
	_, err := srv.Exec(`CREATE TABLE numbers (n BIGINT)`)
	require.NoError(t, err)
	_, err = srv.Exec(fmt.Sprintf(`INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d) SELECT x FROM c`, count))
	require.NoError(t, err)
}

func requireWrongColour(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	st := status.Convert(err)
	assert.Equal(t, codes.Unknown, st.Code(), "%v", err)
	assert.Contains(t, st.Message(), "unexpected HTTP status code received from server: 456")
}

func TestWrongColourIsHTTP456(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	_, err := c.qe.Authenticate(on(ctx, Green, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	requireWrongColour(t, err)
	assert.Equal(t, 1, srv.Calls("authenticate", Green))
	assert.Equal(t, OutcomeWrongStrategy, srv.CallLog()[0].Outcome)

	// Calls without a strategy header, and with the live colour, are served.
	c.auth(t, ctx, "")
	c.auth(t, ctx, Blue)
}

func TestWrongStrategyShapes(t *testing.T) {
	for _, tc := range []struct {
		shape WrongStrategyShape
		code  codes.Code
		text  string
	}{
		{HTTP456, codes.Unknown, "unexpected HTTP status code received from server: 456"},
		{GRPCStatus456, codes.Code(456), "wrong strategy"},
		{UnknownCCore, codes.Unknown, "Received http2 header with status: 456"},
		{InvalidArgument456, codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green"},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			srv := newTestServer(t, Options{WrongStrategy: tc.shape})
			c := dial(t, srv)
			_, err := c.qe.Authenticate(on(testCtx(t), Green, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
			st := status.Convert(err)
			assert.Equal(t, tc.code, st.Code(), "%v", err)
			assert.Contains(t, st.Message(), tc.text)
		})
	}
}

func TestSwitchDrainsPinnedQueries(t *testing.T) {
	srv := newTestServer(t, Options{BatchRows: 10})
	loadNumbers(t, srv, 100)
	c := dial(t, srv)
	ctx := testCtx(t)
	blueSession := c.auth(t, ctx, Blue)
	q, err := c.prepare(ctx, Blue, blueSession, `SELECT n FROM numbers ORDER BY n`)
	require.NoError(t, err)
	require.NoError(t, q.execute(ctx))
	first, resp, err := q.batch(ctx)
	require.NoError(t, err)
	require.Equal(t, 10, first.Size)
	assert.Nil(t, resp.NewStrategy, "no switch announced yet")

	assert.Equal(t, Green, srv.Switch())
	assert.Equal(t, Blue, srv.DrainingStrategy())

	// The new colour serves new work at once, and responses announce it.
	greenSession := c.auth(t, ctx, Green)
	_, rows := c.run(t, ctx, Green, greenSession, `SELECT COUNT(*) FROM numbers`)
	assert.Equal(t, [][]any{{int64(100)}}, rows)

	// The query pinned to blue keeps fetching on blue until its end.
	total := first.Size
	for {
		ch, resp, err := q.batch(ctx)
		require.NoError(t, err)
		assert.Equal(t, Green, resp.GetNewStrategy())
		if ch == nil {
			break
		}
		total += ch.Size
	}
	assert.Equal(t, 100, total)
	// Still draining: the pin holds until the query is cleared.
	assert.Equal(t, Blue, srv.DrainingStrategy())
	assert.Equal(t, map[string]int{Blue: 1}, srv.PinnedQueries())
	require.NoError(t, q.clear(ctx))
	require.NoError(t, srv.WaitDrained(ctx))

	// Only now is blue retired.
	_, err = c.qe.Authenticate(on(ctx, Blue, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	requireWrongColour(t, err)
	resp2, err := c.qe.HealthCheck(on(ctx, Green, ""), &e6pb.HealthCheckRequest{})
	require.NoError(t, err)
	assert.NotNil(t, resp2)
	assert.Equal(t, 1, srv.Switches())

	// Every call of the blue query carried blue.
	assert.Equal(t, []string{Blue}, srv.QueryColours()[q.queryID])
}

func TestSwitchAbruptCutsRunningQueries(t *testing.T) {
	srv := newTestServer(t, Options{BatchRows: 10})
	loadNumbers(t, srv, 100)
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	q, err := c.prepare(ctx, Blue, sid, `SELECT n FROM numbers`)
	require.NoError(t, err)
	require.NoError(t, q.execute(ctx))
	_, _, err = q.batch(ctx)
	require.NoError(t, err)

	assert.Equal(t, Green, srv.SwitchAbrupt())
	assert.Equal(t, "", srv.DrainingStrategy())
	_, _, err = q.batch(ctx)
	requireWrongColour(t, err)
	// No announcement: a green response carries no new_strategy.
	gs := c.auth(t, ctx, Green)
	resp, err := c.qe.PrepareStatementV2(on(ctx, Green, ""), &e6pb.PrepareStatementV2Request{SessionId: gs, QueryString: "SELECT 1"})
	require.NoError(t, err)
	assert.Nil(t, resp.NewStrategy)
	assert.Empty(t, srv.PinnedQueries()[Blue])
}

func TestDrainTimeoutRetiresOldColour(t *testing.T) {
	srv := newTestServer(t, Options{DrainTimeout: 50 * time.Millisecond})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	q, err := c.prepare(ctx, Blue, sid, `SELECT 1`)
	require.NoError(t, err)
	srv.Switch()
	require.NoError(t, srv.WaitDrained(ctx)) // the query is never cleared: the timeout retires blue
	requireWrongColour(t, q.execute(ctx))
}

func TestSwitchWithNothingPinnedRetiresAtOnce(t *testing.T) {
	srv := newTestServer(t, Options{InitialStrategy: Green})
	c := dial(t, srv)
	ctx := testCtx(t)
	c.auth(t, ctx, Green)
	assert.Equal(t, Blue, srv.Switch())
	require.NoError(t, srv.WaitDrained(ctx))
	_, err := c.qe.Authenticate(on(ctx, Green, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	requireWrongColour(t, err)
	c.auth(t, ctx, Blue)
}

func TestSuspendResume(t *testing.T) {
	srv := newTestServer(t, Options{ResumeDelay: 20 * time.Millisecond})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	srv.Suspend()

	_, err := c.prepare(ctx, Blue, sid, "SELECT 1")
	st := status.Convert(err)
	assert.Equal(t, codes.Unavailable, st.Code(), "%v", err)
	assert.Contains(t, st.Message(), "503")
	assert.Equal(t, OutcomeSuspended, srv.CallLog()[len(srv.CallLog())-1].Outcome)

	u, p := "admin", "mock-token"
	stResp, err := c.cs.Status(on(ctx, Blue, ""), &e6pb.ClusterStatusRequest{User: u, Password: p})
	require.NoError(t, err)
	assert.Equal(t, "suspended", stResp.GetStatus())
	_, err = c.cs.Status(ctx, &e6pb.ClusterStatusRequest{User: u, Password: "wrong"})
	assert.Equal(t, codes.Unauthenticated, status.Code(err))

	rs, err := c.cs.Resume(on(ctx, Blue, ""), &e6pb.ResumeRequest{User: u, Password: p})
	require.NoError(t, err)
	assert.Equal(t, "resuming", rs.GetStatus())
	require.Eventually(t, func() bool {
		r, err := c.cs.Status(ctx, &e6pb.ClusterStatusRequest{User: u, Password: p})
		return err == nil && r.GetStatus() == "active"
	}, 5*time.Second, 5*time.Millisecond)

	_, rows := c.run(t, ctx, Blue, sid, "SELECT 2")
	assert.Equal(t, [][]any{{int64(2)}}, rows)

	// A failing resume reports "failed".
	srv.SetResumeFails(true)
	_, err = c.cs.Suspend(ctx, &e6pb.SuspendRequest{User: u, Password: p})
	require.NoError(t, err)
	srv.Resume()
	require.Eventually(t, func() bool { return srv.ClusterStatus() == "failed" }, 5*time.Second, 5*time.Millisecond)
}

func TestCancelQueryStopsRunningQuery(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	// A query that would run for minutes: the first batch never fills quickly.
	q, err := c.prepare(ctx, Blue, sid, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT SUM(x) FROM c`)
	require.NoError(t, err)
	execErr := make(chan error, 1)
	go func() {
		err := q.execute(ctx)
		if err == nil {
			_, _, err = q.batch(ctx)
		}
		execErr <- err
	}()
	time.Sleep(100 * time.Millisecond) // let it start running; the outcome does not depend on it
	_, err = c.qe.CancelQuery(q.ctx(ctx), &e6pb.CancelQueryRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	select {
	case err := <-execErr:
		assert.Equal(t, codes.Canceled, status.Code(err), "%v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("cancelQuery did not stop the running query")
	}
	var cancels int
	for _, r := range srv.CallLog() {
		if r.Method == "cancelQuery" && r.QueryID == q.queryID {
			cancels++
		}
	}
	assert.Equal(t, 1, cancels)
	assert.Empty(t, srv.PinnedQueries())
	// The cancelled query answers "cancelled" until cleared.
	assert.Equal(t, codes.Canceled, status.Code(q.execute(ctx)))
	require.NoError(t, q.clear(ctx))
}

func TestCallLogRecordsHeaders(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	q, err := c.prepare(ctx, Blue, sid, "SELECT 1")
	require.NoError(t, err)
	require.NoError(t, q.execute(ctx))
	log := srv.CallLog()
	require.Len(t, log, 3)
	assert.Equal(t, CallRecord{Method: "executeStatementV2", Strategy: Blue, ClusterName: "test-cluster",
		PlannerIP: q.engineIP, QueryID: q.queryID, Outcome: OutcomeOK, SQL: "SELECT 1"}, withoutTime(log[2]))
	assert.Equal(t, q.queryID, log[1].QueryID, "prepare is logged with the query id it created")
	assert.Equal(t, 1, srv.Calls("prepareStatementV2", Blue))
	assert.Equal(t, 3, len(srv.CallCounts()))
	srv.ResetCallLog()
	assert.Empty(t, srv.CallLog())
}

func withoutTime(r CallRecord) CallRecord {
	r.Time = time.Time{}
	return r
}

// TestSwitchDuringDrainWaitsForIt: a deployment starts only after the previous one drained, so a
// colour's stack is never replaced under the queries still running on it.
func TestSwitchDuringDrainWaitsForIt(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	q, err := c.prepare(ctx, Blue, c.auth(t, ctx, Blue), "SELECT 1")
	require.NoError(t, err)
	srv.Switch()
	next := make(chan string, 1)
	go func() { next <- srv.SwitchAbrupt() }()
	select {
	case colour := <-next:
		t.Fatalf("the second switch (to %s) did not wait for the drain", colour)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, q.execute(ctx), "blue still serves its pinned query")
	require.NoError(t, q.clear(ctx))
	assert.Equal(t, Blue, <-next)
	assert.Equal(t, 2, srv.Switches())
}

// TestReplacedStackAnswers456: after blue was retired and deployed again, a call about a query of
// the old blue stack names a planner that is gone: the proxy answers 456, not the new stack's
// "not found".
func TestReplacedStackAnswers456(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	q, err := c.prepare(ctx, Blue, c.auth(t, ctx, Blue), "SELECT 1")
	require.NoError(t, err)
	srv.SwitchAbrupt()
	assert.Equal(t, Blue, srv.SwitchAbrupt())
	requireWrongColour(t, q.execute(ctx))
	// The new blue stack serves new queries, with another planner.
	q2, err := c.prepare(ctx, Blue, c.auth(t, ctx, Blue), "SELECT 1")
	require.NoError(t, err)
	assert.NotEqual(t, q.engineIP, q2.engineIP)
	require.NoError(t, q2.execute(ctx))
}

// TestAnnounceSwitchAcceptsAfterAnOldColourClear: e6data's own test server announces the new
// colour on every response but keeps rejecting it, naming the serving colour, until a query on
// the serving colour is cleared; that clear carries the switch out.
func TestAnnounceSwitchAcceptsAfterAnOldColourClear(t *testing.T) {
	srv := newTestServer(t, Options{WrongStrategy: InvalidArgument456})
	c := dial(t, srv)
	ctx := testCtx(t)
	blue := c.auth(t, ctx, Blue)
	q, err := c.prepare(ctx, Blue, blue, `SELECT 1`)
	require.NoError(t, err)

	assert.Equal(t, Green, srv.AnnounceSwitch())
	assert.Equal(t, Green, srv.AnnounceSwitch(), "announcing twice changes nothing")
	assert.Equal(t, Blue, srv.ActiveStrategy(), "announced, not accepted")
	assert.Zero(t, srv.Switches())

	// Every response announces green, authenticate included; green is still refused, and the
	// refusal names the serving colour.
	resp, err := c.qe.Authenticate(on(ctx, Blue, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	require.NoError(t, err)
	assert.Equal(t, Green, resp.GetNewStrategy())
	_, err = c.qe.Authenticate(on(ctx, Green, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	st := status.Convert(err)
	assert.Equal(t, codes.InvalidArgument, st.Code(), "%v", err)
	assert.Equal(t, "Wrong strategy. Status: 456. Expected: blue, Got: green", st.Message())
	require.NoError(t, q.execute(ctx))
	_, bresp, err := q.batch(ctx)
	require.NoError(t, err)
	assert.Equal(t, Green, bresp.GetNewStrategy())

	// A cancel does not carry the switch out; a clear of a query on blue does.
	q2, err := c.prepare(ctx, Blue, blue, `SELECT 2`)
	require.NoError(t, err)
	_, err = c.qe.CancelQuery(q2.ctx(ctx), &e6pb.CancelQueryRequest{EngineIP: q2.engineIP, SessionId: blue, QueryId: q2.queryID})
	require.NoError(t, err)
	assert.Equal(t, Blue, srv.ActiveStrategy())
	q3, err := c.prepare(ctx, Blue, blue, `SELECT 3`)
	require.NoError(t, err)
	require.NoError(t, q.clear(ctx))
	assert.Equal(t, Green, srv.ActiveStrategy())
	assert.Equal(t, 1, srv.Switches())
	c.auth(t, ctx, Green)

	// Then it is a switch like any other: blue drains its pinned query (q3), then retires.
	assert.Equal(t, Blue, srv.DrainingStrategy())
	resp, err = c.qe.Authenticate(on(ctx, Green, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	require.NoError(t, err)
	assert.Equal(t, Green, resp.GetNewStrategy(), "the new colour is announced while the old one drains")
	require.NoError(t, q3.clear(ctx))
	require.NoError(t, srv.WaitDrained(ctx))
	assert.Equal(t, 1, srv.Switches(), "a clear on the old colour after the switch does not switch again")
	_, err = c.qe.Authenticate(on(ctx, Blue, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	assert.Equal(t, "Wrong strategy. Status: 456. Expected: green, Got: blue", status.Convert(err).Message())
}

// TestSwitchCarriesOutAnAnnouncement: Switch during an announcement switches to the announced
// colour at once.
func TestSwitchCarriesOutAnAnnouncement(t *testing.T) {
	srv := newTestServer(t, Options{})
	assert.Equal(t, Green, srv.AnnounceSwitch())
	assert.Equal(t, Green, srv.Switch())
	assert.Equal(t, 1, srv.Switches())
	c := dial(t, srv)
	c.auth(t, testCtx(t), Green)
	assert.Equal(t, Blue, srv.AnnounceSwitch(), "a new announcement after the switch")
}
