// Command gorm is the zero-downtime demo of gorm-e6data: an analytics workload through GORM
// and the e6data driver while the in-process mock cluster performs blue/green deployments,
// announced and abrupt. Every result is checked against the data; the exit status is non-zero
// if any query failed or returned a wrong result.
//
//	go run ./examples/gorm                         # 20 s against the mock cluster
//	go run ./examples/gorm -report demo.html       # and write the timeline report
//	go run ./examples/gorm -http 127.0.0.1:8080    # and watch it live in a browser
//	go run ./examples/gorm -dsn "$DSN" -query "SELECT …"   # a real cluster, your query
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := parseOptions(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(exitOK)
	}
	if err != nil {
		if errors.Is(err, errUsage) { // the flag package has printed the others
			fmt.Fprintf(os.Stderr, "gorm demo: %v\n", err)
		}
		os.Exit(exitSetup)
	}
	code := run(ctx, o, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
