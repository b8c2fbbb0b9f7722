package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// Querying e6data through database/sql; here against the in-process mock cluster.
func Example() {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.Exec(`CREATE TABLE events (id BIGINT, kind STRING)`); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.Exec(`INSERT INTO events VALUES (1, 'click'), (2, 'view'), (3, 'click')`); err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("e6data", srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM "events" WHERE "kind" = ?`, "click").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
	// Output: 2
}

// The metadata API: tables and columns through e6data's metadata RPCs.
func ExampleWithConn() {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.Exec(`CREATE TABLE orders (id BIGINT, total DECIMAL(12,2))`); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("e6data", srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	err = connector.WithConn(ctx, db, func(c *connector.Conn) error {
		tables, err := c.Tables(ctx, "", "") // the DSN's catalog and schema
		if err != nil {
			return err
		}
		cols, err := c.Columns(ctx, "", "", tables[0])
		if err != nil {
			return err
		}
		fmt.Println(tables)
		for _, col := range cols {
			fmt.Println(col.Name, col.Type)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [orders]
	// id bigint
	// total decimal(12,2)
}
