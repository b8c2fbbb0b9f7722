package connector

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/e6data/gorm-e6data/internal/bluegreen"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/strategy"
)

// DriverName is the name the driver registers with database/sql.
const DriverName = "e6data"

func init() {
	sql.Register(DriverName, &Driver{})
}

// Driver is the database/sql driver for e6data. Importing this package registers it as
// "e6data"; sql.Open("e6data", dsn) then uses a Connector per *sql.DB.
type Driver struct{}

// Open opens one connection with its own gRPC channel, closed with the connection. database/sql
// calls OpenConnector instead, which shares one channel between the connections of a *sql.DB.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.openConnector(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := c.Connect(context.Background())
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	conn.(*Conn).ownsConnector = true
	return conn, nil
}

// OpenConnector parses dsn and returns a Connector for it.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	c, err := d.openConnector(dsn)
	if err != nil {
		return nil, err // never a typed nil *Connector in the interface
	}
	return c, nil
}

func (d *Driver) openConnector(dsn string) (*Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(*cfg)
}

// Connector holds one gRPC channel to a cluster, shared by all the connections it opens. It
// implements io.Closer: sql.DB.Close closes it.
type Connector struct {
	cfg    *Config
	cc     *grpc.ClientConn
	qe     e6pb.QueryEngineServiceClient
	cs     e6pb.ClusterServiceClient
	log    *slog.Logger
	closed atomic.Bool
	ctx    context.Context // ends at Close; bounds the connector's own background work
	stop   context.CancelFunc

	resumeMu sync.Mutex // one resume at a time per connector (single flight)
	resuming *resumeFlight

	bgMu     sync.Mutex     // guards bgClosed with the additions to bg
	bgClosed bool           // Close started: no new background work
	bg       sync.WaitGroup // the connector's background goroutines (see goBackground)

	open openQueries // the queries that may be open on the cluster, which Close clears (clear.go)

	state     *bluegreen.Use // blue/green state of the cluster, shared in the process
	stopProbe func()

	tracer    trace.Tracer         // nil without Config.TracerProvider (see trace.go)
	spanAttrs []attribute.KeyValue // what every statement span carries
}

// The Connector is what database/sql needs, and sql.DB.Close closes it.
var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector returns a Connector for cfg, for what a DSN cannot carry (TLS configuration,
// logger, extra dial options, a token source, strategy options). Use it with sql.OpenDB; keep
// the *Connector for Health. It dials lazily: no network traffic happens before the first query
// or Ping.
func NewConnector(cfg Config) (*Connector, error) {
	c := cfg.Clone()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var creds credentials.TransportCredentials = insecure.NewCredentials()
	tlsCfg, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	if tlsCfg != nil {
		creds = credentials.NewTLS(tlsCfg)
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn := &Connector{cfg: c}
	// The cluster's blue/green state is shared by the process's connectors to it; this one's
	// OnEvent, Logger and rollback probe join it, and options that conflict with those of the
	// other open connectors are refused (*strategy.OptionsConflictError).
	state, err := bluegreen.Shared(strategy.Key{Endpoint: c.Addr(), ClusterName: c.ClusterName}, strategyOptions(c, log), rollbackProbe(conn))
	if err != nil {
		return nil, fmt.Errorf("e6data: %w", err)
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(c.MaxRecvMsgSize), grpc.MaxCallSendMsgSize(c.MaxSendMsgSize)),
		// e6data's clients ping every 30 s even with no call in flight; the proxy expects it.
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: c.KeepaliveTime, Timeout: c.KeepaliveTimeout, PermitWithoutStream: true}),
		grpc.WithChainUnaryInterceptor(state.UnaryClientInterceptor()),
	}
	opts = append(opts, reconnectDialOptions()...) // see dial.go
	opts = append(opts, c.DialOptions...)
	cc, err := grpc.NewClient(c.dialTarget(), opts...)
	if err != nil {
		bluegreen.Unshare(state)
		return nil, fmt.Errorf("e6data: set up the gRPC channel to %s: %w", c.Addr(), err)
	}
	ctx, stop := context.WithCancel(context.Background())
	conn.ctx, conn.stop, conn.state = ctx, stop, state
	conn.cc, conn.qe, conn.cs = cc, e6pb.NewQueryEngineServiceClient(cc), e6pb.NewClusterServiceClient(cc)
	conn.log = log.With("cluster", c.Addr())
	conn.tracer, conn.spanAttrs = newTracer(c), spanAttributes(c)
	if c.HealthProbeInterval > 0 {
		prober := conn.newConn()
		conn.stopProbe = state.StartProbe(ctx, c.HealthProbeInterval, prober.probe)
	}
	return conn, nil
}

// strategyOptions completes the user's strategy options with the DSN's settings.
func strategyOptions(c *Config, log *slog.Logger) strategy.Options {
	o := c.StrategyOptions
	if o.TTL == 0 {
		o.TTL = c.StrategyTTL
	}
	if len(o.Selector) == 0 && c.Strategy != "" {
		o.Selector = []string{c.Strategy}
	}
	if o.Logger == nil {
		o.Logger = log
	}
	return o
}

// rollbackProbe is the probe automated rollback uses to check that the previous colour still
// answers: an authenticate on it through conn (a closed conn hands the check to another
// connector, see Conn.probe).
func rollbackProbe(conn *Connector) func(ctx context.Context, colour string) error {
	return func(ctx context.Context, colour string) error {
		return conn.newConn().probe(ctx, colour)
	}
}

func (c *Connector) newConn() *Conn {
	return &Conn{c: c, cfg: c.cfg, sessions: map[string]string{}}
}

// Health returns a snapshot of the cluster's blue/green state: active and pending colour, age of
// the last validation, generation, in-flight pins and the oldest pin's age, last error.
func (c *Connector) Health() strategy.Health { return c.state.Health() }

// Connect returns a new connection. It authenticates lazily, on its first call that needs a
// session.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if c.closed.Load() {
		return nil, ErrConnectorClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.newConn(), nil
}

// Driver returns the e6data Driver.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Config returns a copy of the connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.Clone() }

// Close closes the gRPC channel. Connections of the connector fail afterwards. First it clears
// every query still open on the cluster, side by side, within cancel-timeout: rows never closed
// (whose Next then fails with ErrConnectorClosed), rows read while Close runs, and the clears
// still queued, so that a client that went away holds up no deployment. Then it ends the
// connector's background work and waits for it: the prefetching of results and the cancel and
// clear calls still in flight.
func (c *Connector) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.clearOpen()
	c.stop()
	if c.stopProbe != nil {
		c.stopProbe()
	}
	c.endBackground()
	bluegreen.Unshare(c.state)
	if err := c.cc.Close(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
