package mock_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// openDriver starts a mock and opens it through the real driver; t.Cleanup closes both.
func openDriver(t *testing.T) (*mock.Server, *sql.DB) {
	t.Helper()
	srv, err := mock.NewServer(mock.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	db, err := sql.Open(connector.DriverName, srv.DSN())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return srv, db
}

func driverCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestDialectRejectedThroughDriver: SQL that e6data rejects fails at prepare with INTERNAL and
// a message naming the e6data form to write, also the forms SQLite itself would run.
func TestDialectRejectedThroughDriver(t *testing.T) {
	srv, db := openDriver(t)
	ctx := driverCtx(t)
	tests := []struct{ sql, want string }{
		{`SELECT 1 LIMIT 5, 10`, "LIMIT m, n is not e6data SQL: write LIMIT n OFFSET m"},
		{`SELECT CAST(1 AS STRING)`, "CAST to STRING is not e6data SQL: write CAST(x AS VARCHAR)"},
		{`SELECT CAST(1 AS TEXT)`, "CAST to TEXT is not e6data SQL: write CAST(x AS VARCHAR)"},
		{`SELECT 7 % 2`, "'%' as the modulo operator is not e6data SQL: write MOD(a, b)"},
		{`SELECT IFNULL(NULL, 1)`, "IFNULL() is not e6data SQL: write COALESCE(a, b)"},
		{`SELECT NOW()`, "NOW() is not e6data SQL: write CURRENT_TIMESTAMP"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL 5 DAY`, "is not e6data SQL: write INTERVAL '5 DAY'"},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			var v any
			err := db.QueryRowContext(ctx, tc.sql).Scan(&v)
			var e *connector.Error
			require.True(t, errors.As(err, &e), "want a *connector.Error, got %v", err)
			assert.Equal(t, codes.Internal, e.Code)
			assert.Equal(t, "prepareStatementV2", e.RPC)
			assert.Contains(t, e.Message, tc.want)
		})
	}
	// The mock's own setup path keeps SQLite's forms.
	_, err := srv.Exec(`CREATE TABLE m AS SELECT 7 % 2 AS r, CAST(1 AS STRING) AS s LIMIT 0, 1`)
	require.NoError(t, err)
}

// TestDialectAcceptedThroughDriver: e6data forms the SQLite engine lacks run and give the
// right answers.
func TestDialectAcceptedThroughDriver(t *testing.T) {
	srv, db := openDriver(t)
	ctx := driverCtx(t)
	_, err := srv.Exec(`CREATE TABLE ev (id BIGINT, ts TIMESTAMP, d DATE, name STRING)`)
	require.NoError(t, err)
	now := time.Now().UTC()
	for i, age := range []time.Duration{time.Hour, 3 * 24 * time.Hour, 10 * 24 * time.Hour} {
		ts := now.Add(-age)
		_, err := srv.Exec(`INSERT INTO ev VALUES (?, ?, ?, ?)`, i+1, ts, ts.Format(time.DateOnly), []string{"Ann", "50%", "bob"}[i])
		require.NoError(t, err)
	}
	ids := func(q string) []int64 {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		require.NoError(t, err, q)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			out = append(out, id)
		}
		require.NoError(t, rows.Err())
		return out
	}
	assert.Equal(t, []int64{1, 2}, ids(`SELECT "id" FROM "ev" WHERE "ts" > CURRENT_TIMESTAMP - INTERVAL '5 DAY' ORDER BY "id" ASC`))
	assert.Equal(t, []int64{1}, ids(`SELECT "id" FROM "ev" WHERE "ts" + INTERVAL '2 HOUR' > CURRENT_TIMESTAMP ORDER BY "id" ASC`))
	assert.Equal(t, []int64{2, 3}, ids(`SELECT "id" FROM "ev" ORDER BY "id" ASC LIMIT 9223372036854775807 OFFSET 1`))
	assert.Equal(t, []int64{2}, ids(`SELECT "id" FROM "ev" ORDER BY "id" ASC LIMIT 1 OFFSET 1`))
	assert.Equal(t, []int64{3}, ids(`SELECT "id" FROM "ev" ORDER BY "id" ASC OFFSET 2`))
	assert.Equal(t, []int64{2}, ids(`SELECT "id" FROM "ev" WHERE "name" LIKE '50/%' ESCAPE '/'`))
	assert.Equal(t, []int64{1}, ids(`SELECT "id" FROM "ev" WHERE "name" ILIKE 'an%'`))
	assert.Equal(t, []int64{3}, ids(`SELECT "id" FROM "ev" WHERE "d" <= DATE_ADD('DAY', -7, CURRENT_DATE)`))
	assert.Equal(t, []int64{1, 2}, ids(`SELECT "id" FROM "ev" WHERE "ts" > TIMESTAMP_ADD('HOUR', -100, CURRENT_TIMESTAMP) ORDER BY "id" ASC`))

	var mod, n int64
	var s, length string
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT MOD(7, 2), CAST(LENGTH(CONCAT('ab', 'c')) AS VARCHAR), COALESCE(NULL, 'x'), ROW_NUMBER() OVER (ORDER BY 1) FROM "ev" WHERE "id" = 1`).
		Scan(&mod, &length, &s, &n))
	assert.Equal(t, []any{int64(1), "3", "x", int64(1)}, []any{mod, length, s, n})

	before := time.Now().UTC()
	var past time.Time
	require.NoError(t, db.QueryRowContext(ctx, `SELECT CAST(CURRENT_TIMESTAMP - INTERVAL '5 DAY' AS TIMESTAMP)`).Scan(&past))
	after := time.Now().UTC()
	fiveDays := 5 * 24 * time.Hour
	assert.False(t, past.Before(before.Add(-fiveDays).Truncate(time.Microsecond)) || past.After(after.Add(-fiveDays)),
		"CURRENT_TIMESTAMP - INTERVAL '5 DAY' = %v, want between %v and %v", past, before.Add(-fiveDays), after.Add(-fiveDays))
	var month time.Time
	require.NoError(t, db.QueryRowContext(ctx, `SELECT DATE_TRUNC('MONTH', CAST('2024-05-17 10:00:00' AS TIMESTAMP))`).Scan(&month))
	assert.Equal(t, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), month.UTC())
}

// TestPreparedSQLThroughDriver: the call log holds the exact text the driver sent, interpolated
// arguments included, on the prepare record and on the later calls of the same query.
func TestPreparedSQLThroughDriver(t *testing.T) {
	srv, db := openDriver(t)
	ctx := driverCtx(t)
	var n int64
	require.NoError(t, db.QueryRowContext(ctx, `SELECT ? + 1 AS "n"`, 41).Scan(&n))
	require.Equal(t, int64(42), n)
	err := db.QueryRowContext(ctx, `SELECT 7 % ?`, 2).Scan(&n)
	require.Error(t, err)
	assert.Equal(t, []string{`SELECT 41 + 1 AS "n"`, `SELECT 7 % 2`}, srv.PreparedSQL())

	var sawExecute bool
	for _, r := range srv.CallLog() {
		switch r.Method {
		case "prepareStatementV2", "executeStatementV2", "getResultMetadata", "getNextResultBatch", "clearOrCancelQuery":
			if r.QueryID != "" {
				assert.Equal(t, `SELECT 41 + 1 AS "n"`, r.SQL, "%s of the first query", r.Method)
				sawExecute = sawExecute || r.Method == "executeStatementV2"
			}
		case "authenticate":
			assert.Empty(t, r.SQL)
		}
	}
	assert.True(t, sawExecute, "the call log has the execute call of the first query")
	srv.ResetCallLog()
	assert.Empty(t, srv.PreparedSQL())
}
