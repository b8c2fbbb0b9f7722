package e6data_test

import (
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
)

// Models of the golden-SQL tests.
type User struct {
	ID        int64
	Name      string
	Age       int
	Email     *string
	CompanyID int64
	Company   Company
	Orders    []Order
}

type Company struct {
	ID   int64
	Name string
}

type Order struct {
	ID     int64
	UserID int64
	Amount float64
}

// sqlmockDB opens GORM on a go-sqlmock pool that expects nothing: any SQL sent fails the test
// (ExpectationsWereMet is checked at cleanup).
func sqlmockDB(t testing.TB, cfg e6data.Config, gcfg *gorm.Config) (*gorm.DB, sqlmock.Sqlmock) {
	t.Helper()
	sqlDB, mock, err := sqlmock.New(sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual))
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, mock.ExpectationsWereMet())
		_ = sqlDB.Close()
	})
	cfg.Conn = sqlDB
	if gcfg == nil {
		gcfg = &gorm.Config{}
	}
	if gcfg.Logger == nil {
		gcfg.Logger = logger.Discard
	}
	db, err := gorm.Open(e6data.New(cfg), gcfg)
	require.NoError(t, err)
	return db, mock
}

// dryRun returns a DryRun session on a pool that sends nothing.
func dryRun(t testing.TB) *gorm.DB {
	t.Helper()
	db, _ := sqlmockDB(t, e6data.Config{}, nil)
	return db.Session(&gorm.Session{DryRun: true})
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
