package connector

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/connectivity"
)

// Reconnection after an outage.
//
// When the cluster cannot be reached, the gRPC channel waits between connection attempts, and a
// call made while it waits fails at once with the last connection error ("connection refused").
// gRPC's default waits grow to 2 minutes, so after a long outage queries kept failing for many
// seconds after the cluster was back. The driver therefore:
//
//   - retries connecting at least every reconnectMaxDelay (1 s, with ±20% jitter), starting
//     100 ms after a failure, for as long as the cluster is unreachable (one attempt may take up
//     to 20 s, gRPC's minimum connect timeout, against a host that does not answer);
//   - makes a call that finds the channel between attempts wait for the next one, up to
//     reconnectWait (2 s) and never past the call's context: the call goes out as soon as the
//     channel is connected, and otherwise fails with the connection error (never a bare
//     timeout, so a wrong address or certificate still says why).
//
// So the first query after the cluster is back succeeds, and during an outage a query fails
// within about 2 s (or its deadline, if sooner). Config.DialOptions may override the connect
// parameters (grpc.WithConnectParams).
const (
	reconnectBaseDelay = 100 * time.Millisecond
	reconnectMaxDelay  = time.Second
	reconnectWait      = 2 * reconnectMaxDelay // spans one attempt at the longest delay, with jitter
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
		grpc.WithChainUnaryInterceptor(awaitReconnectInterceptor),
	}
}

// awaitReconnectInterceptor lets a call made while the channel is between connection attempts
// (TRANSIENT_FAILURE) wait for the channel to connect, up to reconnectWait and within the
// call's context, before it goes out. grpc-go keeps the channel in TRANSIENT_FAILURE until a
// connection succeeds, so any change of state ends the wait.
func awaitReconnectInterceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if cc.GetState() == connectivity.TransientFailure {
		wctx, cancel := context.WithTimeout(ctx, reconnectWait)
		cc.WaitForStateChange(wctx, connectivity.TransientFailure)
		cancel()
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}
