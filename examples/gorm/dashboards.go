package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// A dashboard shows one month of orders, as dashboards do: a filter on ordered_at that the
// engine narrows (the mock's SQLite with an index), then the aggregate.

// month draws a month of the data: its key ("2006-01") and its range [from, to).
func month(rng *rand.Rand, f *facts) (key string, from, to time.Time) {
	if f != nil {
		key = pick(rng, f.months)
		from, _ = time.Parse("2006-01", key)
	} else {
		from = time.Date(2023+rng.IntN(2), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		key = from.Format("2006-01")
	}
	return key, from, from.AddDate(0, 1, 0)
}

// statusBoard: orders and units per status in a month (GROUP BY).
func statusBoard(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	key, from, to := month(rng, f)
	var got []statusRow
	tx := db.WithContext(ctx).Model(&Order{}).Select("status, COUNT(*) AS orders, SUM(quantity) AS units").
		Where("ordered_at >= ? AND ordered_at < ? AND status IS NOT NULL", from, to).Group("status").Order("status").Scan(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		o.fail(checkEqual("orders by status in "+key, got, f.statusBoard[key]))
	}
	return o
}

// countryBoard: orders, distinct buyers and units per customer country in a month (JOIN,
// GROUP BY, COUNT DISTINCT).
func countryBoard(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	key, from, to := month(rng, f)
	var got []countryRow
	tx := db.WithContext(ctx).Table("orders").
		Select(`"customers"."country", COUNT(*) AS orders, COUNT(DISTINCT "orders"."customer_id") AS buyers, SUM("orders"."quantity") AS units`).
		Joins(`JOIN "customers" ON "customers"."id" = "orders"."customer_id"`).
		Where(`"orders"."ordered_at" >= ? AND "orders"."ordered_at" < ? AND "customers"."country" IS NOT NULL`, from, to).
		Group(`"customers"."country"`).Order(`"customers"."country"`).Scan(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		o.fail(checkEqual("orders by country in "+key, got, f.countryBoard[key]))
	}
	return o
}

// dayBoard: orders per day of a month (DATE_TRUNC).
func dayBoard(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	key, from, to := month(rng, f)
	var got []dayRow
	tx := db.WithContext(ctx).Model(&Order{}).Select("DATE_TRUNC('day', ordered_at) AS day, COUNT(*) AS orders").
		Where("ordered_at >= ? AND ordered_at < ?", from, to).
		Group("DATE_TRUNC('day', ordered_at)").Order("day").Scan(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		for i := range got {
			got[i].Day = got[i].Day.UTC()
		}
		o.fail(checkEqual("orders per day of "+key, got, f.dayBoard[key]))
	}
	return o
}

// topCustomers: the n customers who bought the most units in a month (ORDER BY an aggregate,
// LIMIT).
func topCustomers(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	key, from, to := month(rng, f)
	n := 5 + rng.IntN(maxTopN-4)
	var got []unitsRow
	tx := db.WithContext(ctx).Model(&Order{}).Select("customer_id AS id, SUM(quantity) AS units").
		Where("ordered_at >= ? AND ordered_at < ? AND customer_id IS NOT NULL", from, to).
		Group("customer_id").Order("units DESC").Order("customer_id").Limit(n).Scan(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		want := f.topCustomers[key]
		o.fail(checkEqual(fmt.Sprintf("top %d customers of %s", n, key), got, want[:min(n, len(want))]))
	}
	return o
}

// topProducts: the best-selling products of a category in a month (JOIN, GROUP BY, ORDER BY,
// LIMIT).
func topProducts(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	key, from, to := month(rng, f)
	category := pick(rng, demoCategories(f))
	n := 3 + rng.IntN(8)
	var got []unitsRow
	tx := db.WithContext(ctx).Table("orders").
		Select(`"products"."id" AS id, SUM("orders"."quantity") AS units`).
		Joins(`JOIN "products" ON "products"."id" = "orders"."product_id"`).
		Where(`"orders"."ordered_at" >= ? AND "orders"."ordered_at" < ? AND "products"."category" = ?`, from, to, category).
		Group(`"products"."id"`).Order("units DESC").Order(`"products"."id"`).Limit(n).Scan(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		want := f.topProducts[key][category]
		o.fail(checkEqual(fmt.Sprintf("top %d %s products of %s", n, category, key), got, want[:min(n, len(want))]))
	}
	return o
}
