package e6data_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// A model for the demo's orders table, written with two mistakes.
type migExampleOrder struct {
	ID        int64
	Quantity  time.Time // the column is an int
	Status    string
	Warehouse string // no such column
}

func (migExampleOrder) TableName() string { return "orders" }

// AutoMigrate verifies models against the catalog and never alters it: here it reports every
// difference in one *e6data.SchemaMismatchError.
func ExampleMigrator_AutoMigrate() {
	srv, err := mock.NewServer(mock.Options{Demo: true}) // a local e6data cluster with demo tables
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	db, err := gorm.Open(e6data.Open(srv.DSN()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}

	err = db.AutoMigrate(&migExampleOrder{})
	var mismatch *e6data.SchemaMismatchError
	if errors.As(err, &mismatch) {
		for _, m := range mismatch.Mismatches {
			fmt.Println(m.Kind, m.Column)
		}
	}
	fmt.Println(err)

	// DDL is refused before anything is sent.
	fmt.Println(errors.Is(db.Migrator().DropTable("orders"), e6data.ErrDDLNotSupported))
	// Output:
	// incompatible type quantity
	// missing column warehouse
	// e6data: AutoMigrate verifies models against the catalog and never alters tables; it found 2 mismatches (change the model, or the table outside GORM):
	//   - incompatible type: column e6data.default.orders.quantity is int, field migExampleOrder.Quantity time.Time wants date, timestamp or timestamp_tz
	//   - missing column e6data.default.orders.warehouse (field migExampleOrder.Warehouse string)
	// true
}

// ColumnTypes reads the columns through e6data's metadata RPCs.
func ExampleMigrator_ColumnTypes() {
	srv, err := mock.NewServer(mock.Options{Demo: true})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	db, err := gorm.Open(e6data.Open(srv.DSN()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}

	cols, err := db.Migrator().ColumnTypes("products")
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cols[:5] {
		full, _ := c.ColumnType()
		precision, scale, ok := c.DecimalSize()
		fmt.Println(c.Name(), full, c.ScanType(), precision, scale, ok)
	}
	// Output:
	// id bigint int64 0 0 false
	// sku string string 0 0 false
	// name string string 0 0 false
	// category string string 0 0 false
	// price decimal(10,2) string 10 2 true
}
