// Command e6data-mock runs the in-process e6data mock cluster as a standalone server, for trying
// the driver, e6data's own clients or an application against something that behaves like a real
// cluster:
//
//	go run ./mock/cmd/e6data-mock -demo
//	go run ./mock/cmd/e6data-mock -demo -switch-every 30s   # a blue/green deployment every 30 s
//
// It prints its DSN on standard output, logs to standard error (each switch among others) and
// stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/e6data/gorm-e6data/mock"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "e6data-mock:", err)
		os.Exit(2)
	}
}

// run parses args, serves until ctx ends or a signal arrives, and returns why it stopped.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("e6data-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:50052", "address to serve gRPC on")
	demo := fs.Bool("demo", false, "load the retail demo dataset (customers, products, 100,000 orders)")
	switchEvery := fs.Duration("switch-every", 0, "switch blue/green automatically at this interval (0: never)")
	abrupt := fs.Bool("abrupt", false, "with -switch-every: switch with no announcement and no drain")
	batchRows := fs.Int("batch-rows", 8192, "rows per result batch")
	user := fs.String("user", "admin", "user name clients authenticate with")
	token := fs.String("token", "mock-token", "access token of -user")
	catalog := fs.String("catalog", "e6data", "default catalog")
	schema := fs.String("schema", "default", "default schema (the DSN's database)")
	clusterName := fs.String("cluster-name", "", "cluster name to put in the DSN")
	drain := fs.Duration("drain-timeout", 30*time.Second, "longest time a switch drains the old colour")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: every option is a flag (see -h)", fs.Args())
	}
	if *batchRows <= 0 {
		return fmt.Errorf("-batch-rows %d: want a positive number of rows", *batchRows)
	}
	if *switchEvery < 0 {
		return fmt.Errorf("-switch-every %s: want a positive duration or 0", *switchEvery)
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := mock.NewServer(mock.Options{
		Listen: *listen, Users: map[string]string{*user: *token},
		Catalog: *catalog, Schema: *schema, ClusterName: *clusterName,
		BatchRows: *batchRows, DrainTimeout: *drain, Demo: *demo, Logger: logger,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, srv.DSN())

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *switchEvery > 0 {
		go switchLoop(ctx, srv, *switchEvery, *abrupt)
	}
	<-ctx.Done()
	logger.Info("e6data-mock: stopping")
	if err := srv.Close(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// switchLoop deploys the other colour every interval until ctx ends.
func switchLoop(ctx context.Context, srv *mock.Server, every time.Duration, abrupt bool) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if abrupt {
				srv.SwitchAbrupt()
			} else {
				srv.Switch()
			}
		}
	}
}
