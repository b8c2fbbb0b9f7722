package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// showProgress prints the progress line every `every` until the returned stop is called. On a
// terminal it is one line rewritten in place; elsewhere (a pipe, a log, a test) a line every
// five seconds.
func showProgress(w io.Writer, every time.Duration, snapshot func() Report) (stop func()) {
	tty := isTerminal(w)
	if !tty {
		every = 5 * time.Second
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if tty {
					fmt.Fprint(w, "\r\x1b[K") // clear the line for the summary
				}
				return
			case <-t.C:
				line := progressLine(snapshot())
				if tty {
					fmt.Fprint(w, "\r\x1b[K"+line)
				} else {
					fmt.Fprintln(w, line)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine is the live status: throughput and latency of the last full second, the colour
// that served the last query, and the running totals.
func progressLine(r Report) string {
	var last Second
	if n := len(r.Seconds); n >= 2 {
		last = r.Seconds[n-2] // the last complete second
	} else if n == 1 {
		last = r.Seconds[0]
	}
	t := r.Totals
	colour := t.Colour
	if colour == "" {
		colour = "-"
	}
	return fmt.Sprintf("%5.1fs  %4d q/s  p50 %s  p99 %s  colour %-5s  switches %d (%d announced, %d abrupt)  re-runs %d  replays %d  failed %d  wrong %d",
		r.Elapsed, last.Queries, ms(last.P50), ms(last.P99), colour, t.Switches, t.Announced, t.Abrupt,
		t.Reruns, t.Replays, t.Failed, t.Wrong)
}

// ms formats milliseconds for humans.
func ms(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.1fms", v)
	case v < 10_000:
		return fmt.Sprintf("%.0fms", v)
	default:
		return fmt.Sprintf("%.1fs", v/1000)
	}
}

// summaryText is the final report printed at the end of the run.
func summaryText(r Report) string {
	var b strings.Builder
	t := r.Totals
	where := "the in-process mock cluster"
	if r.Mode == "cluster" {
		where = "the cluster of -dsn"
	}
	fmt.Fprintf(&b, "\ngorm-e6data demo: %.1fs against %s, %d workers + %d export stream(s), -seed %d\n", r.Elapsed, where, r.Workers, r.Streams, r.Seed)
	fmt.Fprintf(&b, "  queries    %d GORM calls (%d statements, %d rows), %.0f/s, p50 %s, p99 %s\n",
		t.Queries, t.Statements, t.Rows, t.QPS, ms(t.P50), ms(t.P99))
	fmt.Fprintf(&b, "  switches   %d: %d announced, %d abrupt\n", t.Switches, t.Announced, t.Abrupt)
	fmt.Fprintf(&b, "  re-runs    %d (transparent: a statement re-run on the new colour before its first row)\n", t.Reruns)
	fmt.Fprintf(&b, "  replays    %d (a stream cut mid-way and resumed; %d rows read again and verified)\n", t.Replays, t.ReplayedRows)
	if t.Checked {
		fmt.Fprintf(&b, "  checks     every result checked against the data: %d failed, %d wrong\n", t.Failed, t.Wrong)
	} else {
		fmt.Fprintf(&b, "  errors     %d failed (results not checked)\n", t.Failed)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tkind\tcalls\trows\tp50\tp99\tre-runs\treplays\tfailed\twrong\t")
	for _, s := range r.Scenarios {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t\n", s.Name, s.Kind, s.Runs, s.Rows, ms(s.P50), ms(s.P99), s.Reruns, s.Replays, s.Failed, s.Wrong)
	}
	_ = tw.Flush()
	if len(r.Failures) > 0 {
		b.WriteString("\nfailures (time, scenario, colour, attempts, last switch: error):\n")
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "  %6.2fs %s %s, colour %s, %d attempt(s), after switch %s:\n      %s\n",
				f.At, f.Kind, f.Scenario, f.Colour, f.Attempts, f.LastSwitch, f.Error)
		}
		if r.Dropped > 0 {
			fmt.Fprintf(&b, "  … and %d more\n", r.Dropped)
		}
	}
	b.WriteString("\n")
	return b.String()
}
