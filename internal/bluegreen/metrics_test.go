package bluegreen

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
	s, clk, _, _ := detected(t, Blue, Options{MeterProvider: mp})
	assert.Equal(t, 1.0, mp.sum(strategy.MetricDetections))
	assert.Equal(t, 1.0, mp.sum(strategy.MetricDetectionDuration+".count"))

	p, _ := s.Acquire()
	assert.Equal(t, 1.0, mp.sum(strategy.MetricPins))
	s.Observe(Green, Call{})
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
	s.Invalidate(Green)
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
	s, _, _, _ := detected(t, Blue, Options{})
	s.CountRetry("q", 1, nil)
	p, _ := s.Acquire()
	p.Release()
}
