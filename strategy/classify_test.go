package strategy

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
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
		{"456 text under another code", bg, status.Error(codes.Internal, "status: 456"), Other},
		{"suspended grpc-go", bg, status.Error(codes.Unavailable, "unexpected HTTP status code received from server: 503 (Service Unavailable); transport: received unexpected content-type \"text/plain\""), Suspended},
		{"suspended C-core", bg, status.Error(codes.Unavailable, "Received http2 header with status: 503"), Suspended},
		{"plain unavailable", bg, status.Error(codes.Unavailable, "connection refused"), Unavailable},
		{"access denied", bg, status.Error(codes.Internal, "Access denied: session expired"), AccessDenied},
		{"access denied lower-case", bg, status.Error(codes.Internal, "error: access denied"), AccessDenied},
		{"unauthenticated", bg, status.Error(codes.Unauthenticated, "Invalid credentials"), Unauthenticated},
		{"sql error", bg, status.Error(codes.Internal, "no such table: x"), Other},
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
