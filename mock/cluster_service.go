package mock

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// clusterService implements ClusterService: status, resume and suspend of the whole cluster.
// It answers while the cluster is suspended (only QueryEngineService calls get HTTP 503).
type clusterService struct {
	e6pb.UnimplementedClusterServiceServer
	s *Server
}

func (c *clusterService) auth(user, password string) error {
	if token, ok := c.s.opts.Users[user]; !ok || token != password {
		return status.Error(codes.Unauthenticated, "Invalid credentials")
	}
	return nil
}

func (c *clusterService) Status(_ context.Context, req *e6pb.ClusterStatusRequest) (*e6pb.ClusterStatusResponse, error) {
	if err := c.auth(req.GetUser(), req.GetPassword()); err != nil {
		return nil, err
	}
	return &e6pb.ClusterStatusResponse{Status: c.s.ClusterStatus()}, nil
}

func (c *clusterService) Resume(_ context.Context, req *e6pb.ResumeRequest) (*e6pb.ResumeResponse, error) {
	if err := c.auth(req.GetUser(), req.GetPassword()); err != nil {
		return nil, err
	}
	return &e6pb.ResumeResponse{Status: c.s.resume()}, nil
}

func (c *clusterService) Suspend(_ context.Context, req *e6pb.SuspendRequest) (*e6pb.SuspendResponse, error) {
	if err := c.auth(req.GetUser(), req.GetPassword()); err != nil {
		return nil, err
	}
	c.s.Suspend()
	return &e6pb.SuspendResponse{Status: powerSuspended}, nil
}

// Suspend suspends the cluster: every QueryEngineService call gets HTTP 503 until a
// ClusterService resume (or Resume) brings it back. Sessions survive, running queries end.
func (s *Server) Suspend() {
	c := s.cluster
	c.mu.Lock()
	c.power = powerSuspended
	qs := make([]*query, 0, len(c.queries))
	for _, q := range c.queries {
		qs = append(qs, q)
	}
	c.mu.Unlock()
	for _, q := range qs {
		c.removeQuery(q)
	}
	closeQueries(qs)
	s.opts.Logger.Info("mock: cluster suspended")
}

// Resume starts resuming a suspended cluster, as ClusterService/resume does: the status is
// "resuming" for Options.ResumeDelay, then "active" (or "failed" after SetResumeFails(true)).
func (s *Server) Resume() { s.resume() }

func (s *Server) resume() string {
	c := s.cluster
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.power != powerSuspended && c.power != powerFailed {
		return c.power
	}
	c.power = powerResuming
	time.AfterFunc(s.opts.ResumeDelay, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.power != powerResuming {
			return
		}
		c.power = powerActive
		if c.resumeFail {
			c.power = powerFailed
		}
		s.opts.Logger.Info("mock: cluster resume finished", "status", c.power)
	})
	return c.power
}

// SetResumeFails makes later resumes end in status "failed" (true) or "active" (false).
func (s *Server) SetResumeFails(fail bool) {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	s.cluster.resumeFail = fail
}

// ClusterStatus returns what ClusterService/status reports: "active", "suspended", "resuming"
// or "failed".
func (s *Server) ClusterStatus() string {
	s.cluster.mu.Lock()
	defer s.cluster.mu.Unlock()
	return s.cluster.power
}

// suspended reports whether QueryEngineService calls are answered with HTTP 503.
func (s *Server) suspended() bool {
	return s.ClusterStatus() != powerActive
}
