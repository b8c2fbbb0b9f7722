package mock_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// BenchmarkScanDemoOrders reads the whole demo orders table (100,000 rows × 10 columns of every
// scalar kind) through database/sql over the SQLite path, and reports rows/s.
func BenchmarkScanDemoOrders(b *testing.B) {
	srv, err := mock.NewServer(mock.Options{Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	db, err := sql.Open(connector.DriverName, srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const query = `SELECT id, customer_id, product_id, quantity, unit_price, total, discount, status, ordered_at, ship_date FROM orders`
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		rows += scanAll(b, db, query)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// scanAll reads every row of query into any values and returns how many there were.
func scanAll(b *testing.B, db *sql.DB, query string) int64 {
	b.Helper()
	rs, err := db.QueryContext(context.Background(), query)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		b.Fatal(err)
	}
	vals := make([]any, len(cols))
	dst := make([]any, len(cols))
	for i := range vals {
		dst[i] = &vals[i]
	}
	var n int64
	for rs.Next() {
		if err := rs.Scan(dst...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rs.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
