package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// sampleReport builds a report through the recorder, with a clock the test drives: 10 s, two
// announced and two abrupt switches, re-runs in seconds 2 and 6, a replay in second 6, a failed
// and a wrong result.
func sampleReport(t testing.TB) Report {
	t.Helper()
	start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	rec := newRecorder(start, func() time.Time { return at(10) })
	quick := &scenario{name: "orders page", kind: "paging"}
	export := &scenario{name: "export <25000> orders", kind: "stream", long: true}
	colour := "blue"
	switches := []struct {
		kind, from, to string
		at, took       float64
	}{
		{switchAnnounced, "blue", "green", 2.9, 0}, {switchAbrupt, "green", "blue", 4.1, 0.1},
		{switchAnnounced, "blue", "green", 5, 0}, {switchAbrupt, "green", "blue", 6.9, 0.1},
	}
	for i := range 100 {
		end := float64(i) / 10
		for len(switches) > 0 && switches[0].at <= end {
			sw := switches[0]
			rec.switched(sw.kind, sw.from, sw.to, at(sw.at), at(sw.at+sw.took))
			switches = switches[1:]
		}
		switch {
		case end >= 2.9 && end < 4.2, end >= 5 && end < 7:
			colour = "green"
		default:
			colour = "blue"
		}
		o := outcome{rows: 50, statements: 1, colour: colour, attempts: 1}
		switch i {
		case 25, 61:
			o.reruns, o.attempts = 1, 2
		case 62:
			o.err = errors.New("e6data: prepareStatementV2: boom </script><script>alert(1)</script>")
		case 63:
			o.err = wrongf("orders page 3: id #1 is 7, want 8")
		}
		rec.record(quick, at(end), time.Duration(1+i%7)*time.Millisecond, o)
	}
	rec.record(export, at(6.5), 3*time.Second, outcome{rows: 25000, statements: 1, replays: 1, replayedRows: 8192, colour: "green", attempts: 2})
	rec.finish(10 * time.Second)
	return rec.snapshot(meta{mode: "mock", initial: "blue", workers: 4, streams: 1, command: "go run ./examples/gorm -duration 10s"})
}

func TestSampleReport(t *testing.T) {
	r := sampleReport(t)
	tot := r.Totals
	assert.Equal(t, 101, tot.Queries)
	assert.Equal(t, 4, tot.Switches)
	assert.Equal(t, 2, tot.Announced)
	assert.Equal(t, 2, tot.Abrupt)
	assert.Equal(t, 2, tot.Reruns)
	assert.Equal(t, 1, tot.Replays)
	assert.Equal(t, int64(8192), tot.ReplayedRows)
	assert.Equal(t, 1, tot.Failed)
	assert.Equal(t, 1, tot.Wrong)
	assert.True(t, tot.Checked)
	require.Len(t, r.Seconds, 10)
	assert.Equal(t, 1, r.Seconds[2].Reruns)
	assert.Equal(t, [2]int{9, 1}, [2]int{r.Seconds[2].Blue, r.Seconds[2].Green}, "2.9 s was served by green")
	assert.Equal(t, [2]int{0, 10}, [2]int{r.Seconds[3].Blue, r.Seconds[3].Green})
	assert.Equal(t, 1, r.Seconds[6].Replays)
	assert.Equal(t, []Segment{{0, 2.9, "blue"}, {2.9, 4.2, "green"}, {4.2, 5, "blue"}, {5, 7, "green"}, {7, 10, "blue"}}, roundBand(r.Band),
		"a switch happens when its deployment returns")
	assert.InDelta(t, 100, r.Switches[1].WaitedMs, 0.01)
	require.Len(t, r.Failures, 2)
	assert.Equal(t, "failed", r.Failures[0].Kind)
	assert.Equal(t, "wrong", r.Failures[1].Kind)
	assert.Equal(t, "#3 announced blue→green at 5.00s (1.20s before)", r.Failures[0].LastSwitch)
	assert.Equal(t, 0, r.Seconds[6].Blue, "6.9 s asked for a switch to blue, which happened at 7 s")
}

func roundBand(b []Segment) []Segment {
	for i := range b {
		b[i].From = float64(int(b[i].From*1000+0.5)) / 1000
		b[i].To = float64(int(b[i].To*1000+0.5)) / 1000
	}
	return b
}

// TestRenderReport: the page is well-formed HTML with no external asset, carries the report's
// data as JSON that decodes back to the same report, and shows the summary tables.
func TestRenderReport(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	require.NoError(t, renderReport(&buf, r, false))
	page := buf.String()

	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	var data string
	var tables, rows int
	var external []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "data:") {
					external = append(external, n.Data+" "+a.Key+"="+a.Val)
				}
			}
			switch n.Data {
			case "script":
				if attr(n, "id") == "data" && n.FirstChild != nil {
					data = n.FirstChild.Data
				}
			case "table":
				tables++
			case "tr":
				rows++
			case "link":
				assert.Equal(t, "icon", attr(n, "rel"), "no stylesheet or other linked asset")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	assert.Empty(t, external, "self-contained: no external assets")
	var back Report
	require.NoError(t, json.Unmarshal([]byte(data), &back), "the embedded data is JSON")
	assert.Equal(t, r.Totals, back.Totals)
	assert.Equal(t, r.Switches, back.Switches)
	assert.Equal(t, r.Seconds, back.Seconds)
	assert.Equal(t, r.Failures, back.Failures)
	assert.Equal(t, 3, tables, "queries, switches, failures")
	assert.Equal(t, 3+len(r.Scenarios)+len(r.Switches)+len(r.Failures), rows)
	assert.Contains(t, page, "FAIL: 1 failed, 1 wrong")
	assert.Contains(t, page, "export &lt;25000&gt; orders", "names are escaped")
	assert.NotContains(t, page, "<script>alert(1)</script>", "an error text cannot inject markup")
	assert.Contains(t, page, "#3 announced blue→green at 5.00s")
	assert.NotContains(t, page, "setTimeout(refresh", "a report file does not poll")

	buf.Reset()
	require.NoError(t, renderReport(&buf, r, true))
	assert.Contains(t, buf.String(), "setTimeout(refresh", "the live page polls")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestRenderVerdicts(t *testing.T) {
	pass := Report{Finished: true, Totals: Totals{Checked: true}}
	unchecked := Report{Finished: true}
	running := Report{}
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"pass", pass, "PASS: every query succeeded with the right result"},
		{"unchecked", unchecked, "PASS: every query succeeded (results not checked)"},
		{"running", running, "running…"},
	} {
		var buf bytes.Buffer
		require.NoError(t, renderReport(&buf, tc.r, false), tc.name)
		assert.Contains(t, buf.String(), tc.want, tc.name)
	}
}

func TestWriteReportFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.html")
	require.NoError(t, writeReportFile(path, sampleReport(t)))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "<!DOCTYPE html>"))
	err = writeReportFile(filepath.Join(t.TempDir(), "missing", "demo.html"), sampleReport(t))
	assert.ErrorContains(t, err, "-report")
}

// TestReportServer: / serves the live page, /data.json the report, anything else 404.
func TestReportServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := sampleReport(t)
	s := newReportServer(ln, func() Report { return r })
	defer s.close()

	body, ctype := get(t, s.url, http.StatusOK)
	assert.Equal(t, "text/html; charset=utf-8", ctype)
	assert.Contains(t, body, "setTimeout(refresh")
	body, ctype = get(t, s.url+"data.json", http.StatusOK)
	assert.Equal(t, "application/json", ctype)
	var back Report
	require.NoError(t, json.Unmarshal([]byte(body), &back))
	assert.Equal(t, r.Totals, back.Totals)
	get(t, s.url+"nothing", http.StatusNotFound)
}

func get(t *testing.T, url string, status int) (body, contentType string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, status, resp.StatusCode, url)
	return string(b), resp.Header.Get("Content-Type")
}
