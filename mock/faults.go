package mock

import (
	"context"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// fault is one armed misbehaviour of the next call of a method.
type fault struct {
	delay time.Duration
	err   error
	sql   string // only calls about a statement with exactly this text; "" for any call
}

// FailNext makes the next n calls of method (an RPC name such as "getNextResultBatch", or
// "ClusterService/status") fail with err, which should be a gRPC status error
// (status.Error(...)); a nil err fails them with codes.Unavailable.
func (s *Server) FailNext(method string, n int, err error) {
	if err == nil {
		err = status.Error(codes.Unavailable, "mock: injected failure")
	}
	s.arm(method, n, fault{err: err})
}

// FailNextOf is FailNext for the calls of one statement: the next n calls of method about a
// statement whose SQL text is exactly sql (a prepare carrying it, or a later call about a query
// prepared with it that the cluster still holds) fail with err. Calls about other statements
// pass untouched, so a test that runs its own statement counts only its calls: a background
// clear of an earlier query or a prefetch the driver cancelled cannot consume the faults it
// armed. A nil err fails them with codes.Unavailable.
func (s *Server) FailNextOf(sql, method string, n int, err error) {
	if err == nil {
		err = status.Error(codes.Unavailable, "mock: injected failure")
	}
	s.arm(method, n, fault{err: err, sql: sql})
}

// DelayNext makes the next n calls of method wait d before they run (the wait ends early if the
// caller gives up).
func (s *Server) DelayNext(method string, n int, d time.Duration) {
	s.arm(method, n, fault{delay: d})
}

func (s *Server) arm(method string, n int, f fault) {
	method = rpcName("/" + strings.TrimPrefix(method, "/"))
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	for range n {
		s.cluster.faults[method] = append(s.cluster.faults[method], f)
	}
}

// ArmedFaults returns how many of the faults armed for method (by FailNext, FailNextOf or
// DelayNext) have not met their call yet. A test waits for it to reach zero to know that the
// call it aimed at is being failed or delayed, rather than guessing with a timer.
func (s *Server) ArmedFaults(method string) int {
	method = rpcName("/" + strings.TrimPrefix(method, "/"))
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return len(s.cluster.faults[method])
}

// nextFault takes the first fault armed for method that applies to the call req: one for any
// call, or one for the statement the call is about.
func (s *Server) nextFault(method string, req any) (fault, bool) {
	c := s.cluster
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.faults[method]
	for i, f := range q {
		if f.sql == "" || f.sql == c.statementOfLocked(req) {
			c.faults[method] = append(q[:i:i], q[i+1:]...)
			return f, true
		}
	}
	return fault{}, false
}

// ExpireSessions invalidates every session: the next call of each gets INTERNAL "Access denied",
// as an expired session does on a real cluster.
func (s *Server) ExpireSessions() {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	clear(s.cluster.sessions)
}

// DropConnections closes every client connection at the TCP level, mid-call or idle.
func (s *Server) DropConnections() {
	s.connMu.Lock()
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.connMu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// intercept wraps every gRPC call that passed the proxy: it applies armed faults, records the
// query id and outcome in the call log, and stamps new_strategy on responses while a switch is
// announced.
func (s *Server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	rec, _ := ctx.Value(recordKey{}).(*CallRecord)
	method := rpcName(info.FullMethod)
	if f, ok := s.nextFault(method, req); ok {
		if f.delay > 0 {
			t := time.NewTimer(f.delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				err := status.FromContextError(ctx.Err()).Err()
				s.finish(rec, req, nil, err) // the caller gave up: the log shows how the call ended
				return nil, err
			}
		}
		if f.err != nil {
			s.finish(rec, req, nil, f.err)
			return nil, f.err
		}
	}
	resp, err := handler(ctx, req)
	if err == nil {
		if next := s.cluster.announcement(); next != "" {
			if m, ok := resp.(proto.Message); ok {
				setNewStrategy(m, next)
			}
		}
	}
	s.finish(rec, req, resp, err)
	return resp, err
}

func (s *Server) finish(rec *CallRecord, req, resp any, err error) {
	if rec == nil {
		return
	}
	qid := ""
	if q, ok := req.(interface{ GetQueryId() string }); ok {
		qid = q.GetQueryId()
	} else if q, ok := resp.(interface{ GetQueryId() string }); ok {
		qid = q.GetQueryId()
	}
	outcome := status.Code(err).String()
	s.calls.update(rec, func(r *CallRecord) { r.QueryID, r.Outcome = qid, outcome })
}

// setNewStrategy sets the optional new_strategy field of a response that has one.
func setNewStrategy(m proto.Message, colour string) {
	pr := m.ProtoReflect()
	fd := pr.Descriptor().Fields().ByName("new_strategy")
	if fd == nil || fd.Kind() != protoreflect.StringKind {
		return
	}
	pr.Set(fd, protoreflect.ValueOfString(colour))
}
