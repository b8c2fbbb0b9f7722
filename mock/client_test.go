package mock

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// The helpers in this file drive the mock over real gRPC with the generated client, the way the
// driver and e6data's own clients do.

func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	srv, err := NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

type testClient struct {
	conn *grpc.ClientConn
	qe   e6pb.QueryEngineServiceClient
	cs   e6pb.ClusterServiceClient
}

func dial(t *testing.T, srv *Server) *testClient {
	t.Helper()
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return &testClient{conn: conn, qe: e6pb.NewQueryEngineServiceClient(conn), cs: e6pb.NewClusterServiceClient(conn)}
}

// on returns ctx with the headers a client sends: strategy (if any) and plannerip (if any).
func on(ctx context.Context, colour, plannerIP string) context.Context {
	var kv []string
	if plannerIP != "" {
		kv = append(kv, "plannerip", plannerIP)
	}
	kv = append(kv, "cluster-name", "test-cluster")
	if colour != "" {
		kv = append(kv, "strategy", colour)
	}
	return metadata.AppendToOutgoingContext(ctx, kv...)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (c *testClient) auth(t *testing.T, ctx context.Context, colour string) string {
	t.Helper()
	resp, err := c.qe.Authenticate(on(ctx, colour, ""), &e6pb.AuthenticateRequest{User: "admin", Password: "mock-token"})
	require.NoError(t, err)
	require.NotEmpty(t, resp.GetSessionId())
	return resp.GetSessionId()
}

// testQuery is one prepared query as a client tracks it.
type testQuery struct {
	c         *testClient
	colour    string
	sessionID string
	queryID   string
	engineIP  string
}

func (c *testClient) prepare(ctx context.Context, colour, sessionID, sql string) (*testQuery, error) {
	resp, err := c.qe.PrepareStatementV2(on(ctx, colour, ""), &e6pb.PrepareStatementV2Request{
		SessionId: sessionID, Catalog: "e6data", Schema: "default", QueryString: sql,
	})
	if err != nil {
		return nil, err
	}
	return &testQuery{c: c, colour: colour, sessionID: sessionID, queryID: resp.GetQueryId(), engineIP: resp.GetEngineIP()}, nil
}

func (q *testQuery) ctx(ctx context.Context) context.Context { return on(ctx, q.colour, q.engineIP) }

func (q *testQuery) execute(ctx context.Context) error {
	_, err := q.c.qe.ExecuteStatementV2(q.ctx(ctx), &e6pb.ExecuteStatementV2Request{
		EngineIP: q.engineIP, SessionId: q.sessionID, QueryId: q.queryID,
	})
	return err
}

func (q *testQuery) metadata(ctx context.Context) (codec.Metadata, error) {
	resp, err := q.c.qe.GetResultMetadata(q.ctx(ctx), &e6pb.GetResultMetadataRequest{
		EngineIP: q.engineIP, SessionId: q.sessionID, QueryId: q.queryID,
	})
	if err != nil {
		return codec.Metadata{}, err
	}
	return codec.DecodeMetadata(resp.GetResultMetaData())
}

// batch fetches the next batch; a nil chunk means the end of results.
func (q *testQuery) batch(ctx context.Context) (*codec.Chunk, *e6pb.GetNextResultBatchResponse, error) {
	resp, err := q.c.qe.GetNextResultBatch(q.ctx(ctx), &e6pb.GetNextResultBatchRequest{
		EngineIP: q.engineIP, SessionId: q.sessionID, QueryId: q.queryID,
	})
	if err != nil {
		return nil, nil, err
	}
	ch, err := codec.DecodeChunk(resp.GetResultBatch())
	if err != nil {
		return nil, resp, err
	}
	if ch.Size <= 0 {
		return nil, resp, nil
	}
	return ch, resp, nil
}

func (q *testQuery) clear(ctx context.Context) error {
	_, err := q.c.qe.ClearOrCancelQuery(q.ctx(ctx), &e6pb.ClearOrCancelQueryRequest{
		EngineIP: q.engineIP, SessionId: q.sessionID, QueryId: q.queryID,
	})
	return err
}

// rows decodes every remaining batch into row-major values.
func (q *testQuery) rows(t *testing.T, ctx context.Context) [][]any {
	t.Helper()
	var out [][]any
	for {
		ch, _, err := q.batch(ctx)
		require.NoError(t, err)
		if ch == nil {
			return out
		}
		out = append(out, chunkRows(ch)...)
	}
}

func chunkRows(ch *codec.Chunk) [][]any {
	out := make([][]any, ch.Size)
	for r := range out {
		row := make([]any, len(ch.Vectors))
		for i := range ch.Vectors {
			row[i] = ch.Vectors[i].Value(r)
		}
		out[r] = row
	}
	return out
}

// run runs sql through the whole lifecycle on colour and returns its metadata and rows.
func (c *testClient) run(t *testing.T, ctx context.Context, colour, sessionID, sql string) (codec.Metadata, [][]any) {
	t.Helper()
	q, err := c.prepare(ctx, colour, sessionID, sql)
	require.NoError(t, err)
	require.NoError(t, q.execute(ctx))
	md, err := q.metadata(ctx)
	require.NoError(t, err)
	rows := q.rows(t, ctx)
	require.NoError(t, q.clear(ctx))
	return md, rows
}
