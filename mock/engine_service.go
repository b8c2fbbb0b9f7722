package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// engineService implements QueryEngineService on top of the engine.
type engineService struct {
	e6pb.UnimplementedQueryEngineServiceServer
	s *Server
}

func (e *engineService) Authenticate(ctx context.Context, req *e6pb.AuthenticateRequest) (*e6pb.AuthenticateResponse, error) {
	s := e.s
	token, ok := s.opts.Users[req.GetUser()]
	if !ok || token != req.GetPassword() {
		if s.opts.RejectAuthWithStatus {
			return nil, status.Error(codes.Unauthenticated, "Invalid credentials")
		}
		// The real engine answers OK with no session.
		return &e6pb.AuthenticateResponse{}, nil
	}
	sess := &session{id: newID(), user: req.GetUser(), colour: s.cluster.colourOf(callColour(ctx), nil)}
	s.cluster.mu.Lock()
	s.cluster.sessions[sess.id] = sess
	s.cluster.mu.Unlock()
	return &e6pb.AuthenticateResponse{SessionId: sess.id}, nil
}

func (e *engineService) PrepareStatement(ctx context.Context, req *e6pb.PrepareStatementRequest) (*e6pb.PrepareStatementResponse, error) {
	return e.prepare(ctx, req.GetSessionId(), "", req.GetSchema(), req.GetQueryString())
}

func (e *engineService) PrepareStatementV2(ctx context.Context, req *e6pb.PrepareStatementV2Request) (*e6pb.PrepareStatementResponse, error) {
	return e.prepare(ctx, req.GetSessionId(), req.GetCatalog(), req.GetSchema(), req.GetQueryString())
}

func (e *engineService) prepare(ctx context.Context, sessionID, catalog, schema, sql string) (*e6pb.PrepareStatementResponse, error) {
	s := e.s
	s.calls.recordSQL(ctx, sql)
	sess, err := s.session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if catalog == "" {
		catalog = s.opts.Catalog
	}
	if schema == "" {
		schema = s.opts.Schema
	}
	// A scripted statement skips the checks and SQLite: only its results are scripted, the rest
	// of its lifecycle is every query's.
	sc := s.scripts.get(sql)
	var stmt *engine.Statement
	if sc != nil {
		if err := sc.failure(FailPrepare); err != nil {
			return nil, engineError(err)
		}
	} else if stmt, err = e.prepareSQL(ctx, catalog, schema, sql); err != nil {
		return nil, err
	}
	q := &query{
		id:       newID(),
		engineIP: s.planner(sess.colour),
		session:  sess,
		colour:   sess.colour,
		catalog:  catalog,
		schema:   schema,
		sql:      sql,
		created:  time.Now(),
		stmt:     stmt,
		script:   sc,
	}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	s.cluster.addQuery(q)
	s.calls.prepared(q.id, sql)
	return &e6pb.PrepareStatementResponse{EngineIP: q.engineIP, QueryId: q.id, SessionId: sess.id}, nil
}

// prepareSQL checks SQL that arrived over gRPC against what e6data itself accepts, then has the
// engine translate and compile it. The check is stricter than the engine's own translation,
// which also serves the mock's setup statements (Server.Exec): SQL a real cluster would refuse
// must fail here too, or tests through the mock could not catch a dialect mistake.
func (e *engineService) prepareSQL(ctx context.Context, catalog, schema, sql string) (*engine.Statement, error) {
	if err := e6sql.Check(sql); err != nil {
		return nil, engineError(err)
	}
	stmt, err := e.s.engine.Prepare(ctx, catalog, schema, sql)
	if err != nil {
		return nil, engineError(err)
	}
	return stmt, nil
}

func (e *engineService) ExecuteStatement(ctx context.Context, req *e6pb.ExecuteStatementRequest) (*e6pb.ExecuteStatementResponse, error) {
	return e.execute(ctx, req.GetSessionId(), req.GetQueryId())
}

func (e *engineService) ExecuteStatementV2(ctx context.Context, req *e6pb.ExecuteStatementV2Request) (*e6pb.ExecuteStatementResponse, error) {
	if len(req.GetParams()) > 0 {
		return nil, status.Error(codes.Unimplemented, "mock: server-side parameters are not supported; interpolate values into the SQL")
	}
	return e.execute(ctx, req.GetSessionId(), req.GetQueryId())
}

func (e *engineService) execute(ctx context.Context, sessionID, queryID string) (*e6pb.ExecuteStatementResponse, error) {
	q, err := e.s.query(ctx, sessionID, queryID)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cancelled {
		return nil, errCancelled(q.id)
	}
	if q.executed {
		return nil, status.Errorf(codes.FailedPrecondition, "query %s was already executed", q.id)
	}
	start := time.Now()
	if q.script != nil {
		if err := q.script.failure(FailExecute); err != nil {
			return nil, engineError(err)
		}
		q.cursor = &scriptCursor{sc: q.script, ctx: q.ctx}
	} else {
		cur, err := q.stmt.RunWith(q.ctx, engine.RunOptions{PeekRows: e.s.opts.BatchRows})
		if err != nil {
			return nil, e.queryError(q, err)
		}
		q.cursor = engineCursor{cur: cur, batchRows: e.s.opts.BatchRows}
	}
	q.executed, q.execTime = true, time.Since(start)
	return &e6pb.ExecuteStatementResponse{SessionId: sessionID}, nil
}

func (e *engineService) GetResultMetadata(ctx context.Context, req *e6pb.GetResultMetadataRequest) (*e6pb.GetResultMetadataResponse, error) {
	q, err := e.executed(ctx, req.GetSessionId(), req.GetQueryId())
	if err != nil {
		return nil, err
	}
	defer q.mu.Unlock()
	md := q.cursor.metadata()
	b, err := codec.AppendMetadata(nil, &md)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "encode result metadata: %v", err)
	}
	return &e6pb.GetResultMetadataResponse{ResultMetaData: b, SessionId: req.GetSessionId()}, nil
}

func (e *engineService) GetNextResultBatch(ctx context.Context, req *e6pb.GetNextResultBatchRequest) (*e6pb.GetNextResultBatchResponse, error) {
	q, err := e.executed(ctx, req.GetSessionId(), req.GetQueryId())
	if err != nil {
		return nil, err
	}
	defer q.mu.Unlock()
	resp := &e6pb.GetNextResultBatchResponse{SessionId: req.GetSessionId()}
	if q.done {
		return resp, nil // an empty batch marks the end of results, as on a real cluster
	}
	batch, n, err := q.cursor.next(ctx)
	var enc *encodeError
	switch {
	case errors.As(err, &enc):
		return nil, status.Error(codes.Internal, enc.Error())
	case err != nil:
		return nil, e.queryError(q, err)
	case n <= 0:
		q.done = true
		_ = q.cursor.Close()
		return resp, nil
	}
	q.rows += int64(n)
	resp.ResultBatch = batch
	return resp, nil
}

// executed returns the query with its lock held, checking it was executed and not cancelled.
func (e *engineService) executed(ctx context.Context, sessionID, queryID string) (*query, error) {
	q, err := e.s.query(ctx, sessionID, queryID)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	switch {
	case q.cancelled:
		q.mu.Unlock()
		return nil, errCancelled(q.id)
	case !q.executed:
		q.mu.Unlock()
		return nil, status.Errorf(codes.FailedPrecondition, "query %s has not been executed", q.id)
	}
	return q, nil
}

func errCancelled(id string) error {
	return status.Errorf(codes.Canceled, "query %s was cancelled", id)
}

// queryError turns an engine error during a query into the status a client sees: a cancelled
// query reports cancellation, an SQL error the engine's message.
func (e *engineService) queryError(q *query, err error) error {
	if q.ctx.Err() != nil {
		return errCancelled(q.id)
	}
	return engineError(err)
}

// engineError maps engine errors onto gRPC statuses.
func engineError(err error) error {
	var sqlErr *engine.SQLError
	var nf *engine.NotFoundError
	switch {
	case errors.As(err, &sqlErr):
		return status.Error(codes.Internal, sqlErr.Error())
	case errors.As(err, &nf):
		return status.Error(codes.NotFound, nf.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return status.FromContextError(err).Err()
	default:
		return status.Error(codes.Internal, err.Error())
	}
}

func (e *engineService) Status(ctx context.Context, req *e6pb.StatusRequest) (*e6pb.StatusResponse, error) {
	q, err := e.s.query(ctx, req.GetSessionId(), req.GetQueryId())
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return &e6pb.StatusResponse{Status: q.executed && !q.cancelled, RowCount: q.rows, SessionId: req.GetSessionId()}, nil
}

func (e *engineService) Clear(ctx context.Context, req *e6pb.ClearRequest) (*e6pb.ClearResponse, error) {
	if err := e.end(ctx, req.GetSessionId(), req.GetQueryId(), false); err != nil {
		return nil, err
	}
	return &e6pb.ClearResponse{SessionId: req.GetSessionId()}, nil
}

func (e *engineService) CancelQuery(ctx context.Context, req *e6pb.CancelQueryRequest) (*e6pb.CancelQueryResponse, error) {
	if err := e.end(ctx, req.GetSessionId(), req.GetQueryId(), true); err != nil {
		return nil, err
	}
	return &e6pb.CancelQueryResponse{SessionId: req.GetSessionId()}, nil
}

func (e *engineService) ClearOrCancelQuery(ctx context.Context, req *e6pb.ClearOrCancelQueryRequest) (*e6pb.ClearOrCancelQueryResponse, error) {
	if err := e.end(ctx, req.GetSessionId(), req.GetQueryId(), false); err != nil {
		return nil, err
	}
	return &e6pb.ClearOrCancelQueryResponse{SessionId: req.GetSessionId()}, nil
}

// end stops a query. Cancel keeps the query known (later calls report it cancelled) but releases
// its pin and engine resources; clear forgets it. Both are idempotent on a known query.
func (e *engineService) end(ctx context.Context, sessionID, queryID string, keep bool) error {
	q, err := e.s.query(ctx, sessionID, queryID)
	if err != nil {
		return err
	}
	q.cancel() // stops a call running on the query first, so its lock is released promptly
	q.mu.Lock()
	q.cancelled = q.cancelled || !q.done
	if q.cursor != nil {
		_ = q.cursor.Close()
	}
	q.mu.Unlock()
	if keep {
		e.s.cluster.releasePin(q)
		return nil
	}
	e.s.cluster.removeQuery(q)
	// A query cleared on the serving colour is what an announced switch waits for.
	e.s.acceptAnnounced(q.colour)
	return nil
}

func (e *engineService) Explain(ctx context.Context, req *e6pb.ExplainRequest) (*e6pb.ExplainResponse, error) {
	q, err := e.s.query(ctx, req.GetSessionId(), req.GetQueryId())
	if err != nil {
		return nil, err
	}
	plan, err := e.s.explain(ctx, q)
	if err != nil {
		return nil, engineError(err)
	}
	return &e6pb.ExplainResponse{Explain: plan, SessionId: req.GetSessionId()}, nil
}

func (e *engineService) ExplainAnalyze(ctx context.Context, req *e6pb.ExplainAnalyzeRequest) (*e6pb.ExplainAnalyzeResponse, error) {
	q, err := e.s.query(ctx, req.GetSessionId(), req.GetQueryId())
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	stats := map[string]any{
		"query_id":          q.id,
		"sql":               q.sql,
		"catalog":           q.catalog,
		"schema":            q.schema,
		"strategy":          q.colour,
		"executed":          q.executed,
		"rows_returned":     q.rows,
		"finished":          q.done,
		"cancelled":         q.cancelled,
		"execution_time_ms": q.execTime.Milliseconds(),
	}
	q.mu.Unlock()
	text, err := json.Marshal(stats)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "explain analyze: %v", err)
	}
	return &e6pb.ExplainAnalyzeResponse{ExplainAnalyze: string(text), SessionId: req.GetSessionId()}, nil
}

func (e *engineService) GetSchemaNamesV2(ctx context.Context, req *e6pb.GetSchemaNamesV2Request) (*e6pb.GetSchemaNamesResponse, error) {
	if _, err := e.s.session(ctx, req.GetSessionId()); err != nil {
		return nil, err
	}
	schemas, err := e.s.engine.Schemas(req.GetCatalog())
	if err != nil {
		return nil, engineError(err)
	}
	return &e6pb.GetSchemaNamesResponse{Schemas: schemas, SessionId: req.GetSessionId()}, nil
}

func (e *engineService) GetTablesV2(ctx context.Context, req *e6pb.GetTablesV2Request) (*e6pb.GetTablesResponse, error) {
	if _, err := e.s.session(ctx, req.GetSessionId()); err != nil {
		return nil, err
	}
	tables, err := e.s.engine.Tables(req.GetCatalog(), req.GetSchema())
	if err != nil {
		return nil, engineError(err)
	}
	return &e6pb.GetTablesResponse{Tables: tables, SessionId: req.GetSessionId()}, nil
}

func (e *engineService) GetColumnsV2(ctx context.Context, req *e6pb.GetColumnsV2Request) (*e6pb.GetColumnsResponse, error) {
	if _, err := e.s.session(ctx, req.GetSessionId()); err != nil {
		return nil, err
	}
	cols, err := e.s.engine.Columns(req.GetCatalog(), req.GetSchema(), req.GetTable())
	if err != nil {
		return nil, engineError(err)
	}
	resp := &e6pb.GetColumnsResponse{SessionId: req.GetSessionId()}
	for _, c := range cols {
		resp.FieldInfo = append(resp.FieldInfo, &e6pb.GFieldInfo{FieldName: c.Name, FieldType: c.HiveType})
	}
	return resp, nil
}

func (e *engineService) HealthCheck(context.Context, *e6pb.HealthCheckRequest) (*e6pb.HealthCheckResponse, error) {
	return &e6pb.HealthCheckResponse{}, nil
}

func (e *engineService) DryRun(ctx context.Context, req *e6pb.DryRunRequest) (*e6pb.DryRunResponse, error) {
	if _, err := e.s.session(ctx, req.GetSessionId()); err != nil {
		return nil, err
	}
	schema := req.GetSchema()
	if schema == "" {
		schema = e.s.opts.Schema
	}
	e.s.calls.recordSQL(ctx, req.GetQueryString())
	if sc := e.s.scripts.get(req.GetQueryString()); sc != nil {
		if err := sc.failure(FailPrepare); err != nil {
			return &e6pb.DryRunResponse{DryrunValue: fmt.Sprintf(`{"valid":false,"error":%q}`, err.Error())}, nil
		}
		return &e6pb.DryRunResponse{DryrunValue: `{"valid":true}`}, nil
	}
	if _, err := e.prepareSQL(ctx, e.s.opts.Catalog, schema, req.GetQueryString()); err != nil {
		return &e6pb.DryRunResponse{DryrunValue: fmt.Sprintf(`{"valid":false,"error":%q}`, status.Convert(err).Message())}, nil
	}
	return &e6pb.DryRunResponse{DryrunValue: `{"valid":true}`}, nil
}

func (e *engineService) GetDynamicParams(ctx context.Context, req *e6pb.GetDynamicParamsRequest) (*e6pb.GetDynamicParamsResponse, error) {
	if _, err := e.s.query(ctx, req.GetSessionId(), req.GetQueryId()); err != nil {
		return nil, err
	}
	return &e6pb.GetDynamicParamsResponse{SessionId: req.GetSessionId()}, nil
}
