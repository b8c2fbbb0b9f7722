package bluegreen

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/logbuf"
	"github.com/e6data/gorm-e6data/strategy"
)

// err456 is what grpc-go reports for the proxy's HTTP 456.
var err456 = status.Error(codes.Unknown, "unexpected HTTP status code received from server: 456 (); malformed header: missing HTTP content-type")

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder collects events.
type recorder struct {
	mu  sync.Mutex
	evs []strategy.Event
}

func (r *recorder) On(e strategy.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

func (r *recorder) kinds() []strategy.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]strategy.EventKind, 0, len(r.evs))
	for _, e := range r.evs {
		out = append(out, e.Kind)
	}
	return out
}

func (r *recorder) of(k strategy.EventKind) []strategy.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []strategy.Event
	for _, e := range r.evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// cluster simulates the proxy for probes: the live colour answers, the other gets 456.
type cluster struct {
	live  atomic.Value // string
	calls sync.Map     // colour -> *atomic.Int64
	gate  chan struct{}
	fail  error // when set, every probe fails with it
}

func newCluster(live string) *cluster {
	c := &cluster{}
	c.live.Store(live)
	return c
}

func (c *cluster) count(colour string) int64 {
	v, _ := c.calls.LoadOrStore(colour, new(atomic.Int64))
	return v.(*atomic.Int64).Load()
}

func (c *cluster) probe(ctx context.Context, colour string) error {
	v, _ := c.calls.LoadOrStore(colour, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if c.fail != nil {
		return c.fail
	}
	if c.live.Load().(string) != colour {
		return err456
	}
	return nil
}

// testState returns a private State with a fake clock, an event recorder and a log buffer.
func testState(t *testing.T, opts strategy.Options) (*State, *clock, *recorder, *syncBuffer) {
	t.Helper()
	return testStateProbing(t, opts, nil)
}

// testStateProbing is testState with probe as automated rollback's probe.
func testStateProbing(t *testing.T, opts strategy.Options, probe func(ctx context.Context, colour string) error) (*State, *clock, *recorder, *syncBuffer) {
	t.Helper()
	clk, rec, buf := newClock(), &recorder{}, &syncBuffer{}
	opts.OnEvent = rec.On
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s := newState(strategy.Key{Endpoint: "e6:443", ClusterName: "Prod"}, opts, clk.Now)
	t.Cleanup(s.close)
	s.join(opts.OnEvent, opts.Logger, probe)
	return s, clk, rec, buf
}

// detected returns a State that has detected colour.
func detected(t *testing.T, colour string, opts strategy.Options) (*State, *clock, *recorder, *syncBuffer) {
	t.Helper()
	return detectedProbing(t, colour, opts, nil)
}

// detectedProbing is detected with probe as automated rollback's probe.
func detectedProbing(t *testing.T, colour string, opts strategy.Options, probe func(ctx context.Context, colour string) error) (*State, *clock, *recorder, *syncBuffer) {
	t.Helper()
	s, clk, rec, buf := testStateProbing(t, opts, probe)
	got, _, err := s.Colour(context.Background(), newCluster(colour).probe)
	if err != nil || got != colour {
		t.Fatalf("detect: %q %v", got, err)
	}
	return s, clk, rec, buf
}

// syncBuffer is a log sink safe for a logger and the test to share.
type syncBuffer = logbuf.Buffer

// quiet discards logs.
var quiet = slog.New(slog.DiscardHandler)

// slogTo logs text to w.
func slogTo(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// settle waits until the State's background work (store writes, rollback check, detection)
// queued so far has ended. Call it only when nothing queues more meanwhile.
func (s *State) settle() { s.bg.wg.Wait() }
