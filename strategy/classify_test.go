package strategy

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestClassify(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want Class
	}{
		{"nil", bg, nil, OK},
		{"grpc-go v1.40+ no content-type", bg, status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 (); malformed header: missing HTTP content-type"), WrongStrategy},
		{"grpc-go v1.40+ text/plain", bg, status.Error(codes.Unknown, `unexpected HTTP status code received from server: 456 (); transport: received unexpected content-type "text/plain"`), WrongStrategy},
		{"grpc-go v1.82+ with body", bg, status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 (); transport: received unexpected content-type \"text/plain\"\ndata: \"wrong strategy\""), WrongStrategy},
		{"grpc-go <= v1.38", bg, status.Error(codes.Unknown, ": HTTP status code 456; transport: missing content-type field"), WrongStrategy},
		{"C-core", bg, status.Error(codes.Unknown, "Received http2 header with status: 456"), WrongStrategy},
		{"custom code 456", bg, status.Error(codes.Code(456), "anything"), WrongStrategy},
		{"python mock", bg, status.Error(codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green"), WrongStrategy},
		{"456 inside a longer number is not 456", bg, status.Error(codes.Unknown, "status code 4567"), Other},
		{"grpc-go <= v1.38, unexpected content-type", bg, status.Error(codes.Unknown, `: HTTP status code 456; transport: received the unexpected content-type "text/plain"`), WrongStrategy},
		{"grpc-go v1.77+, no content-type error", bg, status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 ()"), WrongStrategy},
		{"456 text under another code", bg, status.Error(codes.Internal, "status: 456"), Other},
		{"suspended grpc-go", bg, status.Error(codes.Unavailable, "unexpected HTTP status code received from server: 503 (Service Unavailable); transport: received unexpected content-type \"text/plain\""), Suspended},
		{"suspended C-core", bg, status.Error(codes.Unavailable, "Received http2 header with status: 503"), Suspended},
		{"suspended grpc-go v1.82+ with body", bg, status.Error(codes.Unavailable, "unexpected HTTP status code received from server: 503 (Service Unavailable); transport: received unexpected content-type \"text/plain; charset=utf-8\"\ndata: \"cluster is suspended\""), Suspended},
		{"suspended grpc-go <= v1.38", bg, status.Error(codes.Unavailable, "Service Unavailable: HTTP status code 503; transport: missing content-type field"), Suspended},
		{"plain unavailable", bg, status.Error(codes.Unavailable, "connection refused"), Unavailable},
		{"expired session", bg, status.Error(codes.Internal, "Access denied"), AccessDenied},
		{"expired session, other case", bg, status.Error(codes.Internal, "access denied"), AccessDenied},
		{"unauthenticated", bg, status.Error(codes.Unauthenticated, "Invalid credentials"), Unauthenticated},
		{"sql error", bg, status.Error(codes.Internal, "no such table: x"), Other},

		// Engine errors that mention a shape's words are the engine's, not the shape.
		{"engine permission error", bg, status.Error(codes.Internal, "Access denied for user 'alice' on table sales.orders"), Other},
		{"engine error ending in access denied", bg, status.Error(codes.Internal, "reading s3://bucket/x: Access denied"), Other},
		{"invalid argument naming status 456", bg, status.Error(codes.InvalidArgument, "column \"Status: 456\" not found"), Other},
		{"invalid argument naming the test server's words", bg, status.Error(codes.InvalidArgument, "bad literal in: SELECT 'Wrong strategy. Status: 456. Expected: blue, Got: green'"), Other},
		{"unknown naming status code 456", bg, status.Error(codes.Unknown, "UDF failed: upstream said status code 456"), Other},
		{"unknown naming the C-core text inside more", bg, status.Error(codes.Unknown, "retrying after: Received http2 header with status: 456"), Other},
		{"unavailable naming 503 in its own words", bg, status.Error(codes.Unavailable, "upstream connect error; status: 503"), Unavailable},
		{"expired-session text under another code", bg, status.Error(codes.PermissionDenied, "Access denied"), Other},

		// Through wrapping, the status's own message is what counts.
		{"wrapped 456", bg, fmt.Errorf("authenticate: %w", status.Error(codes.Unknown, "Received http2 header with status: 456")), WrongStrategy},
		{"wrapped expired session", bg, fmt.Errorf("prepare: %w", status.Error(codes.Internal, "Access denied")), AccessDenied},
		{"ctx ended wins over 456", cancelled, status.Error(codes.Unknown, "status: 456"), Canceled},
		{"ctx ended wins over unavailable", cancelled, status.Error(codes.Unavailable, "transport closing"), Canceled},
		{"wrapped context error", bg, fmt.Errorf("x: %w", context.DeadlineExceeded), Canceled},
		{"not a status", bg, errors.New("boom"), Other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Classify(tc.ctx, tc.err))
		})
	}
}

// withDetail returns a status error of code and msg carrying one structured detail.
func withDetail(t *testing.T, code codes.Code, msg string) error {
	t.Helper()
	detail, err := anypb.New(structpb.NewStringValue("reason"))
	require.NoError(t, err)
	p := status.New(code, msg).Proto()
	p.Details = append(p.Details, detail)
	return status.FromProto(p).Err()
}

// A status that carries structured detail describes itself: its code decides, and its text is
// not matched against the shapes of detail-less answers.
func TestClassifyStructuredDetailFirst(t *testing.T) {
	bg := context.Background()
	for _, tc := range []struct {
		name string
		err  error
		want Class
	}{
		{"code 456 with detail", withDetail(t, codes.Code(456), "anything"), WrongStrategy},
		{"access denied with detail", withDetail(t, codes.Internal, "Access denied"), Other},
		{"456 text with detail", withDetail(t, codes.Unknown, "Received http2 header with status: 456"), Other},
		{"503 text with detail", withDetail(t, codes.Unavailable, "Received http2 header with status: 503"), Unavailable},
		{"unauthenticated with detail", withDetail(t, codes.Unauthenticated, "Invalid credentials"), Unauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Classify(bg, tc.err))
		})
	}
}
