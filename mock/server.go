// Package mock is an in-process e6data cluster: real gRPC on 127.0.0.1, real SQL on an embedded
// SQLite engine, blue/green deployments with HTTP 456 from a front proxy, suspension with HTTP
// 503, and faults on demand. The driver's tests, the examples and users' own tests run against
// it; e6data's official clients talk to it as to a real cluster.
//
//	srv, err := mock.NewServer(mock.Options{Demo: true})
//	...
//	defer srv.Close()
//	db, err := sql.Open("e6data", srv.DSN())
//
// What the mock's SQL engine supports is listed in mock/internal/e6sql (package doc) and the
// README. Server.PutResult scripts the result of an exact SQL text instead, served without
// SQLite, for tests and benchmarks that should measure the client rather than the engine.
package mock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"google.golang.org/grpc"

	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// Server is a running mock cluster. All methods are safe for concurrent use.
type Server struct {
	opts    Options
	engine  *engine.Engine
	grpc    *grpc.Server
	http    *http.Server
	ln      net.Listener
	cluster *cluster
	calls   *callLog
	scripts scripts // PutResult's registrations
	done    chan struct{}

	connMu sync.Mutex
	conns  map[net.Conn]struct{}

	closeOnce sync.Once
	closeErr  error
	serveErr  chan error
}

// NewServer starts a mock cluster serving on opts.Listen (127.0.0.1 with a free port by
// default). Close it when done.
func NewServer(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if opts.InitialStrategy != Blue && opts.InitialStrategy != Green {
		return nil, fmt.Errorf("mock: InitialStrategy %q: want %q or %q", opts.InitialStrategy, Blue, Green)
	}
	eng, err := engine.Open(engine.Options{Dir: opts.Dir, Catalog: opts.Catalog, Schema: opts.Schema})
	if err != nil {
		return nil, fmt.Errorf("mock: open engine: %w", err)
	}
	if opts.Demo {
		if err := eng.LoadDemo(context.Background(), opts.Catalog, opts.Schema); err != nil {
			_ = eng.Close()
			return nil, fmt.Errorf("mock: load demo dataset: %w", err)
		}
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("mock: listen on %s: %w", opts.Listen, err)
	}
	s := &Server{
		opts:     opts,
		engine:   eng,
		ln:       ln,
		cluster:  newCluster(opts.InitialStrategy),
		calls:    newCallLog(),
		done:     make(chan struct{}),
		conns:    map[net.Conn]struct{}{},
		serveErr: make(chan error, 1),
	}
	s.grpc = grpc.NewServer(grpc.ChainUnaryInterceptor(s.intercept))
	e6pb.RegisterQueryEngineServiceServer(s.grpc, &engineService{s: s})
	e6pb.RegisterClusterServiceServer(s.grpc, &clusterService{s: s})

	// net/http's HTTP/2 server carries the gRPC calls (grpc.Server.ServeHTTP) so that the proxy
	// logic can answer at the HTTP layer. It also accepts keepalive pings at any rate, with or
	// without calls in flight, which e6data's clients rely on.
	protocols := new(http.Protocols)
	protocols.SetHTTP2(true)
	if opts.TLS == nil {
		protocols.SetUnencryptedHTTP2(true)
	}
	s.http = &http.Server{
		Handler:   http.HandlerFunc(s.proxy),
		Protocols: protocols,
		ConnState: s.trackConn,
		TLSConfig: opts.TLS,
		ErrorLog:  nil,
	}
	go func() {
		var err error
		if opts.TLS != nil {
			err = s.http.ServeTLS(ln, "", "")
		} else {
			err = s.http.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.serveErr <- err
	}()
	opts.Logger.Info("mock: serving", "addr", ln.Addr().String(), "strategy", opts.InitialStrategy)
	return s, nil
}

func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// Addr returns the host:port the cluster serves on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// DSN returns a DSN the e6data driver accepts for this cluster: the first user (by name) and its
// token, the default schema as the database and the default catalog.
func (s *Server) DSN() string {
	names := make([]string, 0, len(s.opts.Users))
	for n := range s.opts.Users {
		names = append(names, n)
	}
	slices.Sort(names)
	u := url.URL{
		Scheme: "e6data",
		User:   url.UserPassword(names[0], s.opts.Users[names[0]]),
		Host:   s.Addr(),
		Path:   "/" + s.opts.Schema,
	}
	q := url.Values{}
	q.Set("catalog", s.opts.Catalog)
	if s.opts.ClusterName != "" {
		q.Set("cluster-name", s.opts.ClusterName)
	}
	if s.opts.TLS != nil {
		q.Set("secure", "true")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs e6data SQL in the default catalog and schema, for creating and filling tables. Args
// bind to `?` placeholders; time.Time values are stored as UTC timestamps. It returns the number
// of rows affected.
func (s *Server) Exec(sql string, args ...any) (int64, error) {
	return s.engine.Exec(context.Background(), s.opts.Catalog, s.opts.Schema, sql, args...)
}

// ExecIn is Exec with an explicit catalog and schema for unqualified names.
func (s *Server) ExecIn(catalog, schema, sql string, args ...any) (int64, error) {
	return s.engine.Exec(context.Background(), catalog, schema, sql, args...)
}

// CreateSchema creates catalog.schema (and the catalog) if it does not exist yet. Tables in it are
// reachable as "catalog"."schema"."table" from any schema, and unqualified from a query whose
// prepare request names that catalog and schema.
func (s *Server) CreateSchema(catalog, schema string) error {
	return s.engine.CreateSchema(catalog, schema)
}

// LoadDemo loads the deterministic retail demo dataset (customers, products, orders) into
// catalog.schema, creating it if needed.
func (s *Server) LoadDemo(catalog, schema string) error {
	return s.engine.LoadDemo(context.Background(), catalog, schema)
}

// Close stops serving, ends every call and query, removes the mock's temporary files and drops
// the call log (read it before Close).
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.Unfreeze()
		_ = s.http.Close()
		s.grpc.Stop()
		s.cluster.mu.Lock()
		qs := make([]*query, 0, len(s.cluster.queries))
		for _, q := range s.cluster.queries {
			qs = append(qs, q)
		}
		clear(s.cluster.queries)
		s.cluster.mu.Unlock()
		closeQueries(qs)
		serveErr := <-s.serveErr
		s.closeErr = errors.Join(serveErr, s.engine.Close())
		s.ResetCallLog() // a closed mock may stay reachable (test cleanups): keep it small
	})
	return s.closeErr
}

// isClosed reports whether Close was called.
func (s *Server) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// newID returns a random identifier for sessions and queries.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}
