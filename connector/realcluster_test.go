package connector_test

import (
	"database/sql"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
)

// TestRealCluster runs a few read-only checks against a real e6data cluster when E6DATA_DSN
// names one (e.g. e6data://user:token@host:443/schema?catalog=hive&secure=true); it skips
// otherwise, so the suite never needs a network beyond 127.0.0.1.
func TestRealCluster(t *testing.T) {
	dsn := os.Getenv("E6DATA_DSN")
	if dsn == "" {
		t.Skip("E6DATA_DSN is not set: no real cluster to test against")
	}
	db, err := sql.Open(connector.DriverName, dsn)
	require.NoError(t, err)
	defer db.Close()
	ctx := testCtx(t)

	require.NoError(t, db.PingContext(ctx))
	var one int64
	var info connector.QueryInfo
	require.NoError(t, db.QueryRowContext(connector.WithQueryInfo(ctx, &info), "SELECT 1").Scan(&one))
	assert.Equal(t, int64(1), one)
	assert.NotEmpty(t, info.QueryID)
	t.Logf("SELECT 1: query %s on strategy %q", info.QueryID, info.Strategy)

	err = connector.WithConn(ctx, db, func(c *connector.Conn) error {
		tables, err := c.Tables(ctx, "", "")
		if err != nil {
			return err
		}
		t.Logf("%d tables in the DSN's schema", len(tables))
		return nil
	})
	require.NoError(t, err)
}
