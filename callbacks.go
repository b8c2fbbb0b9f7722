package e6data

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/stmtopts"
)

// The dialect's GORM callbacks, in front of the driver:
//
//   - e6data:policy (create, update, delete), first: the write policy, before any SQL is built;
//   - e6data:options (every processor), first after the policy: the statement's e6data options
//     (WithCatalog, WithSchema, WithTimeout, WithStrategy, e6clause.Use) and a fresh
//     connector.QueryInfo go into the statement's context, where the driver reads them;
//   - e6data:query_info (every processor), last: ends the statement's timeout and leaves the
//     QueryInfo where QueryInfoOf and the logger's trace line find it.
//
// gorm:create is replaced by a version without RETURNING and without reading back generated keys
// (e6data has neither).
const (
	callbackPolicy    = "e6data:policy"
	callbackOptions   = "e6data:options"
	callbackQueryInfo = "e6data:query_info"
)

// registerCallbacks adds the dialect's callbacks to db once.
func (d Dialector) registerCallbacks(db *gorm.DB) error {
	cb := db.Callback()
	if cb.Query().Get(callbackOptions) != nil {
		return nil // already registered on this db
	}
	if err := cb.Create().Replace("gorm:create", create); err != nil {
		return err
	}
	type registerer interface {
		Register(name string, fn func(*gorm.DB)) error
	}
	for _, p := range []struct {
		first, last registerer
		rows        bool // the processor hands rows to the caller: their context outlives it
	}{
		{cb.Create().Before("*"), cb.Create().After("*"), false},
		{cb.Query().Before("*"), cb.Query().After("*"), false},
		{cb.Update().Before("*"), cb.Update().After("*"), false},
		{cb.Delete().Before("*"), cb.Delete().After("*"), false},
		{cb.Row().Before("*"), cb.Row().After("*"), true},
		{cb.Raw().Before("*"), cb.Raw().After("*"), false},
	} {
		if err := p.first.Register(callbackOptions, applyOptions); err != nil {
			return err
		}
		if err := p.last.Register(callbackQueryInfo, finishStatement(p.rows)); err != nil {
			return err
		}
	}
	// Registered after e6data:options, both before "*": GORM puts the later one first.
	for _, p := range []struct {
		op  string
		reg registerer
	}{
		{"Create", cb.Create().Before("*")},
		{"Update", cb.Update().Before("*")},
		{"Delete", cb.Delete().Before("*")},
	} {
		if err := p.reg.Register(callbackPolicy, d.policy(p.op)); err != nil {
			return err
		}
	}
	return nil
}

// What each write processor does, for the policy's messages.
var writeOps = map[string]string{
	"Create": "Create (Create, CreateInBatches, FirstOrCreate, or Save of a new row)",
	"Update": "Update (Update, Updates, UpdateColumn, UpdateColumns, or Save)",
	"Delete": "Delete",
}

// policy refuses a write before any SQL is built: every write without AllowWrites
// (ErrReadOnly), and upserts and RETURNING always (ErrNotSupported).
func (d Dialector) policy(op string) func(*gorm.DB) {
	return func(db *gorm.DB) {
		if db.Error != nil {
			return
		}
		stmt := db.Statement
		if _, ok := stmt.Clauses["ON CONFLICT"]; ok && !engine.upsert {
			_ = db.AddError(refuseUnsupported(op+" with ON CONFLICT (an upsert)",
				"e6data has no ON CONFLICT; Save of a row that does not exist yet needs one: use Create for new rows and Updates for existing ones"))
			return
		}
		if _, ok := stmt.Clauses["RETURNING"]; ok && !engine.returning {
			_ = db.AddError(refuseUnsupported(op+" with RETURNING", "e6data has no RETURNING; read the rows back with a query"))
			return
		}
		if !d.AllowWrites {
			_ = db.AddError(refuseWrite(writeOps[op]))
		}
	}
}

type (
	stateKey     struct{}
	queryInfoKey struct{}
)

// stmtState is what the dialect keeps for one run of a statement, in one allocation (the
// callbacks run for every statement): the context the statement had before e6data:options,
// the cancel of its WithTimeout, and the QueryInfo the driver fills. It is the root of the
// context the statement runs with, where finishStatement finds it; once the run is over it is
// the statement's context itself: the original one (which it embeds) plus the QueryInfo, found
// under queryInfoKey by the logger's trace line and by QueryInfoOf.
type stmtState struct {
	context.Context // the statement's context before e6data:options
	cancel          context.CancelFunc
	finished        bool
	info            connector.QueryInfo
}

// Value answers stateKey with s, queryInfoKey with the run's QueryInfo, and every other key
// from the original context.
func (s *stmtState) Value(key any) any {
	switch key.(type) {
	case stateKey:
		return s
	case queryInfoKey:
		return &s.info
	}
	return s.Context.Value(key)
}

// stateOf returns the state of the current or last run of stmt, or nil.
func stateOf(stmt *gorm.Statement) *stmtState {
	if stmt.Context == nil {
		return nil
	}
	st, _ := stmt.Context.Value(stateKey{}).(*stmtState)
	return st
}

// applyOptions puts the statement's e6data options and a fresh QueryInfo into its context, and
// keeps the context it had, for finishStatement to restore.
func applyOptions(db *gorm.DB) {
	stmt := db.Statement
	orig := stmt.Context
	if prev, ok := orig.(*stmtState); ok {
		orig = prev.Context // run again: start from the context the last run started from
	}
	st := &stmtState{Context: orig}
	var ctx context.Context = st
	o := stmtopts.Of(stmt)
	if o.Catalog != nil {
		ctx = connector.WithCatalog(ctx, *o.Catalog)
	}
	if o.Schema != nil {
		ctx = connector.WithSchema(ctx, *o.Schema)
	}
	if o.Strategy != "" {
		ctx = connector.WithStrategy(ctx, o.Strategy)
	}
	if o.Timeout > 0 {
		ctx, st.cancel = context.WithTimeout(ctx, o.Timeout)
	}
	stmt.Context = connector.WithQueryInfo(ctx, &st.info)
}

// finishStatement ends the statement's timeout (unless the processor hands rows to the caller,
// whose reading the timeout still bounds) and gives the statement back the context it had,
// with the QueryInfo for the logger's trace line, so a statement run again starts afresh.
func finishStatement(rows bool) func(*gorm.DB) {
	return func(db *gorm.DB) {
		stmt := db.Statement
		st := stateOf(stmt)
		if st == nil || st.finished {
			return
		}
		st.finished = true
		if st.cancel != nil && !rows {
			st.cancel()
		}
		stmt.Context = st
	}
}

// create is gorm:create for e6data: the INSERT GORM builds, run with Exec; no RETURNING, and no
// key read back (e6data generates none). RowsAffected is the engine's count.
func create(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	stmt := db.Statement
	if stmt.Schema != nil && !stmt.Unscoped {
		for _, c := range stmt.Schema.CreateClauses {
			stmt.AddClause(c)
		}
	}
	if stmt.SQL.Len() == 0 {
		stmt.SQL.Grow(180)
		stmt.AddClauseIfNotExists(clause.Insert{})
		stmt.AddClause(callbacks.ConvertToCreateValues(stmt))
		stmt.Build(stmt.BuildClauses...)
	}
	if db.DryRun || db.Error != nil {
		return
	}
	result, err := stmt.ConnPool.ExecContext(stmt.Context, stmt.SQL.String(), stmt.Vars...)
	if db.AddError(err) != nil {
		return
	}
	db.RowsAffected, _ = result.RowsAffected()
	if stmt.Result != nil {
		stmt.Result.Result = result
		stmt.Result.RowsAffected = db.RowsAffected
	}
}
