package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gorm.io/gorm"
)

// scenario is one kind of query the workload issues, as an analytics application would: its
// run issues it through GORM with parameters drawn from rng and checks the result against the
// answer key (f is nil when there is none: then only errors count).
type scenario struct {
	name   string
	kind   string // dashboard, top-N, filter, paging, join, preload, batches, export, custom
	weight int    // relative frequency among the interactive scenarios
	long   bool   // a long-running operation, kept out of the latency percentiles
	run    func(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) outcome
}

// env is what the scenarios run against.
type env struct {
	db    *gorm.DB
	facts *facts // nil: results are not checked
}

// demoScenarios returns the interactive part of the workload over the demo dataset: dashboards
// of a month, top-N lists, filters, pages, joins and lookups with their orders.
func demoScenarios() []*scenario {
	return []*scenario{
		{name: "orders by status in a month", kind: "dashboard", weight: 3, run: statusBoard},
		{name: "orders by country in a month", kind: "dashboard", weight: 2, run: countryBoard},
		{name: "orders per day of a month", kind: "dashboard", weight: 2, run: dayBoard},
		{name: "top customers of a month", kind: "top-N", weight: 2, run: topCustomers},
		{name: "top products of a category in a month", kind: "top-N", weight: 2, run: topProducts},
		{name: "loyal customers of a country", kind: "filter", weight: 5, run: loyalCustomers},
		{name: "orders by status and quantity", kind: "filter", weight: 3, run: countStatusQty},
		{name: "products above category average", kind: "filter", weight: 4, run: aboveAverage},
		{name: "countries", kind: "filter", weight: 2, run: countries},
		{name: "orders page", kind: "paging", weight: 5, run: ordersPage},
		{name: "orders with products", kind: "join", weight: 5, run: ordersWithProducts},
		{name: "customer with orders", kind: "preload", weight: 4, run: customerWithOrders},
		{name: "orders of customers in batches", kind: "batches", weight: 1, run: ordersInBatches},
	}
}

// exportScenarios are the large results, run one at a time by a worker of their own, as a
// reporting job would: a stream of rows orders through one statement (db.Rows), which a switch
// may cut mid-stream (the driver then resumes it by replay), and the first `all` orders through
// FindInBatches, one statement per batch of all/10 rows.
func exportScenarios(all int) []*scenario {
	rows := max(all/4, 1)
	return []*scenario{
		{name: fmt.Sprintf("export %d orders (Rows)", rows), kind: "export", weight: 1, long: true,
			run: func(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) outcome {
				return exportOrders(ctx, db, f, rng, rows)
			}},
		{name: fmt.Sprintf("export %d orders (FindInBatches)", all), kind: "export", weight: 1, long: true,
			run: func(ctx context.Context, db *gorm.DB, f *facts, _ *rand.Rand) outcome {
				return exportInBatches(ctx, db, f, all, max(all/10, 1))
			}},
	}
}

// customScenario runs the user's own query and counts its rows; its result is not checked.
func customScenario(query string) *scenario {
	return &scenario{name: "-query (unchecked)", kind: "custom", weight: 1,
		run: func(ctx context.Context, db *gorm.DB, _ *facts, _ *rand.Rand) outcome {
			var o outcome
			tx := db.WithContext(ctx).Raw(query)
			rows, err := tx.Rows()
			if err != nil {
				o.fail(err)
				return o
			}
			for rows.Next() {
				o.rows++
			}
			o.fail(rows.Err())
			o.fail(rows.Close())
			o.note(tx)
			return o
		}}
}

// pickScenario draws a scenario by weight.
func pickScenario(rng *rand.Rand, scs []*scenario, total int) *scenario {
	n := rng.IntN(total)
	for _, sc := range scs {
		if n < sc.weight {
			return sc
		}
		n -= sc.weight
	}
	return scs[len(scs)-1]
}

// worker runs scenarios drawn from scs until ctx ends, recording each outcome. The operation
// in flight when ctx ends runs to completion on opCtx (which is only cancelled on interrupt).
func worker(ctx, opCtx context.Context, e env, scs []*scenario, rng *rand.Rand, rec *recorder) {
	total := 0
	for _, sc := range scs {
		total += sc.weight
	}
	for ctx.Err() == nil {
		sc := scs[0]
		if len(scs) > 1 {
			sc = pickScenario(rng, scs, total)
		}
		begin := time.Now()
		o := sc.run(opCtx, e.db, e.facts, rng)
		end := time.Now()
		if opCtx.Err() != nil {
			return // interrupted: not an outcome of the workload
		}
		rec.record(sc, end, end.Sub(begin), o)
	}
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// loyalCustomers: the active customers of a country with at least some loyalty points (Find
// with a WHERE of three conditions, every row checked field by field).
func loyalCustomers(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	country := pick(rng, demoCountries(f))
	points := pick(rng, loyaltyThresholds)
	var got []Customer
	tx := db.WithContext(ctx).Where("country = ? AND is_active AND loyalty_points >= ?", country, points).Order("id").Find(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		ids := make([]int64, len(got))
		for i, c := range got {
			ids[i] = c.ID
			o.fail(f.checkCustomer(c))
		}
		o.fail(checkIDs(fmt.Sprintf("active customers of %s with ≥ %d points", country, points), ids, f.loyal[loyalKey{country, points}]))
	}
	return o
}

// countStatusQty: Count with a map condition.
func countStatusQty(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	status := pick(rng, demoStatuses(f))
	qty := int32(1 + rng.IntN(10))
	var n int64
	tx := db.WithContext(ctx).Model(&Order{}).Where(map[string]any{"status": status, "quantity": qty}).Count(&n)
	o.note(tx)
	o.rows = 1
	if o.fail(tx.Error); o.err == nil && f != nil {
		if want := f.statusQty[statusQty{status, qty}]; n != want {
			o.fail(wrongf("orders %s with quantity %d: %d, want %d", status, qty, n, want))
		}
	}
	return o
}

// aboveAverage: products priced above their category's average (a subquery).
func aboveAverage(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	category := pick(rng, demoCategories(f))
	var n int64
	db = db.WithContext(ctx)
	tx := db.Model(&Product{}).Where("category = ? AND price > (?)", category,
		db.Model(&Product{}).Select("AVG(price)").Where("category = ?", category)).Count(&n)
	o.note(tx)
	o.rows = 1
	if o.fail(tx.Error); o.err == nil && f != nil {
		if want := f.aboveAverage[category]; n != want {
			o.fail(wrongf("%s products above the average price: %d, want %d", category, n, want))
		}
	}
	return o
}

// countries: Distinct and Pluck.
func countries(ctx context.Context, db *gorm.DB, f *facts, _ *rand.Rand) (o outcome) {
	var got []string
	tx := db.WithContext(ctx).Model(&Customer{}).Distinct("country").Where("country IS NOT NULL").Order("country").Pluck("country", &got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		o.fail(checkEqual("countries", got, f.countries))
	}
	return o
}

// ordersPage: one page of the orders of a status (LIMIT/OFFSET), as a paged table shows them.
func ordersPage(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	const size = 50
	status := pick(rng, demoStatuses(f))
	pages := 200
	if f != nil {
		pages = (len(f.orderIDsStatus[status]) + size - 1) / size
	}
	page := rng.IntN(pages)
	var got []Order
	tx := db.WithContext(ctx).Where("status = ?", status).Order("id").Limit(size).Offset(page * size).Find(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		all := f.orderIDsStatus[status]
		want := all[min(page*size, len(all)):min(page*size+size, len(all))]
		o.fail(checkIDs(fmt.Sprintf("%s orders, page %d", status, page+1), orderIDs(got), want))
		for _, ord := range got {
			o.fail(f.checkOrder(ord))
		}
	}
	return o
}

// ordersWithProducts: a range of orders with their product (Joins on an association).
func ordersWithProducts(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	const size = 40
	last := int64(100_000)
	if f != nil {
		last = int64(len(f.orders) - 1)
	}
	lo := 1 + rng.Int64N(last-size+1)
	var got []Order
	tx := db.WithContext(ctx).Joins("Product").Where(`"orders"."id" BETWEEN ? AND ?`, lo, lo+size-1).Order(`"orders"."id"`).Find(&got)
	o.note(tx)
	o.rows = int64(len(got))
	if o.fail(tx.Error); o.err == nil && f != nil {
		want := make([]int64, size)
		for i := range want {
			want[i] = lo + int64(i)
		}
		o.fail(checkIDs(fmt.Sprintf("orders %d..%d", lo, lo+size-1), orderIDs(got), want))
		for _, ord := range got {
			o.fail(f.checkOrder(ord))
			switch {
			case ord.ProductID == nil && ord.Product != nil:
				o.fail(wrongf("order %d has no product_id but a Product", ord.ID))
			case ord.ProductID != nil && ord.Product == nil:
				o.fail(wrongf("order %d: Product %d missing", ord.ID, *ord.ProductID))
			case ord.Product != nil:
				o.fail(f.checkProduct(*ord.Product))
			}
		}
	}
	return o
}

// customerWithOrders: one customer and all its orders (First with Preload: two statements).
func customerWithOrders(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	id := 1 + rng.Int64N(2000)
	if f != nil {
		id = 1 + rng.Int64N(int64(len(f.customers)-1))
	}
	var c Customer
	tx := db.WithContext(ctx).Preload("Orders", func(tx *gorm.DB) *gorm.DB { return tx.Order("id") }).First(&c, id)
	o.note(tx)
	o.rows = 1 + int64(len(c.Orders))
	if o.fail(tx.Error); o.err == nil && f != nil {
		o.fail(f.checkCustomer(c))
		o.fail(checkIDs(fmt.Sprintf("orders of customer %d", id), orderIDs(c.Orders), f.orderIDsCust[id]))
		for _, ord := range c.Orders {
			o.fail(f.checkOrder(ord))
		}
	}
	return o
}

// ordersInBatches: the orders of a range of customers, FindInBatches (one statement per batch).
func ordersInBatches(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand) (o outcome) {
	const customers, batch = 40, 250
	lo := 1 + rng.Int64N(2000-customers+1)
	if f != nil {
		lo = 1 + rng.Int64N(int64(len(f.customers)-customers))
	}
	hi := lo + customers - 1
	var ids []int64
	var rows []Order
	tx := db.WithContext(ctx).Where("customer_id BETWEEN ? AND ?", lo, hi).FindInBatches(&rows, batch, func(tx *gorm.DB, _ int) error {
		o.note(tx)
		for _, ord := range rows {
			ids = append(ids, ord.ID)
			if f != nil {
				o.fail(f.checkOrder(ord))
			}
		}
		return nil
	})
	o.rows = int64(len(ids))
	if o.fail(tx.Error); o.err == nil && f != nil {
		var want []int64
		for c := lo; c <= hi; c++ {
			want = append(want, f.orderIDsCust[c]...)
		}
		slices.Sort(want)
		o.fail(checkIDs(fmt.Sprintf("orders of customers %d..%d in batches of %d", lo, hi, batch), ids, want))
	}
	return o
}

// exportOrders streams n consecutive orders from a random one through db.Rows() and
// ScanRows, checking every row as it arrives: each id exactly once, in order, with its values.
func exportOrders(ctx context.Context, db *gorm.DB, f *facts, rng *rand.Rand, n int) (o outcome) {
	last := int64(100_000)
	if f != nil {
		last = int64(len(f.orders) - 1)
	}
	n = min(n, int(last))
	lo := 1 + rng.Int64N(last-int64(n)+1)
	hi := lo + int64(n) - 1
	tx := db.WithContext(ctx).Model(&Order{}).Where("id BETWEEN ? AND ?", lo, hi).Order("id")
	rows, err := tx.Rows()
	if err != nil {
		o.fail(err)
		o.note(tx)
		return o
	}
	seq := orderSequence{what: fmt.Sprintf("export of orders %d..%d", lo, hi), next: lo}
	for rows.Next() {
		var ord Order
		if err := db.ScanRows(rows, &ord); err != nil {
			o.fail(err)
			break
		}
		seq.check(&o, f, ord)
	}
	o.fail(rows.Err())
	o.fail(rows.Close())
	o.note(tx) // the driver fills it in when the rows are closed
	if o.err == nil && f != nil && o.rows != int64(n) {
		o.fail(wrongf("export of orders %d..%d: %d rows, want %d", lo, hi, o.rows, n))
	}
	return o
}

// orderSequence checks the orders of an export as they arrive: consecutive ids, each once, in
// order, with the values of the answer key (without one, f == nil, it only counts them).
type orderSequence struct {
	what string
	next int64 // the id the next order must have
}

// check counts ord in o and records in o how it differs from what the export must deliver.
func (s *orderSequence) check(o *outcome, f *facts, ord Order) {
	o.rows++
	if f == nil {
		return
	}
	if ord.ID != s.next {
		o.fail(wrongf("%s: row %d has order id %d, want %d (a row twice or one skipped)", s.what, o.rows, ord.ID, s.next))
	}
	s.next = ord.ID + 1
	o.fail(f.checkOrder(ord))
}

// exportInBatches reads orders 1..n with FindInBatches, checking every batch.
func exportInBatches(ctx context.Context, db *gorm.DB, f *facts, n, batch int) (o outcome) {
	var rows []Order
	seq := orderSequence{what: fmt.Sprintf("export of orders 1..%d in batches of %d", n, batch), next: 1}
	tx := db.WithContext(ctx).Where("id <= ?", n).FindInBatches(&rows, batch, func(tx *gorm.DB, _ int) error {
		o.note(tx)
		for _, ord := range rows {
			seq.check(&o, f, ord)
		}
		return nil
	})
	if o.fail(tx.Error); o.err == nil && f != nil {
		if want := int64(min(n, len(f.orders)-1)); o.rows != want {
			o.fail(wrongf("export of orders 1..%d in batches of %d: %d rows, want %d", n, batch, o.rows, want))
		}
	}
	return o
}

func orderIDs(os []Order) []int64 {
	ids := make([]int64, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return ids
}

// The parameter domains come from the answer key; without one (a real cluster) they are the
// demo dataset's.
func demoStatuses(f *facts) []string {
	if f != nil {
		return f.statuses
	}
	return []string{"cancelled", "delivered", "pending", "returned", "shipped"}
}

func demoCountries(f *facts) []string {
	if f != nil {
		return f.countries
	}
	return []string{"AU", "BR", "CA", "DE", "FR", "GB", "IN", "JP", "NL", "SG", "US", "ZA"}
}

func demoCategories(f *facts) []string {
	if f != nil {
		return f.categories
	}
	return []string{"beauty", "books", "electronics", "garden", "kitchen", "office", "sports", "toys"}
}
