package mock_test

import (
	"database/sql"
	"fmt"
	"log"
	"time"

	_ "github.com/e6data/gorm-e6data/connector" // registers the "e6data" driver
	"github.com/e6data/gorm-e6data/mock"
)

// A scripted result: the statement is answered from registered rows, not by SQLite, through the
// whole query lifecycle. Rows are encoded once and can be replayed (Repeat) for large results.
func ExampleServer_PutResult() {
	srv, err := mock.NewServer(mock.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	err = srv.PutResult("SELECT id, total, ordered_at FROM big_orders", mock.Result{
		Columns: []mock.Column{
			{Name: "id", Type: "LONG"},
			{Name: "total", Type: "DECIMAL128", Scale: 2},
			{Name: "ordered_at", Type: "DATETIME"},
		},
		Rows: [][]any{
			{1, "19.99", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
			{2, nil, time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)},
		},
		Repeat: 2,
	})
	if err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("e6data", srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT id, total, ordered_at FROM big_orders")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id    int64
			total sql.NullString
			at    time.Time
		)
		if err := rows.Scan(&id, &total, &at); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, total.String, total.Valid, at.Format(time.DateTime))
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 19.99 true 2024-01-02 03:04:05
	// 2  false 2024-01-03 00:00:00
	// 1 19.99 true 2024-01-02 03:04:05
	// 2  false 2024-01-03 00:00:00
}
