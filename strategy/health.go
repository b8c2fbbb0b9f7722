package strategy

import "time"

// Health is a snapshot of a cluster's blue/green state.
type Health struct {
	Active       string         // colour of running new work ("" when unknown)
	Pending      string         // colour hinted by the server, not yet used by a query
	Held         string         // hinted colour the server refused; tried again after a query completes on Active
	Age          time.Duration  // since the colour was last validated (0 when unknown)
	Generation   uint64         // grows on every change of the colour for new work
	InFlight     map[string]int // pins per colour
	OldestPinAge time.Duration  // age of the oldest running pin (0 without pins)
	LongPins     int            // pins older than Options.MaxPinAge
	LastError    string         // last detection, probe or rollback-probe error
	Switches     int            // colour changes so far (hint, detection, automated rollback); a hinted one once a call on the new colour succeeded
}
