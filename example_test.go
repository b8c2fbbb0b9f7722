package e6data_test

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/mock"
)

// Unit-testing GORM code with no server: adopt a go-sqlmock pool. Initialize sends nothing, the
// dialect renders e6data SQL with ? placeholders, and writes fail before reaching the pool.
func Example_sqlmock() {
	sqlDB, sm, err := sqlmock.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sqlDB.Close()
	db, err := gorm.Open(e6data.New(e6data.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		fmt.Println(err)
		return
	}

	sm.ExpectQuery(regexp.QuoteMeta(`SELECT * FROM "users" WHERE name = ? ORDER BY "users"."id" ASC LIMIT ?`)).
		WithArgs("jinzhu", 1).
		WillReturnRows(sqlmock.NewRows([]string{"id", "name", "age"}).AddRow(1, "jinzhu", 18))
	var u User
	err = db.Where("name = ?", "jinzhu").First(&u).Error
	fmt.Println(u.ID, u.Name, u.Age, err)

	err = db.Create(&User{Name: "new"}).Error // read-only by default: nothing reaches the pool
	fmt.Println(errors.Is(err, e6data.ErrReadOnly))
	fmt.Println(sm.ExpectationsWereMet())
	// Output:
	// 1 jinzhu 18 <nil>
	// true
	// <nil>
}

// The SQL a GORM call sends, rendered as the driver sends it, without running it.
func Example_toSQL() {
	sqlDB, _, _ := sqlmock.New()
	defer sqlDB.Close()
	db, _ := gorm.Open(e6data.New(e6data.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	fmt.Println(db.ToSQL(func(tx *gorm.DB) *gorm.DB {
		return tx.Where("name = ?", "O'Neil").
			Order(e6clause.Order(clause.Column{Name: "age"}, e6clause.Desc, e6clause.NullsLast)).
			Offset(20).Find(&[]User{})
	}))
	// Output:
	// SELECT * FROM "users" WHERE name = 'O\'Neil' ORDER BY "age" DESC NULLS LAST LIMIT 9223372036854775807 OFFSET 20
}

// Per-statement options and what the driver learned about the query, against the in-process
// mock cluster.
func ExampleQueryInfoOf() {
	srv, err := mock.NewServer(mock.Options{ClusterName: "example-query-info"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if _, err := srv.Exec(`CREATE TABLE users (id BIGINT, name STRING, age INT)`); err != nil {
		fmt.Println(err)
		return
	}
	db, err := gorm.Open(e6data.Open(srv.DSN()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		fmt.Println(err)
		return
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}

	var users []User
	tx := db.Scopes(e6data.WithTimeout(30 * time.Second)).Find(&users)
	info, ok := e6data.QueryInfoOf(tx)
	fmt.Println(tx.Error, ok, info.Strategy, info.Attempts, info.QueryID != "")
	// Output:
	// <nil> true blue 1 true
}
