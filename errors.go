package e6data

import (
	"errors"
	"fmt"
)

// ErrReadOnly is the error (under errors.Is) of every GORM write (Create, Save, Update,
// Updates, UpdateColumn(s), Delete, upserts) made without Config.AllowWrites. No SQL was built
// or sent.
var ErrReadOnly = errors.New("e6data: the dialect is read-only")

// ErrDDLNotSupported is the error (under errors.Is) of every Migrator method that would send
// DDL (CreateTable, DropTable, AddColumn, CreateIndex, ...). DDL is refused even with
// Config.AllowWrites; AutoMigrate verifies models instead of altering tables.
var ErrDDLNotSupported = errors.New("e6data: DDL is not supported")

// ErrNotSupported is the error (under errors.Is) of a GORM write that e6data cannot run even
// with Config.AllowWrites: an upsert (ON CONFLICT, which Save also uses for a row that does not
// exist yet) or RETURNING. No SQL was built or sent.
var ErrNotSupported = errors.New("e6data: not supported by e6data")

// PolicyError is a GORM operation the dialect refused before building any SQL. It matches
// ErrReadOnly, ErrDDLNotSupported or ErrNotSupported under errors.Is.
type PolicyError struct {
	Op   string // the GORM operation, e.g. "Create" or "Migrator.DropTable"
	Err  error  // ErrReadOnly, ErrDDLNotSupported or ErrNotSupported
	Hint string // what to do instead, for ErrNotSupported
}

// Error names the operation and how to opt in, where one can.
func (e *PolicyError) Error() string {
	switch {
	case errors.Is(e.Err, ErrReadOnly):
		return fmt.Sprintf("%v: %s was refused before any SQL was sent; set e6data.Config{AllowWrites: true} for catalogs whose tables accept writes", e.Err, e.Op)
	case errors.Is(e.Err, ErrDDLNotSupported):
		return fmt.Sprintf("%v: %s was refused before any SQL was sent; e6data tables are created and altered outside GORM (AutoMigrate only verifies models against the catalog)", e.Err, e.Op)
	}
	return fmt.Sprintf("%v: %s was refused before any SQL was sent; %s", e.Err, e.Op, e.Hint)
}

// Unwrap returns ErrReadOnly, ErrDDLNotSupported or ErrNotSupported.
func (e *PolicyError) Unwrap() error { return e.Err }

// refuseWrite is the error of a write made without AllowWrites.
func refuseWrite(op string) error { return &PolicyError{Op: op, Err: ErrReadOnly} }

// refuseDDL is the error of a Migrator method that would send DDL.
func refuseDDL(op string) error { return &PolicyError{Op: "Migrator." + op, Err: ErrDDLNotSupported} }

// refuseUnsupported is the error of a write e6data cannot run, with what to do instead.
func refuseUnsupported(op, hint string) error {
	return &PolicyError{Op: op, Err: ErrNotSupported, Hint: hint}
}
