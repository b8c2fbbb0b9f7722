package clause

import (
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/e6data/gorm-e6data/internal/ident"
)

// Table names a table by catalog, schema and name, each quoted as one identifier: a name that
// itself contains a dot (some deployments flatten catalog and schema into one) stays one part.
// Empty Catalog or Schema parts are left out; the query's catalog and schema then resolve the
// name. Alias, when set, names the table in the statement.
//
//	db.Scopes(e6clause.Table{Catalog: "hive", Schema: "sales", Name: "orders"}.Scope).Find(&orders)
//	// SELECT * FROM "hive"."sales"."orders"
//	db.Table("? AS o", e6clause.Table{Schema: "sales", Name: "orders"}).Find(&orders)
//	// SELECT * FROM "sales"."orders" AS o
type Table struct {
	Catalog, Schema, Name string
	Alias                 string
}

// Build writes the quoted name (without the alias), so a Table can be a ? argument of db.Table
// or of any clause.Expr.
func (t Table) Build(builder clause.Builder) {
	builder.WriteString(t.quoted())
}

// String returns the quoted name, with " AS alias" when Alias is set. An alias of letters,
// digits and underscores is written bare, so GORM recognises it and qualifies the model's
// columns with it; use lowercase aliases. Any other alias is quoted.
func (t Table) String() string {
	if t.Alias == "" {
		return t.quoted()
	}
	if bareWord(t.Alias) {
		return t.quoted() + " AS " + t.Alias
	}
	return t.quoted() + " AS " + ident.Quote(t.Alias)
}

func bareWord(s string) bool {
	for _, r := range s {
		if !(r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// Scope makes the statement read from (or write to) t: db.Scopes(t.Scope). With an Alias,
// GORM qualifies the model's columns with the alias.
func (t Table) Scope(db *gorm.DB) *gorm.DB {
	return db.Table(t.String())
}

func (t Table) quoted() string {
	var b strings.Builder
	for _, part := range []string{t.Catalog, t.Schema} {
		if part != "" {
			writePart(&b, part)
			b.WriteByte('.')
		}
	}
	writePart(&b, t.Name)
	return b.String()
}

// writePart quotes one part whole, dots included.
func writePart(b *strings.Builder, part string) {
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(part, `"`, `""`))
	b.WriteByte('"')
}
