package e6data_test

import (
	"context"
	"database/sql"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// The GORM benchmarks run First, Find and FindInBatches over the demo orders table (100,000
// rows) through GORM and, as the baseline, the same SQL through database/sql scanning into the
// same struct fields; the ratio of the two is what the dialect and GORM add.

// benchOrder is the demo orders table with a nullable Go type per column.
type benchOrder struct {
	ID         int64
	CustomerID *int64
	ProductID  *int64
	Quantity   *int32
	UnitPrice  *float64 // DECIMAL(10,2)
	Total      *float64 // DECIMAL(12,2)
	Discount   *float64
	Status     *string
	OrderedAt  *time.Time // TIMESTAMP
	ShipDate   *time.Time // DATE
}

func (benchOrder) TableName() string { return "orders" }

// fields returns the scan destinations of o's columns, in table order.
func (o *benchOrder) fields() []any {
	return []any{&o.ID, &o.CustomerID, &o.ProductID, &o.Quantity, &o.UnitPrice, &o.Total,
		&o.Discount, &o.Status, &o.OrderedAt, &o.ShipDate}
}

const (
	benchOrders    = 100_000
	benchBatchSize = 10_000
)

// cpuTime returns the CPU time the process has used (user and system). The mock runs in the
// process too, so this counts the server's work as well as the client's; on a machine shared
// with other work it is steadier than wall-clock time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs op b.N times and reports the process's CPU time per op beside the wall time.
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	var cpu0 time.Duration
	first := true
	for b.Loop() {
		if first {
			cpu0, first = cpuTime(), false // b.Loop has reset the timer: setup is not counted
		}
		op()
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// benchDBs starts a demo mock and opens GORM and database/sql on it, one connection each.
func benchDBs(b *testing.B) (*gorm.DB, *sql.DB) {
	b.Helper()
	srv, err := mock.NewServer(mock.Options{Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	gdb, err := gorm.Open(e6data.Open(srv.DSN()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		b.Fatal(err)
	}
	pool, err := gdb.DB()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = pool.Close() })
	sdb, err := sql.Open(connector.DriverName, srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sdb.Close() })
	for _, p := range []*sql.DB{pool, sdb} {
		p.SetMaxOpenConns(1)
		if err := p.Ping(); err != nil {
			b.Fatal(err)
		}
	}
	return gdb, sdb
}

// scanOrders reads all rows of q into a new slice, as GORM's Find does.
func scanOrders(b *testing.B, db *sql.DB, q string, args ...any) []benchOrder {
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []benchOrder
	for rows.Next() {
		var o benchOrder
		if err := rows.Scan(o.fields()...); err != nil {
			b.Fatal(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkFirst is db.First(&o): one row by primary key order.
func BenchmarkFirst(b *testing.B) {
	gdb, sdb := benchDBs(b)
	b.Run("gorm", func(b *testing.B) {
		loop(b, func() {
			var o benchOrder
			if err := gdb.First(&o).Error; err != nil || o.ID != 1 {
				b.Fatal(o.ID, err)
			}
		})
	})
	b.Run("database-sql", func(b *testing.B) {
		loop(b, func() {
			var o benchOrder
			err := sdb.QueryRow(`SELECT * FROM "orders" ORDER BY "orders"."id" ASC LIMIT 1`).Scan(o.fields()...)
			if err != nil || o.ID != 1 {
				b.Fatal(o.ID, err)
			}
		})
	})
}

// BenchmarkFind is db.Find(&orders) over the whole table, and reports rows/s.
func BenchmarkFind(b *testing.B) {
	gdb, sdb := benchDBs(b)
	b.Run("gorm", func(b *testing.B) {
		loop(b, func() {
			var orders []benchOrder
			if err := gdb.Find(&orders).Error; err != nil || len(orders) != benchOrders {
				b.Fatal(len(orders), err)
			}
		})
		b.ReportMetric(float64(benchOrders*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("database-sql", func(b *testing.B) {
		loop(b, func() {
			if orders := scanOrders(b, sdb, `SELECT * FROM "orders"`); len(orders) != benchOrders {
				b.Fatal(len(orders))
			}
		})
		b.ReportMetric(float64(benchOrders*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkFindInBatches is db.FindInBatches over the whole table in batches of 10,000 (keyset
// pagination on the primary key: 11 queries), and reports rows/s.
func BenchmarkFindInBatches(b *testing.B) {
	gdb, sdb := benchDBs(b)
	b.Run("gorm", func(b *testing.B) {
		loop(b, func() {
			var batch []benchOrder
			n := 0
			err := gdb.FindInBatches(&batch, benchBatchSize, func(*gorm.DB, int) error {
				n += len(batch)
				return nil
			}).Error
			if err != nil || n != benchOrders {
				b.Fatal(n, err)
			}
		})
		b.ReportMetric(float64(benchOrders*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("database-sql", func(b *testing.B) {
		loop(b, func() {
			n := 0
			batch := scanOrders(b, sdb, `SELECT * FROM "orders" ORDER BY "orders"."id" ASC LIMIT 10000`)
			for len(batch) == benchBatchSize {
				n += len(batch)
				batch = scanOrders(b, sdb, `SELECT * FROM "orders" WHERE "orders"."id" > ? ORDER BY "orders"."id" ASC LIMIT 10000`, batch[len(batch)-1].ID)
			}
			if n += len(batch); n != benchOrders {
				b.Fatal(n)
			}
		})
		b.ReportMetric(float64(benchOrders*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
