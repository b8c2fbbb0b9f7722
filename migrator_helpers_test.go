package e6data_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// migDemo starts a mock cluster with the demo dataset and opens GORM on it through a DSN.
func migDemo(t testing.TB) (*mock.Server, *gorm.DB) {
	t.Helper()
	srv, err := mock.NewServer(mock.Options{Demo: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv, migOpen(t, e6data.Open(srv.DSN()))
}

// migOpen opens GORM on dialector with a silent logger and a context that ends with the test.
func migOpen(t testing.TB, dialector gorm.Dialector, opts ...func(*gorm.Config)) *gorm.DB {
	t.Helper()
	cfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	for _, o := range opts {
		o(cfg)
	}
	db, err := gorm.Open(dialector, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return db.WithContext(ctx)
}
