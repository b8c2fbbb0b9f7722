package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// startMock starts a mock cluster; t.Cleanup closes it.
func startMock(t testing.TB, opts mock.Options) *mock.Server {
	t.Helper()
	srv, err := mock.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = srv.Close()
		srv = nil // testing keeps cleanup closures reachable: let the mock's call log go
	})
	return srv
}

// withParams appends DSN keys (key=value) to the mock's DSN, which already has a query.
func withParams(dsn string, params ...string) string {
	if len(params) == 0 {
		return dsn
	}
	sep := "&"
	if !strings.Contains(dsn, "?") {
		sep = "?"
	}
	return dsn + sep + strings.Join(params, "&")
}

// openDB opens a *sql.DB on dsn; t.Cleanup closes it (before the mock, as cleanups run LIFO).
func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(connector.DriverName, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openConfig opens a *sql.DB through connector.NewConnector(cfg); t.Cleanup closes it.
func openConfig(t testing.TB, cfg connector.Config) *sql.DB {
	t.Helper()
	c, err := connector.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// newTestDB starts a mock with opts and opens a *sql.DB on its DSN plus params (key=value);
// t.Cleanup closes both.
func newTestDB(t testing.TB, opts mock.Options, params ...string) (*mock.Server, *sql.DB) {
	t.Helper()
	srv := startMock(t, opts)
	return srv, openDB(t, withParams(srv.DSN(), params...))
}

// configFor returns the Config of srv's DSN plus params.
func configFor(t testing.TB, srv *mock.Server, params ...string) connector.Config {
	t.Helper()
	cfg, err := connector.ParseDSN(withParams(srv.DSN(), params...))
	require.NoError(t, err)
	return *cfg
}

// testCtx returns a context that ends with the test, bounded so a hang fails rather than stalls.
func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// callsOf returns the records of method in the call log, in order.
func callsOf(srv *mock.Server, method string) []mock.CallRecord {
	var out []mock.CallRecord
	for _, r := range srv.CallLog() {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// callsFor counts the calls of method about query id qid.
func callsFor(srv *mock.Server, method, qid string) int {
	n := 0
	for _, r := range srv.CallLog() {
		if r.Method == method && r.QueryID == qid {
			n++
		}
	}
	return n
}

// queryIDs returns the distinct query ids in the call log, in order of first appearance.
func queryIDs(srv *mock.Server) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range srv.CallLog() {
		if r.QueryID != "" && !seen[r.QueryID] {
			seen[r.QueryID] = true
			out = append(out, r.QueryID)
		}
	}
	return out
}

// rawConn returns the driver connection behind one connection of db, for tests that call the
// driver directly; the *sql.Conn is closed with the test.
func rawConn(t testing.TB, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(testCtx(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// livePinned counts the queries the mock still holds open, over both colours.
func livePinned(srv *mock.Server) int {
	n := 0
	for _, c := range srv.PinnedQueries() {
		n += c
	}
	return n
}

// waitInFlight waits until a call of method has reached the mock and not finished yet (its
// record has no outcome yet). It reports a failure with assert, not require, so that it may run
// in a goroutine of its own; it returns whether the call was seen.
func waitInFlight(t testing.TB, srv *mock.Server, method string) bool {
	t.Helper()
	return assert.Eventually(t, func() bool {
		for _, r := range srv.CallLog() {
			if r.Method == method && r.Outcome == "" {
				return true
			}
		}
		return false
	}, 10*time.Second, time.Millisecond, "no %s call in flight", method)
}

// genSQL is a query generating the integers 1..n in column x.
func genSQL(n int) string {
	return fmt.Sprintf("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d) SELECT x FROM c", n)
}

// readSequence reads the remaining rows of a one-column result, requiring the values next,
// next+1, ... (no row lost or repeated) and no error; it returns the value after the last row.
func readSequence(t testing.TB, rows *sql.Rows, next int64, msgAndArgs ...any) int64 {
	t.Helper()
	for rows.Next() {
		var v int64
		require.NoError(t, rows.Scan(&v))
		require.Equal(t, next, v)
		next++
	}
	require.NoError(t, rows.Err(), msgAndArgs...)
	return next
}

// selectLoad keeps workers goroutines running SELECT 1 on db, one after another, until the
// returned stop is called; stop waits for them and returns the errors their queries met. Calling
// stop again returns the same errors.
func selectLoad(ctx context.Context, db *sql.DB, workers int) (stop func() []error) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				var v int
				if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&v); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	return sync.OnceValue(func() []error {
		close(done)
		wg.Wait()
		return errs
	})
}

// expiringCtx is a context whose deadline passes when the test says so (expire), not at a time:
// a test makes a call meet its deadline at exactly the stage it means to test, however slow the
// machine is. Until then its Deadline is an hour away; after, Err is context.DeadlineExceeded,
// as for a deadline that passed. It also ends, the same way, if the test's context does.
type expiringCtx struct {
	context.Context // the test's: values, and a bound on how long it can last
	once            sync.Once
	done            chan struct{}
	mu              sync.Mutex
	at              time.Time // when it expired; zero before
}

// newExpiringCtx returns an expiringCtx and the function that expires it.
func newExpiringCtx(t testing.TB) (context.Context, func()) {
	t.Helper()
	c := &expiringCtx{Context: testCtx(t), done: make(chan struct{})}
	stop := context.AfterFunc(c.Context, c.expire)
	t.Cleanup(func() { stop() })
	return c, c.expire
}

func (c *expiringCtx) expire() {
	c.once.Do(func() {
		c.mu.Lock()
		c.at = time.Now()
		c.mu.Unlock()
		close(c.done)
	})
}

func (c *expiringCtx) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now().Add(time.Hour), true
	}
	return c.at, true
}

func (c *expiringCtx) Done() <-chan struct{} { return c.done }

func (c *expiringCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// awaitFaultsMet waits until every fault armed for method on srv has met its call (the call is
// being failed or delayed now).
func awaitFaultsMet(t testing.TB, srv *mock.Server, method string) {
	t.Helper()
	require.Eventually(t, func() bool { return srv.ArmedFaults(method) == 0 }, 30*time.Second, time.Millisecond,
		"the faults armed for %s met no call", method)
}
