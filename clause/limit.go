package clause

import (
	"math"
	"strconv"

	"gorm.io/gorm/clause"
)

// MaxLimit is the LIMIT written before an OFFSET that has no limit of its own: the largest
// signed 64-bit value (e6data's LONG; MySQL's unsigned 18446744073709551615 would overflow it).
const MaxLimit = math.MaxInt64

// BuildLimit builds GORM's LIMIT clause for e6data: the limit and offset go out as ? arguments,
// LIMIT always comes before OFFSET, and an offset without a limit is paired with MaxLimit, as a
// bare OFFSET is not known to be e6data SQL.
//
//	db.Limit(10).Offset(20).Find(&users) // ... LIMIT 10 OFFSET 20
//	db.Offset(20).Find(&users)           // ... LIMIT 9223372036854775807 OFFSET 20
func BuildLimit(c clause.Clause, builder clause.Builder) {
	if l, ok := c.Expression.(clause.Limit); ok {
		c.Expression = limit(l)
	}
	c.Build(builder)
}

type limit clause.Limit

func (l limit) Build(builder clause.Builder) {
	hasLimit := l.Limit != nil && *l.Limit >= 0
	if hasLimit {
		builder.WriteString("LIMIT ")
		builder.AddVar(builder, *l.Limit)
	}
	if l.Offset > 0 {
		if !hasLimit {
			builder.WriteString("LIMIT " + strconv.FormatInt(MaxLimit, 10))
		}
		builder.WriteString(" OFFSET ")
		builder.AddVar(builder, l.Offset)
	}
}
