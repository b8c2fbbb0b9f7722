package e6data_test

import (
	"bytes"
	"context"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// numbers is a one-column table 1..n in the mock, for the switch tests.
type Number struct{ N int64 }

func loadNumbers(t testing.TB, srv *mock.Server, n int) {
	t.Helper()
	_, err := srv.Exec(`CREATE TABLE numbers (n BIGINT)`)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c`, n)
	require.NoError(t, err)
}

// openOn opens GORM on srv's DSN plus params, logging to buf when given.
func openOn(t testing.TB, srv *mock.Server, buf *bytes.Buffer, params ...string) *gorm.DB {
	t.Helper()
	dsn := srv.DSN()
	for _, p := range params {
		dsn += "&" + p
	}
	l := logger.Discard
	if buf != nil {
		l = logger.New(log.New(buf, "", 0), logger.Config{LogLevel: logger.Info})
	}
	db, err := gorm.Open(e6data.Open(dsn), &gorm.Config{Logger: l})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

func startMock(t testing.TB, opts mock.Options) *mock.Server {
	t.Helper()
	if opts.ClusterName == "" {
		// The blue/green state is per endpoint and cluster name, process-wide: keep tests apart.
		opts.ClusterName = strings.ReplaceAll(t.Name(), "/", "-")
	}
	srv, err := mock.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

var errGo456 = status.Error(codes.Unknown, `unexpected HTTP status code received from server: 456 (); transport: received unexpected content-type "text/plain; charset=utf-8"`)

// TestQueryInfoOfRerunAfter456: a query whose prepare got a 456 is re-run on the new colour;
// QueryInfoOf and the trace line say so.
func TestQueryInfoOfRerunAfter456(t *testing.T) {
	srv := startMock(t, mock.Options{})
	loadNumbers(t, srv, 20)
	var buf bytes.Buffer
	db := openOn(t, srv, &buf)

	var ns []Number
	tx := db.Order("n").Find(&ns)
	require.NoError(t, tx.Error)
	info, ok := e6data.QueryInfoOf(tx)
	require.True(t, ok)
	assert.Equal(t, mock.Blue, info.Strategy)
	assert.Equal(t, 1, info.Attempts)
	assert.Positive(t, info.TimeToFirstRow)

	// The first query's clear goes out in the background: let it reach blue before blue is
	// retired, or its 456 would tell the driver of the switch before the query under test.
	require.Eventually(t, func() bool { return len(srv.PinnedQueries()) == 0 }, 30*time.Second, time.Millisecond,
		"the first query cleared")
	srv.SwitchAbrupt() // blue retired at once: the next prepare on blue gets a 456
	buf.Reset()
	ns = nil
	tx = db.Order("n").Find(&ns)
	require.NoError(t, tx.Error)
	require.Len(t, ns, 20)
	info, ok = e6data.QueryInfoOf(tx)
	require.True(t, ok)
	assert.Equal(t, mock.Green, info.Strategy, "served by the new colour")
	assert.Equal(t, 2, info.Attempts, "re-run once after the 456")
	assert.Zero(t, info.Replays)
	var ids []string
	for _, r := range srv.CallLog() {
		if r.Method == "executeStatementV2" && r.Outcome == mock.OutcomeOK {
			ids = append(ids, r.QueryID)
		}
	}
	assert.Equal(t, ids[len(ids)-1], info.QueryID, "the id of the run that served the rows")
	line := buf.String()
	assert.Contains(t, line, `SELECT * FROM "numbers" ORDER BY n`)
	assert.Contains(t, line, "/* e6data query_id="+info.QueryID+" colour=green attempts=2")
}

// TestQueryInfoOfReplay: a query cut mid-stream by an abrupt switch is resumed by replay; GORM's
// Rows sees every row once, and QueryInfoOf reports the replay and the rows read again.
func TestQueryInfoOfReplay(t *testing.T) {
	srv := startMock(t, mock.Options{BatchRows: 100})
	loadNumbers(t, srv, 1000)
	db := openOn(t, srv, nil, "prefetch=1")

	tx := db.Model(&Number{}).Order("n")
	rows, err := tx.Rows()
	require.NoError(t, err)
	next := int64(1)
	for rows.Next() {
		var n Number
		require.NoError(t, db.ScanRows(rows, &n))
		require.Equal(t, next, n.N, "no row twice, none skipped")
		next++
		if n.N == 250 {
			srv.SwitchAbrupt()
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, int64(1001), next)
	info, ok := e6data.QueryInfoOf(tx)
	require.True(t, ok)
	assert.Equal(t, 1, info.Replays)
	// The cut reaches the reader at a batch boundary after the rows already fetched ahead
	// (prefetch=1): at least the 250 rows read before the switch were handed out and read again.
	assert.GreaterOrEqual(t, info.ReplayedRows, int64(250))
	assert.Less(t, info.ReplayedRows, int64(1000))
	assert.Zero(t, info.ReplayedRows%100, "whole batches")
	assert.Equal(t, mock.Green, info.Strategy)
	assert.Equal(t, srv.ActiveStrategy(), info.Strategy)
}

// TestStatementOptions: WithTimeout bounds a statement (and only that one), WithStrategy forces
// a colour, and a forced colour that does not serve fails instead of moving.
func TestStatementOptions(t *testing.T) {
	srv := startMock(t, mock.Options{})
	loadNumbers(t, srv, 5)
	db := openOn(t, srv, nil)

	srv.DelayNext("executeStatementV2", 1, 5*time.Second)
	var ns []Number
	err := db.Scopes(e6data.WithTimeout(100 * time.Millisecond)).Find(&ns).Error
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	base := db.Model(&Number{}).Scopes(e6data.WithTimeout(time.Minute))
	var n int64
	require.NoError(t, base.Count(&n).Error)
	require.NoError(t, base.Count(&n).Error, "a statement run again gets a fresh timeout")
	assert.Equal(t, int64(5), n)

	tx := db.Scopes(e6data.WithStrategy(mock.Blue)).Find(&ns)
	require.NoError(t, tx.Error)
	info, _ := e6data.QueryInfoOf(tx)
	assert.Equal(t, mock.Blue, info.Strategy)

	err = db.Scopes(e6data.WithStrategy(mock.Green)).Find(&ns).Error
	require.Error(t, err, "green does not serve")
	assert.Contains(t, err.Error(), "WithStrategy")
	err = db.Scopes(e6data.WithStrategy("purple")).Find(&ns).Error
	assert.ErrorContains(t, err, `unknown colour "purple"`)
	require.NoError(t, db.Find(&ns).Error, "the cluster state was not disturbed")
}
