package mock_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

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

// BenchmarkScanScripted reads a scripted result of 1,000,000 rows × 8 mixed columns (LONG,
// INTEGER, DOUBLE, BOOLEAN, STRING, DECIMAL128, DATE, DATETIME) through database/sql: the mock
// replays encoded batches, so this measures the driver.
func BenchmarkScanScripted(b *testing.B) {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	const batch, repeat = 8192, 122 // 999,424 rows
	rows := make([][]any, batch)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = []any{int64(i) * 7919, int32(i % 1000), float64(i) / 3, i%3 == 0, fmt.Sprint("status-", i%7),
			fmt.Sprintf("%d.%02d", i, i%100), day.AddDate(0, 0, i%365), day.Add(time.Duration(i) * time.Second)}
	}
	const query = "SELECT * FROM scripted_scan"
	err = srv.PutResult(query, mock.Result{Columns: []mock.Column{
		{Name: "id", Type: "LONG"}, {Name: "n", Type: "INTEGER"}, {Name: "x", Type: "DOUBLE"},
		{Name: "b", Type: "BOOLEAN"}, {Name: "s", Type: "STRING"}, {Name: "d", Type: "DECIMAL128", Scale: 2},
		{Name: "day", Type: "DATE"}, {Name: "ts", Type: "DATETIME"},
	}, Rows: rows, Repeat: repeat})
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open(connector.DriverName, srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	var n int64
	for b.Loop() {
		if got := scanAll(b, db, query); got != batch*repeat {
			b.Fatalf("read %d rows, want %d", got, batch*repeat)
		}
		n += batch * repeat
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}
