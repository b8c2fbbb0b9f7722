package connector

import (
	"context"
	"database/sql/driver"
	"time"
)

// QueryContext interpolates args into query (client-side, as e6data's own clients do) and runs
// it, returning after the first batch arrived: any failure that can be retried transparently
// happens before the caller sees a row.
func (cn *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	text, err := buildStatement(query, args)
	if err != nil {
		return nil, err
	}
	return cn.query(ctx, text)
}

func (cn *Conn) query(ctx context.Context, text string) (driver.Rows, error) {
	if !cn.IsValid() {
		return nil, driver.ErrBadConn
	}
	began := time.Now()
	ctx, ob := cn.observe(ctx, spanQuery) // ended when the rows are closed (rows.Close)
	q, first, err := cn.startQuery(ctx, text, true)
	if err != nil {
		ob.end(nil, err)
		return nil, err
	}
	if q.info != nil {
		q.info.firstRow(time.Since(began))
	}
	r := newRows(q, first)
	if first == nil {
		// An empty result: nothing left to fetch, clear now.
		q.clearOnServer()
	}
	return r, nil
}

// ExecContext runs a statement that returns no rows the caller wants (DML, or any statement
// whose result is discarded). RowsAffected is the row count the engine reports in the result
// metadata, which e6data documents as unreliable; LastInsertId is not supported.
func (cn *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	text, err := buildStatement(query, args)
	if err != nil {
		return nil, err
	}
	return cn.exec(ctx, text)
}

func (cn *Conn) exec(ctx context.Context, text string) (driver.Result, error) {
	if !cn.IsValid() {
		return nil, driver.ErrBadConn
	}
	ctx, ob := cn.observe(ctx, spanExec)
	q, _, err := cn.startQuery(ctx, text, false)
	if err != nil {
		ob.end(nil, err)
		return nil, err
	}
	q.clearOnServer()
	ob.end(q, nil)
	return result{rowsAffected: max(q.md.RowCount, 0)}, nil
}

// buildStatement checks that query is one statement and interpolates args into it.
func buildStatement(query string, args []driver.NamedValue) (string, error) {
	text, err := normalizeStatement(query)
	if err != nil {
		return "", err
	}
	return Interpolate(text, args)
}

// result is the driver.Result of ExecContext.
type result struct{ rowsAffected int64 }

// LastInsertId returns ErrNoLastInsertID: e6data generates no keys.
func (result) LastInsertId() (int64, error) { return 0, ErrNoLastInsertID }

// RowsAffected returns the engine's row count (unreliable on e6data; 0 when not reported).
func (r result) RowsAffected() (int64, error) { return r.rowsAffected, nil }

// stmt is a client-side prepared statement: e6data runs each prepared query once, so the
// statement keeps its checked SQL text and runs the whole lifecycle on every execution.
type stmt struct {
	cn    *Conn
	query string
}

var (
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

// Close does nothing: nothing is held on the server between executions.
func (s *stmt) Close() error { return nil }

// NumInput returns -1: the placeholder count is checked at each execution, with a clear error.
func (s *stmt) NumInput() int { return -1 }

// CheckNamedValue applies the connection's argument rules.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

// Exec runs the statement with args (see ExecContext).
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), namedValues(args))
}

// Query runs the statement with args (see QueryContext).
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), namedValues(args))
}

// ExecContext runs the statement with args.
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	text, err := Interpolate(s.query, args)
	if err != nil {
		return nil, err
	}
	return s.cn.exec(ctx, text)
}

// QueryContext runs the statement with args.
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	text, err := Interpolate(s.query, args)
	if err != nil {
		return nil, err
	}
	return s.cn.query(ctx, text)
}

func namedValues(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}
