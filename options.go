package e6data

import (
	"time"

	"gorm.io/gorm"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/stmtopts"
)

// Per-statement e6data options are GORM scopes: db.Scopes(e6data.WithSchema("sales"),
// e6data.WithTimeout(30*time.Second)).Find(&orders). They travel to the driver in the
// statement's context and change the request, never the SQL. Statements GORM runs on behalf of
// one (Preload, associations) inherit them.

// WithCatalog runs the statement in catalog instead of the connection's (the prepare request's
// catalog field). e6clause.Use does the same as a clause.
func WithCatalog(catalog string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		stmtopts.Update(db.Statement, func(o *stmtopts.Options) { o.Catalog = &catalog })
		return db
	}
}

// WithSchema resolves the statement's unqualified table names in schema instead of the
// connection's database (the prepare request's schema field).
func WithSchema(schema string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		stmtopts.Update(db.Statement, func(o *stmtopts.Options) { o.Schema = &schema })
		return db
	}
}

// WithTimeout bounds the statement: when d passes, the driver cancels the query on the server
// and the call fails with context.DeadlineExceeded. For db.Rows() the bound also covers reading
// the rows. A deadline already on the statement's context (WithContext) still applies.
func WithTimeout(d time.Duration) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		stmtopts.Update(db.Statement, func(o *stmtopts.Options) { o.Timeout = d })
		return db
	}
}

// WithStrategy runs the statement on one colour of the cluster's blue/green pair ("blue" or
// "green") whatever colour serves, for diagnostics: to compare the two stacks during a
// deployment. The statement is not re-run on the other colour; if colour is not serving it fails.
// See connector.WithStrategy.
func WithStrategy(colour string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		stmtopts.Update(db.Statement, func(o *stmtopts.Options) { o.Strategy = colour })
		return db
	}
}

// QueryInfoOf returns what the driver learned about the last query tx ran: e6data's query id,
// the colour that served it, its attempts (more than one after transparent re-runs on another
// colour), replays and the rows they read again, the time to the first row, and the engine's row
// count. ok is false when tx ran no query through the dialect. For db.Rows(), read it after the
// rows were closed. When GORM ran several queries for one call (Preload), it describes the main
// one.
//
//	tx := db.Find(&orders)
//	info, _ := e6data.QueryInfoOf(tx)
//	log.Printf("query %s on %s, %d attempt(s)", info.QueryID, info.Strategy, info.Attempts)
func QueryInfoOf(tx *gorm.DB) (info connector.QueryInfo, ok bool) {
	if tx == nil || tx.Statement == nil {
		return info, false
	}
	st := stateOf(tx.Statement)
	if st == nil || st.info.QueryID == "" {
		return info, false
	}
	return st.info, true
}
