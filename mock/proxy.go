package mock

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

type recordKey struct{}

// proxy is the cluster's front proxy, the HTTP handler of its server: it counts and logs every
// call, holds calls while the cluster is frozen, answers HTTP 503 for QueryEngineService calls
// while suspended and the wrong-strategy answer for a colour that is not serving — both at the
// HTTP/2 layer, before gRPC sees the call, as the real proxy does — and hands everything else
// to the gRPC server.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) {
	rec := &CallRecord{
		Time:        time.Now(),
		Method:      rpcName(r.URL.Path),
		Strategy:    strings.ToLower(r.Header.Get("strategy")),
		ClusterName: r.Header.Get("cluster-name"),
		PlannerIP:   r.Header.Get("plannerip"),
	}
	s.calls.add(rec)
	if !s.waitUnfrozen(r.Context()) {
		s.calls.update(rec, func(r *CallRecord) { r.Outcome = "Canceled" })
		return
	}
	if strings.HasPrefix(r.URL.Path, "/QueryEngineService/") && s.suspended() {
		s.reject(w, r, rec, OutcomeSuspended, http.StatusServiceUnavailable, "cluster is suspended")
		return
	}
	if !s.cluster.accepts(rec.Strategy) || (queryScoped[rec.Method] && !s.cluster.servesPlanner(rec.PlannerIP)) {
		// A retired colour, or a call about a query whose planner belonged to a stack that was
		// torn down (its colour may serve again on a new stack): the proxy has nowhere to send
		// it. (A prepare may carry the previous query's plannerip, as e6data's Python client
		// does on a reused cursor; it goes to the stack of its colour.)
		s.rejectWrongStrategy(w, r, rec)
		return
	}
	s.grpc.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), recordKey{}, rec)))
	// A call its client gave up on before gRPC ran its handler ends here with no outcome: record
	// it as ended, so the log never shows a finished call as still in flight.
	if r.Context().Err() != nil {
		s.calls.update(rec, func(r *CallRecord) {
			if r.Outcome == "" {
				r.Outcome = "Canceled"
			}
		})
	}
}

// reject answers a plain HTTP status with a text body and no gRPC framing.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, rec *CallRecord, outcome string, code int, text string) {
	qid := readRejected(r)
	s.calls.update(rec, func(r *CallRecord) { r.Outcome, r.QueryID = outcome, qid })
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, text)
}

func (s *Server) rejectWrongStrategy(w http.ResponseWriter, r *http.Request, rec *CallRecord) {
	live := s.ActiveStrategy()
	switch s.opts.WrongStrategy {
	case GRPCStatus456:
		s.rejectGRPC(w, r, rec, "456", "wrong strategy: expected "+live+", got "+rec.Strategy)
	case UnknownCCore:
		s.rejectGRPC(w, r, rec, "2", "Received http2 header with status: 456")
	case InvalidArgument456:
		s.rejectGRPC(w, r, rec, "3", "Wrong strategy. Status: 456. Expected: "+live+", Got: "+rec.Strategy)
	default:
		s.reject(w, r, rec, OutcomeWrongStrategy, 456, "wrong strategy: expected "+live+"\n")
	}
}

// rejectGRPC answers a gRPC trailers-only response with the given grpc-status and message.
func (s *Server) rejectGRPC(w http.ResponseWriter, r *http.Request, rec *CallRecord, code, msg string) {
	qid := readRejected(r)
	s.calls.update(rec, func(r *CallRecord) { r.Outcome, r.QueryID = OutcomeWrongStrategy, qid })
	w.Header().Set("Content-Type", "application/grpc")
	w.Header().Set("Grpc-Status", code)
	w.Header().Set("Grpc-Message", encodeGRPCMessage(msg))
	w.WriteHeader(http.StatusOK)
}

// encodeGRPCMessage percent-encodes a grpc-message value as the gRPC spec requires: printable
// ASCII except '%' as is, every other byte as %XX.
func encodeGRPCMessage(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c >= ' ' && c <= '~' && c != '%' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// queryScoped lists the RPCs whose request carries the query id in field 3.
var queryScoped = map[string]bool{
	"executeStatement": true, "executeStatementV2": true, "getResultMetadata": true,
	"getNextResultBatch": true, "status": true, "clear": true, "cancelQuery": true,
	"clearOrCancelQuery": true, "explain": true, "explainAnalyze": true, "getDynamicParams": true,
}

// readRejected reads a rejected call's whole request before the proxy answers, and returns the
// query id it carries, for the call log. Answering first would be legal HTTP/2, but grpc-go
// reports a call whose answer arrives while its request is still being sent as a success to its
// stats handlers (the attempt ends with io.EOF, which it counts as OK), so a traced 456 or 503
// would sometimes look like a successful call. The calls are unary and small; what exceeds 1 MiB
// is left unread.
func readRejected(r *http.Request) string {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || !queryScoped[rpcName(r.URL.Path)] || len(body) < 5 || body[0] != 0 {
		return ""
	}
	msg := body[5:]
	if n := binary.BigEndian.Uint32(body[1:5]); int(n) < len(msg) {
		msg = msg[:n]
	}
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return ""
		}
		msg = msg[n:]
		if num == 3 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(msg)
			if n < 0 {
				return ""
			}
			return string(v)
		}
		n = protowire.ConsumeFieldValue(num, typ, msg)
		if n < 0 {
			return ""
		}
		msg = msg[n:]
	}
	return ""
}

// Freeze makes every call hang (as a stuck cluster does) until Unfreeze; a hung call still ends
// when its client gives up.
func (s *Server) Freeze() {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	if s.cluster.frozen == nil {
		s.cluster.frozen = make(chan struct{})
	}
}

// Unfreeze releases the calls held by Freeze.
func (s *Server) Unfreeze() {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	if s.cluster.frozen != nil {
		close(s.cluster.frozen)
		s.cluster.frozen = nil
	}
}

// waitUnfrozen waits while the cluster is frozen; false means the call's context ended first.
func (s *Server) waitUnfrozen(ctx context.Context) bool {
	s.cluster.mu.Lock()
	ch := s.cluster.frozen
	s.cluster.mu.Unlock()
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
