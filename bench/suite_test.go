package bench_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/codec/codectest"
	"github.com/e6data/gorm-e6data/mock"
)

// The three ways of each benchmark run against the same mock, one after the other in one
// process, so their ratios compare like with like. ./run turns the figures into a table.

// BenchmarkSuiteSelect1 is one SELECT 1 read through the raw stubs (prepare, execute, metadata,
// first batch, clear: the driver's five calls), database/sql (QueryRow.Scan) and GORM
// (Raw.Scan).
func BenchmarkSuiteSelect1(b *testing.B) {
	srv := startMock(b, mock.Options{})
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		r := openRaw(b, srv)
		var boxes codec.Boxes
		loop(b, func() {
			one := 0
			if err := r.query(ctx, select1, func(c *codec.Chunk) bool {
				v, _ := c.Vectors[0].ValueIn(0, &boxes).(int64)
				one = int(v)
				return false
			}); err != nil || one != 1 {
				b.Fatal(one, err)
			}
		})
	})
	b.Run("database-sql", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		db := openSQL(b, srv)
		loop(b, func() {
			var one int
			if err := db.QueryRowContext(ctx, select1).Scan(&one); err != nil || one != 1 {
				b.Fatal(one, err)
			}
		})
	})
	b.Run("gorm", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		gdb := openGORM(b, srv)
		loop(b, func() {
			var one int
			if err := gdb.Raw(select1).Scan(&one).Error; err != nil || one != 1 {
				b.Fatal(one, err)
			}
		})
	})
}

// loop runs op b.N times with allocations reported.
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}

// The scan: 1,000,000 rows × 8 mixed columns, scripted as 8,000 distinct rows served 125 times
// (one encoded batch replayed: the mock costs next to nothing).
const (
	scanSQL    = "SELECT id, qty, price, name, flag, ts, amount, day FROM scan"
	scanBatch  = 8_000
	scanRepeat = 125
	scanRows   = scanBatch * scanRepeat
)

// scanRow is one row of the scan for GORM; 10% NULLs in qty, name and ts.
type scanRow struct {
	ID     int64
	Qty    *int64
	Price  float64
	Name   *string
	Flag   bool
	Ts     *time.Time
	Amount string
	Day    time.Time
}

// startScanMock starts a mock with the scan scripted, its 8,000 rows served repeat times.
func startScanMock(b testing.TB, repeat int) *mock.Server {
	srv := startMock(b, mock.Options{BatchRows: scanBatch})
	rows := make([][]any, scanBatch)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		var qty, name, ts any = int32(i * 31), "customer-" + strconv.Itoa(i*13), day.Add(time.Duration(i) * time.Second)
		if i%10 == 7 {
			qty, name, ts = nil, nil, nil
		}
		rows[i] = []any{int64(i) * 7919, qty, float64(i) * 0.25, name, i%3 == 0, ts,
			strconv.Itoa(i*101) + ".25", day.AddDate(0, 0, i%365)}
	}
	err := srv.PutResult(scanSQL, mock.Result{Columns: []mock.Column{
		{Name: "id", Type: "LONG"}, {Name: "qty", Type: "INTEGER"}, {Name: "price", Type: "DOUBLE"},
		{Name: "name", Type: "STRING"}, {Name: "flag", Type: "BOOLEAN"}, {Name: "ts", Type: "DATETIME"},
		{Name: "amount", Type: "DECIMAL128", Scale: 2}, {Name: "day", Type: "DATE"},
	}, Rows: rows, Repeat: repeat})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkSuiteScan reads the 1M × 8 scan to the end through the raw stubs (decoding each batch
// with internal/codec and converting every cell once, as the driver's Rows.Next does),
// database/sql (Scan into typed values) and GORM (Rows and ScanRows into a struct), and reports
// rows/s.
func BenchmarkSuiteScan(b *testing.B) {
	srv := startScanMock(b, scanRepeat)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		r := openRaw(b, srv)
		var boxes codec.Boxes
		dest := make([]any, 8)
		scanLoop(b, func() int {
			n := 0
			err := r.query(ctx, scanSQL, func(c *codec.Chunk) bool {
				for row := range c.Size {
					for i := range dest {
						dest[i] = c.Vectors[i].ValueIn(row, &boxes)
					}
				}
				n += c.Size
				return true
			})
			if err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
	b.Run("database-sql", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		db := openSQL(b, srv)
		scanLoop(b, func() int {
			rs, err := db.QueryContext(ctx, scanSQL)
			if err != nil {
				b.Fatal(err)
			}
			defer rs.Close()
			n, err := codectest.ScanMixed(rs)
			if err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
	b.Run("gorm", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		gdb := openGORM(b, srv)
		scanLoop(b, func() int {
			rs, err := gdb.Raw(scanSQL).Rows()
			if err != nil {
				b.Fatal(err)
			}
			defer rs.Close()
			n := 0
			for rs.Next() {
				var row scanRow
				if err := gdb.ScanRows(rs, &row); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if err := rs.Err(); err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
}

// scanLoop runs scan (which returns the rows it read) b.N times and reports rows/s.
func scanLoop(b *testing.B, scan func() int) {
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		if n := scan(); n != scanRows {
			b.Fatalf("read %d rows, want %d", n, scanRows)
		}
		total += scanRows
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}

// rtt is the simulated network round trip of BenchmarkSuiteRoundTrips: large beside loopback
// and the CPU work of a small query, so elapsed/rtt counts the round trips on the caller's path.
const rtt = 25 * time.Millisecond

// BenchmarkSuiteRoundTrips runs SELECT 1 the three ways with every gRPC call held for rtt
// before it is sent, and reports the round trips on the caller's path per query ("RTT/op":
// elapsed / rtt). Calls the driver makes in the background count only while the caller waits
// for them.
func BenchmarkSuiteRoundTrips(b *testing.B) {
	srv := startMock(b, mock.Options{})
	ctx := context.Background()
	delay := delayCalls(rtt)
	b.Run("raw", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		r := openRaw(b, srv, delay)
		rttLoop(b, func() error {
			return r.query(ctx, select1, func(*codec.Chunk) bool { return false })
		})
	})
	b.Run("database-sql", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		db := openSQL(b, srv, delay)
		rttLoop(b, func() error {
			var one int
			return db.QueryRowContext(ctx, select1).Scan(&one)
		})
	})
	b.Run("gorm", func(b *testing.B) {
		srv.ResetCallLog() // every way starts with the same server state
		gdb := openGORM(b, srv, delay)
		rttLoop(b, func() error {
			var one int
			return gdb.Raw(select1).Scan(&one).Error
		})
	})
}

func rttLoop(b *testing.B, op func() error) {
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(rtt), "RTT/op")
}

// switchEvery is how often BenchmarkSuiteSwitching's mock switches colours.
const switchEvery = 200 * time.Millisecond

// BenchmarkSuiteSwitching runs SELECT 1 through database/sql back to back, with the mock
// steady or switching colours every switchEvery (Switch and SwitchAbrupt alternately), and
// reports the p99 and the maximum latency of the queries and the switches made.
func BenchmarkSuiteSwitching(b *testing.B) {
	for _, switching := range []bool{false, true} {
		name := "steady"
		if switching {
			name = "switching"
		}
		b.Run(name, func(b *testing.B) {
			srv := startMock(b, mock.Options{DrainTimeout: time.Second})
			db := openSQL(b, srv)
			ctx := context.Background()
			lat := make([]time.Duration, 0, 1<<16)
			var switcher sync.WaitGroup
			stop := make(chan struct{})
			for b.Loop() {
				if switching && len(lat) == 0 {
					switcher.Go(func() { switchLoop(srv, stop) })
				}
				start := time.Now()
				var one int
				if err := db.QueryRowContext(ctx, select1).Scan(&one); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			close(stop)
			switcher.Wait()
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(float64(srv.Switches()), "switches")
		})
	}
}

// switchLoop switches srv's colours every switchEvery, Switch and SwitchAbrupt alternately,
// until stop is closed.
func switchLoop(srv *mock.Server, stop <-chan struct{}) {
	t := time.NewTicker(switchEvery)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if i%2 == 0 {
			srv.Switch()
		} else {
			srv.SwitchAbrupt()
		}
	}
}
