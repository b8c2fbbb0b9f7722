package connector_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

func TestPing(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	require.NoError(t, db.PingContext(testCtx(t)))
	assert.Equal(t, 1, srv.Calls("authenticate", "*"), "Ping authenticates once")
	assert.Equal(t, 1, srv.Calls("healthCheck", "*"))
	require.NoError(t, db.PingContext(testCtx(t)))
	assert.Equal(t, 1, srv.Calls("authenticate", "*"), "the session is reused")
}

func TestPingBadCredentials(t *testing.T) {
	srv := startMock(t, mock.Options{})
	cfg := configFor(t, srv)
	cfg.Token = "not-the-token"
	db := openConfig(t, cfg)
	err := db.PingContext(testCtx(t))
	require.Error(t, err)
	assert.ErrorIs(t, err, connector.ErrInvalidCredentials)
}

func TestSelect1(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	var one int
	require.NoError(t, db.QueryRowContext(testCtx(t), "SELECT 1").Scan(&one))
	assert.Equal(t, 1, one)
	awaitClears(t, srv)
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	qid := ids[0]
	for _, m := range []string{"prepareStatementV2", "executeStatementV2", "getResultMetadata", "clearOrCancelQuery"} {
		assert.Equal(t, 1, callsFor(srv, m, qid), m)
	}
	assert.Zero(t, callsFor(srv, "cancelQuery", qid))
}

func TestBeginNotSupported(t *testing.T) {
	_, db := newTestDB(t, mock.Options{})
	_, err := db.Begin()
	assert.ErrorIs(t, err, connector.ErrTransactionsNotSupported)
	_, err = db.BeginTx(testCtx(t), &sql.TxOptions{ReadOnly: true})
	assert.ErrorIs(t, err, connector.ErrTransactionsNotSupported)
}

func TestExecRowsAffected(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	_, err := srv.Exec(`CREATE TABLE t (id BIGINT, name STRING)`)
	require.NoError(t, err)
	ctx := testCtx(t)

	res, err := db.ExecContext(ctx, `INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.EqualValues(t, 3, n)

	_, err = res.LastInsertId()
	assert.ErrorIs(t, err, connector.ErrNoLastInsertID)

	res, err = db.ExecContext(ctx, `INSERT INTO t VALUES (?, ?)`, 4, "d")
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)

	var count int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&count))
	assert.Equal(t, 4, count)
}

func TestSecondStatementRejected(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	ctx := testCtx(t)
	for _, q := range []string{"SELECT 1; SELECT 2", "SELECT 1;;", "SELECT 1; DROP TABLE x"} {
		_, err := db.ExecContext(ctx, q)
		require.Error(t, err, q)
		_, err = db.QueryContext(ctx, q)
		require.Error(t, err, q)
	}
	// One trailing ';' is one statement.
	var one int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1;").Scan(&one))
	// Nothing was sent for the rejected statements.
	assert.Equal(t, 1, srv.Calls("prepareStatementV2", "*"))
}

func TestPreparedStatement(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	ctx := testCtx(t)
	st, err := db.PrepareContext(ctx, "SELECT ? + 1")
	require.NoError(t, err)
	defer st.Close()
	for i := range 3 {
		var got int
		require.NoError(t, st.QueryRowContext(ctx, i).Scan(&got))
		assert.Equal(t, i+1, got)
	}
	assert.Equal(t, 3, srv.Calls("prepareStatementV2", "*"), "each execution is a whole lifecycle")
	_, err = db.PrepareContext(ctx, "SELECT 1; SELECT 2")
	assert.Error(t, err)
}

func TestRowsCloseClearsOnce(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 10})
	ctx := testCtx(t)

	cases := []struct {
		name string
		sql  string
		read int // rows to read before Close; -1 reads all
	}{
		{"read all", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c", -1},
		{"closed early", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c", 15},
		{"closed unread", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c", 0},
		{"empty result", "SELECT 1 WHERE 1 = 0", -1},
		{"empty result unread", "SELECT 1 WHERE 1 = 0", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetCallLog()
			rows, err := db.QueryContext(ctx, tc.sql)
			require.NoError(t, err)
			n := 0
			for (tc.read < 0 || n < tc.read) && rows.Next() {
				n++
			}
			require.NoError(t, rows.Err())
			require.NoError(t, rows.Close())
			require.NoError(t, rows.Close()) // a second Close sends nothing
			awaitClears(t, srv)
			ids := queryIDs(srv)
			require.Len(t, ids, 1)
			assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", ids[0]))
			assert.Equal(t, 1, srv.Calls("clearOrCancelQuery", "*"))
			assert.Zero(t, livePinned(srv), "no query left open on the server")
		})
	}
}

func TestExecClearsOnce(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	_, err := db.ExecContext(testCtx(t), "SELECT 1")
	require.NoError(t, err)
	awaitClears(t, srv)
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", ids[0]))
}

func TestWithCatalogAndSchema(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	require.NoError(t, srv.CreateSchema("hive", "sales"))
	_, err := srv.ExecIn("hive", "sales", `CREATE TABLE orders (id BIGINT, amount DOUBLE)`)
	require.NoError(t, err)
	_, err = srv.ExecIn("hive", "sales", `INSERT INTO orders VALUES (1, 9.5), (2, 0.5)`)
	require.NoError(t, err)
	_, err = srv.Exec(`CREATE TABLE orders (id BIGINT, amount DOUBLE)`) // the DSN's schema has its own, empty
	require.NoError(t, err)

	ctx := testCtx(t)
	var n int
	var sum float64
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n))
	assert.Equal(t, 0, n, "without options, the DSN's catalog and schema")

	qctx := connector.WithSchema(connector.WithCatalog(ctx, "hive"), "sales")
	require.NoError(t, db.QueryRowContext(qctx, `SELECT COUNT(*), SUM(amount) FROM orders`).Scan(&n, &sum))
	assert.Equal(t, 2, n)
	assert.Equal(t, 10.0, sum)

	// Exec honours them too.
	res, err := db.ExecContext(qctx, `INSERT INTO orders VALUES (3, 1.0)`)
	require.NoError(t, err)
	affected, _ := res.RowsAffected()
	assert.EqualValues(t, 1, affected)
	require.NoError(t, db.QueryRowContext(qctx, `SELECT COUNT(*) FROM orders`).Scan(&n))
	assert.Equal(t, 3, n)

	// A schema that does not exist fails.
	err = db.QueryRowContext(connector.WithSchema(ctx, "nope"), `SELECT COUNT(*) FROM orders`).Scan(&n)
	assert.Error(t, err)
}

func TestWithQueryInfo(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	ctx := testCtx(t)

	info := &connector.QueryInfo{CollectExplain: true, CollectExplainAnalyze: true}
	rows, err := db.QueryContext(connector.WithQueryInfo(ctx, info),
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50) SELECT x FROM c")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Close())
	assert.Equal(t, 50, n)

	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	assert.Equal(t, ids[0], info.QueryID)
	assert.Equal(t, 1, info.Attempts)
	assert.NoError(t, info.CollectErr)
	assert.NotEmpty(t, info.Explain)
	require.NotEmpty(t, info.ExplainAnalyze)
	assert.True(t, json.Valid([]byte(info.ExplainAnalyze)), "ExplainAnalyze is JSON: %s", info.ExplainAnalyze)
	assert.Equal(t, 1, callsFor(srv, "explainAnalyze", ids[0]))

	// Exec fills it too.
	info2 := &connector.QueryInfo{}
	_, err = db.ExecContext(connector.WithQueryInfo(ctx, info2), "SELECT 1")
	require.NoError(t, err)
	ids = queryIDs(srv)
	assert.Equal(t, ids[len(ids)-1], info2.QueryID)
	assert.Empty(t, info2.ExplainAnalyze)
}

func TestMetadataAPI(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	require.NoError(t, srv.CreateSchema("hive", "sales"))
	_, err := srv.ExecIn("hive", "sales", `CREATE TABLE orders (id BIGINT, amount DECIMAL(12,2), placed TIMESTAMP, note STRING)`)
	require.NoError(t, err)
	_, err = srv.Exec(`CREATE TABLE local_t (x INT)`)
	require.NoError(t, err)
	ctx := testCtx(t)

	err = connector.WithConn(ctx, db, func(c *connector.Conn) error {
		schemas, err := c.Schemas(ctx, "hive")
		require.NoError(t, err)
		assert.Contains(t, schemas, "sales")

		tables, err := c.Tables(ctx, "hive", "sales")
		require.NoError(t, err)
		assert.Equal(t, []string{"orders"}, tables)

		tables, err = c.Tables(ctx, "", "") // the DSN's catalog and schema
		require.NoError(t, err)
		assert.Contains(t, tables, "local_t")

		cols, err := c.Columns(ctx, "hive", "sales", "orders")
		require.NoError(t, err)
		require.Len(t, cols, 4)
		assert.Equal(t, connector.Column{Name: "id", Type: "bigint"}, cols[0])
		assert.Equal(t, connector.Column{Name: "amount", Type: "decimal(12,2)"}, cols[1])
		assert.Equal(t, connector.Column{Name: "placed", Type: "timestamp"}, cols[2])
		assert.Equal(t, connector.Column{Name: "note", Type: "string"}, cols[3])

		_, err = c.Columns(ctx, "hive", "sales", "missing")
		assert.Error(t, err)
		return nil
	})
	require.NoError(t, err)

	sentinel := errors.New("from fn")
	assert.ErrorIs(t, connector.WithConn(ctx, db, func(*connector.Conn) error { return sentinel }), sentinel)
}

func TestExpiredSessionBetweenQueries(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	db.SetMaxOpenConns(1)
	ctx := testCtx(t)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&n))
	require.Equal(t, 1, srv.Calls("authenticate", "*"))

	awaitClears(t, srv) // each query's clear goes out in the background, on its session
	srv.ExpireSessions()
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 2").Scan(&n))
	assert.Equal(t, 2, n)
	assert.Equal(t, 2, srv.Calls("authenticate", "*"), "re-authenticated once")

	awaitClears(t, srv)
	srv.ExpireSessions()
	_, err := db.ExecContext(ctx, "SELECT 3")
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Calls("authenticate", "*"))

	awaitClears(t, srv)
	srv.ExpireSessions()
	require.NoError(t, db.PingContext(ctx))
	require.NoError(t, connector.WithConn(ctx, db, func(c *connector.Conn) error {
		srv.ExpireSessions()
		_, err := c.Schemas(ctx, "")
		return err
	}))
}

func TestExpiredSessionWhileReading(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{BatchRows: 100}, "prefetch=1")
	ctx := testCtx(t)
	rows, err := db.QueryContext(ctx,
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c")
	require.NoError(t, err)
	defer rows.Close()
	authBefore := srv.Calls("authenticate", "*")
	sum, n := 0, 0
	for rows.Next() {
		var x int
		require.NoError(t, rows.Scan(&x))
		sum += x
		n++
		if n == 150 {
			srv.ExpireSessions()
		}
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 1000, n)
	assert.Equal(t, 1000*1001/2, sum)
	assert.Equal(t, authBefore+1, srv.Calls("authenticate", "*"), "re-authenticated exactly once")
	require.NoError(t, rows.Close())
	awaitClears(t, srv)
	ids := queryIDs(srv)
	require.Len(t, ids, 1)
	assert.Equal(t, 1, callsFor(srv, "clearOrCancelQuery", ids[0]))
}

func TestConcurrentQueries(t *testing.T) {
	_, db := newTestDB(t, mock.Options{BatchRows: 64})
	ctx := testCtx(t)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			var sum int64
			err := db.QueryRowContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT SUM(x) FROM c", 100*(i+1)).Scan(&sum)
			if err == nil && sum != int64(100*(i+1)*(100*(i+1)+1)/2) {
				err = errors.New("wrong sum")
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
