package mock

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// Call outcomes recorded in the call log besides gRPC status code names.
const (
	OutcomeOK            = "OK"
	OutcomeWrongStrategy = "456"
	OutcomeSuspended     = "503"
)

// CallRecord is what the mock saw of one call: the headers it carried and how it ended.
type CallRecord struct {
	Time        time.Time
	Method      string // RPC name, e.g. "getNextResultBatch"; ClusterService calls are "ClusterService/status" etc.
	Strategy    string // the strategy header, "" if absent
	ClusterName string // the cluster-name header
	PlannerIP   string // the plannerip header
	QueryID     string // the query the call was about (from the request, or prepare's response)
	Outcome     string // OutcomeOK, OutcomeWrongStrategy, OutcomeSuspended, or a gRPC code name
	// SQL is the statement text exactly as the client sent it: the query string of a
	// prepareStatement, prepareStatementV2 or dryRun call that reached the engine (also when the
	// engine refused the SQL), and for the later calls about a prepared query (executeStatement,
	// getNextResultBatch, clear, …) the text that query was prepared with, if it was prepared
	// since the last ResetCallLog. "" for other calls, and for a prepare refused before it
	// reached the engine (HTTP 456 or 503, an injected fault).
	SQL string
}

// callLog counts calls per method and colour and keeps a record of each call for assertions.
type callLog struct {
	mu      sync.Mutex
	counts  map[[2]string]int // (method, strategy header) → calls
	records []*CallRecord
	sql     map[string]string // query id → the SQL it was prepared with, for CallRecord.SQL
}

func newCallLog() *callLog { return &callLog{counts: map[[2]string]int{}, sql: map[string]string{}} }

func (l *callLog) add(r *CallRecord) {
	l.mu.Lock()
	l.counts[[2]string{r.Method, r.Strategy}]++
	l.records = append(l.records, r)
	l.mu.Unlock()
}

// update applies fn to a record under the log's lock (records are completed after the call).
func (l *callLog) update(r *CallRecord, fn func(*CallRecord)) {
	l.mu.Lock()
	fn(r)
	l.mu.Unlock()
}

// Calls returns how many calls of method carried strategy header colour ("" counts calls that
// carried none; colour "*" counts all). method is an RPC name such as "prepareStatementV2".
func (s *Server) Calls(method, colour string) int {
	l := s.calls
	l.mu.Lock()
	defer l.mu.Unlock()
	if colour != "*" {
		return l.counts[[2]string{method, colour}]
	}
	n := 0
	for k, v := range l.counts {
		if k[0] == method {
			n += v
		}
	}
	return n
}

// CallCounts returns the number of calls per "method/colour" ("method/" when no strategy header).
func (s *Server) CallCounts() map[string]int {
	l := s.calls
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.counts))
	for k, v := range l.counts {
		out[k[0]+"/"+k[1]] = v
	}
	return out
}

// recordSQL notes the SQL text of the statement a call carries, on the call's record (found in
// ctx; calls that bypassed the proxy have none).
func (l *callLog) recordSQL(ctx context.Context, sql string) {
	if rec, ok := ctx.Value(recordKey{}).(*CallRecord); ok {
		l.update(rec, func(r *CallRecord) { r.SQL = sql })
	}
}

// prepared remembers the SQL of a prepared query, so that the records of the later calls about
// it carry the text too. The map is filled in when the log is read rather than copied into
// each record as calls arrive, which keeps the call path free of query lookups.
func (l *callLog) prepared(queryID, sql string) {
	l.mu.Lock()
	l.sql[queryID] = sql
	l.mu.Unlock()
}

// CallLog returns a copy of every call recorded since start (or the last ResetCallLog), in order.
func (s *Server) CallLog() []CallRecord {
	l := s.calls
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]CallRecord, len(l.records))
	for i, r := range l.records {
		out[i] = *r
		if out[i].SQL == "" && out[i].QueryID != "" {
			out[i].SQL = l.sql[out[i].QueryID]
		}
	}
	return out
}

// PreparedSQL returns the SQL text of every prepareStatement and prepareStatementV2 call that
// reached the engine since start (or the last ResetCallLog), in order and exactly as the client
// sent it, whether the engine accepted it or not. A statement the client prepared again (after
// a wrong-strategy answer, say) appears again. Tests use it to assert the SQL that a GORM or
// database/sql call sent through the driver:
//
//	db.Where("name = ?", "ann").Find(&users)
//	require.Equal(t, []string{`SELECT * FROM "users" WHERE name = 'ann'`}, srv.PreparedSQL())
func (s *Server) PreparedSQL() []string {
	var out []string
	for _, r := range s.CallLog() {
		if (r.Method == "prepareStatement" || r.Method == "prepareStatementV2") && r.SQL != "" {
			out = append(out, r.SQL)
		}
	}
	return out
}

// ResetCallLog clears the counters and the call log.
func (s *Server) ResetCallLog() {
	l := s.calls
	l.mu.Lock()
	l.counts = map[[2]string]int{}
	l.records = nil
	l.sql = map[string]string{}
	l.mu.Unlock()
}

// QueryColours returns, for each query id in the call log, the set of strategy headers its calls
// carried, sorted. A correct client sends exactly one colour for every call of a query.
func (s *Server) QueryColours() map[string][]string {
	seen := map[string]map[string]bool{}
	for _, r := range s.CallLog() {
		if r.QueryID == "" {
			continue
		}
		if seen[r.QueryID] == nil {
			seen[r.QueryID] = map[string]bool{}
		}
		seen[r.QueryID][r.Strategy] = true
	}
	out := make(map[string][]string, len(seen))
	for id, set := range seen {
		for c := range set {
			out[id] = append(out[id], c)
		}
		sort.Strings(out[id])
	}
	return out
}

// rpcName turns a gRPC path into the name used by the log: "/QueryEngineService/status" →
// "status", "/ClusterService/status" → "ClusterService/status".
func rpcName(path string) string {
	if rest, ok := strings.CutPrefix(path, "/QueryEngineService/"); ok {
		return rest
	}
	return strings.TrimPrefix(path, "/")
}
