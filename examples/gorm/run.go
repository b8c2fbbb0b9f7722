package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/e6data/gorm-e6data/mock"
)

// Exit codes.
const (
	exitOK     = 0 // every query succeeded with the right result
	exitFailed = 1 // a query failed or returned a wrong result, or the run was interrupted
	exitSetup  = 2 // bad flags, or the demo could not start
)

// run runs the demo with o and returns the exit code. It prints the live progress line and the
// final summary to stdout and problems to stderr. Cancelling ctx interrupts the run (and, with
// -http, ends serving the report after it).
func run(ctx context.Context, o options, stdout, stderr io.Writer) int {
	d, err := setup(ctx, o, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "gorm demo: %v\n", err)
		return exitSetup
	}
	defer d.close()
	rep, interrupted := d.runWorkload(ctx, stdout)

	fmt.Fprint(stdout, summaryText(rep))
	code := exitOK
	switch {
	case interrupted:
		fmt.Fprintln(stdout, "INTERRUPTED before the end of the run")
		code = exitFailed
	case rep.Totals.Failed > 0 || rep.Totals.Wrong > 0:
		fmt.Fprintf(stdout, "FAIL: %d failed, %d wrong\n", rep.Totals.Failed, rep.Totals.Wrong)
		code = exitFailed
	case rep.Totals.Checked:
		fmt.Fprintln(stdout, "PASS: every query succeeded with the right result")
	default:
		fmt.Fprintln(stdout, "PASS: every query succeeded (results not checked)")
	}
	if o.report != "" {
		if err := writeReportFile(o.report, rep); err != nil {
			fmt.Fprintf(stderr, "gorm demo: %v\n", err)
			code = max(code, exitFailed)
		} else {
			fmt.Fprintf(stdout, "report written to %s\n", o.report)
		}
	}
	if d.web != nil && !interrupted {
		fmt.Fprintf(stdout, "the report stays at %s until interrupted (Ctrl-C)\n", d.web.url)
		<-ctx.Done()
	}
	return code
}

// demo is a set-up run: the cluster, GORM on it, the answer key and the report server.
type demo struct {
	o        options
	srv      *mock.Server // nil against a real cluster
	env      env
	meta     meta // guarded by mu once the report server runs
	web      *reportServer
	tel      telemetry
	closeFns []func()

	mu  sync.Mutex // guards rec for the report server
	rec *recorder
}

// setup starts the mock cluster (unless o.dsn is set), computes the answer key from its data,
// opens GORM and starts the report server.
func setup(ctx context.Context, o options, stdout io.Writer) (_ *demo, err error) {
	d := &demo{o: o}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	var ln net.Listener
	if o.httpAddr != "" { // first, so that a busy port fails before the long part
		if ln, err = net.Listen("tcp", o.httpAddr); err != nil {
			return nil, fmt.Errorf("-http %s: %w", o.httpAddr, err)
		}
		d.closeFns = append(d.closeFns, func() { _ = ln.Close() })
	}
	d.tel, err = setupTelemetry(ctx, o.telemetry, stdout)
	if err != nil {
		return nil, err
	}
	if d.tel.shutdown != nil {
		d.closeFns = append(d.closeFns, func() { _ = d.tel.shutdown(context.Background()) })
	}
	d.meta = meta{workers: o.workers, command: o.command, seed: o.seed}
	dsn := o.dsn
	if dsn == "" {
		begin := time.Now()
		m := o.cluster // tests share one
		if m == nil {
			if m, err = startMock(ctx, o.drainTimeout); err != nil {
				return nil, err
			}
			d.closeFns = append(d.closeFns, m.close)
		}
		d.srv, d.env.facts = m.srv, m.facts
		dsn = d.srv.DSN()
		d.meta.mode, d.meta.initial = "mock", d.srv.ActiveStrategy()
		fmt.Fprintf(stdout, "mock cluster on %s with the demo dataset (customers %d, products %d, orders %d); answer key read from its data file (%.1fs)\n",
			d.srv.Addr(), len(d.env.facts.customers)-1, len(d.env.facts.products)-1, len(d.env.facts.orders)-1, time.Since(begin).Seconds())
	} else {
		d.meta.mode = "cluster"
		fmt.Fprintln(stdout, "running against the cluster of -dsn: no deployments, results not checked")
	}
	db, err := openGORM(dsn, d.tel)
	if err != nil {
		return nil, fmt.Errorf("open GORM: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	d.closeFns = append(d.closeFns, func() { _ = sqlDB.Close() })
	d.env.db = db
	if ln != nil {
		d.web = newReportServer(ln, d.report)
		d.closeFns = append(d.closeFns, d.web.close)
		fmt.Fprintf(stdout, "live report at %s\n", d.web.url)
	}
	return d, nil
}

// close releases what setup acquired, in reverse order.
func (d *demo) close() {
	for i := len(d.closeFns) - 1; i >= 0; i-- {
		d.closeFns[i]()
	}
	d.closeFns = nil
}

// report returns the report so far (for the live page).
func (d *demo) report() Report {
	d.mu.Lock()
	rec, m := d.rec, d.meta
	d.mu.Unlock()
	if rec == nil {
		return Report{Mode: m.mode, Workers: m.workers, Command: m.command}
	}
	return rec.snapshot(m)
}

// runWorkload runs the workers (and, on the mock, the deployments) for the duration, showing
// progress, and returns the final report. interrupted is true when ctx ended first.
func (d *demo) runWorkload(ctx context.Context, stdout io.Writer) (rep Report, interrupted bool) {
	o := d.o
	start := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()

	scs := demoScenarios()
	long := [][]*scenario{exportScenarios(o.exportRows)}
	switch {
	case o.dsn != "" && o.query != "":
		scs, long = []*scenario{customScenario(o.query)}, nil
	case o.query != "":
		scs = append(scs, customScenario(o.query))
	}
	rec := newRecorder(start, time.Now)
	d.mu.Lock()
	d.rec, d.meta.streams = rec, len(long)
	m := d.meta
	d.mu.Unlock()

	var wg sync.WaitGroup
	seeds := rand.New(rand.NewPCG(o.seed, 0xE6DA7A))
	for range o.workers {
		rng := rand.New(rand.NewPCG(seeds.Uint64(), seeds.Uint64()))
		wg.Go(func() { worker(runCtx, ctx, d.env, scs, rng, rec) })
	}
	for _, scs := range long {
		rng := rand.New(rand.NewPCG(seeds.Uint64(), seeds.Uint64()))
		wg.Go(func() { worker(runCtx, ctx, d.env, scs, rng, rec) })
	}
	if d.srv != nil {
		wg.Go(func() { deployer(runCtx, d.srv, o.switchEvery, rec) })
	}

	stopProgress := showProgress(stdout, time.Second/2, func() Report { return rec.snapshot(m) })
	wg.Wait() // the operations in flight at the deadline run to their end
	rec.finish(time.Since(start))
	stopProgress()
	return rec.snapshot(m), ctx.Err() != nil
}

// meta describes the run for the report.
type meta struct {
	mode    string // "mock" or "cluster"
	initial string // the colour serving at the start, when the demo drives the cluster
	workers int
	streams int
	command string
	seed    uint64
}
