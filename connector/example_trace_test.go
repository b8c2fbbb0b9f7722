package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// Tracing: a span per statement from Config.TracerProvider, and a span per gRPC call under it
// from otelgrpc's stats handler in Config.DialOptions. A real program passes its own provider
// (for example otel.GetTracerProvider(), with an OTLP exporter); this one records in memory.
func ExampleConfig_tracing() {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())

	cfg, err := connector.ParseDSN(srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	cfg.TracerProvider = tp
	cfg.DialOptions = append(cfg.DialOptions, grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(tp))))
	c, err := connector.NewConnector(*cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	var one int
	if err := db.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil {
		log.Fatal(err)
	}
	for _, s := range exp.GetSpans() {
		if s.Name != "e6data.query" {
			continue
		}
		calls := 0
		for _, child := range exp.GetSpans() {
			if child.Parent.SpanID() == s.SpanContext.SpanID() {
				calls++
			}
		}
		for _, kv := range s.Attributes {
			switch kv.Key {
			case "e6data.strategy", "e6data.attempts":
				fmt.Println(kv.Key, kv.Value.Emit())
			}
		}
		fmt.Println("gRPC calls under it:", calls > 0)
	}
	// Output:
	// e6data.strategy blue
	// e6data.attempts 1
	// gRPC calls under it: true
}
