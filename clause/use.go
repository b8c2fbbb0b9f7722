package clause

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/e6data/gorm-e6data/internal/stmtopts"
)

// Use runs one statement in another catalog and/or schema than the connection's. They travel to
// the driver in the statement's context (connector.WithCatalog, connector.WithSchema) and go in
// the prepare request's fields: the SQL is unchanged, and unqualified table names resolve in
// them. An empty field keeps the connection's setting. Use it as a clause or as a scope:
//
//	db.Clauses(e6clause.Use{Catalog: "hive", Schema: "sales"}).Find(&orders)
//	db.Scopes(e6clause.Use{Schema: "sales"}.Scope).Find(&orders)
type Use struct {
	Catalog, Schema string
}

// ModifyStatement records the selection on the statement (gorm.StatementModifier).
func (u Use) ModifyStatement(stmt *gorm.Statement) {
	stmtopts.Update(stmt, func(o *stmtopts.Options) {
		if u.Catalog != "" {
			o.Catalog = &u.Catalog
		}
		if u.Schema != "" {
			o.Schema = &u.Schema
		}
	})
}

// Build writes nothing: the selection is not SQL.
func (Use) Build(clause.Builder) {}

// Scope applies u to db, for db.Scopes(u.Scope).
func (u Use) Scope(db *gorm.DB) *gorm.DB { return db.Clauses(u) }
