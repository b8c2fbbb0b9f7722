package strategy

import "time"

// EventKind says what happened to a cluster's blue/green state.
type EventKind int

// The events. Fields of Event that an event does not use are zero.
const (
	// EventDetected: detection found the serving colour (Colour, Generation, Method "probe" or
	// "store", Attempt = number of probes made), or a 456 named it (Method "456").
	EventDetected EventKind = iota + 1
	// EventPending: a response hinted a new colour (From, To, Generation).
	EventPending
	// EventSwitched: new work moved to another colour (From, To, Generation, Method "hint" or
	// "detect").
	EventSwitched
	// EventRolledBack: a pending switch was cancelled by a hint back to the active colour
	// (Method "hint"), the server refused a hinted colour with a 456 before any call on it
	// succeeded (Method "refused": the hint is held until a query completes on To), or an
	// automated rollback returned to the previous colour (Method "auto"). From is the colour
	// abandoned, To the colour kept or returned to.
	EventRolledBack
	// EventWrongStrategy: a call got HTTP 456 (Colour sent, Method = RPC, Err).
	EventWrongStrategy
	// EventRetry: the driver re-runs a query transparently (QueryID, Attempt, Err).
	EventRetry
	// EventInterrupted: a deployment switch cut a query that could not be resumed (QueryID, Err).
	EventInterrupted
	// EventPinTooOld: a pin outlived Options.MaxPinAge (Colour, QueryID, Age). Reported once
	// per pin; the pin is kept.
	EventPinTooOld
	// EventInvalidated: a 456 made the State forget its colour for new work (Colour,
	// Generation); the next Colour re-detects.
	EventInvalidated
	// EventDrained: the last pin of the colour a switch left was released (From, To, Age =
	// switch duration, first hint to last old pin).
	EventDrained
	// EventAutoResume: the driver resumed a suspended cluster.
	EventAutoResume
)

var eventNames = [...]string{"", "Detected", "Pending", "Switched", "RolledBack", "WrongStrategy", "Retry",
	"Interrupted", "PinTooOld", "Invalidated", "Drained", "AutoResume"}

// String returns the event name.
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "EventKind(?)"
}

// Event is one observation of a cluster's blue/green state, passed to Options.OnEvent.
type Event struct {
	Kind       EventKind
	Key        Key
	At         time.Time
	Colour     string
	From, To   string
	Generation uint64
	Method     string // RPC method, or how a change was made ("probe", "store", "hint", "detect", "auto")
	QueryID    string
	Attempt    int
	Age        time.Duration
	Err        error
}
