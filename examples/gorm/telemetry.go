package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/e6data/gorm-e6data/connector"
)

// This file is where the driver's telemetry (metrics, traces) is wired into the demo, kept apart
// so that exporters can be added here alone: their settings go in telemetryOptions, their flags
// in registerTelemetryFlags, and setupTelemetry starts them and says how the driver must be
// configured to feed them. With nothing configured the demo opens GORM with e6data.Open(dsn).

// telemetryOptions are the demo's telemetry settings.
type telemetryOptions struct {
	// metricsAddr, when set, serves the driver's OpenTelemetry metrics in Prometheus format at
	// http://ADDR/metrics (see metrics.go and dashboard.json).
	metricsAddr string
}

// registerTelemetryFlags adds the telemetry flags to fs.
func registerTelemetryFlags(fs *flag.FlagSet, o *telemetryOptions) {
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve the driver's metrics in Prometheus format at http://`ADDR`/metrics (e.g. 127.0.0.1:9464)")
}

// telemetry is what setupTelemetry started.
type telemetry struct {
	// configure, when set, adjusts the driver's configuration before the pool opens (for
	// example StrategyOptions.MeterProvider, or DialOptions for gRPC tracing): the demo then
	// opens the pool with connector.NewConnector instead of e6data.Open(dsn).
	configure func(*connector.Config)
	// shutdown, when set, flushes and stops the exporters at the end of the run.
	shutdown func(context.Context) error
}

// setupTelemetry starts the exporters o asks for; it may print where they serve to stdout.
func setupTelemetry(ctx context.Context, o telemetryOptions, stdout io.Writer) (telemetry, error) {
	if o.metricsAddr == "" {
		return telemetry{}, nil
	}
	mp, shutdown, err := serveMetrics(o.metricsAddr)
	if err != nil {
		return telemetry{}, fmt.Errorf("-metrics-addr %s: %w", o.metricsAddr, err)
	}
	fmt.Fprintf(stdout, "metrics: http://%s/metrics\n", o.metricsAddr)
	return telemetry{
		configure: func(c *connector.Config) { c.StrategyOptions.MeterProvider = mp },
		shutdown:  shutdown,
	}, nil
}
