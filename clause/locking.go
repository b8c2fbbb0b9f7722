package clause

import (
	"errors"
	"strings"

	"gorm.io/gorm/clause"
)

// ErrLockingNotSupported is the error of a statement with a FOR UPDATE / FOR SHARE locking
// clause: e6data has no row locks. The statement is not sent; the clause is never dropped
// silently, since the application relies on the lock.
var ErrLockingNotSupported = errors.New("e6data: row locking (FOR UPDATE, FOR SHARE) is not supported; e6data has no transactions or row locks, remove the locking clause")

// BuildFor refuses GORM's locking clause with ErrLockingNotSupported:
//
//	db.Clauses(clause.Locking{Strength: "UPDATE"}).Find(&users) // error: ErrLockingNotSupported
func BuildFor(c clause.Clause, builder clause.Builder) {
	what := "FOR"
	if l, ok := c.Expression.(clause.Locking); ok && l.Strength != "" {
		what = "FOR " + strings.ToUpper(l.Strength)
	}
	_ = builder.AddError(&lockingError{what: what})
}

type lockingError struct{ what string }

func (e *lockingError) Error() string { return ErrLockingNotSupported.Error() + " (" + e.what + ")" }

func (e *lockingError) Unwrap() error { return ErrLockingNotSupported }
