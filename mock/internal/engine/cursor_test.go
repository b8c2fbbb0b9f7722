package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestBatching(t *testing.T) {
	e := newEngine(t)
	meta, chunks := query(t, e, "e6data", "default",
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000) SELECT i FROM n`, 10_000)
	var sizes []int
	next := int64(1)
	for _, ch := range chunks {
		sizes = append(sizes, ch.Size)
		for _, x := range ch.Vectors[0].Int64s {
			if x != next {
				t.Fatalf("row %d holds %d", next, x)
			}
			next++
		}
	}
	if !reflect.DeepEqual(sizes, []int{10000, 10000, 5000}) || meta.Fields[0].Type != "LONG" {
		t.Errorf("sizes %v, type %s", sizes, meta.Fields[0].Type)
	}
}

func TestEndOfResultsRepeats(t *testing.T) {
	e := newEngine(t)
	st, err := e.Prepare(context.Background(), "e6data", "default", `SELECT 1`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, want := range []int{1, 0, 0} {
		ch, err := c.Next(context.Background(), 5)
		if err != nil || ch.Size != want {
			t.Fatalf("call %d: %v %v", i, ch, err)
		}
	}
	if c.RowsRead() != 1 {
		t.Errorf("RowsRead %d", c.RowsRead())
	}
	_ = c.Close()
	if _, err := c.Next(context.Background(), 5); !errors.Is(err, ErrCursorClosed) {
		t.Errorf("Next after Close: %v", err)
	}
}

func TestNonRowStatements(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE t (x BIGINT)`)
	st, err := e.Prepare(context.Background(), "e6data", "default", `INSERT INTO t VALUES (1), (2), (3)`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Metadata(); m.RowCount != 3 || len(m.Fields) != 0 {
		t.Errorf("metadata %+v", m)
	}
	if ch, err := c.Next(context.Background(), 10); err != nil || ch.Size != 0 {
		t.Errorf("Next: %v %v", ch, err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if got := scalar(t, e, "e6data", "default", `SELECT SUM(x) FROM t`); got != int64(6) {
		t.Errorf("sum %v", got)
	}
}

func TestSQLErrors(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE t (x BIGINT)`)
	tests := []struct{ sql, want string }{
		{`SELEC 1`, "syntax error"},
		{`SELECT * FROM nope`, "no such table"},
		{`SELECT y FROM t`, "no such column"},
		{`SELECT 1; SELECT 2`, ""},
	}
	for _, tt := range tests {
		_, err := e.Prepare(context.Background(), "e6data", "default", tt.sql)
		var se *SQLError
		if !errors.As(err, &se) || !strings.Contains(se.Message, tt.want) {
			t.Errorf("%s: %v", tt.sql, err)
		}
	}
	var nf *NotFoundError
	if _, err := e.Prepare(context.Background(), "nope", "default", `SELECT 1`); !errors.As(err, &nf) || nf.What != "schema" {
		t.Errorf("unknown schema: %v", err)
	}
	if _, err := e.Exec(context.Background(), "e6data", "default", `INSERT INTO t VALUES (?)`); err == nil {
		t.Error("placeholder count mismatch accepted")
	}
}

func TestCancelSlowQuery(t *testing.T) {
	e := newEngine(t)
	slow := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT COUNT(*) FROM n`
	st, err := e.Prepare(context.Background(), "e6data", "default", slow)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = st.Run(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	// The connection went back to the pool in a usable state.
	if got := scalar(t, e, "e6data", "default", `SELECT 2`); got != int64(2) {
		t.Errorf("after cancel: %v", got)
	}
}

func TestCloseInterruptsNext(t *testing.T) {
	e := newEngine(t)
	st, err := e.Prepare(context.Background(), "e6data", "default",
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT i FROM n WHERE i = 1 OR i > 999999999`)
	if err != nil {
		t.Fatal(err)
	}
	// Run returns after the first row; the next one is a billion steps away.
	c, err := st.RunWith(context.Background(), RunOptions{PeekRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		ch, err := c.Next(context.Background(), 10) // the peeked row, then the long scan
		if err == nil {
			err = fmt.Errorf("Next returned %d rows", ch.Size)
		}
		done <- err
	}()
	time.AfterFunc(100*time.Millisecond, func() { _ = e.Close() })
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Next during Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next not interrupted by Close")
	}
	if _, err := e.Prepare(context.Background(), "e6data", "default", `SELECT 1`); !errors.Is(err, ErrClosed) {
		t.Errorf("Prepare after Close: %v", err)
	}
}

func TestConcurrentCursors(t *testing.T) {
	e := sharedDemo(t)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			st, err := e.Prepare(context.Background(), "e6data", "default",
				fmt.Sprintf(`SELECT id, total FROM orders WHERE id %% %d = %d`, n, i))
			if err != nil {
				errs <- err
				return
			}
			c, err := st.Run(context.Background())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			total := 0
			for {
				ch, err := c.Next(context.Background(), 1000)
				if err != nil {
					errs <- err
					return
				}
				if ch.Size == 0 {
					break
				}
				total += ch.Size
			}
			if total != DemoOrderCount/n {
				errs <- fmt.Errorf("cursor %d read %d rows", i, total)
				return
			}
			errs <- nil
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// slowAfterFirst returns its first row at once and the next one after a billion steps.
const slowAfterFirst = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000)
	SELECT i FROM n WHERE i = 1 OR i > 999999999`

func TestCancelDuringNext(t *testing.T) {
	tests := []struct {
		name string
		run  func(c *Cursor, cancelRun context.CancelFunc) error
		want error
	}{
		{"Next's context ends", func(c *Cursor, _ context.CancelFunc) error {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := c.Next(ctx, 10)
			return err
		}, context.DeadlineExceeded},
		{"cancelQuery: Run's context ends", func(c *Cursor, cancelRun context.CancelFunc) error {
			time.AfterFunc(100*time.Millisecond, cancelRun)
			_, err := c.Next(context.Background(), 10)
			return err
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			st, err := e.Prepare(context.Background(), "e6data", "default", slowAfterFirst)
			if err != nil {
				t.Fatal(err)
			}
			runCtx, cancelRun := context.WithCancel(context.Background())
			defer cancelRun()
			c, err := st.RunWith(runCtx, RunOptions{PeekRows: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			err = tt.run(c, cancelRun)
			if !errors.Is(err, tt.want) {
				t.Errorf("Next: %v, want %v", err, tt.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			if _, again := c.Next(context.Background(), 10); again != err {
				t.Errorf("error not sticky: %v", again)
			}
			if got := scalar(t, e, "e6data", "default", `SELECT 3`); got != int64(3) {
				t.Errorf("engine after cancel: %v", got)
			}
		})
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	e, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		st, err := e.Prepare(context.Background(), "e6data", "default", slowAfterFirst)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RunWith(context.Background(), RunOptions{PeekRows: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Goroutines exit asynchronously after Close; poll briefly rather than sleep a fixed time.
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before Open, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// BenchmarkSmallQuery measures the per-statement cost: translation, connection checkout with
// the attach check, prepare, run and one batch.
func BenchmarkSmallQuery(b *testing.B) {
	e, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for b.Loop() {
		st, err := e.Prepare(ctx, "e6data", "default", `SELECT 1, 'a'`)
		if err != nil {
			b.Fatal(err)
		}
		c, err := st.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Next(ctx, 100); err != nil {
			b.Fatal(err)
		}
		_ = c.Close()
	}
}
