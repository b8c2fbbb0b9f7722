package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumInstall is how CI gets the browser these tests drive.
const chromiumInstall = "apt-get update && apt-get install -y chromium"

// browser starts a headless Chromium for the test, or skips it when there is none.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no chromium binary found, so the report page is not checked in a browser; install it with: " + chromiumInstall)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.WindowSize(1200, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first action starts the browser; it lives as long as ctx.
	require.NoError(t, chromedp.Do(ctx), "start %s", path)
	return ctx
}

// consoleErrors collects the page's console errors and uncaught exceptions from now on.
func consoleErrors(ctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// chartCounts is what the chart drew, counted in the page.
type chartCounts struct {
	Bars      int     `json:"bars"`
	Bad       int     `json:"bad"`
	P50       int     `json:"p50"`
	P99       int     `json:"p99"`
	Blue      int     `json:"blue"`
	Green     int     `json:"green"`
	Announced int     `json:"announced"`
	Abrupt    int     `json:"abrupt"`
	Marks     int     `json:"marks"`
	Reruns    int     `json:"reruns"`
	Replays   int     `json:"replays"`
	Width     float64 `json:"width"`
	Finished  bool    `json:"finished"`
	Verdict   string  `json:"verdict"`
}

const countChart = `(() => {
	const s = document.getElementById("chart"), n = q => s.querySelectorAll(q).length;
	return {
		bars: n("g.throughput rect.bar:not(.bad)"), bad: n("g.throughput rect.bar.bad"),
		p50: n("g.latency path.p50"), p99: n("g.latency path.p99"),
		blue: n("g.band rect.band-seg.blue"), green: n("g.band rect.band-seg.green"),
		announced: n("g.switches line.switch.announced"), abrupt: n("g.switches line.switch.abrupt"),
		marks: n("g.switches path.switch-mark"),
		reruns: n("g.reruns circle.rerun"), replays: n("g.replays path.replay"),
		width: s.getBoundingClientRect().width,
		finished: window.e6demo.data.finished,
		verdict: document.getElementById("verdict").textContent,
	};
})()`

// wantCounts is what the chart must draw for r.
func wantCounts(r Report) chartCounts {
	var c chartCounts
	for _, s := range r.Seconds {
		c.Bars++
		if s.Failed+s.Wrong > 0 {
			c.Bad++
		}
		if s.Reruns > 0 {
			c.Reruns++
		}
		if s.Replays > 0 {
			c.Replays++
		}
	}
	c.P50, c.P99 = 1, 1
	for _, b := range r.Band {
		if b.Colour == "blue" {
			c.Blue++
		} else {
			c.Green++
		}
	}
	c.Announced, c.Abrupt, c.Marks = r.Totals.Announced, r.Totals.Abrupt, r.Totals.Switches
	c.Finished = r.Finished
	return c
}

// TestReportInBrowser opens a report file in headless Chromium: the chart has a bar per second,
// both latency lines, the colour band, a line per switch of each kind, and the re-run and
// replay marks, and the page logs no error.
func TestReportInBrowser(t *testing.T) {
	ctx := browser(t)
	r := sampleReport(t)
	path := filepath.Join(t.TempDir(), "demo.html")
	require.NoError(t, writeReportFile(path, r))

	errs := consoleErrors(ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate("file://"+path),
		chromedp.WaitVisible(chromedp.CSS("#chart path.p99")),
	))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[chartCounts](countChart))
	require.NoError(t, err)
	want := wantCounts(r)
	want.Width, want.Verdict = got.Width, got.Verdict
	assert.Equal(t, want, got)
	assert.Greater(t, got.Width, 500.0, "the chart is laid out")
	assert.Equal(t, "FAIL: 1 failed, 1 wrong", got.Verdict)
	assert.Equal(t, 5, got.Blue+got.Green, "five stretches of colour")
	assert.Empty(t, errs(), "console errors")

	if dir := os.Getenv("E6DEMO_SCREENSHOT_DIR"); dir != "" { // for a look by eye
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "report.png"), png, 0o644))
	}
}

// TestLivePageInBrowser serves the live page while the "run" goes on: the page polls, takes the
// newer report (more switches, then finished) and redraws, with no console error.
func TestLivePageInBrowser(t *testing.T) {
	ctx := browser(t)
	final := sampleReport(t)
	early := final
	early.Finished = false
	early.Seconds = final.Seconds[:3]
	early.Switches = final.Switches[:1]
	early.Totals.Switches, early.Totals.Announced, early.Totals.Abrupt = 1, 1, 0
	early.Band = band("blue", early.Switches, early.Seconds, 3)
	var served atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := newReportServer(ln, func() Report {
		if served.Add(1) == 1 {
			return early
		}
		return final
	})
	defer s.close()

	errs := consoleErrors(ctx)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.url),
		chromedp.WaitVisible(chromedp.CSS("#chart path.p50")),
	))
	first, err := chromedp.Run(ctx, chromedp.Evaluate[chartCounts](countChart))
	require.NoError(t, err)
	assert.Equal(t, 3, first.Bars)
	assert.Equal(t, 1, first.Announced)
	assert.Equal(t, "running…", first.Verdict)

	pollCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err = chromedp.Run(pollCtx, chromedp.Poll[bool](`window.e6demo.data.finished`, chromedp.WithPollingInterval(50*time.Millisecond)))
	require.NoError(t, err, "the page took the finished report")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[chartCounts](countChart))
	require.NoError(t, err)
	want := wantCounts(final)
	want.Width, want.Verdict = got.Width, got.Verdict
	assert.Equal(t, want, got)
	assert.Equal(t, "FAIL: 1 failed, 1 wrong", got.Verdict, "the summary was replaced too")
	assert.Empty(t, errs(), "console errors")
}
