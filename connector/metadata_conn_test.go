package connector_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

func TestWithSQLConn(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{Catalog: "hive", Schema: "sales"})
	_, err := srv.Exec(`CREATE TABLE t (x INT)`)
	require.NoError(t, err)
	ctx := testCtx(t)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()

	for range 2 { // the *sql.Conn stays open and usable
		err = connector.WithSQLConn(ctx, conn, func(c *connector.Conn) error {
			assert.Equal(t, "hive", c.Catalog())
			assert.Equal(t, "sales", c.Schema())
			tables, err := c.Tables(ctx, "", "")
			assert.Equal(t, []string{"t"}, tables)
			return err
		})
		require.NoError(t, err)
	}
	var n int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT 1").Scan(&n))

	sentinel := errors.New("from fn")
	assert.ErrorIs(t, connector.WithSQLConn(ctx, conn, func(*connector.Conn) error { return sentinel }), sentinel)
	assert.ErrorIs(t, connector.WithSQLConn(ctx, nil, func(*connector.Conn) error { return nil }), connector.ErrNotE6DataConn)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, connector.WithSQLConn(cancelled, conn, func(*connector.Conn) error { return nil }), context.Canceled)
}

// otherDriver is a database/sql driver that is not e6data's.
type otherDriver struct{}

func (otherDriver) Open(string) (driver.Conn, error) { return otherConn{}, nil }

type otherConn struct{}

func (otherConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (otherConn) Close() error                        { return nil }
func (otherConn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }

func init() { sql.Register("e6data-test-other", otherDriver{}) }

func TestWithConnOtherDriver(t *testing.T) {
	db, err := sql.Open("e6data-test-other", "")
	require.NoError(t, err)
	defer db.Close()
	ctx := testCtx(t)
	called := false
	err = connector.WithConn(ctx, db, func(*connector.Conn) error { called = true; return nil })
	assert.ErrorIs(t, err, connector.ErrNotE6DataConn)
	assert.ErrorContains(t, err, "connector_test.otherConn")
	assert.False(t, called)

	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	assert.ErrorIs(t, connector.WithSQLConn(ctx, conn, func(*connector.Conn) error { return nil }), connector.ErrNotE6DataConn)
}
