package engine

import (
	"context"
	"testing"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// BenchmarkEngineScanOrders is the mock's own work for a full scan of the demo orders table
// (100,000 rows × 10 columns): SQLite, value conversion and encoding of 8192-row batches, as
// getNextResultBatch does them, without gRPC or a client.
func BenchmarkEngineScanOrders(b *testing.B) {
	e, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	if err := e.LoadDemo(ctx, "e6data", "default"); err != nil {
		b.Fatal(err)
	}
	st, err := e.Prepare(ctx, "e6data", "default", `SELECT id, customer_id, product_id, quantity, unit_price, total, discount, status, ordered_at, ship_date FROM orders`)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var rows int64
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		c, err := st.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for {
			ch, err := c.Next(ctx, 8192)
			if err != nil {
				b.Fatal(err)
			}
			if ch.Size == 0 {
				break
			}
			if _, err := codec.AppendChunk(nil, ch); err != nil {
				b.Fatal(err)
			}
			rows += int64(ch.Size)
		}
		_ = c.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	if cpu1, ok := processCPU(); ok && cpuOK && rows > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(rows), "cpu-ns/row")
	}
}
