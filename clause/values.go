package clause

import (
	"errors"

	"gorm.io/gorm/clause"
)

// ErrNoColumns is the error of an INSERT without columns: GORM writes DEFAULT VALUES for it,
// which e6data does not take. Give the model at least one field with a value.
var ErrNoColumns = errors.New("e6data: INSERT needs at least one column (e6data has no DEFAULT VALUES)")

// BuildValues builds GORM's VALUES clause: the column list and one parenthesised row of ?
// arguments per record, as GORM does, but an insert without columns fails with ErrNoColumns
// instead of writing DEFAULT VALUES.
//
//	db.Create(&[]Event{{ID: 1, Kind: "click"}, {ID: 2, Kind: "view"}})
//	// INSERT INTO "events" ("id","kind") VALUES (1,'click'),(2,'view')
func BuildValues(c clause.Clause, builder clause.Builder) {
	if v, ok := c.Expression.(clause.Values); ok && len(v.Columns) == 0 {
		_ = builder.AddError(ErrNoColumns)
		return
	}
	c.Build(builder)
}
