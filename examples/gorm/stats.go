package main

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	e6data "github.com/e6data/gorm-e6data"
)

// Kinds of blue/green switch.
const (
	switchAnnounced = "announced" // mock.Server.Switch: announced, old colour drains
	switchAbrupt    = "abrupt"    // mock.Server.SwitchAbrupt: no announcement, running queries cut
)

// outcome is what one workload operation (one GORM call, or a few for Preload and
// FindInBatches) did.
type outcome struct {
	rows         int64
	statements   int    // statements the driver described (QueryInfoOf)
	reruns       int    // transparent re-runs: attempts beyond the first, summed
	replays      int    // mid-stream resumes by replay
	replayedRows int64  // rows those replays read again
	colour       string // the colour that served the last statement
	attempts     int    // attempts of the last statement
	err          error  // the operation failed; errors.Is(err, errWrong) for a wrong result
}

// note adds what the driver learned about the statement tx ran.
func (o *outcome) note(tx *gorm.DB) {
	info, ok := e6data.QueryInfoOf(tx)
	if !ok {
		return
	}
	o.statements++
	o.reruns += max(info.Attempts-1, 0)
	o.replays += info.Replays
	o.replayedRows += info.ReplayedRows
	if info.Strategy != "" {
		o.colour = info.Strategy
	}
	o.attempts = info.Attempts
}

// fail records the first error of the operation.
func (o *outcome) fail(err error) {
	if o.err == nil && err != nil {
		o.err = err
	}
}

// recorder collects the outcomes of the run, per second and per scenario. Safe for concurrent
// use.
type recorder struct {
	mu        sync.Mutex
	start     time.Time
	now       func() time.Time
	seconds   []second
	scenarios []*scenarioStats // in the order of first use
	byName    map[string]*scenarioStats
	latencies []float64 // ms, interactive operations
	switches  []SwitchEvent
	failures  []Failure
	dropped   int // failures beyond maxFailures, counted only
	colour    string
	finished  bool
	elapsed   time.Duration
}

// maxFailures bounds the failures the report lists one by one.
const maxFailures = 50

type second struct {
	queries, failed, wrong int
	reruns, replays        int
	replayedRows           int64
	blue, green            int // operations served by each colour
	latencies              []float64
}

type scenarioStats struct {
	name, kind   string
	runs, failed int
	wrong        int
	rows         int64
	statements   int
	reruns       int
	replays      int
	replayedRows int64
	latencies    []float64
}

func newRecorder(start time.Time, now func() time.Time) *recorder {
	return &recorder{start: start, now: now, byName: map[string]*scenarioStats{}}
}

// at returns the seconds since the start.
func (r *recorder) at(t time.Time) float64 { return t.Sub(r.start).Seconds() }

// bucket returns the per-second bucket of t, growing the series as needed. r.mu is held.
func (r *recorder) bucket(t time.Time) *second {
	i := max(int(t.Sub(r.start)/time.Second), 0)
	for len(r.seconds) <= i {
		r.seconds = append(r.seconds, second{})
	}
	return &r.seconds[i]
}

// record adds one finished operation of scenario sc that took d and ended at end.
func (r *recorder) record(sc *scenario, end time.Time, d time.Duration, o outcome) {
	ms := float64(d) / float64(time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.bucket(end)
	st := r.byName[sc.name]
	if st == nil {
		st = &scenarioStats{name: sc.name, kind: sc.kind}
		r.byName[sc.name] = st
		r.scenarios = append(r.scenarios, st)
	}
	s.queries++
	st.runs++
	st.rows += o.rows
	st.statements += o.statements
	st.latencies = append(st.latencies, ms)
	if !sc.long {
		s.latencies = append(s.latencies, ms)
		r.latencies = append(r.latencies, ms)
	}
	s.reruns += o.reruns
	st.reruns += o.reruns
	s.replays += o.replays
	st.replays += o.replays
	s.replayedRows += o.replayedRows
	st.replayedRows += o.replayedRows
	switch o.colour {
	case "blue":
		s.blue++
	case "green":
		s.green++
	}
	if o.colour != "" {
		r.colour = o.colour
	}
	if o.err == nil {
		return
	}
	kind := "failed"
	if errors.Is(o.err, errWrong) {
		kind = "wrong"
		s.wrong++
		st.wrong++
	} else {
		s.failed++
		st.failed++
	}
	if len(r.failures) >= maxFailures {
		r.dropped++
		return
	}
	r.failures = append(r.failures, Failure{
		At: r.at(end), Scenario: sc.name, Kind: kind, Error: o.err.Error(), Colour: o.colour,
		Attempts: o.attempts, TookMs: ms, LastSwitch: r.lastSwitchLocked(end),
	})
}

// lastSwitchLocked describes the switch before t, for a failure's context. r.mu is held.
func (r *recorder) lastSwitchLocked(t time.Time) string {
	if len(r.switches) == 0 {
		return ""
	}
	sw := r.switches[len(r.switches)-1]
	return fmt.Sprintf("#%d %s %s→%s at %.2fs (%.2fs before)", len(r.switches), sw.Kind, sw.From, sw.To, sw.At, r.at(t)-sw.At)
}

// switched records a blue/green switch: the deployment was asked for at begin and switched at
// end (it first waits for the previous deployment's drain).
func (r *recorder) switched(kind, from, to string, begin, end time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.switches = append(r.switches, SwitchEvent{
		At: r.at(end), Kind: kind, From: from, To: to, WaitedMs: float64(end.Sub(begin)) / float64(time.Millisecond),
	})
}

// finish marks the run as over after elapsed.
func (r *recorder) finish(elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished, r.elapsed = true, elapsed
}

// Report is the outcome of a run, as the final summary, the HTML report and /data.json show it.
type Report struct {
	Mode      string            `json:"mode"` // "mock" or "cluster"
	Started   time.Time         `json:"started"`
	Elapsed   float64           `json:"elapsed"` // seconds
	Finished  bool              `json:"finished"`
	Workers   int               `json:"workers"`
	Streams   int               `json:"streams"` // workers streaming the large export
	Command   string            `json:"command"`
	Seed      uint64            `json:"seed"` // -seed to repeat the run's choices
	Totals    Totals            `json:"totals"`
	Seconds   []Second          `json:"seconds"`
	Band      []Segment         `json:"band"`
	Switches  []SwitchEvent     `json:"switches"`
	Scenarios []ScenarioSummary `json:"scenarios"`
	Failures  []Failure         `json:"failures"`
	Dropped   int               `json:"droppedFailures"`
}

// Totals sum up the run.
type Totals struct {
	Queries      int     `json:"queries"`
	Statements   int     `json:"statements"`
	Rows         int64   `json:"rows"`
	QPS          float64 `json:"qps"`
	P50          float64 `json:"p50"` // ms, interactive operations
	P99          float64 `json:"p99"`
	Switches     int     `json:"switches"`
	Announced    int     `json:"announced"`
	Abrupt       int     `json:"abrupt"`
	Reruns       int     `json:"reruns"`
	Replays      int     `json:"replays"`
	ReplayedRows int64   `json:"replayedRows"`
	Failed       int     `json:"failed"`
	Wrong        int     `json:"wrong"`
	Checked      bool    `json:"checked"` // results were checked against the data
	Colour       string  `json:"colour"`  // the colour that served the last query
}

// Second is one second of the timeline.
type Second struct {
	T            int     `json:"t"`
	Queries      int     `json:"queries"`
	P50          float64 `json:"p50"` // ms; 0 when no interactive operation ended that second
	P99          float64 `json:"p99"`
	Failed       int     `json:"failed"`
	Wrong        int     `json:"wrong"`
	Reruns       int     `json:"reruns"`
	Replays      int     `json:"replays"`
	ReplayedRows int64   `json:"replayedRows"`
	Blue         int     `json:"blue"`
	Green        int     `json:"green"`
}

// Segment is a stretch of time during which one colour served new queries.
type Segment struct {
	From   float64 `json:"from"` // seconds
	To     float64 `json:"to"`
	Colour string  `json:"colour"`
}

// SwitchEvent is one blue/green switch.
type SwitchEvent struct {
	At       float64 `json:"at"` // seconds
	Kind     string  `json:"kind"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	WaitedMs float64 `json:"waitedMs"` // how long the deployment waited for the previous one's drain to end
}

// ScenarioSummary sums up one kind of query.
type ScenarioSummary struct {
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	Runs         int     `json:"runs"`
	Statements   int     `json:"statements"`
	Rows         int64   `json:"rows"`
	P50          float64 `json:"p50"`
	P99          float64 `json:"p99"`
	Reruns       int     `json:"reruns"`
	Replays      int     `json:"replays"`
	ReplayedRows int64   `json:"replayedRows"`
	Failed       int     `json:"failed"`
	Wrong        int     `json:"wrong"`
}

// Failure is one failed or wrong operation, with what is needed to chase it.
type Failure struct {
	At         float64 `json:"at"`
	Scenario   string  `json:"scenario"`
	Kind       string  `json:"kind"` // "failed" or "wrong"
	Error      string  `json:"error"`
	Colour     string  `json:"colour"`
	Attempts   int     `json:"attempts"`
	TookMs     float64 `json:"tookMs"`
	LastSwitch string  `json:"lastSwitch"`
}

// snapshot returns the report so far. m.initial is the colour serving at the start ("" when
// unknown: the band then follows the colours that served the queries).
func (r *recorder) snapshot(m meta) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	elapsed := r.elapsed
	if !r.finished {
		elapsed = r.now().Sub(r.start)
	}
	rep := Report{
		Mode:     m.mode,
		Workers:  m.workers,
		Streams:  m.streams,
		Command:  m.command,
		Seed:     m.seed,
		Started:  r.start,
		Elapsed:  elapsed.Seconds(),
		Finished: r.finished,
		Switches: slices.Clone(r.switches),
		Failures: slices.Clone(r.failures),
		Dropped:  r.dropped,
	}
	t := &rep.Totals
	for i, s := range r.seconds {
		p50, p99 := percentiles(s.latencies)
		rep.Seconds = append(rep.Seconds, Second{
			T: i, Queries: s.queries, P50: p50, P99: p99, Failed: s.failed, Wrong: s.wrong,
			Reruns: s.reruns, Replays: s.replays, ReplayedRows: s.replayedRows, Blue: s.blue, Green: s.green,
		})
		t.Queries += s.queries
		t.Failed += s.failed
		t.Wrong += s.wrong
		t.Reruns += s.reruns
		t.Replays += s.replays
		t.ReplayedRows += s.replayedRows
	}
	for _, st := range r.scenarios {
		p50, p99 := percentiles(st.latencies)
		rep.Scenarios = append(rep.Scenarios, ScenarioSummary{
			Name: st.name, Kind: st.kind, Runs: st.runs, Statements: st.statements, Rows: st.rows,
			P50: p50, P99: p99, Reruns: st.reruns, Replays: st.replays, ReplayedRows: st.replayedRows,
			Failed: st.failed, Wrong: st.wrong,
		})
		t.Statements += st.statements
		t.Rows += st.rows
	}
	t.P50, t.P99 = percentiles(r.latencies)
	if elapsed > 0 {
		t.QPS = float64(t.Queries) / elapsed.Seconds()
	}
	for _, sw := range r.switches {
		t.Switches++
		if sw.Kind == switchAbrupt {
			t.Abrupt++
		} else {
			t.Announced++
		}
	}
	t.Colour = r.colour
	t.Checked = m.mode == "mock"
	rep.Band = band(m.initial, rep.Switches, rep.Seconds, rep.Elapsed)
	return rep
}

// band returns the serving colour over time: from the switches when the initial colour is
// known (the demo drives the cluster), else from the colour that served most queries each
// second.
func band(initial string, switches []SwitchEvent, seconds []Second, end float64) []Segment {
	var out []Segment
	add := func(from, to float64, colour string) {
		if to <= from || colour == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Colour == colour && out[n-1].To == from {
			out[n-1].To = to
			return
		}
		out = append(out, Segment{From: from, To: to, Colour: colour})
	}
	if initial != "" {
		at, colour := 0.0, initial
		for _, sw := range switches {
			add(at, sw.At, colour)
			at, colour = sw.At, sw.To
		}
		add(at, end, colour)
		return out
	}
	for _, s := range seconds {
		colour := ""
		switch {
		case s.Blue > s.Green:
			colour = "blue"
		case s.Green > s.Blue:
			colour = "green"
		}
		add(float64(s.T), math.Min(float64(s.T+1), end), colour)
	}
	return out
}

// percentiles returns the 50th and 99th percentiles (nearest rank) of ms; zeros for none.
func percentiles(ms []float64) (p50, p99 float64) {
	if len(ms) == 0 {
		return 0, 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return rank(50), rank(99)
}
