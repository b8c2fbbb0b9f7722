package bluegreen

import "context"

// Call is what the header interceptor needs to know about one RPC: the colour it must carry and,
// for a call about a query, the planner the query was prepared on.
type Call struct {
	Strategy  string // "blue" or "green"; "" sends no strategy header (State's interceptor sends the active colour)
	PlannerIP string // engineIP from prepare; "" for calls that are not about a query
	// Generation is the State generation the call was made at (Pin.Generation for a query's
	// calls). A new_strategy hint in the reply to a call older than the current generation is
	// ignored, which bounds switching to one per round trip. 0 means "now": State's interceptor
	// fills in the current generation.
	Generation uint64
}

type callKey struct{}

// WithCall returns ctx carrying c for the next RPC made with it.
func WithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the Call carried by ctx, if any.
func CallFrom(ctx context.Context) (Call, bool) {
	c, ok := ctx.Value(callKey{}).(Call)
	return c, ok
}
