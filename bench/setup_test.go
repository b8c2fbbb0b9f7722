package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/mock"
)

// The mock's defaults: the raw client authenticates and prepares as the driver does with the
// mock's DSN.
const (
	mockUser, mockToken     = "admin", "mock-token"
	mockCatalog, mockSchema = "e6data", "default"
	maxRecv                 = 64 << 20
)

// select1 is scripted, so SQLite never runs in these benchmarks.
const select1 = "SELECT 1"

// startMock starts a mock cluster with SELECT 1 scripted; b.Cleanup closes it.
func startMock(b testing.TB, opts mock.Options) *mock.Server {
	b.Helper()
	srv, err := mock.NewServer(opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	err = srv.PutResult(select1, mock.Result{Columns: []mock.Column{{Name: "1", Type: "INTEGER"}}, Rows: [][]any{{1}}})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// openSQL opens a *sql.DB on srv with one connection, extra gRPC dial options, and a session
// already open; b.Cleanup closes it.
func openSQL(b testing.TB, srv *mock.Server, dial ...grpc.DialOption) *sql.DB {
	b.Helper()
	cfg, err := connector.ParseDSN(srv.DSN() + "&max-recv-msg-size=" + strconv.Itoa(maxRecv))
	if err != nil {
		b.Fatal(err)
	}
	cfg.DialOptions = append(cfg.DialOptions, dial...)
	c, err := connector.NewConnector(*cfg)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(c)
	b.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		b.Fatal(err)
	}
	return db
}

// openGORM opens GORM on srv the same way as openSQL.
func openGORM(b testing.TB, srv *mock.Server, dial ...grpc.DialOption) *gorm.DB {
	b.Helper()
	gdb, err := gorm.Open(e6data.New(e6data.Config{Conn: openSQL(b, srv, dial...)}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		b.Fatal(err)
	}
	return gdb
}

// rawClient makes the driver's calls with the generated stubs and nothing else: no pool, no
// blue/green state, no retries. It sends the plannerip header the proxy routes on, as the
// driver does, and no strategy header (the mock then serves the active colour).
type rawClient struct {
	qe  e6pb.QueryEngineServiceClient
	sid string
}

// openRaw dials srv and authenticates once; b.Cleanup closes the channel.
func openRaw(b testing.TB, srv *mock.Server, dial ...grpc.DialOption) *rawClient {
	b.Helper()
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxRecv)),
	}, dial...)
	cc, err := grpc.NewClient(srv.Addr(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cc.Close() })
	r := &rawClient{qe: e6pb.NewQueryEngineServiceClient(cc)}
	resp, err := r.qe.Authenticate(context.Background(), &e6pb.AuthenticateRequest{User: mockUser, Password: mockToken})
	if err != nil || resp.GetSessionId() == "" {
		b.Fatalf("authenticate: %v (session %q)", err, resp.GetSessionId())
	}
	r.sid = resp.GetSessionId()
	return r
}

// query runs sql through prepare, execute and metadata, then hands each batch to each until
// each returns false or the results end (the end-of-results fetch), and clears the query.
func (r *rawClient) query(ctx context.Context, sql string, each func(*codec.Chunk) bool) error {
	p, err := r.qe.PrepareStatementV2(ctx, &e6pb.PrepareStatementV2Request{
		SessionId: r.sid, Catalog: mockCatalog, Schema: mockSchema, QueryString: sql})
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	id, ip := p.GetQueryId(), p.GetEngineIP()
	ctx = metadata.NewOutgoingContext(ctx, metadata.Pairs("plannerip", ip))
	if _, err := r.qe.ExecuteStatementV2(ctx, &e6pb.ExecuteStatementV2Request{EngineIP: ip, SessionId: r.sid, QueryId: id}); err != nil {
		return fmt.Errorf("execute: %w", err)
	}
	md, err := r.qe.GetResultMetadata(ctx, &e6pb.GetResultMetadataRequest{EngineIP: ip, SessionId: r.sid, QueryId: id})
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if _, err := codec.DecodeMetadata(md.GetResultMetaData()); err != nil {
		return err
	}
	for {
		resp, err := r.qe.GetNextResultBatch(ctx, &e6pb.GetNextResultBatchRequest{EngineIP: ip, SessionId: r.sid, QueryId: id})
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		c, err := codec.DecodeChunk(resp.GetResultBatch())
		if err != nil {
			return err
		}
		if c.Size <= 0 || !each(c) {
			break
		}
	}
	_, err = r.qe.ClearOrCancelQuery(ctx, &e6pb.ClearOrCancelQueryRequest{EngineIP: ip, SessionId: r.sid, QueryId: id})
	return err
}

// delayCalls returns a dial option that holds every unary call for d before sending it: a
// simulated network round trip of d (plus loopback's).
func delayCalls(d time.Duration) grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any,
		cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	})
}
