package e6data

import (
	"gorm.io/gorm"
	"gorm.io/gorm/migrator"
	"gorm.io/gorm/schema"
)

// Migrator is the e6data gorm.Migrator. It answers from e6data's metadata RPCs (never
// information_schema or SHOW) and never sends DDL: e6data tables are created and altered
// outside GORM. Every method that would send DDL fails with an error matching
// ErrDDLNotSupported before any SQL is built, and AutoMigrate verifies the models against the
// catalog instead of altering it (see AutoMigrate).
//
// Table names are resolved the GORM way (a model's table name, db.Table, or a string) and may
// be qualified: "table", "schema.table" or "catalog.schema.table"; the parts left out are the
// DSN's catalog and database. e6data reports no keys, indexes, constraints, comments or
// defaults.
type Migrator struct {
	migrator.Migrator
	Dialector Dialector
}

var _ gorm.Migrator = Migrator{}

func newMigrator(db *gorm.DB, d Dialector) Migrator {
	return Migrator{
		Migrator: migrator.Migrator{Config: migrator.Config{
			DB:        db,
			Dialector: d,
		}},
		Dialector: d,
	}
}

// CreateTable is refused: DDL is not supported.
func (m Migrator) CreateTable(...any) error { return refuseDDL("CreateTable") }

// DropTable is refused: DDL is not supported.
func (m Migrator) DropTable(...any) error { return refuseDDL("DropTable") }

// RenameTable is refused: DDL is not supported.
func (m Migrator) RenameTable(_, _ any) error { return refuseDDL("RenameTable") }

// AddColumn is refused: DDL is not supported.
func (m Migrator) AddColumn(any, string) error { return refuseDDL("AddColumn") }

// DropColumn is refused: DDL is not supported.
func (m Migrator) DropColumn(any, string) error { return refuseDDL("DropColumn") }

// AlterColumn is refused: DDL is not supported.
func (m Migrator) AlterColumn(any, string) error { return refuseDDL("AlterColumn") }

// MigrateColumn is refused: DDL is not supported. AutoMigrate compares columns itself.
func (m Migrator) MigrateColumn(any, *schema.Field, gorm.ColumnType) error {
	return refuseDDL("MigrateColumn")
}

// MigrateColumnUnique is refused: DDL is not supported.
func (m Migrator) MigrateColumnUnique(any, *schema.Field, gorm.ColumnType) error {
	return refuseDDL("MigrateColumnUnique")
}

// RenameColumn is refused: DDL is not supported.
func (m Migrator) RenameColumn(any, string, string) error { return refuseDDL("RenameColumn") }

// CreateView is refused: DDL is not supported.
func (m Migrator) CreateView(string, gorm.ViewOption) error { return refuseDDL("CreateView") }

// DropView is refused: DDL is not supported.
func (m Migrator) DropView(string) error { return refuseDDL("DropView") }

// CreateConstraint is refused: DDL is not supported.
func (m Migrator) CreateConstraint(any, string) error { return refuseDDL("CreateConstraint") }

// DropConstraint is refused: DDL is not supported.
func (m Migrator) DropConstraint(any, string) error { return refuseDDL("DropConstraint") }

// CreateIndex is refused: DDL is not supported.
func (m Migrator) CreateIndex(any, string) error { return refuseDDL("CreateIndex") }

// DropIndex is refused: DDL is not supported.
func (m Migrator) DropIndex(any, string) error { return refuseDDL("DropIndex") }

// RenameIndex is refused: DDL is not supported.
func (m Migrator) RenameIndex(any, string, string) error { return refuseDDL("RenameIndex") }

// HasConstraint is false: e6data reports no constraints.
func (m Migrator) HasConstraint(any, string) bool { return false }

// HasIndex is false: e6data reports no indexes.
func (m Migrator) HasIndex(any, string) bool { return false }

// GetIndexes returns no indexes: e6data reports none.
func (m Migrator) GetIndexes(any) ([]gorm.Index, error) { return []gorm.Index{}, nil }
