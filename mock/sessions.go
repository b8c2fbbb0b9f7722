package mock

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Errors as a real cluster reports them: INTERNAL with exactly "Access denied" for an unknown or
// expired session (clients match that text whole, so it carries nothing more). The
// query-not-found shape is inferred: no capture of a real cluster's answer exists.
var (
	errAccessDenied = status.Error(codes.Internal, "Access denied")
)

func errQueryNotFound(id string) error {
	return status.Errorf(codes.NotFound, "Query with id %q not found", id)
}

// callColour returns the strategy header of the call, "" when it carried none.
func callColour(ctx context.Context) string {
	if rec, ok := ctx.Value(recordKey{}).(*CallRecord); ok {
		return rec.Strategy
	}
	return ""
}

// session returns the live session id, checking that the call runs on the session's colour: a
// session belongs to the stack it authenticated on.
func (s *Server) session(ctx context.Context, id string) (*session, error) {
	c := s.cluster
	c.mu.Lock()
	sess := c.sessions[id]
	c.mu.Unlock()
	if sess == nil {
		return nil, errAccessDenied
	}
	if h := callColour(ctx); h != "" && h != sess.colour {
		return nil, errAccessDenied
	}
	return sess, nil
}

// query returns the live query id of session sessionID.
func (s *Server) query(ctx context.Context, sessionID, queryID string) (*query, error) {
	sess, err := s.session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	c := s.cluster
	c.mu.Lock()
	q := c.queries[queryID]
	c.mu.Unlock()
	if q == nil || q.session.user != sess.user {
		return nil, errQueryNotFound(queryID)
	}
	if q.colour != sess.colour {
		// The query lives on another stack than the session the call used.
		return nil, errQueryNotFound(queryID)
	}
	return q, nil
}

// planner returns the planner address prepare hands out for a query on colour.
func (s *Server) planner(colour string) string {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return s.cluster.plannerOf(colour)
}
