package bluegreen

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/e6data/gorm-e6data/strategy"
)

// meters is what the State records. The OpenTelemetry implementation below is the only one;
// the interface keeps the metric API out of the rest of the package.
type meters interface {
	detection(d time.Duration, ok bool)
	wrongStrategy(method string)
	retry()
	interrupted()
	autoResume()
	switched()
	switchDuration(d time.Duration)
	rolledBack()
	invalidated()
	pins(colour string, delta int64)
	active(colour string)
	query(d time.Duration, colour string, ok bool)
	replay(rows int64)
}

type otelMeters struct {
	detections, wrong, retries, interrupts, switches, rollbacks, invalids, resumes metric.Int64Counter
	detectDur, switchDur                                                           metric.Float64Histogram
	pinCount                                                                       metric.Int64UpDownCounter
	replays, replayedRows                                                          metric.Int64Counter
	queryDur                                                                       metric.Float64Histogram
	activeGauge                                                                    metric.Int64Gauge

	// Precomputed options so the hot paths (pins) do not allocate.
	base                []metric.AddOption
	okOpts, failOpts    []metric.RecordOption
	okAdd, failAdd      []metric.AddOption
	bluePins, greenPins []metric.AddOption
	cluster, endpoint   attribute.KeyValue
	switchRecord        []metric.RecordOption
	blueActive          []metric.RecordOption
	greenActive         []metric.RecordOption
	queryOpts           map[queryOutcome][]metric.RecordOption
}

// queryOutcome is the attribute set of one query duration: its colour and success.
type queryOutcome struct {
	colour string
	ok     bool
}

// secondsBuckets are the histogram bucket bounds of the durations, in seconds (OpenTelemetry's
// default bounds suit milliseconds: in seconds they would put every query in one bucket). From
// a millisecond, a query against a nearby or in-process cluster, to 5 minutes.
var secondsBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// newMeters builds the instruments on mp (nil: no-op). Instrument errors fall back to no-op
// instruments: metrics never fail the driver.
func newMeters(mp metric.MeterProvider, key strategy.Key) meters {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter("github.com/e6data/gorm-e6data/strategy")
	nm := noop.Meter{}
	counter := func(name, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit("{call}"))
		if err != nil || c == nil {
			c, _ = nm.Int64Counter(name)
		}
		return c
	}
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(secondsBuckets...))
		if err != nil || h == nil {
			h, _ = nm.Float64Histogram(name)
		}
		return h
	}
	pins, err := m.Int64UpDownCounter(strategy.MetricPins, metric.WithDescription("Running queries pinned to a colour."), metric.WithUnit("{query}"))
	if err != nil || pins == nil {
		pins, _ = nm.Int64UpDownCounter(strategy.MetricPins)
	}
	active, err := m.Int64Gauge(strategy.MetricActive, metric.WithDescription("1 for the colour new work goes to, 0 for the other."))
	if err != nil || active == nil {
		active, _ = nm.Int64Gauge(strategy.MetricActive)
	}
	o := &otelMeters{
		detections:  counter(strategy.MetricDetections, "Strategy detections (probe sequences or store adoptions)."),
		wrong:       counter(strategy.MetricWrongStrategy, "Calls answered HTTP 456 (wrong strategy), by RPC method."),
		retries:     counter(strategy.MetricRetries, "Queries re-run transparently."),
		interrupts:  counter(strategy.MetricInterrupted, "Queries cut by a deployment switch."),
		switches:    counter(strategy.MetricSwitches, "Colour changes of new work."),
		rollbacks:   counter(strategy.MetricRollbacks, "Automated rollbacks to the previous colour."),
		invalids:    counter(strategy.MetricInvalidations, "Colours forgotten after a 456."),
		resumes:     counter(strategy.MetricAutoResumes, "Suspended clusters resumed by the driver."),
		detectDur:   hist(strategy.MetricDetectionDuration, "Duration of a strategy detection."),
		switchDur:   hist(strategy.MetricSwitchDuration, "Duration of a switch, first hint to last old pin released."),
		pinCount:    pins,
		replays:     counter(strategy.MetricReplays, "Queries cut mid-stream by a switch and resumed by replay."),
		queryDur:    hist(strategy.MetricQueryDuration, "Duration of a statement, from QueryContext/ExecContext until its result was closed."),
		activeGauge: active,
		cluster:     attribute.String("e6data.cluster", key.ClusterName),
		endpoint:    attribute.String("server.address", key.Endpoint),
	}
	base := attribute.NewSet(o.cluster, o.endpoint)
	withOK := func(ok bool) attribute.Set {
		return attribute.NewSet(o.cluster, o.endpoint, attribute.Bool("success", ok))
	}
	pinSet := func(c string) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(o.cluster, o.endpoint, attribute.String("strategy", c)))}
	}
	o.base = []metric.AddOption{metric.WithAttributeSet(base)}
	o.switchRecord = []metric.RecordOption{metric.WithAttributeSet(base)}
	o.okOpts = []metric.RecordOption{metric.WithAttributeSet(withOK(true))}
	o.failOpts = []metric.RecordOption{metric.WithAttributeSet(withOK(false))}
	o.okAdd = []metric.AddOption{metric.WithAttributeSet(withOK(true))}
	o.failAdd = []metric.AddOption{metric.WithAttributeSet(withOK(false))}
	o.bluePins, o.greenPins = pinSet(strategy.Blue), pinSet(strategy.Green)
	rows, err := m.Int64Counter(strategy.MetricReplayedRows, metric.WithDescription("Rows read again and verified by replays."), metric.WithUnit("{row}"))
	if err != nil || rows == nil {
		rows, _ = nm.Int64Counter(strategy.MetricReplayedRows)
	}
	o.replayedRows = rows
	// Counters start at 0, so a dashboard (rate, increase) sees each series from the first scrape
	// rather than only after its first event: an invalidation or an interrupted query may never
	// happen in a healthy process.
	for _, c := range []metric.Int64Counter{o.retries, o.interrupts, o.switches, o.rollbacks, o.invalids, o.resumes, o.replays, o.replayedRows} {
		c.Add(context.Background(), 0, o.base...)
	}
	colourSet := func(c string) attribute.Set {
		return attribute.NewSet(o.cluster, o.endpoint, attribute.String("strategy", c))
	}
	o.blueActive = []metric.RecordOption{metric.WithAttributeSet(colourSet(strategy.Blue))}
	o.greenActive = []metric.RecordOption{metric.WithAttributeSet(colourSet(strategy.Green))}
	o.queryOpts = make(map[queryOutcome][]metric.RecordOption, 6)
	for _, c := range []string{strategy.Blue, strategy.Green, ""} {
		for _, ok := range []bool{true, false} {
			set := attribute.NewSet(o.cluster, o.endpoint, attribute.String("strategy", c), attribute.Bool("success", ok))
			o.queryOpts[queryOutcome{c, ok}] = []metric.RecordOption{metric.WithAttributeSet(set)}
		}
	}
	o.active("") // both series exist, at 0, from the start
	return o
}

func (o *otelMeters) detection(d time.Duration, ok bool) {
	ctx := context.Background()
	if ok {
		o.detections.Add(ctx, 1, o.okAdd...)
		o.detectDur.Record(ctx, d.Seconds(), o.okOpts...)
		return
	}
	o.detections.Add(ctx, 1, o.failAdd...)
	o.detectDur.Record(ctx, d.Seconds(), o.failOpts...)
}

func (o *otelMeters) wrongStrategy(method string) {
	o.wrong.Add(context.Background(), 1, metric.WithAttributes(o.cluster, o.endpoint, attribute.String("rpc.method", method)))
}

func (o *otelMeters) retry()       { o.retries.Add(context.Background(), 1, o.base...) }
func (o *otelMeters) interrupted() { o.interrupts.Add(context.Background(), 1, o.base...) }
func (o *otelMeters) autoResume()  { o.resumes.Add(context.Background(), 1, o.base...) }
func (o *otelMeters) switched()    { o.switches.Add(context.Background(), 1, o.base...) }
func (o *otelMeters) rolledBack()  { o.rollbacks.Add(context.Background(), 1, o.base...) }
func (o *otelMeters) invalidated() { o.invalids.Add(context.Background(), 1, o.base...) }

func (o *otelMeters) switchDuration(d time.Duration) {
	o.switchDur.Record(context.Background(), d.Seconds(), o.switchRecord...)
}

func (o *otelMeters) pins(colour string, delta int64) {
	switch colour {
	case strategy.Blue:
		o.pinCount.Add(context.Background(), delta, o.bluePins...)
	case strategy.Green:
		o.pinCount.Add(context.Background(), delta, o.greenPins...)
	}
}

// active records the colour new work goes to ("" when unknown): 1 for it, 0 for the other.
func (o *otelMeters) active(colour string) {
	blue, green := int64(0), int64(0)
	switch colour {
	case strategy.Blue:
		blue = 1
	case strategy.Green:
		green = 1
	}
	o.activeGauge.Record(context.Background(), blue, o.blueActive...)
	o.activeGauge.Record(context.Background(), green, o.greenActive...)
}

func (o *otelMeters) query(d time.Duration, colour string, ok bool) {
	opts, found := o.queryOpts[queryOutcome{colour, ok}]
	if !found { // a colour forced by WithStrategy is normalised before use; keep the set bounded
		opts = o.queryOpts[queryOutcome{"", ok}]
	}
	o.queryDur.Record(context.Background(), d.Seconds(), opts...)
}

func (o *otelMeters) replay(rows int64) {
	o.replays.Add(context.Background(), 1, o.base...)
	o.replayedRows.Add(context.Background(), rows, o.base...)
}

// RecordQuery records the duration of one statement (metric e6data.query.duration), the colour
// it ended on ("" when none) and whether it succeeded.
func (s *State) RecordQuery(d time.Duration, colour string, ok bool) {
	s.met.query(d, colour, ok)
}

// CountReplay records that a query cut mid-stream was resumed by replay after reading rows
// again: metrics e6data.query.replays and e6data.query.replayed_rows.
func (s *State) CountReplay(rows int64) {
	s.met.replay(rows)
}
