package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// metricsPath is where serveMetrics serves the metrics.
const metricsPath = "/metrics"

// serveMetrics serves the driver's OpenTelemetry metrics in the Prometheus text format at
// http://addr/metrics (addr as for net.Listen, e.g. "127.0.0.1:9464" or ":9464"), through the
// OpenTelemetry Prometheus exporter. It returns the MeterProvider to give the driver
// (connector.Config.StrategyOptions.MeterProvider) and a shutdown function that stops the
// server and the provider, bounded by its context.
//
// The exporter names the metrics the Prometheus way: dots become underscores, and the unit and
// type become suffixes (e6data.query.retries is e6data_query_retries_total, the histogram
// e6data.query.duration is e6data_query_duration_seconds_bucket/_sum/_count); the attributes
// become labels the same way (e6data.cluster is e6data_cluster). dashboard.json, beside this
// file, is a Grafana dashboard over them.
func serveMetrics(addr string) (metric.MeterProvider, func(context.Context) error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: listen on %q: %w (pass -metrics-addr host:port with a free port)", addr, err)
	}
	return serveMetricsOn(ln)
}

// serveMetricsOn is serveMetrics on a listener it takes over (closed by the shutdown function,
// or at once on error). The shutdown function may be called more than once: it returns the
// first call's result.
func serveMetricsOn(ln net.Listener) (metric.MeterProvider, func(context.Context) error, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(
		otelprom.WithRegisterer(reg),
		// Explicit rather than the exporter's default, which depends on a global of the
		// Prometheus library: the dashboard's names rely on it.
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
	)
	if err != nil {
		_ = ln.Close()
		return nil, nil, fmt.Errorf("metrics: create the Prometheus exporter: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	mux := http.NewServeMux()
	mux.Handle(metricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }() // ends with Shutdown
	var once sync.Once
	var shutErr error
	shutdown := func(ctx context.Context) error {
		once.Do(func() {
			err := srv.Shutdown(ctx)
			if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
				err = errors.Join(err, serr)
			}
			shutErr = errors.Join(err, mp.Shutdown(ctx))
		})
		return shutErr
	}
	return mp, shutdown, nil
}
