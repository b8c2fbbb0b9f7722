package connector

import "database/sql/driver"

// The Value methods make the driver's value types usable as fields of ORM models (GORM needs
// both sql.Scanner and driver.Valuer on a struct field type) and as arguments of other drivers
// (go-sqlmock in tests). This driver renders them directly, before any Value method (see
// AppendLiteral), so a Decimal stays an unquoted number and a Date a DATE literal.

// Value returns the decimal as its exact text, such as "123.4500".
func (d Decimal) Value() (driver.Value, error) { return d.String(), nil }

// Value returns nil for NULL, else the decimal's exact text.
func (n NullDecimal) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.Decimal.String(), nil
}

// Value returns the date as "2006-01-02" text.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Value returns nil for NULL, else the date as "2006-01-02" text.
func (n NullDate) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.Date.String(), nil
}

// GormDataType names the column type of a Date field for GORM ("date", an e6data DATE), so a
// model needs no type tag for it.
func (Date) GormDataType() string { return "date" }

// GormDataType names the column type of a NullDate field for GORM: "date".
func (NullDate) GormDataType() string { return "date" }
