package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// exported is what one scrape of the Prometheus handler returned: each series name with its
// label names, and the value of each label-less-aggregated series (summed over its labels).
type exported struct {
	labels map[string]map[string]bool // series name → label names
	sums   map[string]float64         // series name → sum over its series
}

// scrapeMetrics GETs url and parses the Prometheus text format.
func scrapeMetrics(ctx context.Context, url string) (exported, error) {
	out := exported{labels: map[string]map[string]bool{}, sums: map[string]float64{}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return out, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	labelName := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		end := strings.IndexAny(line, "{ ")
		if end < 0 {
			return out, fmt.Errorf("scrape: malformed line %q", line)
		}
		name := line[:end]
		if out.labels[name] == nil {
			out.labels[name] = map[string]bool{}
		}
		rest := line[end:]
		if strings.HasPrefix(rest, "{") {
			close := strings.LastIndex(rest, "}")
			if close < 0 {
				return out, fmt.Errorf("scrape: malformed line %q", line)
			}
			for _, m := range labelName.FindAllStringSubmatch(rest[:close], -1) {
				out.labels[name][m[1]] = true
			}
			rest = rest[close+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return out, fmt.Errorf("scrape: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return out, fmt.Errorf("scrape: value of %q: %w", line, err)
		}
		out.sums[name] += v
	}
	return out, sc.Err()
}

// dashboardRefs is what the dashboard's PromQL expressions name: metrics, and label names.
type dashboardRefs struct {
	metrics map[string]bool
	labels  map[string]bool
}

var (
	promMatchers = regexp.MustCompile(`\{([^}]*)\}`)
	promMatcher  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)`)
	promGrouping = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)
	promLabelVal = regexp.MustCompile(`label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)`)
	promRange    = regexp.MustCompile(`\[[^\]]*\]`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	legendLabel  = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
)

// parseDashboard reads a Grafana dashboard and returns what its queries name. Metric names are
// the identifiers left once label matchers, groupings and ranges are taken out, other than
// PromQL's own words (functions, aggregations, keywords) and Grafana's $variables.
func parseDashboard(raw []byte) (dashboardRefs, error) {
	refs := dashboardRefs{metrics: map[string]bool{}, labels: map[string]bool{}}
	var d struct {
		Panels []struct {
			Type    string `json:"type"`
			Targets []struct {
				Expr         string `json:"expr"`
				LegendFormat string `json:"legendFormat"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Type  string          `json:"type"`
				Query json.RawMessage `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return refs, fmt.Errorf("dashboard.json: %w", err)
	}
	promWords := map[string]bool{}
	for _, w := range strings.Fields(`sum max min avg count rate increase irate histogram_quantile by without
		on ignoring group_left group_right and or unless bool offset label_values topk bottomk clamp_min abs`) {
		promWords[w] = true
	}
	addExpr := func(expr string) {
		for _, m := range promLabelVal.FindAllStringSubmatch(expr, -1) {
			refs.metrics[m[1]] = true
			refs.labels[m[2]] = true
		}
		expr = promLabelVal.ReplaceAllString(expr, "")
		for _, m := range promMatchers.FindAllStringSubmatch(expr, -1) {
			for _, l := range promMatcher.FindAllStringSubmatch(m[1], -1) {
				refs.labels[l[1]] = true
			}
		}
		expr = promMatchers.ReplaceAllString(expr, " ")
		for _, m := range promGrouping.FindAllStringSubmatch(expr, -1) {
			for l := range strings.SplitSeq(m[1], ",") {
				if l = strings.TrimSpace(l); l != "" {
					refs.labels[l] = true
				}
			}
		}
		expr = promGrouping.ReplaceAllString(expr, " ")
		expr = promRange.ReplaceAllString(expr, " ")
		expr = regexp.MustCompile(`\$\w+`).ReplaceAllString(expr, " ")
		for _, id := range promIdent.FindAllString(expr, -1) {
			if !promWords[id] {
				refs.metrics[id] = true
			}
		}
	}
	exprs := 0
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			if strings.TrimSpace(t.Expr) == "" {
				return refs, fmt.Errorf("dashboard.json: a %s panel has a target without an expression", p.Type)
			}
			addExpr(t.Expr)
			exprs++
			for _, m := range legendLabel.FindAllStringSubmatch(t.LegendFormat, -1) {
				refs.labels[m[1]] = true
			}
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			var s string
			if err := json.Unmarshal(v.Query, &s); err != nil {
				return refs, fmt.Errorf("dashboard.json: variable query: %w", err)
			}
			q.Query = s
		}
		addExpr(q.Query)
	}
	if exprs == 0 {
		return refs, errors.New("dashboard.json: no PromQL expression")
	}
	return refs, nil
}

// TestDashboardMetricsAreExported runs queries against the mock through a driver whose metrics
// go to serveMetrics, with switches that make queries re-run, replay and be interrupted, and a
// suspension the driver resumes; then it scrapes the Prometheus handler and checks that every
// metric and label dashboard.json names is one the driver exported.
func TestDashboardMetricsAreExported(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	mp, shutdown, err := serveMetricsOn(ln)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, shutdown(ctx))
	})

	srv, err := mock.NewServer(mock.Options{BatchRows: 100, ClusterName: fmt.Sprintf("metrics-%d", os.Getpid())})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	_, err = srv.Exec(`CREATE TABLE numbers (n BIGINT)`)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c`)
	require.NoError(t, err)

	dsn := srv.DSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	cfg, err := connector.ParseDSN(dsn + sep + "prefetch=1&resume-poll-interval=100ms")
	require.NoError(t, err)
	cfg.StrategyOptions.MeterProvider = mp
	c, err := connector.NewConnector(*cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	one := func() {
		t.Helper()
		var v int64
		require.NoError(t, db.QueryRowContext(ctx, `SELECT 1`).Scan(&v))
	}
	// stream reads query, making an abrupt switch after row 250.
	stream := func(query string) error {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n int64
			var r any
			dest := []any{&n}
			if cols, _ := rows.Columns(); len(cols) == 2 {
				dest = append(dest, &r)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if n == 250 {
				srv.SwitchAbrupt()
			}
		}
		return rows.Err()
	}

	one() // detection: blue
	// After an abrupt switch the next query meets a 456, re-detects (a switch) and re-runs.
	srv.SwitchAbrupt()
	one()
	require.NoError(t, stream(`SELECT n FROM numbers ORDER BY n`), "cut mid-stream, resumed by replay")
	err = stream(`SELECT n, random() AS r FROM numbers ORDER BY n`)
	require.ErrorIs(t, err, connector.ErrQueryInterrupted, "the replay returned other rows")
	srv.Suspend()
	one() // the driver resumes the cluster and runs the query
	srv.Switch()
	one() // an announced switch: this query's replies carry the hint
	one() // the first query on the new colour confirms the switch (Health counts it then)

	// Each query's clear, which releases its pin, goes out in the background after it returned.
	require.Eventually(t, func() bool { return len(c.Health().InFlight) == 0 }, 10*time.Second, time.Millisecond,
		"pins left: %v", c.Health().InFlight)
	got, err := scrapeMetrics(ctx, "http://"+ln.Addr().String()+metricsPath)
	require.NoError(t, err)

	raw, err := os.ReadFile("dashboard.json")
	require.NoError(t, err)
	refs, err := parseDashboard(raw)
	require.NoError(t, err)

	// What the issue asks the dashboard to show.
	for _, m := range []string{
		"e6data_strategy_active",               // colour per cluster
		"e6data_strategy_switches_total",       // switches
		"e6data_strategy_wrong_strategy_total", // 456 rate
		"e6data_query_retries_total",           // re-runs
		"e6data_query_replays_total",           // replays
		"e6data_query_interrupted_total",       // interrupted queries
		"e6data_strategy_pins",                 // in-flight pins
		"e6data_query_duration_seconds_bucket", // latency
	} {
		assert.True(t, refs.metrics[m], "the dashboard shows %s", m)
	}

	exportedLabels := map[string]bool{}
	for name, ls := range got.labels {
		if strings.HasPrefix(name, "e6data_") {
			for l := range ls {
				exportedLabels[l] = true
			}
		}
	}
	var names []string
	for name := range got.labels {
		if strings.HasPrefix(name, "e6data_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for m := range refs.metrics {
		assert.Contains(t, got.labels, m, "dashboard.json names %s, which the driver does not export; it exports %v", m, names)
	}
	for l := range refs.labels {
		assert.True(t, exportedLabels[l], "dashboard.json uses label %s, which no e6data metric has", l)
	}

	// The values are the driver's: the counters saw what happened above.
	h := c.Health()
	assert.Equal(t, float64(h.Switches), got.sums["e6data_strategy_switches_total"], "switches")
	assert.GreaterOrEqual(t, h.Switches, 4, "three abrupt switches and an announced one")
	assert.Equal(t, 1.0, got.sums["e6data_query_replays_total"])
	assert.GreaterOrEqual(t, got.sums["e6data_query_replayed_rows_total"], 250.0)
	assert.Equal(t, 1.0, got.sums["e6data_query_interrupted_total"])
	assert.Equal(t, 1.0, got.sums["e6data_cluster_auto_resumes_total"])
	assert.Equal(t, 1.0, got.sums["e6data_strategy_active"], "one colour serves")
	assert.Equal(t, 0.0, got.sums["e6data_strategy_pins"], "no query is running")
	assert.Equal(t, 7.0, got.sums["e6data_query_duration_seconds_count"], "seven statements")
}

// TestParseDashboard checks the PromQL reading of the test above on expressions with known
// answers, so that a dashboard name it failed to see cannot pass unnoticed.
func TestParseDashboard(t *testing.T) {
	for _, tc := range []struct {
		name        string
		expr        string
		wantMetrics []string
		wantLabels  []string
	}{
		{"plain", `e6data_strategy_pins`, []string{"e6data_strategy_pins"}, nil},
		{"matchers and grouping", `sum by (e6data_cluster, strategy) (rate(e6data_query_retries_total{e6data_cluster=~"$cluster", success!="x"}[$__rate_interval]))`,
			[]string{"e6data_query_retries_total"}, []string{"e6data_cluster", "strategy", "success"}},
		{"quantile", `histogram_quantile(0.99, sum by (le) (rate(e6data_query_duration_seconds_bucket[5m])))`,
			[]string{"e6data_query_duration_seconds_bucket"}, []string{"le"}},
		{"binary", `max by (e6data_cluster) (a_metric{strategy="blue"}) + 2 * max without (x) (b_metric)`,
			[]string{"a_metric", "b_metric"}, []string{"e6data_cluster", "strategy", "x"}},
		{"label_values", `label_values(e6data_strategy_active, e6data_cluster)`, []string{"e6data_strategy_active"}, []string{"e6data_cluster"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := map[string]any{"panels": []any{map[string]any{"type": "timeseries", "targets": []any{map[string]any{"expr": tc.expr}}}}}
			raw, err := json.Marshal(d)
			require.NoError(t, err)
			refs, err := parseDashboard(raw)
			require.NoError(t, err)
			assert.ElementsMatch(t, tc.wantMetrics, refKeys(refs.metrics))
			assert.ElementsMatch(t, tc.wantLabels, refKeys(refs.labels))
		})
	}
	_, err := parseDashboard([]byte(`{"panels": []}`))
	assert.Error(t, err, "a dashboard without queries")
}

func refKeys(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}
