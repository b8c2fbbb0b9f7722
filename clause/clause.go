// Package clause holds the e6data clause builders the dialect registers with GORM, and the
// e6data-specific clauses applications use with db.Clauses, db.Order or db.Scopes. Import it
// under another name, as it shares its name with gorm.io/gorm/clause:
//
//	import e6clause "github.com/e6data/gorm-e6data/clause"
//
//	db.Scopes(e6clause.Use{Catalog: "hive", Schema: "sales"}.Scope).
//		Order(e6clause.Order(clause.Column{Name: "score"}, e6clause.Desc, e6clause.NullsLast)).
//		Limit(10).Find(&players)
package clause

import "gorm.io/gorm/clause"

// The names of the GORM clauses this package builds (the keys of gorm.Config.ClauseBuilders).
const (
	ClauseLimit   = "LIMIT"
	ClauseOrderBy = "ORDER BY"
	ClauseFor     = "FOR"
	ClauseValues  = "VALUES"
)

// Builders returns the clause builders e6data SQL needs in place of GORM's defaults, by clause
// name. The dialect registers each one whose name the application has not registered a builder
// for itself.
func Builders() map[string]clause.ClauseBuilder {
	return map[string]clause.ClauseBuilder{
		ClauseLimit:   BuildLimit,
		ClauseOrderBy: BuildOrderBy,
		ClauseFor:     BuildFor,
		ClauseValues:  BuildValues,
	}
}
