package connector_test

import (
	"context"
	"testing"

	"github.com/e6data/gorm-e6data/mock"
)

// BenchmarkSelect1 measures one SELECT 1 round trip through database/sql against the in-process
// mock (real gRPC on loopback), and reports the RPCs each query makes.
func BenchmarkSelect1(b *testing.B) {
	srv, db := newTestDB(b, mock.Options{})
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil { // session and channel up
		b.Fatal(err)
	}
	srv.ResetCallLog()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	calls := 0
	for _, n := range srv.CallCounts() {
		calls += n
	}
	b.ReportMetric(float64(calls)/float64(b.N), "RPCs/query")
}

// BenchmarkFullScan streams 1,000,000 rows × 4 columns (LONG, DOUBLE, STRING, LONG) from a table
// through database/sql and reports rows per second.
func BenchmarkFullScan(b *testing.B) {
	const rows = 1_000_000
	srv, db := newTestDB(b, mock.Options{})
	if _, err := srv.Exec(`CREATE TABLE scan (x BIGINT, d DOUBLE, s STRING, m BIGINT)`); err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Exec(`INSERT INTO scan ` + memorySQL(rows)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for b.Loop() {
		r, err := db.QueryContext(ctx, `SELECT x, d, s, m FROM scan`)
		if err != nil {
			b.Fatal(err)
		}
		var (
			x, m int64
			d    float64
			s    string
		)
		n := 0
		for r.Next() {
			if err := r.Scan(&x, &d, &s, &m); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Close()
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}
