package engine

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The demo dataset LoadDemo writes: a small retail schema, the same on every run (math/rand/v2
// PCG with a fixed seed, fixed dates, no clock), with every vector type the engine produces.
//
//	customers  2,000 rows  id BIGINT (1..2000), name STRING (a few non-ASCII, one emoji),
//	                       email STRING, country STRING, signup_date DATE (customer 2: 1969-12-31),
//	                       is_active BOOLEAN, credit_limit DECIMAL(12,2), last_login TIMESTAMP,
//	                       tz_login TIMESTAMP_TZ (offsets, "Z" and IANA zones), avatar BINARY
//	                       (16 bytes), tags ARRAY<STRING>, prefs MAP<STRING,STRING>,
//	                       address STRUCT<street:STRING,city:STRING,zip:STRING>,
//	                       loyalty_points INT, rating FLOAT (quarters, exact in float32)
//	products     500 rows  id BIGINT (1..500), sku STRING ("SKU-00001"), name STRING,
//	                       category STRING, price DECIMAL(10,2), weight_kg DOUBLE,
//	                       in_stock BOOLEAN, created_at TIMESTAMP, launch_date DATE
//	orders   100,000 rows  id BIGINT (1..100000), customer_id BIGINT, product_id BIGINT,
//	                       quantity INT (1..10), unit_price DECIMAL(10,2) (the product's price),
//	                       total DECIMAL(12,2), discount DOUBLE (0, .05, .10, .15 or .20),
//	                       status STRING, ordered_at TIMESTAMP (2023–2024, µs precision),
//	                       ship_date DATE (1–7 days after ordered_at)
//
// Only id columns are never NULL. In customers a column is NULL in every k-th row (id % k == 0):
// email 50, country 97, signup_date 89, is_active 211, credit_limit 101, last_login 13,
// tz_login 17, avatar 3, tags 29, prefs 31, address 37, loyalty_points 19, rating 23; in products
// category 101, weight_kg 53, in_stock 97, created_at 59, launch_date 61. In orders the NULLs are
// at these ids only: customer_id 4242, product_id 4243, quantity 10 and 99999, unit_price 11,
// total 12 and 54321, discount 13, status 14 and 77777, ordered_at 15, ship_date 16. Where
// quantity, unit_price and discount are all present, total = quantity × unit_price ×
// (1 − discount) rounded half up to cents, exactly. The Demo* constants are exact aggregates
// that tests can assert.
const (
	DemoCustomerCount       = 2000
	DemoProductCount        = 500
	DemoOrderCount          = 100000
	DemoOrderQuantitySum    = 550099      // SUM(quantity) FROM orders
	DemoOrderTotalCents     = 25005966209 // SUM(total) FROM orders, in cents
	DemoDeliveredOrders     = 42839       // COUNT(*) FROM orders WHERE status = 'delivered'
	DemoActiveCustomers     = 1556        // COUNT(*) FROM customers WHERE is_active
	DemoCustomerNullEmails  = DemoCustomerCount / 50
	DemoDistinctCountries   = 12  // COUNT(DISTINCT country) FROM customers
	DemoProductsInStock     = 416 // COUNT(*) FROM products WHERE in_stock
	DemoOrdersOfCustomerOne = 48  // COUNT(*) FROM orders WHERE customer_id = 1
)

// demoOrderNulls lists, per orders column, the ids of the rows where it is NULL.
var demoOrderNulls = map[string][]int64{
	"customer_id": {4242}, "product_id": {4243}, "quantity": {10, 99999}, "unit_price": {11},
	"total": {12, 54321}, "discount": {13}, "status": {14, 77777}, "ordered_at": {15}, "ship_date": {16},
}

// demoStats are the aggregates the generator computes as it goes, checked against the Demo*
// constants by the tests.
type demoStats struct {
	quantitySum, totalCents, delivered, active, inStock, ordersOfOne int64
}

var (
	demoCountries = []string{"IN", "US", "GB", "DE", "FR", "JP", "BR", "CA", "AU", "SG", "NL", "ZA"}
	demoFirst     = []string{"Asha", "Ben", "Chloé", "Dev", "Eun-ji", "Farah", "Gus", "Hiro", "Inés", "Jon", "Kavya", "Liam", "Mei", "Nadia", "Omar", "Priya"}
	demoLast      = []string{"Iyer", "Smith", "Müller", "Dubois", "Tanaka", "Silva", "Brown", "Khan", "Nguyen", "García", "Rossi", "O'Neil"}
	demoZones     = []string{"+05:30", "-08:00", "Z", "Asia/Kolkata", "America/New_York", "+09:00", "Europe/Berlin"}
	demoTags      = []string{"vip", "newsletter", "beta", "wholesale", "churn-risk"}
	demoCities    = []string{"Pune", "Austin", "Leeds", "Köln", "Lyon", "Osaka", "Recife", "Perth"}
	demoCategory  = []string{"books", "garden", "kitchen", "toys", "electronics", "sports", "office", "beauty"}
	demoAdjective = []string{"Compact", "Deluxe", "Eco", "Classic", "Smart", "Rugged", "Mini", "Pro"}
	demoNoun      = []string{"Kettle", "Lamp", "Notebook", "Drone", "Backpack", "Blender", "Racket", "Puzzle"}
	demoStatus    = []string{"pending", "shipped", "delivered", "delivered", "delivered", "cancelled", "returned"}
	demoDiscounts = []int64{0, 0, 0, 5, 10, 15, 20} // percent
)

// demoDDL creates the tables. Type names are the e6data ones, but for DATE and TIMESTAMP, which
// take the storage names that e6sql gives them in every CREATE TABLE; the nested types are
// quoted because SQLite's grammar has no '<'.
var demoDDL = []string{
	`DROP TABLE IF EXISTS customers`, `DROP TABLE IF EXISTS products`, `DROP TABLE IF EXISTS orders`,
	`CREATE TABLE customers (id BIGINT NOT NULL PRIMARY KEY, name STRING, email STRING, country STRING,
		signup_date E6_DATE, is_active BOOLEAN, credit_limit DECIMAL(12,2), last_login E6_TIMESTAMP,
		tz_login TIMESTAMP_TZ, avatar BINARY, tags "ARRAY<STRING>", prefs "MAP<STRING,STRING>",
		address "STRUCT<street:STRING,city:STRING,zip:STRING>", loyalty_points INT, rating FLOAT)`,
	`CREATE TABLE products (id BIGINT NOT NULL PRIMARY KEY, sku STRING, name STRING, category STRING,
		price DECIMAL(10,2), weight_kg DOUBLE, in_stock BOOLEAN, created_at E6_TIMESTAMP, launch_date E6_DATE)`,
	`CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT, product_id BIGINT,
		quantity INT, unit_price DECIMAL(10,2), total DECIMAL(12,2), discount DOUBLE, status STRING,
		ordered_at E6_TIMESTAMP, ship_date E6_DATE)`,
}

// LoadDemo creates catalog.schema if needed and (re)creates the demo tables in it, in one
// transaction.
func (e *Engine) LoadDemo(ctx context.Context, catalog, schema string) error {
	_, err := e.loadDemo(ctx, catalog, schema)
	return err
}

func (e *Engine) loadDemo(ctx context.Context, catalog, schema string) (demoStats, error) {
	var st demoStats
	if err := e.CreateSchema(catalog, schema); err != nil {
		return st, err
	}
	ent, err := e.lookup(catalog, schema)
	if err != nil {
		return st, err
	}
	ctx, stop := e.bind(ctx)
	defer stop()
	tx, err := ent.db.BeginTx(ctx, nil)
	if err != nil {
		return st, e.queryErr(ctx, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	for _, ddl := range demoDDL {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return st, e.queryErr(ctx, err)
		}
	}
	rng := rand.New(rand.NewPCG(0xE6DA7A, 2024))
	prices := make([]int64, DemoProductCount+1) // cents, by product id
	steps := []func() error{
		func() error { return insertRows(ctx, tx, "customers", 15, DemoCustomerCount, customerRow(rng, &st)) },
		func() error {
			return insertRows(ctx, tx, "products", 9, DemoProductCount, productRow(rng, &st, prices))
		},
		func() error { return insertRows(ctx, tx, "orders", 10, DemoOrderCount, orderRow(rng, &st, prices)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return st, e.queryErr(ctx, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return st, e.queryErr(ctx, err)
	}
	return st, nil
}

// insertRows inserts n rows of cols columns, row i (1-based) filled by gen, with prepared
// multi-row INSERTs: 100 rows per statement, well under SQLite's 32,766 parameters.
func insertRows(ctx context.Context, tx *sql.Tx, table string, cols, n int, gen func(id int64, dst []any)) error {
	const perStmt = 100
	prepare := func(rows int) (*sql.Stmt, error) {
		tuple := "(" + strings.Repeat("?,", cols-1) + "?)"
		return tx.PrepareContext(ctx, "INSERT INTO "+table+" VALUES "+strings.Repeat(tuple+",", rows-1)+tuple)
	}
	args := make([]any, 0, perStmt*cols)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	for id := 1; id <= n; id++ {
		args = args[:len(args)+cols]
		gen(int64(id), args[len(args)-cols:])
		if len(args) < perStmt*cols && id < n {
			continue
		}
		stmt := full
		if len(args) < perStmt*cols { // the tail
			s, err := prepare(len(args) / cols)
			if err != nil {
				return err
			}
			defer s.Close()
			stmt = s
		} else if stmt == nil {
			s, err := prepare(perStmt)
			if err != nil {
				return err
			}
			full, stmt = s, s
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("loading %s: %w", table, err)
		}
		args = args[:0]
	}
	return nil
}

// demoEpoch is where the demo's time ranges start.
var demoEpoch = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// cents renders an amount in cents as decimal text ("12.34", "-0.05").
func cents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// nullEvery returns v, or nil in every k-th row.
func nullEvery(id int64, k int64, v any) any {
	if id%k == 0 {
		return nil
	}
	return v
}
