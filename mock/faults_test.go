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
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.qe.HealthCheck(short, &e6pb.HealthCheckRequest{})
	assert.Equal(t, codes.DeadlineExceeded, status.Code(err))
	_, err = c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
	require.NoError(t, err, "the delay applied to one call only")
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
