package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
)

// shared is the mock cluster with the demo dataset that the tests share: loading it and its
// answer key takes seconds, and a minute or more under -race.
var shared struct {
	once sync.Once
	c    *mockCluster
	err  error
}

func sharedCluster(t *testing.T) *mockCluster {
	t.Helper()
	shared.once.Do(func() { shared.c, shared.err = startMock(context.Background(), time.Second) })
	require.NoError(t, shared.err)
	return shared.c
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.c != nil {
		shared.c.close()
	}
	os.Exit(code)
}

// testOptions are the demo's defaults scaled for a test, on the shared cluster: a smaller
// export, so that it fits between two deployments even on a loaded machine.
func testOptions(t *testing.T, args ...string) options {
	t.Helper()
	o, err := parseOptions(args, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	o.exportRows = 4_000
	o.cluster = sharedCluster(t)
	return o
}

// output collects what run prints and spots in it the live report's address and the end of the
// run.
type output struct {
	mu       sync.Mutex
	buf      strings.Builder
	url      chan string
	finished chan struct{}
}

func newOutput(t *testing.T) (*output, io.Writer) {
	out := &output{url: make(chan string, 1), finished: make(chan struct{})}
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			out.mu.Lock()
			out.buf.WriteString(line + "\n")
			out.mu.Unlock()
			if u, ok := strings.CutPrefix(line, "live report at "); ok {
				out.url <- u
			}
			if strings.HasPrefix(line, "the report stays at ") {
				close(out.finished)
			}
		}
	}()
	return out, w
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// TestDemoShortRun runs the demo for a few seconds with fast switching, serving the live report
// and writing the report file: no query failed or returned a wrong result, switches of both
// kinds happened, and the live data, the final summary and the file agree.
func TestDemoShortRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "demo.html")
	duration, every := "3s", "300ms"
	if raceEnabled { // every query is several times slower: deploy less often
		duration, every = "5s", "1s"
	}
	o := testOptions(t, "-duration", duration, "-switch-every", every, "-workers", "3", "-report", file, "-http", "127.0.0.1:0")
	out, stdout := newOutput(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- run(ctx, o, stdout, os.Stderr) }()

	var url string
	select {
	case url = <-out.url:
	case c := <-code:
		t.Fatalf("run ended with %d before serving the report:\n%s", c, out)
	}
	live, _ := get(t, url+"data.json", http.StatusOK) // while the run goes on
	select {
	case <-out.finished: // the page stays served after the run until ctx ends
	case c := <-code:
		t.Fatalf("run ended with %d without serving the final report:\n%s", c, out)
	}
	var rep Report
	body, _ := get(t, url+"data.json", http.StatusOK)
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	require.True(t, rep.Finished)
	var early Report
	require.NoError(t, json.Unmarshal([]byte(live), &early))
	assert.False(t, early.Finished, "served while running")
	page, _ := get(t, url, http.StatusOK)
	cancel()
	require.Equal(t, exitOK, <-code, "exit code; output:\n%s", out)

	tot := rep.Totals
	t.Logf("%d calls, %d switches (%d announced, %d abrupt), %d re-runs, %d replays", tot.Queries, tot.Switches, tot.Announced, tot.Abrupt, tot.Reruns, tot.Replays)
	assert.True(t, tot.Checked)
	assert.Zero(t, tot.Failed, "failed queries: %+v", rep.Failures)
	assert.Zero(t, tot.Wrong, "wrong results: %+v", rep.Failures)
	assert.Positive(t, tot.Queries)
	assert.GreaterOrEqual(t, tot.Announced, 1, "announced switches")
	assert.GreaterOrEqual(t, tot.Abrupt, 1, "abrupt switches")
	assert.Equal(t, tot.Switches, len(rep.Switches))
	assert.GreaterOrEqual(t, rep.Elapsed, 3.0)
	assert.NotEmpty(t, rep.Band)
	assert.Contains(t, page, "PASS: every query succeeded with the right result")

	text := out.String()
	assert.Contains(t, text, "checks     every result checked against the data: 0 failed, 0 wrong")
	assert.Contains(t, text, "PASS: every query succeeded with the right result")
	assert.Contains(t, text, "report written to "+file)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"finished":true`)
	assert.Contains(t, string(b), "PASS: every query succeeded with the right result")
}

// TestScenariosCheckResults runs every scenario once on a quiet cluster (each must pass), then
// again against a corrupted answer key (each must report a wrong result): the checks can fail.
func TestScenariosCheckResults(t *testing.T) {
	d, err := setup(context.Background(), testOptions(t), io.Discard)
	require.NoError(t, err)
	defer d.close()
	d.env.facts = cloneFacts(d.env.facts) // corrupted below
	scs := append(demoScenarios(), exportScenarios(2_000)...)
	scs = append(scs, customScenario(`SELECT id FROM customers WHERE country = 'IN'`))
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sc := range scs {
		o := sc.run(context.Background(), d.env.db, d.env.facts, rng)
		require.NoError(t, o.err, sc.name)
		assert.Positive(t, o.rows, sc.name)
		assert.Positive(t, o.statements, "%s: the driver described its statements", sc.name)
		assert.Zero(t, o.reruns+o.replays, sc.name)
		assert.Equal(t, d.srv.ActiveStrategy(), o.colour, sc.name)
	}

	corrupt(d.env.facts)
	for _, sc := range scs {
		if sc.kind == "custom" {
			continue // not checked
		}
		o := sc.run(context.Background(), d.env.db, d.env.facts, rng)
		assert.ErrorIs(t, o.err, errWrong, sc.name)
	}
}

// cloneFacts copies f deeply enough for corrupt.
func cloneFacts(f *facts) *facts {
	c := *f
	c.orders, c.customers, c.products = slices.Clone(f.orders), slices.Clone(f.customers), slices.Clone(f.products)
	c.statusBoard, c.countryBoard, c.dayBoard = cloneMap(f.statusBoard), cloneMap(f.countryBoard), cloneMap(f.dayBoard)
	c.topCustomers, c.countries = cloneMap(f.topCustomers), slices.Clone(f.countries)
	c.topProducts, c.loyal = map[string]map[string][]unitsRow{}, map[loyalKey][]int64{}
	for k, v := range f.topProducts {
		c.topProducts[k] = cloneMap(v)
	}
	for k, v := range f.loyal {
		c.loyal[k] = slices.Clone(v)
	}
	c.aboveAverage, c.statusQty = maps.Clone(f.aboveAverage), maps.Clone(f.statusQty)
	return &c
}

func cloneMap[K comparable, V any](m map[K][]V) map[K][]V {
	c := make(map[K][]V, len(m))
	for k, v := range m {
		c[k] = slices.Clone(v)
	}
	return c
}

// corrupt changes every answer in f.
func corrupt(f *facts) {
	for i := range f.orders {
		f.orders[i].quantity.Int32++
	}
	for i := range f.customers {
		f.customers[i].name += "?"
	}
	for i := range f.products {
		f.products[i].sku += "?"
	}
	for _, rows := range f.statusBoard {
		for i := range rows {
			rows[i].Units++
		}
	}
	for _, rows := range f.countryBoard {
		for i := range rows {
			rows[i].Buyers++
		}
	}
	for _, rows := range f.dayBoard {
		for i := range rows {
			rows[i].Orders++
		}
	}
	for _, rows := range f.topCustomers {
		for i := range rows {
			rows[i].Units++
		}
	}
	for _, byCategory := range f.topProducts {
		for _, rows := range byCategory {
			for i := range rows {
				rows[i].ID++
			}
		}
	}
	for k := range f.aboveAverage {
		f.aboveAverage[k]++
	}
	for k := range f.statusQty {
		f.statusQty[k]++
	}
	for k, ids := range f.loyal {
		f.loyal[k] = append(ids, 0)
	}
	f.countries = append(f.countries, "XX")
}

// TestDSNMode runs the workload against a cluster given by -dsn (here a standalone mock with
// the demo dataset): no deployments, results not checked; with -query, only that query.
func TestDSNMode(t *testing.T) {
	srv := sharedCluster(t).srv
	for _, tc := range []struct {
		name  string
		query string
		kinds []string
	}{
		{"demo workload", "", []string{"interactive", "export"}},
		{"own query", `SELECT country, COUNT(*) AS n FROM customers GROUP BY country`, []string{"custom"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(t, "-duration", "1s", "-workers", "2", "-query", tc.query)
			o.dsn = srv.DSN()
			out, stdout := newOutput(t)
			d, err := setup(context.Background(), o, stdout)
			require.NoError(t, err)
			defer d.close()
			rep, interrupted := d.runWorkload(context.Background(), stdout)
			require.False(t, interrupted)
			assert.Equal(t, "cluster", rep.Mode)
			assert.False(t, rep.Totals.Checked)
			assert.Zero(t, rep.Totals.Failed, "%+v", rep.Failures)
			assert.Zero(t, rep.Totals.Switches)
			assert.Equal(t, srv.ActiveStrategy(), rep.Totals.Colour)
			assert.NotEmpty(t, rep.Band, "the band follows the queries' colour")
			kinds := map[string]bool{}
			for _, s := range rep.Scenarios {
				kinds[s.Kind] = true
				if s.Kind != "export" && s.Kind != "custom" {
					kinds["interactive"] = true
				}
			}
			for _, k := range tc.kinds {
				assert.True(t, kinds[k], "a query of kind %s ran; ran: %v", k, kinds)
			}
			if tc.query != "" {
				assert.Len(t, rep.Scenarios, 1, "only the -query")
			}
			assert.NotContains(t, summaryText(rep), "checks")
			assert.Contains(t, out.String(), "no deployments, results not checked")
		})
	}
}

// TestRunSetupErrors: a demo that cannot start exits with exitSetup and says why.
func TestRunSetupErrors(t *testing.T) {
	var stderr strings.Builder
	o := testOptions(t, "-http", "256.0.0.1:1")
	assert.Equal(t, exitSetup, run(context.Background(), o, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "-http 256.0.0.1:1")

	stderr.Reset()
	o = testOptions(t, "-dsn", "mysql://x")
	assert.Equal(t, exitSetup, run(context.Background(), o, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "open GORM")
}

// TestRunFailsOnFailedQuery: a query error makes the run fail with exitFailed and the failure
// listed (the cluster of -dsn has no such table).
func TestRunFailsOnFailedQuery(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{})
	require.NoError(t, err)
	defer srv.Close()
	o := testOptions(t, "-duration", "300ms", "-workers", "1", "-query", "SELECT * FROM no_such_table")
	o.dsn = srv.DSN()
	var stdout strings.Builder
	assert.Equal(t, exitFailed, run(context.Background(), o, &stdout, io.Discard))
	assert.Contains(t, stdout.String(), "FAIL: ")
	assert.Contains(t, stdout.String(), "no_such_table")
}

// TestRunInterrupted: cancelling the context ends the run early with exitFailed, and the
// operation it cut is not counted as a failure.
func TestRunInterrupted(t *testing.T) {
	o := testOptions(t, "-duration", "1m")
	var stdout strings.Builder
	d, err := setup(context.Background(), o, &stdout)
	require.NoError(t, err)
	defer d.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(time.Second, cancel) // Ctrl-C a second into the run
	rep, interrupted := d.runWorkload(ctx, &stdout)
	assert.True(t, interrupted)
	assert.Zero(t, rep.Totals.Failed, "%+v", rep.Failures)
	assert.Less(t, rep.Elapsed, 60.0)
	assert.False(t, errors.Is(ctx.Err(), context.DeadlineExceeded))
}
