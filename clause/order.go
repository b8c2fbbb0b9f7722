package clause

import (
	"strings"

	"gorm.io/gorm/clause"

	"github.com/e6data/gorm-e6data/internal/ident"
)

// BuildOrderBy builds GORM's ORDER BY clause for e6data: every item built from a column carries
// an explicit direction, and raw items (db.Order("name desc"), expressions) are written as they
// are, since appending a direction would break them.
//
//	db.Order("id").Find(&users)                                       // ... ORDER BY id
//	db.Order(clause.OrderByColumn{Column: clause.Column{Name: "id"}}) // ... ORDER BY "id" ASC
//	db.First(&user)                                                   // ... ORDER BY "users"."id" ASC LIMIT 1
func BuildOrderBy(c clause.Clause, builder clause.Builder) {
	if ob, ok := c.Expression.(clause.OrderBy); ok && ob.Expression == nil {
		c.Expression = orderBy(ob)
	}
	c.Build(builder)
}

type orderBy clause.OrderBy

func (o orderBy) Build(builder clause.Builder) {
	for i, col := range o.Columns {
		if i > 0 {
			builder.WriteByte(',')
		}
		builder.WriteQuoted(col.Column)
		if col.Column.Raw {
			continue
		}
		if col.Desc {
			builder.WriteString(" DESC")
		} else {
			builder.WriteString(" ASC")
		}
	}
}

// Direction is the sort direction of an ORDER BY item.
type Direction bool

// The directions.
const (
	Asc  Direction = false
	Desc Direction = true
)

// Nulls places NULLs in an ORDER BY item.
type Nulls uint8

// The placements. NullsDefault leaves it to the engine, whose default may differ from other
// engines': when it matters, say which.
const (
	NullsDefault Nulls = iota
	NullsFirst
	NullsLast
)

// Order returns an ORDER BY item for column with an explicit direction and, unless nulls is
// NullsDefault, NULLS FIRST or NULLS LAST after it (e6data reads NULLS only after a direction).
// Use it with db.Order; it merges with other Order calls like any GORM item.
//
//	db.Order(e6clause.Order(clause.Column{Name: "score"}, e6clause.Desc, e6clause.NullsLast))
//	// ... ORDER BY "score" DESC NULLS LAST
//
// The column is quoted here, before any statement exists, so name its table explicitly
// (clause.Column{Table: "players", ...}); clause.CurrentTable cannot be resolved yet and is left
// out (the column is written unqualified). A Raw column is written as it is.
func Order(column clause.Column, dir Direction, nulls Nulls) clause.OrderByColumn {
	var b strings.Builder
	switch {
	case column.Raw:
		b.WriteString(column.Name)
	case column.Table != "" && column.Table != clause.CurrentTable:
		ident.Write(&b, column.Table)
		b.WriteByte('.')
		ident.Write(&b, column.Name)
	default:
		ident.Write(&b, column.Name)
	}
	if dir == Desc {
		b.WriteString(" DESC")
	} else {
		b.WriteString(" ASC")
	}
	switch nulls {
	case NullsFirst:
		b.WriteString(" NULLS FIRST")
	case NullsLast:
		b.WriteString(" NULLS LAST")
	}
	return clause.OrderByColumn{Column: clause.Column{Name: b.String(), Raw: true}}
}
