package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// options are the demo's command-line settings.
type options struct {
	duration     time.Duration
	workers      int
	switchEvery  time.Duration
	drainTimeout time.Duration
	report       string // HTML report file
	httpAddr     string // serve the report live
	dsn          string // a cluster to run against instead of the mock
	query        string // the user's own query
	seed         uint64
	command      string // the command line, for the report

	// exportRows is how many orders the export worker reads in batches (a quarter of them in
	// one stream); all 100,000 by default, fewer in tests.
	exportRows int
	// cluster, when set, is the mock cluster to run on instead of starting one (tests share
	// one: loading the dataset takes a minute under -race).
	cluster *mockCluster

	telemetry telemetryOptions
}

// errUsage reports bad flags; the message says what to change.
var errUsage = errors.New("usage")

// parseOptions reads the flags in args; getenv supplies E6DATA_DSN.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	o := options{exportRows: 100_000}
	fs := flag.NewFlagSet("gorm-demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: go run ./examples/gorm [flags]

Runs an analytics workload through GORM and the e6data driver while the in-process mock cluster
performs blue/green deployments (announced and abrupt), checks every result against the data,
and exits non-zero if any query failed or returned a wrong result.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long the workload runs")
	fs.IntVar(&o.workers, "workers", 3, "concurrent workers issuing interactive queries (one more streams the export)")
	fs.DurationVar(&o.switchEvery, "switch-every", 800*time.Millisecond, "interval between blue/green deployments of the mock cluster, alternately announced and abrupt")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", time.Second, "how long an announced deployment lets the old colour finish its running queries before it retires it (and cuts those still running); the next deployment waits for it")
	fs.StringVar(&o.report, "report", "", "write the HTML report (timeline chart and summary) to this file")
	fs.StringVar(&o.httpAddr, "http", "", "serve the report live on this address (e.g. 127.0.0.1:8080) while the demo runs, and after it until interrupted")
	// Not the flag's default: -h would print the DSN, token included.
	fs.StringVar(&o.dsn, "dsn", "", "run against this cluster instead of the mock (default $E6DATA_DSN): no deployments, no result checks")
	fs.StringVar(&o.query, "query", "", "your own SQL query: with -dsn the workers run only it; with the mock it joins the mix (unchecked)")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the workload's random choices, to repeat a run (default: a new one, printed in the summary)")
	registerTelemetryFlags(fs, &o.telemetry)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.dsn == "" {
		o.dsn = getenv("E6DATA_DSN")
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected arguments %q: every option is a flag (see -h)", errUsage, fs.Args())
	}
	var problems []string
	if o.duration <= 0 {
		problems = append(problems, fmt.Sprintf("-duration %s: want a positive duration, e.g. 20s", o.duration))
	}
	if o.workers < 1 || o.workers > 256 {
		problems = append(problems, fmt.Sprintf("-workers %d: want 1 to 256", o.workers))
	}
	if o.switchEvery <= 0 {
		problems = append(problems, fmt.Sprintf("-switch-every %s: want a positive duration, e.g. 800ms", o.switchEvery))
	}
	if o.drainTimeout <= 0 {
		problems = append(problems, fmt.Sprintf("-drain-timeout %s: want a positive duration, e.g. 1s", o.drainTimeout))
	}
	if strings.TrimSpace(o.query) == "" && o.query != "" {
		problems = append(problems, "-query is blank: give an SQL query or leave the flag out")
	}
	if len(problems) > 0 {
		return o, fmt.Errorf("%w: %s", errUsage, strings.Join(problems, "; "))
	}
	o.command = "go run ./examples/gorm"
	if len(args) > 0 {
		o.command += " " + strings.Join(redactArgs(args), " ")
	}
	return o, nil
}

// redactArgs returns args with the value of -dsn replaced: a DSN carries a token.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	hide := false
	for i, a := range args {
		switch {
		case hide:
			out[i], hide = "<dsn>", false
		case a == "-dsn" || a == "--dsn":
			out[i], hide = a, true
		case strings.HasPrefix(a, "-dsn=") || strings.HasPrefix(a, "--dsn="):
			out[i] = a[:strings.IndexByte(a, '=')+1] + "<dsn>"
		default:
			out[i] = a
		}
		if strings.ContainsAny(out[i], " \t\"'") {
			out[i] = strconv.Quote(out[i])
		}
	}
	return out
}
