package mock

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// cluster is the mock's mutable state: which colours serve, the sessions and queries of each
// colour, the suspension state and the faults armed by tests. One mutex guards it all: every
// call takes it briefly, and no I/O or engine work happens while it is held.
type cluster struct {
	mu sync.Mutex

	active   string        // the colour new work goes to
	draining string        // the previous colour while it still serves its pinned queries; "" when none
	drainSeq int           // identifies the drain in progress, so a stale timer does nothing
	drained  chan struct{} // closed when the drain in progress ends
	switches int
	// announced is the colour AnnounceSwitch announced and the cluster does not accept yet: it
	// is carried out when a query on the active colour is cleared. "" when none.
	announced string
	pins      map[string]int // live queries per colour
	// stack counts the deployments of each colour: a colour that becomes active again runs on a
	// new stack, with new planners (see plannerOf).
	stack map[string]int

	sessions map[string]*session
	queries  map[string]*query

	power      string        // ClusterService status: active, suspended, resuming, failed
	resumeFail bool          // a resume ends in "failed"
	frozen     chan struct{} // non-nil while frozen; closed by Unfreeze

	faults map[string][]fault // armed faults by RPC name, consumed in order
}

// session is one authenticated session; it belongs to the colour it authenticated on.
type session struct {
	id     string
	user   string
	colour string
}

// query is one prepared query. Calls on a query are serialised by mu, because an engine cursor
// serves one reader at a time.
type query struct {
	id       string
	engineIP string
	session  *session
	colour   string
	catalog  string
	schema   string
	sql      string
	created  time.Time

	ctx    context.Context // ends when the query is cancelled, cleared or its colour retired
	cancel context.CancelFunc
	pinned bool // counted in cluster.pins; guarded by cluster.mu

	mu        sync.Mutex
	stmt      *engine.Statement // nil for a scripted statement
	script    *script           // the scripted result, or nil
	cursor    resultCursor
	executed  bool
	done      bool // end of results reached
	cancelled bool
	rows      int64
	execTime  time.Duration
}

func newCluster(initial string) *cluster {
	return &cluster{
		active:   initial,
		pins:     map[string]int{},
		stack:    map[string]int{initial: 1},
		sessions: map[string]*session{},
		queries:  map[string]*query{},
		power:    powerActive,
		faults:   map[string][]fault{},
	}
}

// ClusterService status values, lower-case as the real cluster reports them.
const (
	powerActive    = "active"
	powerSuspended = "suspended"
	powerResuming  = "resuming"
	powerFailed    = "failed"
)

// accepts reports whether a call carrying colour reaches the engine: the active colour, the
// colour still draining, or no colour at all (the real proxy accepts calls without the header).
func (c *cluster) accepts(colour string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return colour == "" || colour == c.active || colour == c.draining
}

// plannerOf returns the planner address (engineIP) of colour's current stack. Each stack has its
// own, so a call naming the planner of a stack that was torn down can be told from one for the
// stack of the same colour that replaced it.
func (c *cluster) plannerOf(colour string) string {
	return fmt.Sprintf("10.0.%d.%d", colourIndex(colour), c.stack[colour]%250+1)
}

func colourIndex(colour string) int {
	if colour == Green {
		return 2
	}
	return 1
}

// servesPlanner reports whether planner belongs to a stack that serves: the active colour's or
// the draining colour's current one. Calls without a plannerip header are not about a query.
func (c *cluster) servesPlanner(planner string) bool {
	if planner == "" {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if planner == c.plannerOf(c.active) {
		return true
	}
	return c.draining != "" && planner == c.plannerOf(c.draining)
}

// announcement is the new_strategy value responses carry: the announced colour while a switch
// waits to be accepted (AnnounceSwitch), the new colour while a switch is draining the old one,
// else "".
func (c *cluster) announcement() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.announced != "" {
		return c.announced
	}
	if c.draining != "" {
		return c.active
	}
	return ""
}

// colourOf resolves the colour a call runs on: its header, else the colour of its session, else
// the active colour.
func (c *cluster) colourOf(header string, s *session) string {
	if header != "" {
		return header
	}
	if s != nil {
		return s.colour
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active
}

// addQuery registers q and pins it to its colour. If the colour was retired while q was being
// prepared (the proxy let the call through before), q is not kept: its stack went away right
// after answering, so the query's next call gets the wrong-strategy answer, and no pin of a
// retired colour lingers.
func (c *cluster) addQuery(q *query) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q.colour != c.active && q.colour != c.draining {
		q.cancel()
		return
	}
	c.queries[q.id] = q
	c.pins[q.colour]++
	q.pinned = true
}

// statementOfLocked returns the SQL text of the statement a call's request is about: the text a
// prepare carries, or the text of the known query a later call names; "" when neither applies.
func (c *cluster) statementOfLocked(req any) string {
	if p, ok := req.(interface{ GetQueryString() string }); ok {
		return p.GetQueryString()
	}
	if r, ok := req.(interface{ GetQueryId() string }); ok {
		if q := c.queries[r.GetQueryId()]; q != nil {
			return q.sql
		}
	}
	return ""
}

// removeQuery forgets q, ends its context and releases its pin.
func (c *cluster) removeQuery(q *query) {
	c.mu.Lock()
	if c.queries[q.id] == q {
		delete(c.queries, q.id)
	}
	retired := c.unpinLocked(q)
	c.mu.Unlock()
	q.cancel()
	retireQueries(retired)
}

// releasePin releases q's pin but keeps q known (a cancelled query still answers "cancelled").
func (c *cluster) releasePin(q *query) {
	c.mu.Lock()
	retired := c.unpinLocked(q)
	c.mu.Unlock()
	retireQueries(retired)
}

// unpinLocked releases q's pin once. Releasing the last pin of a draining colour retires that
// colour; the caller closes the returned queries after unlocking.
func (c *cluster) unpinLocked(q *query) []*query {
	if !q.pinned {
		return nil
	}
	q.pinned = false
	c.pins[q.colour]--
	if q.colour == c.draining && c.pins[q.colour] <= 0 {
		return c.retireLocked()
	}
	return nil
}

// retireLocked ends the drain in progress: the draining colour stops serving, and its sessions
// and queries are forgotten (the stack that held them is gone). The caller closes the returned
// queries after unlocking.
func (c *cluster) retireLocked() []*query {
	old := c.draining
	if old == "" {
		return nil
	}
	c.draining = ""
	c.drainSeq++
	close(c.drained)
	c.drained = nil
	return c.dropColourLocked(old)
}

func (c *cluster) dropColourLocked(colour string) []*query {
	var dropped []*query
	for id, q := range c.queries {
		if q.colour == colour {
			delete(c.queries, id)
			q.pinned = false
			dropped = append(dropped, q)
		}
	}
	delete(c.pins, colour)
	for id, s := range c.sessions {
		if s.colour == colour {
			delete(c.sessions, id)
		}
	}
	return dropped
}

// retireQueries ends the queries of a retired colour. A call already running on one finishes
// (tearing a stack down does not kill the requests it is answering); the query is then closed
// and gone, and its next call gets the wrong-strategy answer at the proxy. Each waits in its own
// goroutine, which ends when that call does.
func retireQueries(qs []*query) {
	for _, q := range qs {
		go func() {
			q.mu.Lock()
			if q.cursor != nil {
				_ = q.cursor.Close()
			}
			q.mu.Unlock()
			q.cancel()
		}()
	}
}

// closeQueries ends queries at once, stopping any call running on them, and releases their
// engine resources (suspension, Close).
func closeQueries(qs []*query) {
	for _, q := range qs {
		q.cancel()
		q.mu.Lock()
		if q.cursor != nil {
			_ = q.cursor.Close()
		}
		q.mu.Unlock()
	}
}

func other(colour string) string {
	if colour == Blue {
		return Green
	}
	return Blue
}
