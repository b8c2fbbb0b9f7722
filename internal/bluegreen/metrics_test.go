package bluegreen

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/e6data/gorm-e6data/strategy"
)

// fakeMP is a MeterProvider that sums what is recorded, by instrument name.
type fakeMP struct {
	noop.MeterProvider
	mu    sync.Mutex
	sums  map[string]float64
	attrs map[string][]attribute.Set
}

func newFakeMP() *fakeMP {
	return &fakeMP{sums: map[string]float64{}, attrs: map[string][]attribute.Set{}}
}

func (f *fakeMP) add(name string, v float64, set attribute.Set) {
	f.mu.Lock()
	f.sums[name] += v
	f.attrs[name] = append(f.attrs[name], set)
	f.mu.Unlock()
}

func (f *fakeMP) sum(name string) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sums[name]
}

func (f *fakeMP) Meter(string, ...metric.MeterOption) metric.Meter { return fakeMeter{f: f} }

type fakeMeter struct {
	noop.Meter
	f *fakeMP
}

func (m fakeMeter) Int64Counter(name string, _ ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	return fakeInt{f: m.f, name: name}, nil
}

func (m fakeMeter) Int64UpDownCounter(name string, _ ...metric.Int64UpDownCounterOption) (metric.Int64UpDownCounter, error) {
	return fakeUpDown{f: m.f, name: name}, nil
}

func (m fakeMeter) Float64Histogram(name string, _ ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	return fakeHist{f: m.f, name: name}, nil
}

type fakeInt struct {
	noop.Int64Counter
	f    *fakeMP
	name string
}

func (c fakeInt) Add(_ context.Context, v int64, opts ...metric.AddOption) {
	c.f.add(c.name, float64(v), metric.NewAddConfig(opts).Attributes())
}

type fakeUpDown struct {
	noop.Int64UpDownCounter
	f    *fakeMP
	name string
}

func (c fakeUpDown) Add(_ context.Context, v int64, opts ...metric.AddOption) {
	c.f.add(c.name, float64(v), metric.NewAddConfig(opts).Attributes())
}

type fakeHist struct {
	noop.Float64Histogram
	f    *fakeMP
	name string
}

func (h fakeHist) Record(_ context.Context, v float64, opts ...metric.RecordOption) {
	h.f.add(h.name, v, metric.NewRecordConfig(opts).Attributes())
	h.f.add(h.name+".count", 1, attribute.NewSet())
}

func TestMetrics(t *testing.T) {
	mp := newFakeMP()
	s, clk, _, _ := detected(t, strategy.Blue, strategy.Options{MeterProvider: mp})
	assert.Equal(t, 1.0, mp.sum(strategy.MetricDetections))
	assert.Equal(t, 1.0, mp.sum(strategy.MetricDetectionDuration+".count"))

	p, _ := s.Acquire()
	assert.Equal(t, 1.0, mp.sum(strategy.MetricPins))
	s.Observe(strategy.Green, Call{})
	q, _ := s.Acquire()
	assert.Equal(t, 1.0, mp.sum(strategy.MetricSwitches))
	clk.Add(3 * time.Second)
	p.Release()
	q.Release()
	assert.Equal(t, 0.0, mp.sum(strategy.MetricPins))
	assert.Equal(t, 3.0, mp.sum(strategy.MetricSwitchDuration))

	s.CountRetry("q1", 1, err456)
	s.CountInterrupted("q1", err456)
	s.CountAutoResume()
	s.CountWrongStrategy("/e6x.QueryEngineService/prepareStatementV2")
	s.Invalidate(strategy.Green)
	for _, name := range []string{strategy.MetricRetries, strategy.MetricInterrupted, strategy.MetricAutoResumes, strategy.MetricWrongStrategy, strategy.MetricInvalidations} {
		assert.Equal(t, 1.0, mp.sum(name), name)
	}
	m, ok := mp.attrs[strategy.MetricWrongStrategy][0].Value("rpc.method")
	assert.True(t, ok)
	assert.Equal(t, "/e6x.QueryEngineService/prepareStatementV2", m.AsString())
	cl, _ := mp.attrs[strategy.MetricPins][0].Value("e6data.cluster")
	assert.Equal(t, "prod", cl.AsString())
}

func TestMetricsNilProvider(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
	s.CountRetry("q", 1, nil)
	p, _ := s.Acquire()
	p.Release()
}

// fakeGauge keeps the last value per strategy attribute, as name/colour.
type fakeGauge struct {
	noop.Int64Gauge
	f    *fakeMP
	name string
}

func (g fakeGauge) Record(_ context.Context, v int64, opts ...metric.RecordOption) {
	set := metric.NewRecordConfig(opts).Attributes()
	c, _ := set.Value("strategy")
	g.f.mu.Lock()
	g.f.sums[g.name+"/"+c.AsString()] = float64(v)
	g.f.mu.Unlock()
}

func (m fakeMeter) Int64Gauge(name string, _ ...metric.Int64GaugeOption) (metric.Int64Gauge, error) {
	return fakeGauge{f: m.f, name: name}, nil
}

func TestMetricsActiveQueryReplay(t *testing.T) {
	mp := newFakeMP()
	active := func() [2]float64 {
		return [2]float64{mp.sum(strategy.MetricActive + "/blue"), mp.sum(strategy.MetricActive + "/green")}
	}
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{MeterProvider: mp})
	assert.Equal(t, [2]float64{1, 0}, active(), "blue detected")
	s.Observe(strategy.Green, Call{})
	assert.Equal(t, [2]float64{0, 1}, active(), "a hint sends new work to green")
	s.Invalidate(strategy.Green)
	assert.Equal(t, [2]float64{1, 0}, active(), "a pending colour that answers 456 is dropped: back to blue")
	s.Observe(strategy.Green, Call{})
	p, ok := s.Acquire() // promotes green
	require.True(t, ok)
	p.Release()
	assert.Equal(t, [2]float64{0, 1}, active(), "green promoted")
	s.Invalidate(strategy.Green)
	assert.Equal(t, [2]float64{0, 0}, active(), "no colour known after a 456 on the active colour")

	for _, tc := range []struct {
		colour string
		ok     bool
		want   string // the strategy attribute recorded
	}{
		{strategy.Blue, true, strategy.Blue},
		{strategy.Green, false, strategy.Green},
		{"", false, ""},
		{"purple", true, ""}, // never a colour outside the bounded set
	} {
		before := len(mp.attrs[strategy.MetricQueryDuration])
		s.RecordQuery(1500*time.Millisecond, tc.colour, tc.ok)
		sets := mp.attrs[strategy.MetricQueryDuration]
		require.Len(t, sets, before+1)
		c, _ := sets[before].Value("strategy")
		ok, _ := sets[before].Value("success")
		assert.Equal(t, tc.want, c.AsString(), tc.colour)
		assert.Equal(t, tc.ok, ok.AsBool(), tc.colour)
	}
	assert.Equal(t, 6.0, mp.sum(strategy.MetricQueryDuration))

	s.CountReplay(250)
	s.CountReplay(50)
	assert.Equal(t, 2.0, mp.sum(strategy.MetricReplays))
	assert.Equal(t, 300.0, mp.sum(strategy.MetricReplayedRows))
}
