package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// The demo is loaded once per test binary into its own engine, shared by the tests that read it.
var (
	demoOnce   sync.Once
	demoEngine *Engine
	demoLoad   time.Duration
	demoSt     demoStats
	demoErr    error
)

func sharedDemo(t *testing.T) *Engine {
	t.Helper()
	demoOnce.Do(func() {
		demoEngine, demoErr = Open(Options{})
		if demoErr != nil {
			return
		}
		start := time.Now()
		demoSt, demoErr = demoEngine.loadDemo(context.Background(), "e6data", "default")
		demoLoad = time.Since(start)
	})
	if demoErr != nil {
		t.Fatalf("loading the demo: %v", demoErr)
	}
	return demoEngine
}

func TestDemoInvariants(t *testing.T) {
	e := sharedDemo(t)
	t.Logf("demo load took %v", demoLoad)
	if demoLoad > 5*time.Second && !raceEnabled { // the target is 1.5 s; leave room for slow machines
		t.Errorf("demo load took %v", demoLoad)
	}
	want := demoStats{DemoOrderQuantitySum, DemoOrderTotalCents, DemoDeliveredOrders, DemoActiveCustomers,
		DemoProductsInStock, DemoOrdersOfCustomerOne}
	if demoSt != want {
		t.Errorf("generator stats %+v, constants say %+v", demoSt, want)
	}
	tests := []struct {
		sql  string
		want any
	}{
		{`SELECT COUNT(*) FROM customers`, int64(DemoCustomerCount)},
		{`SELECT COUNT(*) FROM products`, int64(DemoProductCount)},
		{`SELECT COUNT(*) FROM orders`, int64(DemoOrderCount)},
		{`SELECT SUM(quantity) FROM orders`, int64(DemoOrderQuantitySum)},
		{`SELECT CAST(ROUND(SUM(total) * 100) AS BIGINT) FROM orders`, int64(DemoOrderTotalCents)},
		{`SELECT COUNT(*) FROM orders WHERE status = 'delivered'`, int64(DemoDeliveredOrders)},
		{`SELECT COUNT(*) FROM customers WHERE is_active`, int64(DemoActiveCustomers)},
		{`SELECT COUNT(*) FROM customers WHERE email IS NULL`, int64(DemoCustomerNullEmails)},
		{`SELECT COUNT(DISTINCT country) FROM customers`, int64(DemoDistinctCountries)},
		{`SELECT COUNT(*) FROM products WHERE in_stock`, int64(DemoProductsInStock)},
		{`SELECT COUNT(*) FROM orders WHERE customer_id = 1`, int64(DemoOrdersOfCustomerOne)},
		{`SELECT COUNT(*) FROM orders WHERE quantity IS NOT NULL AND unit_price IS NOT NULL AND discount IS NOT NULL
			AND total IS NOT NULL AND ABS(total - ROUND(quantity * unit_price * (1 - discount) + 0.0000001, 2)) > 0.001`, int64(0)},
		{`SELECT COUNT(*) FROM orders o JOIN products p ON o.product_id = p.id WHERE o.unit_price <> p.price`, int64(0)},
		{`SELECT MIN(id) FROM orders WHERE ship_date IS NULL`, int64(16)},
	}
	for _, tt := range tests {
		if got := scalar(t, e, "e6data", "default", tt.sql); got != tt.want {
			t.Errorf("%s = %v (%T), want %v", tt.sql, got, got, tt.want)
		}
	}
	for col, ids := range demoOrderNulls {
		got := scalar(t, e, "e6data", "default", `SELECT COUNT(*) FROM orders WHERE `+col+` IS NULL`)
		if got != int64(len(ids)) {
			t.Errorf("orders.%s NULLs = %v, want %d", col, got, len(ids))
		}
	}
}

// TestDemoCoversEveryType reads every demo table whole and checks that each vector type the
// engine produces occurs, with the values converting cleanly.
func TestDemoCoversEveryType(t *testing.T) {
	e := sharedDemo(t)
	seen := map[codec.VectorType]bool{}
	for _, table := range []string{"customers", "products", "orders"} {
		meta, chunks := query(t, e, "e6data", "default", `SELECT * FROM `+table, 7000)
		rows := 0
		for _, ch := range chunks {
			rows += ch.Size
			for _, v := range ch.Vectors {
				seen[v.Type] = true
			}
		}
		cols, err := e.Columns("e6data", "default", table)
		if err != nil || len(cols) != len(meta.Fields) {
			t.Fatalf("Columns(%s): %v %v", table, cols, err)
		}
		for i, c := range cols {
			if c.Type != meta.Fields[i].Type {
				t.Errorf("%s.%s: Columns says %s, the query %s", table, c.Name, c.Type, meta.Fields[i].Type)
			}
		}
		t.Logf("%s: %d rows, %d columns", table, rows, len(cols))
	}
	for _, vt := range []codec.VectorType{codec.Long, codec.Integer, codec.Double, codec.Float, codec.String,
		codec.Boolean, codec.Date, codec.DateTime, codec.TimestampTZ, codec.Decimal128, codec.Binary,
		codec.Array, codec.Map, codec.Struct} {
		if !seen[vt] {
			t.Errorf("no %v column in the demo", vt)
		}
	}
	// A few exact values.
	got := rows(t, e, "e6data", "default", `SELECT id, name, signup_date, tz_login FROM customers WHERE id IN (2, 7) ORDER BY id`)
	if got[0][2] != time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) || got[1][1] != "Ada 🚀 Lovelace" {
		t.Errorf("customers 2 and 7: %v", got)
	}
}
