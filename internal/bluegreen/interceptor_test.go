package bluegreen

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/e6data/gorm-e6data/strategy"
)

// fakeReply is a response carrying new_strategy.
type fakeReply struct{ NewStrategy string }

func (r *fakeReply) GetNewStrategy() string { return r.NewStrategy }

// capture is an invoker that records the outgoing metadata and answers with hint / err.
type capture struct {
	md   metadata.MD
	hint string
	err  error
}

func (c *capture) invoke(ctx context.Context, _ string, _, reply any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
	c.md, _ = metadata.FromOutgoingContext(ctx)
	if r, ok := reply.(*fakeReply); ok {
		r.NewStrategy = c.hint
	}
	return c.err
}

func TestInterceptorHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		active string
		call   *Call
		extra  metadata.MD
		want   metadata.MD
	}{
		{name: "no call: active colour", active: strategy.Green,
			want: metadata.MD{"cluster-name": {"prod"}, "strategy": {"green"}}},
		{name: "no colour known", active: "",
			want: metadata.MD{"cluster-name": {"prod"}}},
		{name: "pinned query call", active: strategy.Green, call: &Call{Strategy: strategy.Blue, PlannerIP: "10.0.0.7", Generation: 1},
			want: metadata.MD{"plannerip": {"10.0.0.7"}, "cluster-name": {"prod"}, "strategy": {"blue"}}},
		{name: "other strategy values dropped", active: strategy.Blue, call: &Call{Strategy: "purple"},
			want: metadata.MD{"cluster-name": {"prod"}}},
		{name: "existing metadata kept, ours replace duplicates", active: strategy.Blue,
			extra: metadata.MD{"x-app": {"1"}, "strategy": {"green"}},
			want:  metadata.MD{"x-app": {"1"}, "cluster-name": {"prod"}, "strategy": {"blue"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _, _ := testState(t, strategy.Options{})
			if tc.active != "" {
				_, _, err := s.Colour(context.Background(), newCluster(tc.active).probe)
				require.NoError(t, err)
			}
			ctx := context.Background()
			if tc.call != nil {
				ctx = WithCall(ctx, *tc.call)
			}
			if tc.extra != nil {
				ctx = metadata.NewOutgoingContext(ctx, tc.extra)
			}
			c := &capture{}
			require.NoError(t, s.UnaryClientInterceptor()(ctx, "/m", nil, &fakeReply{}, nil, c.invoke))
			assert.Equal(t, tc.want, c.md)
			// The cached MDs were not modified by merging.
			assert.Equal(t, metadata.MD{"cluster-name": {"prod"}, "strategy": {"blue"}}, s.md.get("", strategy.Blue))
		})
	}
}

func TestInterceptorObservesHints(t *testing.T) {
	s, _, _, _ := detected(t, strategy.Blue, strategy.Options{})
	icpt := s.UnaryClientInterceptor()
	stale := s.Generation()

	c := &capture{hint: "Green"}
	require.NoError(t, icpt(context.Background(), "/m", nil, &fakeReply{}, nil, c.invoke))
	assert.Equal(t, strategy.Green, s.Health().Pending)
	gen := s.Generation()

	// A reply to a call made at the older generation, hinting back: ignored.
	c.hint = strategy.Blue
	require.NoError(t, icpt(WithCall(context.Background(), Call{Strategy: strategy.Blue, Generation: stale}), "/m", nil, &fakeReply{}, nil, c.invoke))
	assert.Equal(t, gen, s.Generation())
	assert.Equal(t, strategy.Green, s.Health().Pending)

	// Replies without new_strategy, or of messages without the field, change nothing.
	c.hint = ""
	require.NoError(t, icpt(context.Background(), "/m", nil, &fakeReply{}, nil, c.invoke))
	require.NoError(t, icpt(context.Background(), "/m", nil, struct{}{}, nil, c.invoke))
	assert.Equal(t, gen, s.Generation())
}

func TestInterceptorCounts456(t *testing.T) {
	mp := newFakeMP()
	s, _, rec, _ := detected(t, strategy.Blue, strategy.Options{MeterProvider: mp})
	c := &capture{err: err456}
	err := s.UnaryClientInterceptor()(WithCall(context.Background(), Call{Strategy: strategy.Blue}), "/svc/prepareStatementV2", nil, &fakeReply{}, nil, c.invoke)
	assert.ErrorIs(t, err, err456)
	assert.Equal(t, 1.0, mp.sum(strategy.MetricWrongStrategy))
	ev := rec.of(strategy.EventWrongStrategy)
	require.Len(t, ev, 1)
	assert.Equal(t, "/svc/prepareStatementV2", ev[0].Method)
	assert.Equal(t, strategy.Blue, ev[0].Colour)
	assert.Empty(t, s.Active(), "the interceptor records the 456; it named no colour, so the colour is forgotten")

	// Other errors are not 456s.
	c.err = context.DeadlineExceeded
	_ = s.UnaryClientInterceptor()(context.Background(), "/m", nil, &fakeReply{}, nil, c.invoke)
	assert.Equal(t, 1.0, mp.sum(strategy.MetricWrongStrategy))
}

func TestMDCacheBounded(t *testing.T) {
	var m mdCache
	m.init("prod")
	for i := range mdCacheMax + 10 {
		md := m.get("10.0.0."+string(rune('a'+i%26))+string(rune('a'+i/26)), strategy.Green)
		assert.Len(t, md, 3)
	}
	assert.Len(t, *m.byIP.Load(), mdCacheMax)
}

// BenchmarkInterceptor measures the steady path (no error): a pinned query call, a call
// without a Call, and a reply repeating the hint already followed during a switch.
func BenchmarkInterceptor(b *testing.B) {
	s := New(strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}, strategy.Options{Logger: quiet})
	if _, _, err := s.Colour(context.Background(), newCluster(strategy.Blue).probe); err != nil {
		b.Fatal(err)
	}
	p, _ := s.Acquire()
	defer p.Release()
	icpt := s.UnaryClientInterceptor()
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	for _, bc := range []struct {
		name  string
		ctx   context.Context
		reply *fakeReply
	}{
		{"pinned", WithCall(context.Background(), p.Call("10.0.0.7")), &fakeReply{}},
		{"unpinned", context.Background(), &fakeReply{}},
		{"hint-followed", WithCall(context.Background(), p.Call("10.0.0.7")), &fakeReply{NewStrategy: strategy.Blue}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := icpt(bc.ctx, "/e6x.QueryEngineService/getNextResultBatch", nil, bc.reply, nil, invoker); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
