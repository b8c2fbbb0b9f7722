package mock

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/strategy"
)

func TestExpireSessions(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	srv.ExpireSessions()
	_, err := c.prepare(ctx, Blue, sid, "SELECT 1")
	assert.Equal(t, codes.Internal, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "Access denied")
	assert.Equal(t, strategy.AccessDenied, strategy.Classify(ctx, err), "a shape the driver renews the session on: %v", err)
	c.run(t, ctx, Blue, c.auth(t, ctx, Blue), "SELECT 1") // a new session works
}

func TestFailAndDelayNext(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)

	srv.FailNext("prepareStatementV2", 2, status.Error(codes.ResourceExhausted, "busy"))
	for range 2 {
		_, err := c.prepare(ctx, Blue, sid, "SELECT 1")
		assert.Equal(t, codes.ResourceExhausted, status.Code(err))
	}
	_, err := c.prepare(ctx, Blue, sid, "SELECT 1")
	require.NoError(t, err)

	srv.DelayNext("/QueryEngineService/healthCheck", 1, time.Hour)
	assert.Equal(t, 1, srv.ArmedFaults("healthCheck"))
	short, cancel := context.WithCancel(ctx)
	defer cancel()
	delayed := make(chan error, 1)
	go func() {
		_, err := c.qe.HealthCheck(short, &e6pb.HealthCheckRequest{})
		delayed <- err
	}()
	// The caller gives up once its call is being delayed, however long it took to get there.
	require.Eventually(t, func() bool { return srv.ArmedFaults("healthCheck") == 0 }, 30*time.Second, time.Millisecond)
	cancel()
	assert.Equal(t, codes.Canceled, status.Code(<-delayed))
	_, err = c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
	require.NoError(t, err, "the delay applied to one call only")
}

// FailNextOf fails only the calls of its statement: a prepare of another text and a call about a
// query prepared with another text pass, and the faults stay armed until their statement comes.
func TestFailNextOf(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)
	other, err := c.prepare(ctx, Blue, sid, "SELECT 1") // prepared before the faults are armed
	require.NoError(t, err)
	require.NoError(t, other.execute(ctx))

	busy := status.Error(codes.ResourceExhausted, "busy")
	srv.FailNextOf("SELECT 2", "prepareStatementV2", 1, busy)
	srv.FailNextOf("SELECT 2", "getResultMetadata", 1, busy)
	_, err = c.prepare(ctx, Blue, sid, "SELECT 1")
	require.NoError(t, err, "another statement's prepare")
	_, err = other.metadata(ctx)
	require.NoError(t, err, "a call about another statement's query")
	assert.Equal(t, 1, srv.ArmedFaults("prepareStatementV2"))
	assert.Equal(t, 1, srv.ArmedFaults("getResultMetadata"))

	_, err = c.prepare(ctx, Blue, sid, "SELECT 2")
	assert.Equal(t, codes.ResourceExhausted, status.Code(err), "the statement's prepare")
	q, err := c.prepare(ctx, Blue, sid, "SELECT 2")
	require.NoError(t, err, "one fault, one call")
	require.NoError(t, q.execute(ctx))
	_, err = q.metadata(ctx)
	assert.Equal(t, codes.ResourceExhausted, status.Code(err), "a call about the statement's query")
	assert.Zero(t, srv.ArmedFaults("getResultMetadata"))
	_, err = q.metadata(ctx)
	require.NoError(t, err)
}

func TestFreezeAndDropConnections(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	c.auth(t, ctx, Blue)

	srv.Freeze()
	done := make(chan error, 1)
	go func() {
		_, err := c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("a call returned while frozen: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	srv.DropConnections()
	select {
	case err := <-done:
		assert.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("dropping connections did not end the frozen call")
	}
	srv.Unfreeze()
	// The client reconnects on its own.
	require.Eventually(t, func() bool {
		_, err := c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
		return err == nil
	}, 10*time.Second, 10*time.Millisecond)
}

// TestKeepalivePingsWithoutCalls sends HTTP/2 PINGs far more often than e6data's clients do (they
// ping every 30 s, or 10 s at grpc-go's floor), with no call in flight, and checks that the mock
// acknowledges each one and never answers GOAWAY too_many_pings as a default grpc-go server would.
func TestKeepalivePingsWithoutCalls(t *testing.T) {
	srv := newTestServer(t, Options{})
	conn, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = conn.Write([]byte(http2.ClientPreface))
	require.NoError(t, err)
	fr := http2.NewFramer(conn, bufio.NewReader(conn))
	require.NoError(t, fr.WriteSettings())
	acks := 0
	for i := range 20 {
		require.NoError(t, fr.WritePing(false, [8]byte{byte(i)}))
		for {
			f, err := fr.ReadFrame()
			require.NoError(t, err)
			if _, ok := f.(*http2.GoAwayFrame); ok {
				t.Fatalf("server sent GOAWAY after %d pings", i)
			}
			if p, ok := f.(*http2.PingFrame); ok && p.IsAck() {
				assert.Equal(t, byte(i), p.Data[0])
				acks++
				break
			}
		}
	}
	assert.Equal(t, 20, acks)
}
