package e6data_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/e6data/gorm-e6data/mock"
)

// TestMigratorOnDemo runs the migrator's end-to-end tests against one mock cluster with the
// demo dataset: loading it is the slow part, and none of them changes it.
func TestMigratorOnDemo(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{Demo: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	for _, tt := range []struct {
		name string
		test func(*testing.T, *mock.Server)
	}{
		{"Metadata", migTestDemoMetadata},
		{"TableNames", migTestTableNames},
		{"Pools", migTestPools},
		{"DDLSendsNothing", migTestDDLSendsNothing},
		{"AutoMigrateMatching", migTestAutoMigrateMatching},
		{"AutoMigrateMismatches", migTestAutoMigrateMismatches},
		{"Gen", migTestGen},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, srv) })
	}
}

// migPrepares counts the statements prepared on srv so far.
func migPrepares(srv *mock.Server) int {
	return srv.Calls("prepareStatementV2", "*") + srv.Calls("prepareStatement", "*")
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
