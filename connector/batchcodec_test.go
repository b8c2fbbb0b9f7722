package connector

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// batchCodec decodes every input as protobuf does: the same message when protobuf accepts it
// (unknown fields and invalid UTF-8 included, through its fallback), an error when it refuses.
func FuzzBatchCodec(f *testing.F) {
	hint := "green"
	for _, m := range []*e6pb.GetNextResultBatchResponse{
		{}, {ResultBatch: []byte{1, 2, 3}, SessionId: "s1"}, {ResultBatch: bytes.Repeat([]byte{7}, 300), NewStrategy: &hint},
		{SessionId: "only"},
	} {
		b, err := proto.Marshal(m)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add(protowire.AppendTag(nil, 9, protowire.VarintType)) // an unknown field
	f.Add([]byte{0x1a, 0x02, 0xff, 0xfe})                    // sessionId with invalid UTF-8
	f.Add([]byte{0x12, 0x05, 1})                             // truncated
	codec := batchCodec{proto: batchCall.(grpc.ForceCodecV2CallOption).CodecV2}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := &e6pb.GetNextResultBatchResponse{}
		wantErr := proto.Unmarshal(b, want)
		got := &e6pb.GetNextResultBatchResponse{}
		err := codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(bytes.Clone(b))}, got)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("error %v, protobuf's %v", err, wantErr)
		}
		if err == nil && !proto.Equal(got, want) {
			t.Fatalf("decoded %v, protobuf %v", got, want)
		}
	})
}

// batchEngine answers getNextResultBatch with a fixed batch and records the content type of
// the call.
type batchEngine struct {
	e6pb.UnimplementedQueryEngineServiceServer
	contentType chan string
}

func (e *batchEngine) GetNextResultBatch(ctx context.Context, _ *e6pb.GetNextResultBatchRequest) (*e6pb.GetNextResultBatchResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	e.contentType <- md.Get("content-type")[0]
	hint := "blue"
	return &e6pb.GetNextResultBatchResponse{ResultBatch: []byte("batch bytes"), SessionId: "s", NewStrategy: &hint}, nil
}

// Over gRPC, a call with batchCall decodes the response and still sends the content type the
// default codec sends, "application/grpc", which every server and proxy accepts.
func TestBatchCallOverGRPC(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	gs := grpc.NewServer()
	eng := &batchEngine{contentType: make(chan string, 2)}
	e6pb.RegisterQueryEngineServiceServer(gs, eng)
	go func() { _ = gs.Serve(ln) }()
	t.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = cc.Close() })
	client := e6pb.NewQueryEngineServiceClient(cc)

	for _, opts := range [][]grpc.CallOption{nil, {batchCall}} {
		resp, err := client.GetNextResultBatch(context.Background(), &e6pb.GetNextResultBatchRequest{QueryId: "q"}, opts...)
		require.NoError(t, err)
		assert.Equal(t, "batch bytes", string(resp.GetResultBatch()))
		assert.Equal(t, "s", resp.GetSessionId())
		assert.Equal(t, "blue", resp.GetNewStrategy())
		assert.Equal(t, "application/grpc", <-eng.contentType, "batchCall %v", opts != nil)
	}
}
