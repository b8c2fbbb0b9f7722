package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
)

// heapMetric is the heap memory in objects, live or not yet swept: what HeapAlloc reports,
// read without stopping the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapSampler records the peak of heapMetric, sampled by a goroutine every interval and by the
// reader at every sample call.
type heapSampler struct {
	mu     sync.Mutex
	peak   uint64
	sample []metrics.Sample
	stop   chan struct{}
	done   chan struct{}
}

func startHeapSampler(interval time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	h.sample = []metrics.Sample{{Name: heapMetric}}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
				h.read()
			}
		}
	}()
	return h
}

func (h *heapSampler) read() {
	h.mu.Lock()
	defer h.mu.Unlock()
	metrics.Read(h.sample)
	h.peak = max(h.peak, h.sample[0].Value.Uint64())
}

// finish stops the sampler and returns the peak.
func (h *heapSampler) finish() uint64 {
	close(h.stop)
	<-h.done
	h.read()
	return h.peak
}

// memorySQL generates n rows of four columns (LONG, DOUBLE, STRING, LONG) in the query itself.
func memorySQL(n int) string {
	return fmt.Sprintf(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d)
		SELECT x, x * 2.5 AS d, 'row ' || x AS s, MOD(x, 7) AS m FROM c`, n)
}

// readAll streams the n rows of memorySQL(n) through database/sql, checking each, and returns
// the peak heap seen while reading.
func readAll(t *testing.T, db *sql.DB, n int) uint64 {
	t.Helper()
	ctx := context.Background()
	runtime.GC()
	h := startHeapSampler(time.Millisecond)
	rows, err := db.QueryContext(ctx, memorySQL(n))
	require.NoError(t, err)
	var (
		x, m  int64
		d     float64
		s     string
		count int
		sum   int64
	)
	for rows.Next() {
		if err := rows.Scan(&x, &d, &s, &m); err != nil {
			rows.Close()
			t.Fatal(err)
		}
		count++
		sum += x
		if count%4096 == 0 {
			h.read()
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	peak := h.finish()
	require.Equal(t, n, count)
	require.Equal(t, int64(n)*int64(n+1)/2, sum)
	require.Equal(t, float64(n)*2.5, d)
	require.Equal(t, fmt.Sprintf("row %d", n), s)
	return peak
}

// TestMemoryFlatInResultSize shows that the heap while streaming a result does not grow with
// the result's size: the peak for 2,000,000 rows is within 50 % of the peak for 200,000 rows,
// and under 64 MiB. The mock cluster runs in the same process, so its memory counts too.
//
// The heap in use swings between the live heap and the GC's goal, and which pipeline stages
// (server cursor, encoded batch, gRPC buffers, prefetched batches) hold a batch when a GC cycle
// marks varies, so the highest value seen grows with how long it is watched. To compare sizes
// rather than watching times, the 200,000-row read is repeated until as many rows were read as
// in the large read, and its peak is the highest of those runs. A leak would also show in the
// heap left after each read, checked separately.
func TestMemoryFlatInResultSize(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory distorts heap statistics; CI runs this test without -race")
	}
	_, db := newTestDB(t, mock.Options{})
	db.SetMaxOpenConns(1)

	readAll(t, db, 10_000) // warm up: connection, session, pools
	base := heapAfterGC()

	const small, large = 200_000, 2_000_000
	start := time.Now()
	var smallPeak, firstSmallPeak uint64
	for i := range large / small {
		p := readAll(t, db, small)
		if i == 0 {
			firstSmallPeak = p
		}
		smallPeak = max(smallPeak, p)
	}
	smallTime := time.Since(start) / (large / small)
	afterSmall := heapAfterGC()

	start = time.Now()
	largePeak := readAll(t, db, large)
	largeTime := time.Since(start)
	afterLarge := heapAfterGC()

	t.Logf("peak heap: %d rows %.1f MiB (first run %.1f MiB, %v per run); %d rows %.1f MiB (%v); ratio %.2f",
		small, mib(smallPeak), mib(firstSmallPeak), smallTime.Round(time.Millisecond),
		large, mib(largePeak), largeTime.Round(time.Millisecond), float64(largePeak)/float64(smallPeak))
	t.Logf("heap after GC: before %.1f MiB, after the small reads %.1f MiB, after the large read %.1f MiB",
		mib(base), mib(afterSmall), mib(afterLarge))

	// Ten times the rows may not take more than half as much heap again: a heap that grew with
	// the result would take several times as much. (Runs on a loaded 2-core machine have seen
	// ratios up to 1.3 from GC timing alone, so 1.25 was too tight to mean anything.)
	assert.LessOrEqual(t, float64(largePeak), 1.5*float64(smallPeak), "the peak heap grows with the result size")
	assert.Less(t, largePeak, uint64(64<<20), "the peak heap is over 64 MiB")
	assert.Less(t, afterLarge, base+4<<20, "reading left memory behind")
}

// heapAfterGC returns the heap in objects after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// TestMemoryScannedStringsOwnTheirMemory keeps 8 strings of 1 KiB scanned from a 65,536-row
// result (64 MiB of text) and checks that, after a GC, they hold about their own size and not
// the result batches they came from: database/sql hands a string to the caller as the driver
// returned it, so a string viewing a batch's shared text would keep the whole batch alive.
func TestMemoryScannedStringsOwnTheirMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory distorts heap statistics; CI runs this test without -race")
	}
	_, db := newTestDB(t, mock.Options{})
	db.SetMaxOpenConns(1)
	const n, width = 65_536, 1024
	const every = n / 8
	query := fmt.Sprintf(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d)
		SELECT x, printf('%%0%dd', x) AS s FROM c`, n, width)
	scan := func(keep []string) []string {
		rows, err := db.QueryContext(testCtx(t), query)
		require.NoError(t, err)
		defer rows.Close()
		count := 0
		for rows.Next() {
			var x int64
			var s string
			require.NoError(t, rows.Scan(&x, &s))
			require.Len(t, s, width)
			if x%every == 0 {
				keep = append(keep, s)
			}
			count++
		}
		require.NoError(t, rows.Err())
		require.Equal(t, n, count)
		return keep
	}
	// Two collections: sync.Pool's victim cache (gRPC's buffers among them) survives one.
	settled := func() int64 {
		runtime.GC()
		return int64(heapAfterGC())
	}
	scan(nil) // warm up: connection, session, pools
	base := settled()
	keep := scan(make([]string, 0, 8))
	retained := settled() - base
	t.Logf("heap held by %d kept strings of %d bytes: %.2f MiB", len(keep), width, float64(retained)/(1<<20))
	require.Len(t, keep, 8)
	for i, s := range keep {
		require.Equal(t, fmt.Sprintf("%0*d", width, (i+1)*every), s)
	}
	assert.Less(t, retained, int64(8<<20), "kept strings hold their result batches")
	runtime.KeepAlive(keep)
}
