package engine

import (
	"context"
	"slices"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// DefaultPeekRows is how many rows Run reads before it returns when RunOptions.PeekRows is 0.
// The types of columns without a declared type (expressions, aggregates) are inferred from
// these rows, so Metadata is final as soon as Run returns.
const DefaultPeekRows = 1024

// DefaultBatchRows is the batch size Next uses when asked for maxRows <= 0.
const DefaultBatchRows = 10_000

// Statement is a translated e6 SQL statement that SQLite accepted. It may be run any number of
// times, also concurrently.
type Statement struct {
	e           *Engine
	home        *schemaEntry   // the statement's catalog.schema: the main database
	need        []*schemaEntry // the other schemas it names, attached when it runs
	sql         string
	returnsRows bool
}

// translate turns e6 SQL into SQLite SQL for catalog.schema and records which other schemas it
// names, so that exactly those get attached.
func (e *Engine) translate(catalog, schema, text string) (*Statement, error) {
	home, err := e.lookup(catalog, schema)
	if err != nil {
		return nil, err
	}
	st := &Statement{e: e, home: home}
	alias := func(c, s string) (string, bool) {
		ent, err := e.lookup(c, s)
		if err != nil {
			return "", false
		}
		if ent == home {
			return "main", true
		}
		if !slices.Contains(st.need, ent) {
			st.need = append(st.need, ent)
		}
		return ent.alias, true
	}
	tr, err := e6sql.Translate(text, e6sql.Scope{Catalog: catalog, Schema: schema, Alias: alias})
	if err != nil {
		return nil, &SQLError{Message: err.Error()}
	}
	st.sql, st.returnsRows = tr.SQL, tr.ReturnsRows
	return st, nil
}

// Prepare translates e6 SQL for catalog.schema and has SQLite compile it, so syntax errors and
// unknown tables or columns come back here, as an *SQLError with SQLite's message. An unknown
// catalog.schema is a *NotFoundError.
func (e *Engine) Prepare(ctx context.Context, catalog, schema, sqlText string) (*Statement, error) {
	st, err := e.translate(catalog, schema, sqlText)
	if err != nil {
		return nil, err
	}
	ctx, stop := e.bind(ctx)
	defer stop()
	conn, err := e.acquire(ctx, st.home, st.need)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ps, err := conn.PrepareContext(ctx, st.sql)
	if err != nil {
		return nil, e.queryErr(ctx, err)
	}
	if err := ps.Close(); err != nil {
		return nil, e.queryErr(ctx, err)
	}
	return st, nil
}

// SQL returns the SQLite text the statement runs (for explain).
func (s *Statement) SQL() string { return s.sql }

// RunOptions tunes Statement.RunWith.
type RunOptions struct {
	// PeekRows is how many rows Run reads before returning (see DefaultPeekRows, used for 0).
	PeekRows int
}

// Run starts the statement and returns its cursor, with RunOptions{} (see RunWith).
func (s *Statement) Run(ctx context.Context) (*Cursor, error) {
	return s.RunWith(ctx, RunOptions{})
}

// RunWith starts the statement on a dedicated connection and returns its cursor.
//
// ctx governs the whole query, not only this call: canceling it (cancelQuery) stops the query
// wherever it is, and Next then fails. A statement that returns no rows runs to completion here;
// its cursor reports the rows affected as Metadata().RowCount and no rows. A query reads its
// first opts.PeekRows rows here, so that Metadata is final when RunWith returns; errors while
// reading them come back from RunWith.
func (s *Statement) RunWith(ctx context.Context, opts RunOptions) (*Cursor, error) {
	e := s.e
	qctx, cancel := context.WithCancel(ctx)
	stopEngine := context.AfterFunc(e.ctx, cancel)
	release := func() { stopEngine(); cancel() }
	conn, err := e.acquire(qctx, s.home, s.need)
	if err != nil {
		release()
		return nil, err
	}
	if !s.returnsRows {
		res, err := conn.ExecContext(qctx, s.sql)
		_ = conn.Close()
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			err = e.queryErr(qctx, err)
		}
		release()
		if err != nil {
			return nil, err
		}
		return &Cursor{e: e, meta: codec.Metadata{RowCount: n}, done: true, release: func() {}}, nil
	}
	intr := newInterrupter(conn) // before the rows exist: Raw waits for the connection's lock
	rows, err := conn.QueryContext(qctx, s.sql)
	if err != nil {
		_ = conn.Close()
		release()
		return nil, e.queryErr(qctx, err)
	}
	c := &Cursor{e: e, ctx: qctx, cancel: cancel, release: release, conn: conn, rows: rows, intr: intr}
	c.unwatch = context.AfterFunc(qctx, c.intr.interrupt)
	if err := c.start(opts.PeekRows); err != nil {
		_ = c.Close()
		return nil, err
	}
	if err := e.track(c); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// track registers an open cursor so that Close can end it.
func (e *Engine) track(c *Cursor) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	e.cursors[c] = struct{}{}
	return nil
}

func (e *Engine) untrack(c *Cursor) {
	e.mu.Lock()
	delete(e.cursors, c)
	e.mu.Unlock()
}
