package connector

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// Reconnection after an outage.
//
// When the cluster cannot be reached, the gRPC channel waits between connection attempts, and a
// call made while it waits fails at once with the last connection error ("connection refused").
// gRPC's default waits grow to 2 minutes, so after a long outage queries kept failing for many
// seconds after the cluster was back. The driver therefore:
//
//   - retries connecting at least every reconnectMaxDelay (1 s), starting after 100 ms, with
//     jitter, for as long as the cluster is unreachable (a connection attempt itself may take up
//     to 20 s, gRPC's minimum connect timeout, against a host that does not answer);
//   - makes a call wait for the connection ("wait for ready") instead of failing at once, when
//     its caller's context has a deadline: the call then fails only when that deadline passes,
//     and succeeds as soon as the cluster answers again. A query's calls follow the query's
//     context (a prepare-timeout does not count), and the cancel and clear calls sent after the
//     caller gave up wait within cancel-timeout. Calls whose caller set no deadline fail at once
//     while the channel is disconnected, as before: nothing else would bound their wait.
//
// Config.DialOptions may override the connect parameters (grpc.WithConnectParams).
const (
	reconnectBaseDelay = 100 * time.Millisecond
	reconnectMaxDelay  = time.Second
	// minConnectTimeout is gRPC's own default; WithConnectParams would otherwise set it to 0.
	minConnectTimeout = 20 * time.Second
)

// reconnectDialOptions returns the dial options that make the channel reconnect promptly.
func reconnectDialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  reconnectBaseDelay,
				Multiplier: backoff.DefaultConfig.Multiplier,
				Jitter:     backoff.DefaultConfig.Jitter,
				MaxDelay:   reconnectMaxDelay,
			},
			MinConnectTimeout: minConnectTimeout,
		}),
		grpc.WithChainUnaryInterceptor(waitForReadyInterceptor),
	}
}

type waitForReadyKey struct{}

// waitForReadyWithin returns ctx marked so that its calls wait for the connection, when bound
// (the caller's context: ctx itself, or the query's) has a deadline.
func waitForReadyWithin(ctx, bound context.Context) context.Context {
	if _, ok := bound.Deadline(); !ok || ctx.Value(waitForReadyKey{}) != nil {
		return ctx
	}
	return context.WithValue(ctx, waitForReadyKey{}, true)
}

// waitForReadyInterceptor makes a call marked by waitForReadyWithin wait for the connection.
func waitForReadyInterceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if ctx.Value(waitForReadyKey{}) != nil {
		opts = append([]grpc.CallOption{grpc.WaitForReady(true)}, opts...)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}
