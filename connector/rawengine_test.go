package connector_test

import (
	"context"
	"net"
	"strconv"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// rawEngine is a QueryEngineService on loopback gRPC that answers every query with result bytes
// given as they are, not built from values: the metadata and the batches a server, or a hostile
// one, may send. It serves one colour at a time, as a cluster's proxy does: a call carrying the
// other colour is answered 456. A script can cut its first query mid-stream (the colour switches
// and the call is answered 456), so that the driver resumes it by replay, reading the script's
// rerun batches.
type rawEngine struct {
	e6pb.UnimplementedQueryEngineServiceServer
	addr string

	mu      sync.Mutex
	script  rawScript
	armed   bool // the next prepared query is the script's first
	live    string
	nextID  int
	queries map[string]*rawQuery
}

// rawScript is what every query prepared after rawEngine.serve returns.
type rawScript struct {
	metadata []byte
	first    [][]byte // the first query's batches, then the end of the results
	rerun    [][]byte // every later query's (a re-run or a replay), then the end
	// cutAt, when positive, cuts the first query at its cutAt-th getNextResultBatch call: the
	// colour switches and the call is answered 456, as in an abrupt blue/green deployment.
	cutAt int
}

type rawQuery struct {
	batches [][]byte
	cutAt   int
	calls   int // getNextResultBatch calls so far
}

// errRawWrongColour is the proxy's answer to a call carrying the colour that is not serving.
var errRawWrongColour = status.Error(codes.Code(456), "wrong strategy")

// startRawEngine serves a rawEngine on 127.0.0.1 until tb ends.
func startRawEngine(tb testing.TB) *rawEngine {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	e := &rawEngine{addr: ln.Addr().String(), live: "blue", queries: map[string]*rawQuery{}}
	gs := grpc.NewServer(grpc.UnaryInterceptor(e.checkColour))
	e6pb.RegisterQueryEngineServiceServer(gs, e)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(ln)
	}()
	tb.Cleanup(func() {
		gs.Stop()
		<-done
	})
	return e
}

// dsn is the engine's DSN with params (key=value) added.
func (e *rawEngine) dsn(params ...string) string {
	return withParams("e6data://raw:token@"+e.addr+"/sales?catalog=main", params...)
}

// serve makes s the result of the queries prepared from now on.
func (e *rawEngine) serve(s rawScript) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.script, e.armed = s, true
}

// checkColour answers 456 to a call that carries the colour not serving.
func (e *rawEngine) checkColour(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if c := md.Get("strategy"); len(c) > 0 {
		e.mu.Lock()
		live := e.live
		e.mu.Unlock()
		if c[0] != live {
			return nil, errRawWrongColour
		}
	}
	return handler(ctx, req)
}

func (e *rawEngine) Authenticate(context.Context, *e6pb.AuthenticateRequest) (*e6pb.AuthenticateResponse, error) {
	return &e6pb.AuthenticateResponse{SessionId: "raw-session"}, nil
}

func (e *rawEngine) prepare() (*e6pb.PrepareStatementResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID++
	id := "raw" + strconv.Itoa(e.nextID)
	q := &rawQuery{batches: e.script.rerun}
	if e.armed {
		q.batches, q.cutAt, e.armed = e.script.first, e.script.cutAt, false
	}
	e.queries[id] = q
	return &e6pb.PrepareStatementResponse{QueryId: id, EngineIP: "127.0.0.1", SessionId: "raw-session"}, nil
}

func (e *rawEngine) PrepareStatement(context.Context, *e6pb.PrepareStatementRequest) (*e6pb.PrepareStatementResponse, error) {
	return e.prepare()
}

func (e *rawEngine) PrepareStatementV2(context.Context, *e6pb.PrepareStatementV2Request) (*e6pb.PrepareStatementResponse, error) {
	return e.prepare()
}

func (e *rawEngine) ExecuteStatement(context.Context, *e6pb.ExecuteStatementRequest) (*e6pb.ExecuteStatementResponse, error) {
	return &e6pb.ExecuteStatementResponse{}, nil
}

func (e *rawEngine) ExecuteStatementV2(context.Context, *e6pb.ExecuteStatementV2Request) (*e6pb.ExecuteStatementResponse, error) {
	return &e6pb.ExecuteStatementResponse{}, nil
}

// query returns the query id names, or a NotFound error.
func (e *rawEngine) query(id string) (*rawQuery, error) {
	q := e.queries[id]
	if q == nil {
		return nil, status.Errorf(codes.NotFound, "unknown query %q", id)
	}
	return q, nil
}

func (e *rawEngine) GetResultMetadata(_ context.Context, req *e6pb.GetResultMetadataRequest) (*e6pb.GetResultMetadataResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.query(req.GetQueryId()); err != nil {
		return nil, err
	}
	return &e6pb.GetResultMetadataResponse{ResultMetaData: e.script.metadata}, nil
}

func (e *rawEngine) GetNextResultBatch(_ context.Context, req *e6pb.GetNextResultBatchRequest) (*e6pb.GetNextResultBatchResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, err := e.query(req.GetQueryId())
	if err != nil {
		return nil, err
	}
	q.calls++
	if q.calls == q.cutAt {
		e.live = map[string]string{"blue": "green", "green": "blue"}[e.live]
		return nil, errRawWrongColour
	}
	resp := &e6pb.GetNextResultBatchResponse{}
	if q.calls <= len(q.batches) {
		resp.ResultBatch = q.batches[q.calls-1]
	}
	return resp, nil
}

func (e *rawEngine) ClearOrCancelQuery(_ context.Context, req *e6pb.ClearOrCancelQueryRequest) (*e6pb.ClearOrCancelQueryResponse, error) {
	e.mu.Lock()
	delete(e.queries, req.GetQueryId())
	e.mu.Unlock()
	return &e6pb.ClearOrCancelQueryResponse{}, nil
}

func (e *rawEngine) CancelQuery(_ context.Context, req *e6pb.CancelQueryRequest) (*e6pb.CancelQueryResponse, error) {
	e.mu.Lock()
	delete(e.queries, req.GetQueryId())
	e.mu.Unlock()
	return &e6pb.CancelQueryResponse{}, nil
}
