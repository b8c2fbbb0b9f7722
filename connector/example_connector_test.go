package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
	"github.com/e6data/gorm-e6data/strategy"
)

// A Connector from a Config, for what a DSN cannot carry (here an event hook), and its Health.
func ExampleNewConnector() {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	cfg, err := connector.ParseDSN(srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	cfg.StrategyOptions.OnEvent = func(e strategy.Event) {
		if e.Kind == strategy.EventDetected {
			fmt.Println("detected", e.Colour)
		}
	}
	c, err := connector.NewConnector(*cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c) // db.Close closes the connector
	defer db.Close()

	var one int
	if err := db.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil {
		log.Fatal(err)
	}
	h := c.Health()
	fmt.Println("active", h.Active)
	// Output:
	// detected blue
	// active blue
}
