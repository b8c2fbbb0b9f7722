package strategy

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// FuzzClassify checks that Classify never panics and keeps its rules for any code and message:
// wrapping an error changes nothing; a message with anything before a known wording is not that
// wording (the engine's words never make a session or colour problem); and a status with
// structured detail is classified by its code alone.
func FuzzClassify(f *testing.F) {
	for _, s := range []struct {
		code codes.Code
		msg  string
	}{
		{codes.Unknown, "unexpected HTTP status code received from server: 456 (); malformed header: missing HTTP content-type"},
		{codes.Unknown, "unexpected HTTP status code received from server: 456 (); transport: received unexpected content-type \"text/plain\"\ndata: \"x\""},
		{codes.Unknown, ": HTTP status code 456; transport: missing content-type field"},
		{codes.Unknown, "Received http2 header with status: 456"},
		{codes.InvalidArgument, "Wrong strategy. Status: 456. Expected: blue, Got: green"},
		{codes.Unavailable, "unexpected HTTP status code received from server: 503 (Service Unavailable)"},
		{codes.Unavailable, "Received http2 header with status: 503"},
		{codes.Internal, "Access denied"},
		{codes.Internal, "Access denied for user 'alice'"},
		{codeWrongStrategy, ""},
		{codes.Unauthenticated, "Invalid credentials"},
	} {
		f.Add(uint32(s.code), s.msg)
	}
	detail, err := anypb.New(structpb.NewStringValue("reason"))
	if err != nil {
		f.Fatal(err)
	}
	bg := context.Background()
	f.Fuzz(func(t *testing.T, code uint32, msg string) {
		c := codes.Code(code)
		if c == codes.OK {
			return // status.Error(OK, …) is nil
		}
		err := status.Error(c, msg)
		got := Classify(bg, err)
		if wrapped := Classify(bg, fmt.Errorf("call: %w", err)); wrapped != got {
			t.Fatalf("code %d %q: %v, wrapped %v", code, msg, got, wrapped)
		}
		longer := Classify(bg, status.Error(c, "engine: "+msg))
		if longer == AccessDenied || longer == Suspended || longer == WrongStrategy && c != codeWrongStrategy {
			t.Fatalf("code %d %q with a prefix is %v", code, msg, longer)
		}
		p := status.New(c, msg).Proto()
		p.Details = append(p.Details, detail)
		if d, byCode := Classify(bg, status.FromProto(p).Err()), Classify(bg, status.Error(c, "")); d != byCode {
			t.Fatalf("code %d %q with detail: %v; by its code alone: %v", code, msg, d, byCode)
		}
	})
}
