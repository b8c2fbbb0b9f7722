package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "modernc.org/sqlite" // reads the mock's data file directly, for the expected answers
)

// facts are the demo dataset as read straight from the mock cluster's SQLite file, before the
// workload starts: no driver, no dialect, no gRPC and none of the mock's SQL translation are
// involved, so they are an independent answer key. Every query result of the workload is checked
// against them: row-level results field by field, aggregates against the same aggregate computed
// here in Go from the rows.
type facts struct {
	orders    []orderFact    // by id; index 0 unused
	customers []customerFact // by id
	products  []productFact  // by id

	statuses       []string           // distinct non-NULL statuses, sorted
	countries      []string           // distinct non-NULL countries, sorted
	categories     []string           // distinct non-NULL categories, sorted
	orderIDsStatus map[string][]int64 // order ids per status, ascending
	orderIDsCust   map[int64][]int64  // order ids per customer, ascending

	months       []string                         // "2006-01" of every month with orders, sorted
	statusBoard  map[string][]statusRow           // per month: orders and units per status
	countryBoard map[string][]countryRow          // per month: orders, buyers and units per customer country
	dayBoard     map[string][]dayRow              // per month: orders per day
	topCustomers map[string][]unitsRow            // per month: customers by units bought, best first (top maxTopN)
	topProducts  map[string]map[string][]unitsRow // per month and category: products by units sold (top maxTopN)
	aboveAverage map[string]int64                 // per category: products priced above its average
	statusQty    map[statusQty]int64              // orders per (status, quantity)
	loyal        map[loyalKey][]int64             // active customers of a country with at least the points
}

// maxTopN is the longest top-N list the workload asks for.
const maxTopN = 20

// loyaltyThresholds are the loyalty-point floors the filter scenario uses.
var loyaltyThresholds = []int32{0, 25_000, 50_000, 90_000}

type orderFact struct {
	customerID, productID sql.NullInt64
	quantity              sql.NullInt32
	totalCents            sql.NullInt64
	status                sql.NullString
	orderedAt             sql.NullString // as the mock stores it: "2006-01-02 15:04:05.000000", UTC
}

type customerFact struct {
	name          string
	email         sql.NullString
	country       sql.NullString
	isActive      sql.NullBool
	loyaltyPoints sql.NullInt32
}

type productFact struct {
	sku, name  string
	category   sql.NullString
	priceCents sql.NullInt64
}

// statusRow is one line of the status dashboard.
type statusRow struct {
	Status string
	Orders int64
	Units  int64
}

// countryRow is one line of the country dashboard.
type countryRow struct {
	Country string
	Orders  int64
	Buyers  int64
	Units   int64
}

// dayRow is one day of the daily dashboard.
type dayRow struct {
	Day    time.Time
	Orders int64
}

// unitsRow is one entry of a top-N list.
type unitsRow struct {
	ID    int64
	Units int64
}

type statusQty struct {
	status string
	qty    int32
}

type loyalKey struct {
	country string
	points  int32
}

// findDemoFile returns the SQLite file of the mock's demo schema in dir: the one .db file there
// that has an orders table.
func findDemoFile(ctx context.Context, dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.db"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		db, err := openSQLite(f)
		if err != nil {
			return "", err
		}
		var n int
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'orders'`).Scan(&n)
		_ = db.Close()
		if err == nil && n == 1 {
			return f, nil
		}
	}
	return "", fmt.Errorf("no SQLite file with the demo tables in %s", dir)
}

func openSQLite(file string) (*sql.DB, error) {
	if _, err := os.Stat(file); err != nil {
		return nil, err
	}
	return sql.Open("sqlite", "file:"+file+"?mode=ro")
}

// loadFacts reads the answer key from the mock's SQLite file.
func loadFacts(ctx context.Context, file string) (*facts, error) {
	db, err := openSQLite(file)
	if err != nil {
		return nil, fmt.Errorf("open the demo data: %w", err)
	}
	defer db.Close()
	f := &facts{
		orderIDsStatus: map[string][]int64{},
		orderIDsCust:   map[int64][]int64{},
		statusBoard:    map[string][]statusRow{},
		countryBoard:   map[string][]countryRow{},
		dayBoard:       map[string][]dayRow{},
		topCustomers:   map[string][]unitsRow{},
		topProducts:    map[string]map[string][]unitsRow{},
		aboveAverage:   map[string]int64{},
		statusQty:      map[statusQty]int64{},
		loyal:          map[loyalKey][]int64{},
	}
	if err := f.loadRows(ctx, db); err != nil {
		return nil, fmt.Errorf("read the demo data: %w", err)
	}
	f.derive()
	return f, nil
}

// cents is the SQLite expression for a DECIMAL(…,2) column in hundredths. SQLite keeps such a
// column as a REAL; ROUND makes the conversion exact.
func cents(col string) string { return `CAST(ROUND(` + col + ` * 100) AS INTEGER)` }

func (f *facts) loadRows(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT MAX(id) FROM orders`).Scan(&n); err != nil {
		return err
	}
	f.orders = make([]orderFact, n+1)
	err := each(ctx, db, `SELECT id, customer_id, product_id, quantity, `+cents("total")+`, status,
		ordered_at || '' FROM orders ORDER BY id`, func(r *sql.Rows) error {
		var id int64
		var o orderFact
		if err := r.Scan(&id, &o.customerID, &o.productID, &o.quantity, &o.totalCents, &o.status, &o.orderedAt); err != nil {
			return err
		}
		f.orders[id] = o
		return nil
	})
	if err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT MAX(id) FROM customers`).Scan(&n); err != nil {
		return err
	}
	f.customers = make([]customerFact, n+1)
	err = each(ctx, db, `SELECT id, name, email, country, is_active, loyalty_points FROM customers`, func(r *sql.Rows) error {
		var id int64
		var c customerFact
		if err := r.Scan(&id, &c.name, &c.email, &c.country, &c.isActive, &c.loyaltyPoints); err != nil {
			return err
		}
		f.customers[id] = c
		return nil
	})
	if err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT MAX(id) FROM products`).Scan(&n); err != nil {
		return err
	}
	f.products = make([]productFact, n+1)
	return each(ctx, db, `SELECT id, sku, name, category, `+cents("price")+` FROM products`, func(r *sql.Rows) error {
		var id int64
		var p productFact
		if err := r.Scan(&id, &p.sku, &p.name, &p.category, &p.priceCents); err != nil {
			return err
		}
		f.products[id] = p
		return nil
	})
}

// derive computes the aggregates the workload asks for from the rows, in Go: a second
// implementation of each GROUP BY, JOIN and subquery, independent of the SQL engine.
func (f *facts) derive() {
	statuses, countries := map[string]bool{}, map[string]bool{}
	for id, o := range f.orders {
		if id == 0 {
			continue
		}
		if o.status.Valid {
			statuses[o.status.String] = true
			f.orderIDsStatus[o.status.String] = append(f.orderIDsStatus[o.status.String], int64(id))
			if o.quantity.Valid {
				f.statusQty[statusQty{o.status.String, o.quantity.Int32}]++
			}
		}
		if o.customerID.Valid {
			f.orderIDsCust[o.customerID.Int64] = append(f.orderIDsCust[o.customerID.Int64], int64(id))
		}
	}
	f.statuses = slices.Sorted(maps.Keys(statuses))
	for id, c := range f.customers {
		if id > 0 && c.country.Valid {
			countries[c.country.String] = true
		}
	}
	f.countries = slices.Sorted(maps.Keys(countries))
	f.deriveMonths()
	f.deriveProducts()
	for _, country := range f.countries {
		for _, p := range loyaltyThresholds {
			ids := []int64{} // an empty answer is an answer
			for id, c := range f.customers {
				if id > 0 && c.country.Valid && c.country.String == country && c.isActive.Valid && c.isActive.Bool &&
					c.loyaltyPoints.Valid && c.loyaltyPoints.Int32 >= p {
					ids = append(ids, int64(id))
				}
			}
			f.loyal[loyalKey{country, p}] = ids
		}
	}
}

// deriveMonths computes the dashboards of each month of ordered_at.
func (f *facts) deriveMonths() {
	type tally struct{ orders, units int64 }
	type country struct {
		tally
		buyers map[int64]bool
	}
	type month struct {
		status    map[string]*tally
		country   map[string]*country
		days      map[string]int64
		customers map[int64]int64 // units
		products  map[int64]int64 // units
	}
	months := map[string]*month{}
	for id, o := range f.orders {
		if id == 0 || !o.orderedAt.Valid || len(o.orderedAt.String) < 10 {
			continue
		}
		key := o.orderedAt.String[:7]
		m := months[key]
		if m == nil {
			m = &month{status: map[string]*tally{}, country: map[string]*country{}, days: map[string]int64{},
				customers: map[int64]int64{}, products: map[int64]int64{}}
			months[key] = m
		}
		q := int64(o.quantity.Int32) // 0 when NULL: SUM skips NULLs
		m.days[o.orderedAt.String[:10]]++
		if o.status.Valid {
			t := m.status[o.status.String]
			if t == nil {
				t = &tally{}
				m.status[o.status.String] = t
			}
			t.orders++
			t.units += q
		}
		if o.customerID.Valid {
			cid := o.customerID.Int64
			m.customers[cid] += q
			if cid < int64(len(f.customers)) && f.customers[cid].country.Valid {
				name := f.customers[cid].country.String
				c := m.country[name]
				if c == nil {
					c = &country{buyers: map[int64]bool{}}
					m.country[name] = c
				}
				c.orders++
				c.units += q
				c.buyers[cid] = true
			}
		}
		if o.productID.Valid {
			m.products[o.productID.Int64] += q
		}
	}
	f.months = slices.Sorted(maps.Keys(months))
	for _, key := range f.months {
		m := months[key]
		for _, s := range slices.Sorted(maps.Keys(m.status)) {
			f.statusBoard[key] = append(f.statusBoard[key], statusRow{s, m.status[s].orders, m.status[s].units})
		}
		for _, c := range slices.Sorted(maps.Keys(m.country)) {
			t := m.country[c]
			f.countryBoard[key] = append(f.countryBoard[key], countryRow{c, t.orders, int64(len(t.buyers)), t.units})
		}
		for _, d := range slices.Sorted(maps.Keys(m.days)) {
			day, err := time.Parse(time.DateOnly, d)
			if err != nil {
				continue // not a timestamp the mock writes; no day for it
			}
			f.dayBoard[key] = append(f.dayBoard[key], dayRow{day, m.days[d]})
		}
		f.topCustomers[key] = top(m.customers)
		f.topProducts[key] = map[string][]unitsRow{}
		byCategory := map[string]map[int64]int64{}
		for pid, u := range m.products {
			if pid < int64(len(f.products)) && f.products[pid].category.Valid {
				c := f.products[pid].category.String
				if byCategory[c] == nil {
					byCategory[c] = map[int64]int64{}
				}
				byCategory[c][pid] = u
			}
		}
		for c, units := range byCategory {
			f.topProducts[key][c] = top(units)
		}
	}
}

// deriveProducts computes the categories and, per category, the products priced above its
// average.
func (f *facts) deriveProducts() {
	type prices struct{ sum, n int64 }
	avg := map[string]*prices{}
	for id, p := range f.products {
		if id == 0 || !p.category.Valid {
			continue
		}
		a := avg[p.category.String]
		if a == nil {
			a = &prices{}
			avg[p.category.String] = a
		}
		if p.priceCents.Valid {
			a.sum += p.priceCents.Int64
			a.n++
		}
	}
	f.categories = slices.Sorted(maps.Keys(avg))
	for id, p := range f.products {
		// AVG skips NULL prices; price > sum/n exactly: price·n > sum
		if a := avg[p.category.String]; id > 0 && p.category.Valid && p.priceCents.Valid && p.priceCents.Int64*a.n > a.sum {
			f.aboveAverage[p.category.String]++
		}
	}
}

// top returns the maxTopN ids with the most units, ties by id.
func top(units map[int64]int64) []unitsRow {
	rows := make([]unitsRow, 0, len(units))
	for id, u := range units {
		rows = append(rows, unitsRow{id, u})
	}
	slices.SortFunc(rows, func(a, b unitsRow) int {
		if a.Units != b.Units {
			return cmp.Compare(b.Units, a.Units)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return rows[:min(len(rows), maxTopN)]
}

// each runs query and calls fn for every row.
func each(ctx context.Context, db *sql.DB, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
