package e6data_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// The metadata API works whatever pool GORM holds: the dialect's own *sql.DB, an adopted *sql.DB
// or *sql.Conn, a Connector, and GORM's prepared-statement pools (global or per session).
func migTestPools(t *testing.T, srv *mock.Server) {
	dsn := srv.DSN()
	ctx := context.Background()

	adoptedDB := func(t *testing.T) *sql.DB {
		db, err := sql.Open(connector.DriverName, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	prepared := func(c *gorm.Config) { c.PrepareStmt = true }

	tests := []struct {
		name string
		open func(t *testing.T) *gorm.DB
		pool string // the type of the pool the migrator sees
	}{
		{"DSN", func(t *testing.T) *gorm.DB { return migOpen(t, e6data.Open(dsn)) }, "*sql.DB"},
		{"adopted *sql.DB", func(t *testing.T) *gorm.DB {
			return migOpen(t, e6data.New(e6data.Config{Conn: adoptedDB(t)}))
		}, "*sql.DB"},
		{"adopted *sql.Conn", func(t *testing.T) *gorm.DB {
			conn, err := adoptedDB(t).Conn(ctx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = conn.Close() })
			return migOpen(t, e6data.New(e6data.Config{Conn: conn}))
		}, "*sql.Conn"},
		{"Connector", func(t *testing.T) *gorm.DB {
			cfg, err := connector.ParseDSN(dsn)
			require.NoError(t, err)
			c, err := connector.NewConnector(*cfg)
			require.NoError(t, err)
			return migOpen(t, e6data.New(e6data.Config{Connector: c}))
		}, "*sql.DB"},
		{"PrepareStmt config", func(t *testing.T) *gorm.DB { return migOpen(t, e6data.Open(dsn), prepared) }, "*gorm.PreparedStmtDB"},
		{"PrepareStmt session", func(t *testing.T) *gorm.DB {
			return migOpen(t, e6data.Open(dsn)).Session(&gorm.Session{PrepareStmt: true})
		}, "*gorm.PreparedStmtDB"},
		{"dbresolver", func(t *testing.T) *gorm.DB {
			db := migOpen(t, e6data.Open(dsn))
			require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{e6data.New(e6data.Config{Conn: adoptedDB(t)})}})))
			return db
		}, "*sql.DB"},
		{"dbresolver with PrepareStmt", func(t *testing.T) *gorm.DB {
			db := migOpen(t, e6data.Open(dsn), prepared)
			require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{e6data.New(e6data.Config{Conn: adoptedDB(t)})}})))
			return db
		}, "*gorm.PreparedStmtDB"},
		{"PrepareStmt session over *sql.Conn", func(t *testing.T) *gorm.DB {
			conn, err := adoptedDB(t).Conn(ctx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = conn.Close() })
			return migOpen(t, e6data.New(e6data.Config{Conn: conn})).Session(&gorm.Session{PrepareStmt: true})
		}, "*gorm.PreparedStmtDB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.open(t)
			m := db.Migrator()
			assert.Equal(t, tt.pool, fmt.Sprintf("%T", db.Statement.ConnPool))

			tables, err := m.GetTables()
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"customers", "orders", "products"}, tables)
			assert.Equal(t, "default", m.CurrentDatabase())
			assert.True(t, m.HasTable(&migOrder{}))
			assert.True(t, m.HasColumn(&migOrder{}, "CustomerID"))
			cols, err := m.ColumnTypes(&migOrder{})
			require.NoError(t, err)
			assert.Len(t, cols, len(migDemoColumns["orders"]))
			require.NoError(t, db.AutoMigrate(&migOrder{}))
		})
	}
}

// A pool of another driver (go-sqlmock) has no metadata RPCs: a typed error, and no SQL.
func TestMigratorMetadataNotE6DataPool(t *testing.T) {
	sqlDB, sm, err := sqlmock.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	conn, err := sqlDB.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })

	for name, pool := range map[string]gorm.ConnPool{"*sql.DB": sqlDB, "*sql.Conn": conn} {
		t.Run(name, func(t *testing.T) {
			db := migOpen(t, e6data.New(e6data.Config{Conn: pool}))
			m := db.Migrator()
			check := func(op string, err error) {
				t.Helper()
				require.Error(t, err)
				assert.ErrorIs(t, err, connector.ErrNotE6DataConn)
				var pe *e6data.MetadataPoolError
				require.True(t, errors.As(err, &pe), "%T: %v", err, err)
				assert.Equal(t, "Migrator."+op, pe.Op)
				assert.Equal(t, name, pe.Pool)
				assert.Contains(t, err.Error(), "sqlmock", "names the driver connection it found")
				assert.Contains(t, err.Error(), "e6data.Open(dsn)", "says what to do")
			}
			_, err := m.GetTables()
			check("GetTables", err)
			_, err = m.ColumnTypes(&migOrder{})
			check("ColumnTypes", err)
			_, err = m.TableType("orders")
			check("TableType", err)
			check("AutoMigrate", db.AutoMigrate(&migOrder{}))
			assert.False(t, m.HasTable("orders"))
			assert.False(t, m.HasColumn("orders", "id"))
			assert.Equal(t, "", m.CurrentDatabase())
		})
	}
	require.NoError(t, sm.ExpectationsWereMet())
}
