package connector

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/strategy"
)

// Conn is one connection: a session (authenticated lazily and renewed when it expires) over the
// Connector's shared gRPC channel. It implements the database/sql driver interfaces; reach it
// with sql.Conn.Raw for the metadata API (Schemas, Tables, Columns).
type Conn struct {
	c   *Connector
	cfg *Config

	mu       sync.Mutex
	sessions map[string]string // colour ("" before the colour is known) → session id
	using    map[string]int    // colour → the connection's queries on it whose clear has not ended

	clearMu      sync.Mutex
	clearQueue   []*query // clears waiting for the one in flight (see clear.go)
	clearRunning bool     // a goroutine is draining clearQueue

	bad           atomic.Bool // the connection cannot be used again
	closed        atomic.Bool
	ownsConnector bool // opened by Driver.Open: closes its connector with itself
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
)

// Prepare returns a client-side prepared statement (see PrepareContext).
func (cn *Conn) Prepare(query string) (driver.Stmt, error) {
	return cn.PrepareContext(context.Background(), query)
}

// PrepareContext returns a client-side prepared statement: e6data prepares a query and runs it
// once, so the statement keeps the SQL text and runs the whole lifecycle at each execution. The
// text is checked (one statement, closed literals) now.
func (cn *Conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	text, err := normalizeStatement(query)
	if err != nil {
		return nil, err
	}
	return &stmt{cn: cn, query: text}, nil
}

// Begin returns ErrTransactionsNotSupported.
func (cn *Conn) Begin() (driver.Tx, error) { return nil, ErrTransactionsNotSupported }

// BeginTx returns ErrTransactionsNotSupported: e6data has no transactions.
func (cn *Conn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return nil, ErrTransactionsNotSupported
}

// CheckNamedValue accepts the argument types the literal renderer supports, unconverted, and
// rejects the others (such as []byte, NaN, sql.Named) with a clear error before anything is sent.
func (cn *Conn) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

// Close releases the connection. Sessions are not closed on the server: e6data has no RPC for it;
// they expire there.
// Queries whose rows were never closed are cleared on the cluster (in the background).
func (cn *Conn) Close() error {
	if cn.closed.Swap(true) {
		return nil
	}
	if cn.ownsConnector {
		return cn.c.Close()
	}
	cn.clearAbandoned()
	return nil
}

// ResetSession is called by database/sql before a pooled connection is reused; a connection
// marked bad is discarded.
func (cn *Conn) ResetSession(context.Context) error {
	if !cn.IsValid() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the connection can be reused.
func (cn *Conn) IsValid() bool {
	return !cn.bad.Load() && !cn.closed.Load() && !cn.c.closed.Load()
}

// Ping checks that the cluster answers and the credentials hold: it authenticates if the
// connection has no session yet, then calls healthCheck. (An expired session is renewed by the
// next call that uses it.) If the server does not implement healthCheck, it runs SELECT 1, the
// documented health query.
func (cn *Conn) Ping(ctx context.Context) error {
	if !cn.IsValid() {
		return driver.ErrBadConn
	}
	err := cn.invoke(ctx, "healthCheck", nil, true, func(ctx context.Context, _ string) error {
		_, err := cn.c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
		return err
	})
	if status.Code(err) == codes.Unimplemented {
		_, err = cn.ExecContext(ctx, "SELECT 1", nil)
	}
	return err
}

// colour returns the colour for work outside a query: the cluster's cached colour, detected
// (single flight per cluster) when unknown or older than the TTL.
// A suspended cluster found while detecting is resumed first when auto-resume is on.
func (cn *Conn) colour(ctx context.Context) (string, error) {
	resumed := false
	for {
		colour, _, err := cn.c.state.Colour(ctx, cn.probe)
		var e *Error
		if err != nil && !resumed && cn.cfg.AutoResume && errors.As(err, &e) && e.Class == strategy.Suspended {
			if rerr := cn.c.resume(ctx, cn); rerr != nil {
				return "", rerr
			}
			resumed = true
			continue
		}
		return colour, err
	}
}

// probe authenticates on colour: how detection tries a colour (a 456 moves it to the next). The
// session it opens is kept for the connection's calls on that colour. A failure because the
// connector closed is marked (bluegreen.ProberClosed): a detection the process's connectors
// to the cluster share then goes on through another connector.
func (cn *Conn) probe(ctx context.Context, colour string) error {
	if cn.c.closed.Load() {
		return bluegreen.ProberClosed(ErrConnectorClosed)
	}
	_, err := cn.authenticate(ctx, colour)
	if err != nil && cn.c.closed.Load() {
		return bluegreen.ProberClosed(err)
	}
	return err
}

// session returns the session for colour, authenticating when there is none.
func (cn *Conn) session(ctx context.Context, colour string) (string, error) {
	cn.mu.Lock()
	sid := cn.sessions[colour]
	cn.mu.Unlock()
	if sid != "" {
		return sid, nil
	}
	return cn.authenticate(ctx, colour)
}

// use records that q runs on colour: the connection keeps that colour's session at least until
// q's clear ended (see forgetOtherSessions).
func (cn *Conn) use(q *query, colour string) {
	q.colour = colour
	cn.mu.Lock()
	if cn.using == nil {
		cn.using = map[string]int{}
	}
	cn.using[colour]++
	cn.mu.Unlock()
}

// untrack forgets q once it has nothing left on the cluster: the connector's record of it, and
// its hold on its colour's session.
func (cn *Conn) untrack(q *query) {
	cn.c.open.untrack(q)
	if q.colour == "" {
		return
	}
	cn.mu.Lock()
	if cn.using[q.colour]--; cn.using[q.colour] <= 0 {
		delete(cn.using, q.colour)
	}
	cn.mu.Unlock()
}

// forgetOtherSessions releases the sessions of colours other than colour when a new query
// starts on colour. database/sql runs one query at a time on a connection, so after a switch no
// new query of this connection goes to the old colour; its session goes once the connection's
// last query on it was cleared: a clear still queued or on its way goes out on that session
// rather than authenticate on the old colour again, and the new query does not wait for it.
func (cn *Conn) forgetOtherSessions(colour string) {
	cn.mu.Lock()
	for c := range cn.sessions {
		if c != colour && cn.using[c] == 0 {
			delete(cn.sessions, c)
		}
	}
	cn.mu.Unlock()
}

// dropSession forgets sid for colour if it is still the current one, so the next call
// re-authenticates; another goroutine may already have replaced it.
func (cn *Conn) dropSession(colour, sid string) {
	cn.mu.Lock()
	if cn.sessions[colour] == sid {
		delete(cn.sessions, colour)
	}
	cn.mu.Unlock()
}

// authenticate opens a new session on colour.
func (cn *Conn) authenticate(ctx context.Context, colour string) (string, error) {
	token := cn.cfg.Token
	if cn.cfg.TokenSource != nil {
		t, err := cn.cfg.TokenSource(ctx)
		if err != nil {
			return "", &Error{RPC: "authenticate", Code: codes.Unauthenticated, Message: "token source failed", Err: err}
		}
		token = t
	}
	var sid string
	err := cn.call(ctx, "authenticate", nil, colour, func(ctx context.Context) error {
		resp, err := cn.c.qe.Authenticate(ctx, &e6pb.AuthenticateRequest{User: cn.cfg.User, Password: token})
		if err != nil {
			return err
		}
		sid = resp.GetSessionId()
		return nil
	})
	if err != nil {
		return "", err
	}
	if sid == "" {
		// The engine answers bad credentials with OK and no session.
		return "", &Error{RPC: "authenticate", Code: codes.Unauthenticated, Message: "no session returned", Err: ErrInvalidCredentials}
	}
	cn.mu.Lock()
	cn.sessions[colour] = sid
	cn.mu.Unlock()
	return sid, nil
}
