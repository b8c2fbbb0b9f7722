// Package stmtopts keeps the e6data options of one GORM statement (catalog, schema, timeout,
// forced colour) in the statement's settings, where the dialect's scopes and clauses put them
// and its callbacks read them when the statement runs.
package stmtopts

import (
	"time"

	"gorm.io/gorm"
)

// Options are one statement's e6data options. A nil or zero field leaves the connection's
// setting in place.
type Options struct {
	Catalog  *string
	Schema   *string
	Timeout  time.Duration
	Strategy string
}

type key struct{}

// Of returns the options recorded on stmt.
func Of(stmt *gorm.Statement) Options {
	v, _ := stmt.Settings.Load(key{})
	o, _ := v.(Options)
	return o
}

// Update changes the options recorded on stmt. Options are stored by value, so a statement
// cloned from stmt keeps its own copy.
func Update(stmt *gorm.Statement, fn func(*Options)) {
	o := Of(stmt)
	fn(&o)
	stmt.Settings.Store(key{}, o)
}
