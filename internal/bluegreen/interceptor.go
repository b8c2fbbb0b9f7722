package bluegreen

import (
	"context"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/e6data/gorm-e6data/strategy"
)

// newStrategyReply is implemented by every generated response that carries new_strategy.
type newStrategyReply interface{ GetNewStrategy() string }

// UnaryClientInterceptor returns the interceptor of this cluster's calls. It
//   - attaches e6data's request headers, each only when it has a value:
//     plannerip, cluster-name (lower-cased) and strategy, the strategy being the Call's (a
//     query's pin) or, for a call without one, the colour for new work;
//   - passes each reply's new_strategy to Observe with the call's Call (and the generation the
//     call was made at);
//   - classifies a failure once and counts a 456 (e6data.strategy.wrong_strategy by method,
//     EventWrongStrategy), which it also records in the State (see refused: the 456 beats any
//     hint). It does not retry: that is the driver's decision.
//
// It does not keep the official client's header order (plannerip, cluster-name, strategy): it
// attaches one prebuilt metadata.MD per (plannerip, colour), a map, which keeps the steady path
// at two allocations. HTTP/2 routing does not depend on header order.
func (s *State) UnaryClientInterceptor() grpc.UnaryClientInterceptor { return s.intercept }

func (s *State) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	c, _ := CallFrom(ctx)
	if c.Strategy == "" || c.Generation == 0 {
		v := s.view.Load()
		if c.Strategy == "" {
			c.Strategy = v.colour
		}
		if c.Generation == 0 {
			c.Generation = v.gen
		}
	}
	ctx = s.md.attach(ctx, c.PlannerIP, c.Strategy)
	err := invoker(ctx, method, req, reply, cc, opts...)
	if err != nil {
		if strategy.Classify(ctx, err) == strategy.WrongStrategy {
			s.wrongStrategy(method, normColour(c.Strategy), err)
			s.refused(c, expectedColour(err))
		}
		return err
	}
	if s.unconfirmed.Load() {
		s.confirm(c)
	}
	if r, ok := reply.(newStrategyReply); ok {
		if h := r.GetNewStrategy(); h != "" {
			s.Observe(h, c)
		}
	}
	return nil
}

// mdCacheMax bounds the (plannerip, colour) entries: engine IPs are few, but a cluster that
// keeps changing them must not grow memory without bound. Past it, metadata is built per call.
const mdCacheMax = 256

// mdCache holds one immutable metadata.MD per (plannerip, colour), so the steady path attaches
// headers with metadata.NewOutgoingContext (two allocations) instead of
// AppendToOutgoingContext (five). The MDs are shared and must never be modified; gRPC only
// reads outgoing metadata.
type mdCache struct {
	cluster string
	// noIP holds the MDs of calls without plannerip: index 0 no strategy, 1 blue, 2 green.
	noIP [3]metadata.MD
	mu   sync.Mutex
	byIP atomic.Pointer[map[mdKey]metadata.MD] // copy-on-write: lock-free reads
}

type mdKey struct{ ip, colour string }

func (m *mdCache) init(cluster string) {
	m.cluster = cluster
	for i, c := range [...]string{"", strategy.Blue, strategy.Green} {
		m.noIP[i] = buildMD(cluster, "", c)
	}
	empty := map[mdKey]metadata.MD{}
	m.byIP.Store(&empty)
}

// buildMD returns the headers of a call, each only when it has a value (nil when none).
func buildMD(cluster, ip, colour string) metadata.MD {
	md := make(metadata.MD, 3)
	if ip != "" {
		md["plannerip"] = []string{ip}
	}
	if cluster != "" {
		md["cluster-name"] = []string{cluster}
	}
	if colour != "" {
		md["strategy"] = []string{colour}
	}
	if len(md) == 0 {
		return nil
	}
	return md
}

func colourIndex(c string) (int, string) {
	switch normColour(c) {
	case strategy.Blue:
		return 1, strategy.Blue
	case strategy.Green:
		return 2, strategy.Green
	}
	return 0, "" // any other value is dropped, as the official client does
}

// get returns the MD for (ip, colour).
func (m *mdCache) get(ip, colour string) metadata.MD {
	i, colour := colourIndex(colour)
	if ip == "" {
		return m.noIP[i]
	}
	k := mdKey{ip, colour}
	if md, ok := (*m.byIP.Load())[k]; ok {
		return md
	}
	md := buildMD(m.cluster, ip, colour)
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := *m.byIP.Load()
	if len(cur) >= mdCacheMax {
		return md
	}
	next := make(map[mdKey]metadata.MD, len(cur)+1)
	for k2, v := range cur {
		next[k2] = v
	}
	next[k] = md
	m.byIP.Store(&next)
	return md
}

// attach returns ctx carrying the headers. When ctx already has outgoing metadata (set by the
// application or another interceptor), it is kept: the headers are merged into a copy of it,
// replacing any value of the same keys (a call must carry exactly one strategy).
func (m *mdCache) attach(ctx context.Context, ip, colour string) context.Context {
	md := m.get(ip, colour)
	if md == nil {
		return ctx
	}
	// FromOutgoingContext allocates only when there is metadata to copy.
	if cur, ok := metadata.FromOutgoingContext(ctx); ok {
		for k, v := range md {
			cur[k] = v
		}
		return metadata.NewOutgoingContext(ctx, cur)
	}
	return metadata.NewOutgoingContext(ctx, md)
}
