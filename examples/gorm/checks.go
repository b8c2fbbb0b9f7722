package main

import (
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/e6data/gorm-e6data/connector"
)

// errWrong marks a result that differs from the answer key (as opposed to a query that failed).
var errWrong = errors.New("wrong result")

// wrongf returns an error matching errWrong that says what differed.
func wrongf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errWrong, fmt.Sprintf(format, args...))
}

// checkOrder compares an order as GORM scanned it with the answer key, field by field.
func (f *facts) checkOrder(o Order) error {
	if o.ID < 1 || o.ID >= int64(len(f.orders)) {
		return wrongf("order id %d does not exist", o.ID)
	}
	want := f.orders[o.ID]
	var errs []error
	cmp := func(field string, got, want any) {
		if got != want {
			errs = append(errs, wrongf("order %d: %s is %v, want %v", o.ID, field, got, want))
		}
	}
	cmp("customer_id", nullInt64(o.CustomerID), want.customerID)
	cmp("product_id", nullInt64(o.ProductID), want.productID)
	cmp("quantity", nullInt32(o.Quantity), want.quantity)
	cmp("total (cents)", decimalCents(o.Total), want.totalCents)
	cmp("status", nullString(o.Status), want.status)
	cmp("ordered_at", nullTime(o.OrderedAt), want.orderedAt)
	return errors.Join(errs...)
}

// checkCustomer compares a customer as GORM scanned it with the answer key.
func (f *facts) checkCustomer(c Customer) error {
	if c.ID < 1 || c.ID >= int64(len(f.customers)) {
		return wrongf("customer id %d does not exist", c.ID)
	}
	want := f.customers[c.ID]
	var errs []error
	cmp := func(field string, got, want any) {
		if got != want {
			errs = append(errs, wrongf("customer %d: %s is %v, want %v", c.ID, field, got, want))
		}
	}
	cmp("name", c.Name, want.name)
	cmp("email", nullString(c.Email), want.email)
	cmp("country", nullString(c.Country), want.country)
	cmp("is_active", nullBool(c.IsActive), want.isActive)
	cmp("loyalty_points", nullInt32(c.LoyaltyPoints), want.loyaltyPoints)
	return errors.Join(errs...)
}

// checkProduct compares a product as GORM scanned it with the answer key.
func (f *facts) checkProduct(p Product) error {
	if p.ID < 1 || p.ID >= int64(len(f.products)) {
		return wrongf("product id %d does not exist", p.ID)
	}
	want := f.products[p.ID]
	var errs []error
	cmp := func(field string, got, want any) {
		if got != want {
			errs = append(errs, wrongf("product %d: %s is %v, want %v", p.ID, field, got, want))
		}
	}
	cmp("sku", p.Sku, want.sku)
	cmp("name", p.Name, want.name)
	cmp("category", nullString(p.Category), want.category)
	cmp("price (cents)", decimalCents(p.Price), want.priceCents)
	return errors.Join(errs...)
}

// checkIDs compares a list of ids with the expected one and describes the first difference.
func checkIDs(what string, got, want []int64) error {
	if slices.Equal(got, want) {
		return nil
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return wrongf("%s: id #%d is %d, want %d (%d ids, want %d)", what, i+1, got[i], want[i], len(got), len(want))
		}
	}
	return wrongf("%s: %d ids, want %d", what, len(got), len(want))
}

// checkEqual compares two comparable slices (aggregate rows) and describes the first difference.
func checkEqual[T comparable](what string, got, want []T) error {
	if slices.Equal(got, want) {
		return nil
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return wrongf("%s: row %d is %+v, want %+v", what, i+1, got[i], want[i])
		}
	}
	return wrongf("%s: %d rows, want %d", what, len(got), len(want))
}

func nullInt64(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func nullInt32(p *int32) sql.NullInt32 {
	if p == nil {
		return sql.NullInt32{}
	}
	return sql.NullInt32{Int32: *p, Valid: true}
}

func nullString(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

func nullBool(p *bool) sql.NullBool {
	if p == nil {
		return sql.NullBool{}
	}
	return sql.NullBool{Bool: *p, Valid: true}
}

// nullTime renders a timestamp as the answer key holds it: UTC with microseconds.
func nullTime(p *time.Time) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: p.UTC().Format("2006-01-02 15:04:05.000000"), Valid: true}
}

// decimalCents returns a decimal in hundredths; a value with more than two decimals is kept
// apart (it would not match any answer).
func decimalCents(d connector.NullDecimal) sql.NullInt64 {
	if !d.Valid {
		return sql.NullInt64{}
	}
	r := new(big.Rat).Mul(d.Decimal.Rat(), big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return sql.NullInt64{Int64: -1 << 62, Valid: true}
	}
	return sql.NullInt64{Int64: r.Num().Int64(), Valid: true}
}
