package bluegreen

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/strategy"
)

// na marks a (phase, event) pair that cannot happen: the event names a colour the phase does
// not have (a hint to the colour for new work while none is known, a hint back while no switch
// is under way).
const na Phase = -1

// phaseRig is a State in a given phase, built through the public transitions from a cluster
// that serves blue first and a hint to green. Every colour answers the automated rollback's
// probe, so a rollback happens wherever the State allows one.
type phaseRig struct {
	s   *State
	clk *clock
	rec *recorder
}

// allPhases lists every phase.
var allPhases = []Phase{PhaseUnknown, PhaseHinted, PhaseSteady, PhasePending, PhaseUnconfirmed, PhaseHeld}

// buildPhase reaches phase p the plain way, through the public transitions, with blue as the
// first colour and green as the hinted one.
func buildPhase(t *testing.T, p Phase) phaseRig {
	t.Helper()
	var r phaseRig
	switch p {
	case PhaseUnknown:
		s, clk, rec, _ := testStateProbing(t, strategy.Options{}, answersAll)
		r = phaseRig{s, clk, rec}
	case PhaseHinted:
		r = buildPhase(t, PhaseUnknown)
		r.s.Observe(strategy.Green, Call{})
	case PhaseSteady:
		r = buildPhase(t, PhaseUnknown)
		_, _, err := r.s.Colour(context.Background(), newCluster(strategy.Blue).probe)
		require.NoError(t, err)
	case PhasePending:
		r = buildPhase(t, PhaseSteady)
		r.s.Observe(strategy.Green, Call{})
	case PhaseUnconfirmed:
		r = buildPhase(t, PhasePending)
		p, ok := r.s.Acquire()
		require.True(t, ok)
		p.Release()
	case PhaseHeld:
		r = buildPhase(t, PhaseUnconfirmed)
		refuse(t, r.s, Call{}, err456)
	default:
		t.Fatalf("no way to build phase %s", p)
	}
	require.Equal(t, p, r.s.Phase(), "building %s", p)
	return r
}

// answersAll is a probe every colour answers.
func answersAll(context.Context, string) error { return nil }

// refusedFor is e6data's test server refusing colour and naming the other one as serving.
func refusedFor(colour string) error {
	return status.Error(codes.InvalidArgument, fmt.Sprintf("Wrong strategy. Status: 456. Expected: %s, Got: %s", other(colour), colour))
}

// newWork is the colour new work goes to (the pending one, else the active one).
func (r phaseRig) newWork() string {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.effective()
}

// detect makes the cached colour expire and detects again, the cluster serving live.
func (r phaseRig) detect(t *testing.T, live string) {
	r.clk.Add(strategy.DefaultTTL)
	got, _, err := r.s.Colour(context.Background(), newCluster(live).probe)
	require.NoError(t, err)
	require.Equal(t, live, got)
}

// The events of the table, each applied to a State in a phase. "Same" and "other" are relative
// to the colour new work goes to (the pending one while a hint is pending).
var phaseEvents = map[string]func(t *testing.T, r phaseRig){
	// A response hints the colour new work does not go to (blue when none is known). While a
	// hint is pending that is the active colour: a server rollback.
	"hint other": func(t *testing.T, r phaseRig) { r.s.Observe(other(r.newWork()), Call{}) },
	// A response repeats the colour new work goes to.
	"hint same": func(t *testing.T, r phaseRig) { r.s.Observe(r.newWork(), Call{}) },
	// A response hints the colour the switch under way left: the active colour while a hint is
	// pending (a server rollback), the colour Acquire's promotion left while unconfirmed.
	"hint back": func(t *testing.T, r phaseRig) {
		r.s.mu.Lock()
		back := r.s.active
		if r.s.hint.pending == "" {
			back = r.s.hint.from
		}
		r.s.mu.Unlock()
		require.NotEmpty(t, back)
		r.s.Observe(back, Call{})
	},
	// A query is pinned (and its pin released before it ran: no query completed).
	"acquire": func(t *testing.T, r phaseRig) {
		if p, ok := r.s.Acquire(); ok {
			p.Release()
		}
	},
	// A query runs to its end: pinned, named by prepare, released after its clear.
	"query completed": func(t *testing.T, r phaseRig) {
		if p, ok := r.s.Acquire(); ok {
			p.SetQueryID("q")
			p.Release()
		}
	},
	// A call without a pin, made now on the colour for new work, succeeds.
	"call succeeded": func(t *testing.T, r phaseRig) { succeed(t, r.s, Call{}) },
	// A call without a pin is refused with a 456 naming the other colour as serving.
	"456 naming serving": func(t *testing.T, r phaseRig) { refuse(t, r.s, Call{}, refusedFor(r.newWork())) },
	// A call without a pin is refused with the proxy's bare 456.
	"bare 456": func(t *testing.T, r phaseRig) { refuse(t, r.s, Call{}, err456) },
	// The cached colour expires and detection finds the colour new work goes to.
	"detect same": func(t *testing.T, r phaseRig) { r.detect(t, r.newWork()) },
	// The cached colour expires and detection finds the other one (blue when none is known).
	"detect other": func(t *testing.T, r phaseRig) { r.detect(t, other(r.newWork())) },
	// Something else (the health probe) saw a 456 for the colour new work goes to (blue when
	// none is known).
	"invalidate": func(t *testing.T, r phaseRig) {
		c := r.newWork()
		if c == "" {
			c = strategy.Blue
		}
		r.s.Invalidate(c)
	},
	// Calls on the colour new work goes to fail RollbackFailures times in a row.
	"automated rollback": func(t *testing.T, r phaseRig) {
		c := r.newWork()
		for range strategy.DefaultRollbackFailures {
			r.s.ReportFailure(c, strategy.Other)
		}
		r.s.settle() // the check runs in the background
	},
}

// eventNames formats evs as the table writes them: the kind, and how the change was made for
// the kinds that say so.
func eventNames(evs []strategy.Event) string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		switch e.Kind {
		case strategy.EventDetected, strategy.EventSwitched, strategy.EventRolledBack:
			out = append(out, e.Kind.String()+"/"+e.Method)
		default:
			out = append(out, e.Kind.String())
		}
	}
	return strings.Join(out, " ")
}

// phaseTable is the blue/green state machine as a table: for every phase and event, the phase
// the event leads to, how much the generation grows, and the events fired in order (kind, and
// Method for the kinds whose Method says how a change was made). docs/architecture.md draws the
// same table. A row whose phase does not change is an event the phase ignores or takes in
// without moving; na rows are pairs that cannot happen.
var phaseTable = []struct {
	from   Phase
	event  string
	want   Phase
	bump   uint64
	events string
}{
	{PhaseUnknown, "hint other", PhaseHinted, 1, "Pending"},
	{PhaseUnknown, "hint same", na, 0, ""},
	{PhaseUnknown, "hint back", na, 0, ""},
	{PhaseUnknown, "acquire", PhaseUnknown, 0, ""},
	{PhaseUnknown, "query completed", PhaseUnknown, 0, ""},
	{PhaseUnknown, "call succeeded", PhaseUnknown, 0, ""},
	{PhaseUnknown, "456 naming serving", PhaseUnknown, 0, "WrongStrategy"},
	{PhaseUnknown, "bare 456", PhaseUnknown, 0, "WrongStrategy"},
	{PhaseUnknown, "detect same", na, 0, ""},
	{PhaseUnknown, "detect other", PhaseSteady, 1, "Detected/probe"},
	{PhaseUnknown, "invalidate", PhaseUnknown, 0, ""},
	{PhaseUnknown, "automated rollback", PhaseUnknown, 0, ""},

	{PhaseHinted, "hint other", PhaseHinted, 1, "Pending"},
	{PhaseHinted, "hint same", PhaseHinted, 0, ""},
	{PhaseHinted, "hint back", na, 0, ""},
	{PhaseHinted, "acquire", PhaseSteady, 0, "Switched/hint Drained"},
	{PhaseHinted, "query completed", PhaseSteady, 0, "Switched/hint Drained"},
	{PhaseHinted, "call succeeded", PhaseHinted, 0, ""},
	{PhaseHinted, "456 naming serving", PhaseUnknown, 1, "WrongStrategy RolledBack/refused"},
	{PhaseHinted, "bare 456", PhaseUnknown, 1, "WrongStrategy RolledBack/refused"},
	{PhaseHinted, "detect same", PhaseSteady, 1, "Detected/probe"},
	{PhaseHinted, "detect other", PhaseSteady, 1, "Detected/probe"},
	{PhaseHinted, "invalidate", PhaseUnknown, 1, "Invalidated"},
	{PhaseHinted, "automated rollback", PhaseHinted, 0, ""},

	{PhaseSteady, "hint other", PhasePending, 1, "Pending"},
	{PhaseSteady, "hint same", PhaseSteady, 0, ""},
	{PhaseSteady, "hint back", na, 0, ""},
	{PhaseSteady, "acquire", PhaseSteady, 0, ""},
	{PhaseSteady, "query completed", PhaseSteady, 0, ""},
	{PhaseSteady, "call succeeded", PhaseSteady, 0, ""},
	{PhaseSteady, "456 naming serving", PhaseSteady, 1, "WrongStrategy Detected/456 Switched/detect Drained"},
	{PhaseSteady, "bare 456", PhaseUnknown, 1, "WrongStrategy Invalidated"},
	{PhaseSteady, "detect same", PhaseSteady, 0, "Detected/probe"},
	{PhaseSteady, "detect other", PhaseSteady, 1, "Detected/probe Switched/detect Drained"},
	{PhaseSteady, "invalidate", PhaseUnknown, 1, "Invalidated"},
	{PhaseSteady, "automated rollback", PhaseSteady, 0, ""}, // detected, not switched: nothing to return to

	{PhasePending, "hint other", PhaseSteady, 1, "RolledBack/hint"},
	{PhasePending, "hint same", PhasePending, 0, ""},
	{PhasePending, "hint back", PhaseSteady, 1, "RolledBack/hint"},
	{PhasePending, "acquire", PhaseUnconfirmed, 0, "Switched/hint Drained"},
	{PhasePending, "query completed", PhaseUnconfirmed, 0, "Switched/hint Drained"},
	{PhasePending, "call succeeded", PhasePending, 0, ""},
	{PhasePending, "456 naming serving", PhaseHeld, 1, "WrongStrategy RolledBack/refused"},
	{PhasePending, "bare 456", PhaseHeld, 1, "WrongStrategy RolledBack/refused"},
	{PhasePending, "detect same", PhaseSteady, 1, "Detected/probe Switched/detect Drained"},
	{PhasePending, "detect other", PhaseSteady, 1, "Detected/probe"},
	{PhasePending, "invalidate", PhaseSteady, 1, "Invalidated"},
	{PhasePending, "automated rollback", PhasePending, 0, ""},

	{PhaseUnconfirmed, "hint other", PhasePending, 1, "Pending"},
	{PhaseUnconfirmed, "hint same", PhaseUnconfirmed, 0, ""},
	{PhaseUnconfirmed, "hint back", PhasePending, 1, "Pending"},
	{PhaseUnconfirmed, "acquire", PhaseUnconfirmed, 0, ""},
	{PhaseUnconfirmed, "query completed", PhaseUnconfirmed, 0, ""},
	{PhaseUnconfirmed, "call succeeded", PhaseSteady, 0, ""},
	{PhaseUnconfirmed, "456 naming serving", PhaseHeld, 1, "WrongStrategy RolledBack/refused"},
	{PhaseUnconfirmed, "bare 456", PhaseHeld, 1, "WrongStrategy RolledBack/refused"},
	{PhaseUnconfirmed, "detect same", PhaseSteady, 0, "Detected/probe"},
	{PhaseUnconfirmed, "detect other", PhaseSteady, 1, "Detected/probe Switched/detect Drained"},
	{PhaseUnconfirmed, "invalidate", PhaseUnknown, 1, "Invalidated"},
	{PhaseUnconfirmed, "automated rollback", PhaseSteady, 1, "RolledBack/auto Drained"},

	{PhaseHeld, "hint other", PhaseHeld, 0, ""}, // the refused colour is held
	{PhaseHeld, "hint same", PhaseHeld, 0, ""},
	{PhaseHeld, "hint back", na, 0, ""},
	{PhaseHeld, "acquire", PhaseHeld, 0, ""}, // no query completed
	{PhaseHeld, "query completed", PhaseSteady, 0, ""},
	{PhaseHeld, "call succeeded", PhaseHeld, 0, ""},
	{PhaseHeld, "456 naming serving", PhaseSteady, 1, "WrongStrategy Detected/456 Switched/detect Drained"},
	{PhaseHeld, "bare 456", PhaseUnknown, 1, "WrongStrategy Invalidated"},
	{PhaseHeld, "detect same", PhaseHeld, 0, "Detected/probe"},
	{PhaseHeld, "detect other", PhaseSteady, 1, "Detected/probe Switched/detect Drained"},
	{PhaseHeld, "invalidate", PhaseUnknown, 1, "Invalidated"},
	{PhaseHeld, "automated rollback", PhaseHeld, 0, ""}, // the refused switch left nothing to return to
}

// TestPhaseTable runs phaseTable: each row builds a State in its phase through the public
// transitions, applies the event and checks the phase, generation and events that follow.
func TestPhaseTable(t *testing.T) {
	for _, tc := range phaseTable {
		t.Run(tc.from.String()+"/"+tc.event, func(t *testing.T) {
			apply, ok := phaseEvents[tc.event]
			require.True(t, ok, "unknown event %q", tc.event)
			if tc.want == na {
				return
			}
			r := buildPhase(t, tc.from)
			gen, seen := r.s.Generation(), len(r.rec.kinds())
			apply(t, r)
			assert.Equal(t, tc.want.String(), r.s.Phase().String(), "phase")
			assert.Equal(t, gen+tc.bump, r.s.Generation(), "generation")
			r.rec.mu.Lock()
			got := eventNames(r.rec.evs[seen:])
			r.rec.mu.Unlock()
			assert.Equal(t, tc.events, got, "events")
		})
	}
}

// The table has one row for every phase and event.
func TestPhaseTableCoversEveryPair(t *testing.T) {
	rows := make(map[string]int)
	for _, tc := range phaseTable {
		rows[tc.from.String()+"/"+tc.event]++
		assert.Contains(t, phaseEvents, tc.event)
	}
	for _, p := range allPhases {
		for e := range phaseEvents {
			assert.Equal(t, 1, rows[p.String()+"/"+e], "row (%s, %s)", p, e)
		}
	}
	assert.Len(t, rows, len(allPhases)*len(phaseEvents))
	assert.Len(t, allPhases, len(phaseNames), "every phase")
}

func TestPhaseString(t *testing.T) {
	for p, want := range map[Phase]string{PhaseUnknown: "unknown", PhaseHinted: "hinted", PhaseSteady: "steady",
		PhasePending: "pending", PhaseUnconfirmed: "unconfirmed", PhaseHeld: "held", Phase(99): "Phase(?)", na: "Phase(?)"} {
		assert.Equal(t, want, p.String())
	}
}
