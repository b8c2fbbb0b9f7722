package e6data

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/ident"
)

// QuoteTo writes an identifier quoted for e6data: every part of a dotted name in double quotes,
// embedded quotes doubled, parts already in double quotes kept as they are (dots included), *
// left bare. It never changes case: users → "users", hive.sales.orders →
// "hive"."sales"."orders", a"b → "a""b", "cat.db".t → "cat.db"."t".
func (d Dialector) QuoteTo(writer clause.Writer, str string) {
	ident.Write(writer, str)
}

// BindVarTo writes the placeholder the driver replaces with the argument's literal: ?. e6data
// binds nothing on the server.
func (d Dialector) BindVarTo(writer clause.Writer, stmt *gorm.Statement, v any) {
	_ = writer.WriteByte('?')
}

// Explain renders sql with vars as the driver would send it (connector.Explain, the driver's
// own renderer), so DryRun, ToSQL and GORM's log show the exact text. It never modifies vars
// and never panics; a value the driver refuses prints as a marker like <unsupported []byte>.
func (d Dialector) Explain(sql string, vars ...any) string {
	return connector.Explain(sql, vars...)
}

// DataTypeOf returns the e6data type of a model field, as the migrator compares it with the
// catalog's and gorm.io/gen reads it (the dialect sends no DDL): BOOLEAN; INT for 8- to 32-bit
// signed and 8- and 16-bit unsigned integers, BIGINT for wider ones; FLOAT, DOUBLE, or
// DECIMAL(p,s) when precision (and scale) are tagged; STRING for every string (e6data DDL has
// no VARCHAR(n)); BINARY; TIMESTAMP. A type tag is kept, with json and uuid read as STRING,
// date as DATE and decimal(p,s) upper-cased.
func (d Dialector) DataTypeOf(field *schema.Field) string {
	switch field.DataType {
	case schema.Bool:
		return "BOOLEAN"
	case schema.Int:
		if field.Size > 0 && field.Size <= 32 {
			return "INT"
		}
		return "BIGINT"
	case schema.Uint:
		if field.Size > 0 && field.Size <= 16 {
			return "INT"
		}
		return "BIGINT"
	case schema.Float:
		if field.Precision > 0 {
			return fmt.Sprintf("DECIMAL(%d,%d)", field.Precision, field.Scale)
		}
		if field.Size == 32 {
			return "FLOAT"
		}
		return "DOUBLE"
	case schema.String:
		return "STRING"
	case schema.Bytes:
		return "BINARY"
	case schema.Time:
		return "TIMESTAMP"
	}
	tag := string(field.DataType)
	switch lower := strings.ToLower(tag); {
	case lower == "json" || lower == "uuid" || lower == "text":
		return "STRING"
	case lower == "date":
		return "DATE"
	case strings.HasPrefix(lower, "decimal") || strings.HasPrefix(lower, "numeric"):
		return "DECIMAL" + decimalArgs(tag)
	}
	return tag
}

// decimalArgs returns the "(p,s)" of a decimal type tag, without spaces, or "".
func decimalArgs(tag string) string {
	open := strings.IndexByte(tag, '(')
	if open < 0 {
		return ""
	}
	return strings.ReplaceAll(tag[open:], " ", "")
}

// DefaultValueOf returns NULL: e6data tables have no column defaults an INSERT could ask for
// (and DEFAULT is not known to be e6data SQL), so a field GORM leaves to the database in a
// multi-row insert is written as NULL.
func (d Dialector) DefaultValueOf(*schema.Field) clause.Expression {
	return clause.Expr{SQL: "NULL"}
}
