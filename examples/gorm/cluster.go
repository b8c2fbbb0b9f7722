package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// deployer is the cluster's side of the demo: a blue/green deployment every `every`,
// alternately announced (the new colour is announced and the old one drains its running
// queries) and abrupt (no announcement, the old colour is retired at once and its running
// queries are cut), until ctx ends.
func deployer(ctx context.Context, srv *mock.Server, every time.Duration, rec *recorder) {
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		kind, deploy := switchAnnounced, srv.Switch
		if n%2 == 1 {
			kind, deploy = switchAbrupt, srv.SwitchAbrupt
		}
		from := srv.ActiveStrategy()
		begin := time.Now()
		to := deploy() // an announced switch first waits for the previous drain to end
		rec.switched(kind, from, to, begin, time.Now())
	}
}

// demoIndexes stand in for what makes a columnar engine quick on the workload's filters (the
// mock's SQLite would otherwise scan all 100,000 orders for each dashboard of a month). They
// change no answer, only how long the mock takes to give it.
var demoIndexes = []string{
	`CREATE INDEX orders_ordered_at ON orders (ordered_at)`,
	`CREATE INDEX orders_status ON orders (status, id)`,
	`CREATE INDEX orders_customer ON orders (customer_id)`,
}

// mockCluster is the in-process mock cluster with the demo dataset, and the answer key read
// from its data file.
type mockCluster struct {
	srv   *mock.Server
	facts *facts
	dir   string
}

// startMock starts the mock cluster with the demo dataset, its SQLite files in a temporary
// directory, and reads the answer key from them.
func startMock(ctx context.Context, drain time.Duration) (_ *mockCluster, err error) {
	m := &mockCluster{}
	defer func() {
		if err != nil {
			m.close()
		}
	}()
	if m.dir, err = os.MkdirTemp("", "e6data-gorm-demo-"); err != nil {
		return nil, err
	}
	if m.srv, err = mock.NewServer(mock.Options{Demo: true, Dir: m.dir, DrainTimeout: drain}); err != nil {
		return nil, fmt.Errorf("start the mock cluster: %w", err)
	}
	for _, ix := range demoIndexes {
		if _, err := m.srv.Exec(ix); err != nil {
			return nil, fmt.Errorf("index the demo data: %w", err)
		}
	}
	file, err := findDemoFile(ctx, m.dir)
	if err != nil {
		return nil, err
	}
	if m.facts, err = loadFacts(ctx, file); err != nil {
		return nil, err
	}
	return m, nil
}

// close stops the cluster and removes its files.
func (m *mockCluster) close() {
	if m.srv != nil {
		_ = m.srv.Close()
	}
	if m.dir != "" {
		_ = os.RemoveAll(m.dir)
	}
}

// openGORM opens GORM on dsn through the e6data dialect: e6data.Open(dsn), or, when the
// telemetry needs to configure the driver, a connector built from the same DSN.
func openGORM(dsn string, tel telemetry) (*gorm.DB, error) {
	dialector := e6data.Open(dsn)
	if tel.configure != nil {
		cfg, err := connector.ParseDSN(dsn)
		if err != nil {
			return nil, err
		}
		tel.configure(cfg)
		c, err := connector.NewConnector(*cfg)
		if err != nil {
			return nil, err
		}
		dialector = e6data.New(e6data.Config{Connector: c})
	}
	// The demo reports errors itself; GORM's logger would print each one (and every slow query)
	// over the progress line.
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, err
	}
	// Parse the models, relationships included, before the workers share db: GORM parses a
	// model's schema on first use, and two goroutines doing so at once race inside GORM's
	// relationship maps (seen under -race). Parsing sends nothing to the cluster.
	for _, model := range []any{&Customer{}, &Product{}, &Order{}} {
		if err := (&gorm.Statement{DB: db}).Parse(model); err != nil {
			return nil, fmt.Errorf("parse the model %T: %w", model, err)
		}
	}
	return db, nil
}
