package e6data

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/e6data/gorm-e6data/connector"
)

// MismatchKind says how a model and the catalog disagree.
type MismatchKind int

const (
	// MissingTable: the catalog does not list the model's table.
	MissingTable MismatchKind = iota + 1
	// MissingColumn: the table has no column for a field.
	MissingColumn
	// IncompatibleType: the column's type does not fit the field (see the compatibility table
	// in the package documentation of AutoMigrate).
	IncompatibleType
)

// String returns "missing table", "missing column" or "incompatible type".
func (k MismatchKind) String() string {
	switch k {
	case MissingTable:
		return "missing table"
	case MissingColumn:
		return "missing column"
	case IncompatibleType:
		return "incompatible type"
	}
	return fmt.Sprintf("MismatchKind(%d)", int(k))
}

// Mismatch is one disagreement AutoMigrate found between a model and the catalog.
type Mismatch struct {
	Kind MismatchKind
	// Model is the model's Go type name; "" for a table AutoMigrate was given by name.
	Model string
	// Table is the table as catalog.schema.table, with the DSN's catalog and schema filled in.
	Table string
	// Field and FieldType are the struct field and its Go type (MissingColumn,
	// IncompatibleType).
	Field, FieldType string
	// Column is the column the field maps to (MissingColumn, IncompatibleType).
	Column string
	// ColumnType is the column's type as the catalog reports it, e.g. "decimal(10,2)"
	// (IncompatibleType).
	ColumnType string
	// Want lists the column types the field accepts (IncompatibleType).
	Want string
}

// String describes the mismatch in one line.
func (m Mismatch) String() string {
	switch m.Kind {
	case MissingTable:
		if m.Model == "" {
			return fmt.Sprintf("missing table %s", m.Table)
		}
		return fmt.Sprintf("missing table %s (model %s)", m.Table, m.Model)
	case MissingColumn:
		return fmt.Sprintf("missing column %s.%s (field %s.%s %s)", m.Table, m.Column, m.Model, m.Field, m.FieldType)
	case IncompatibleType:
		return fmt.Sprintf("incompatible type: column %s.%s is %s, field %s.%s %s wants %s",
			m.Table, m.Column, m.ColumnType, m.Model, m.Field, m.FieldType, m.Want)
	}
	return fmt.Sprintf("%v: %s", m.Kind, m.Table)
}

// SchemaMismatchError is AutoMigrate's error when the models and the catalog disagree. It lists
// every mismatch found, in model and field order.
type SchemaMismatchError struct {
	Mismatches []Mismatch
}

// Error lists the mismatches, one per line.
func (e *SchemaMismatchError) Error() string {
	var b strings.Builder
	noun := "mismatches"
	if len(e.Mismatches) == 1 {
		noun = "mismatch"
	}
	fmt.Fprintf(&b, "e6data: AutoMigrate verifies models against the catalog and never alters tables; it found %d %s (change the model, or the table outside GORM):",
		len(e.Mismatches), noun)
	for _, m := range e.Mismatches {
		b.WriteString("\n  - ")
		b.WriteString(m.String())
	}
	return b.String()
}

// AutoMigrate verifies the models instead of migrating them: e6data tables are created and
// altered outside GORM. It returns nil when every model's table exists and has a column of a
// compatible type for every field GORM would migrate (fields tagged `gorm:"-:migration"` are
// skipped; column names compare without regard to case), and otherwise one
// *SchemaMismatchError listing every missing table, missing column and incompatible type.
// Like GORM's AutoMigrate it also checks many-to-many join tables and the models that others
// depend on. Failures to read the metadata are returned as they are. Nothing is sent but
// metadata RPCs.
//
// Compatible means the field can read every value of the column. GORM classes each field
// (bool, int, uint, float, string, bytes, time, or the type a `gorm:"type:..."` tag or a
// GormDataType method names); each class accepts these column types (aliases such as long,
// integer or datetime count as the canonical name):
//
//	Go field (GORM class)                        compatible column types
//	bool                                         boolean
//	int8, uint8                                  tinyint
//	int16, uint16                                tinyint, smallint
//	int32, uint32                                tinyint, smallint, int
//	int, int64, uint, uint64                     tinyint, smallint, int, bigint, decimal(p,0) with p ≤ 18
//	float32                                      float
//	float64                                      float, double, decimal(p,s) (read as the nearest float64)
//	string                                       string, varchar(n), char(n), decimal(p,s) (exact text),
//	                                             array<…>, map<…>, struct<…> (JSON-like text)
//	[]byte                                       binary, string, varchar(n), char(n)
//	time.Time (and sql.NullTime, gorm.DeletedAt) date, timestamp, timestamp_tz
//	type:decimal(p,s) (any Go type)              decimal(p',s') with s' ≤ s and p'−s' ≤ p−s
//	type:<integer type>                          integer types no wider than the tagged one
//	type:timestamp, type:timestamp_tz            timestamp, timestamp_tz
//	type:double                                  float, double
//	type:<other e6data type>                     that type (varchar(n), char(n) and string alike)
//	json (GormDataType), type:json               string, varchar(n), char(n), array<…>, map<…>, struct<…>
//	uuid (GormDataType), type:uuid               string, varchar(n), char(n)
//
// Pointer and sql.Null* fields are classed as the type they wrap. Unsigned fields accept signed
// columns: a negative value fails when it is read. Any other class (a GormDataType the dialect
// does not know) is reported as incompatible, asking for a type tag.
func (m Migrator) AutoMigrate(values ...any) error {
	var mismatches []Mismatch
	err := m.withConn("AutoMigrate", func(ctx context.Context, c *connector.Conn) error {
		for _, value := range m.ReorderModels(values, true) {
			err := m.RunWithValue(value, func(stmt *gorm.Statement) error {
				found, err := m.verifyTable(ctx, c, stmt, value)
				mismatches = append(mismatches, found...)
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(mismatches) > 0 {
		return &SchemaMismatchError{Mismatches: mismatches}
	}
	return nil
}

// verifyTable compares one model (or a table given by name) with the catalog.
func (m Migrator) verifyTable(ctx context.Context, c *connector.Conn, stmt *gorm.Statement, value any) ([]Mismatch, error) {
	ref, err := tableOf(stmt, value)
	if err != nil {
		return nil, err
	}
	var model string
	if stmt.Schema != nil {
		model = stmt.Schema.Name
	}
	table := ref.qualified(c.Catalog(), c.Schema())
	cols, err := columnsOf(ctx, c, ref)
	if errors.Is(err, ErrTableNotFound) {
		return []Mismatch{{Kind: MissingTable, Model: model, Table: table}}, nil
	}
	if err != nil || stmt.Schema == nil {
		return nil, err
	}
	byName := make(map[string]connector.Column, len(cols))
	for _, col := range cols {
		byName[strings.ToLower(col.Name)] = col
	}
	var out []Mismatch
	for _, dbName := range stmt.Schema.DBNames {
		f := stmt.Schema.FieldsByDBName[dbName]
		if f == nil || f.IgnoreMigration {
			continue
		}
		mm := Mismatch{Model: model, Table: table, Field: f.Name, FieldType: fieldTypeName(f), Column: dbName}
		col, ok := byName[strings.ToLower(dbName)]
		if !ok {
			mm.Kind = MissingColumn
			out = append(out, mm)
			continue
		}
		rule, known := ruleFor(f)
		t, perr := parseColumnType(col.Type)
		if known && perr == nil && rule.accepts(t) {
			continue
		}
		mm.Kind, mm.Column, mm.ColumnType = IncompatibleType, col.Name, col.Type
		mm.Want = rule.String()
		if !known {
			mm.Want = fmt.Sprintf("a known e6data type (GORM type %q has none; tag the field with gorm:\"type:<e6data type>\")", f.DataType)
		}
		out = append(out, mm)
	}
	return out, nil
}

// fieldTypeName is the field's Go type for messages, with its GORM type tag when it has one:
// "int64", "string (type:decimal(10,2))".
func fieldTypeName(f *schema.Field) string {
	name := "?"
	if f.FieldType != nil {
		name = f.FieldType.String()
	}
	if tag, ok := f.TagSettings["TYPE"]; ok {
		name += " (type:" + tag + ")"
	}
	return name
}
