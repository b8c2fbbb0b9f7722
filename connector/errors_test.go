package connector_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/logbuf"
	"github.com/e6data/gorm-e6data/mock"
)

func TestSQLErrorFromEngine(t *testing.T) {
	_, db := newTestDB(t, mock.Options{})
	ctx := testCtx(t)
	_, err := db.QueryContext(ctx, `SELECT * FROM no_such_table`)
	require.Error(t, err)

	var e *connector.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "prepareStatementV2", e.RPC)
	assert.Equal(t, codes.Internal, e.Code)
	assert.Contains(t, e.Message, "no such table")
	assert.Contains(t, err.Error(), e.Message, "the message reaches the caller")
	assert.False(t, e.Retryable)
	assert.Equal(t, codes.Internal, status.Code(err), "status.Code sees the gRPC code")

	// An error during execution names the query.
	_, err = db.ExecContext(ctx, `SELECT CAST('not a time' AS TIMESTAMP)`)
	if assert.Error(t, err) {
		require.ErrorAs(t, err, &e)
		assert.NotEmpty(t, e.Message)
		assert.Contains(t, err.Error(), e.Message)
	}

	// The connection survives an SQL error.
	var one int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
}

func TestArgumentErrors(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	ctx := testCtx(t)
	tests := []struct {
		name  string
		query string
		args  []any
		check func(t *testing.T, err error)
	}{
		{"[]byte", "SELECT ?", []any{[]byte("secret-bytes")}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 1, ae.Index)
			assert.Equal(t, "[]byte", ae.Type)
			assert.Contains(t, err.Error(), "binary")
			assert.NotContains(t, err.Error(), "secret-bytes")
		}},
		{"NaN", "SELECT 1, ?", []any{math.NaN()}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Contains(t, err.Error(), "NaN")
		}},
		{"+Inf", "SELECT ?", []any{math.Inf(1)}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
		}},
		{"second argument", "SELECT ?, ?", []any{1, []byte{1}}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 2, ae.Index)
			assert.Contains(t, err.Error(), "argument 2")
		}},
		{"sql.Named", "SELECT ?", []any{sql.Named("x", 1)}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Contains(t, err.Error(), "named")
		}},
		{"unsupported type", "SELECT ?", []any{struct{ A int }{1}}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
		}},
		{"too few args", "SELECT ?, ?", []any{1}, func(t *testing.T, err error) {
			var pe *connector.PlaceholderCountError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 2, pe.Placeholders)
			assert.Equal(t, 1, pe.Args)
			assert.Contains(t, err.Error(), "2 ? placeholder(s) but 1 argument(s)")
		}},
		{"too many args", "SELECT ?", []any{1, 2}, func(t *testing.T, err error) {
			var pe *connector.PlaceholderCountError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 1, pe.Placeholders)
			assert.Equal(t, 2, pe.Args)
		}},
		{"args without placeholders", "SELECT '?'", []any{1}, func(t *testing.T, err error) {
			var pe *connector.PlaceholderCountError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 0, pe.Placeholders)
		}},
		{"placeholder without args", "SELECT ?", nil, func(t *testing.T, err error) {
			var pe *connector.PlaceholderCountError
			require.ErrorAs(t, err, &pe)
		}},
		{"unterminated literal", "SELECT 'abc", nil, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se)
		}},
		{"numbered placeholders", "SELECT ?2 + ?1", []any{10, 20}, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 7, se.Pos)
			assert.Contains(t, err.Error(), "numbered or named placeholders")
		}},
		{"placeholder glued to a name", "SELECT a$?", []any{5}, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 9, se.Pos)
		}},
		{"invalid UTF-8 in the text", "SELECT 'caf\xe9'", nil, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se, "refused before gRPC fails to marshal it")
			assert.Equal(t, 11, se.Pos)
			assert.Contains(t, err.Error(), "UTF-8")
		}},
		{"NUL in the text", "SELECT 'a\x00b'", nil, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 9, se.Pos)
			assert.Contains(t, err.Error(), "NUL")
		}},
		{"NUL in a string argument", "SELECT ?", []any{"a\x00b"}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 1, ae.Index)
			assert.Contains(t, err.Error(), "NUL")
		}},
		{"NUL in a list element", "SELECT 1 WHERE 'x' IN ?", []any{[]string{"x", "\x00"}}, func(t *testing.T, err error) {
			var ae *connector.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Contains(t, err.Error(), "element 2")
		}},
		{"second statement", "SELECT 1; SELECT 2", nil, func(t *testing.T, err error) {
			var se *connector.SQLTextError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, strings.ToLower(err.Error()), "statement")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetCallLog()
			_, err := db.QueryContext(ctx, tt.query, tt.args...)
			require.Error(t, err)
			tt.check(t, err)
			_, err = db.ExecContext(ctx, tt.query, tt.args...)
			require.Error(t, err)
			tt.check(t, err)
			st, err := db.PrepareContext(ctx, tt.query)
			if err == nil { // the text is fine; the arguments are not
				_, err = st.QueryContext(ctx, tt.args...)
				require.Error(t, err)
				tt.check(t, err)
				st.Close()
			} else {
				tt.check(t, err)
			}
			assert.Zero(t, srv.Calls("prepareStatementV2", "*"), "nothing was sent")
		})
	}
}

func TestTypedErrors(t *testing.T) {
	t.Run("bad DSN", func(t *testing.T) {
		_, err := sql.Open(connector.DriverName, "e6data://user@host")
		require.Error(t, err)
		var de *connector.DSNError
		require.ErrorAs(t, err, &de)
		assert.ErrorIs(t, err, connector.ErrInvalidDSN)
		assert.Equal(t, "token", de.Key)
	})
	t.Run("invalid credentials", func(t *testing.T) {
		srv := startMock(t, mock.Options{})
		cfg := configFor(t, srv)
		cfg.Token = "wrong"
		_, err := openConfig(t, cfg).ExecContext(testCtx(t), "SELECT 1")
		require.Error(t, err)
		assert.ErrorIs(t, err, connector.ErrInvalidCredentials)
		var e *connector.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "authenticate", e.RPC)
		assert.Equal(t, codes.Unauthenticated, e.Code)
	})
	t.Run("invalid credentials with a status", func(t *testing.T) {
		srv := startMock(t, mock.Options{RejectAuthWithStatus: true})
		cfg := configFor(t, srv)
		cfg.Token = "wrong"
		err := openConfig(t, cfg).PingContext(testCtx(t))
		require.Error(t, err)
		assert.ErrorIs(t, err, connector.ErrInvalidCredentials)
	})
	t.Run("unavailable", func(t *testing.T) {
		srv, db := newTestDB(t, mock.Options{})
		srv.FailNext("prepareStatementV2", 1, status.Error(codes.Unavailable, "mock: injected"))
		_, err := db.ExecContext(testCtx(t), "SELECT 1")
		require.Error(t, err)
		var e *connector.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, codes.Unavailable, e.Code)
		assert.Equal(t, "prepareStatementV2", e.RPC)
		assert.Contains(t, err.Error(), "mock: injected")
	})
	t.Run("transactions", func(t *testing.T) {
		_, db := newTestDB(t, mock.Options{})
		_, err := db.Begin()
		assert.ErrorIs(t, err, connector.ErrTransactionsNotSupported)
	})
	t.Run("closed connector", func(t *testing.T) {
		srv := startMock(t, mock.Options{})
		c, err := connector.NewConnector(configFor(t, srv))
		require.NoError(t, err)
		conn, err := c.Connect(testCtx(t))
		require.NoError(t, err)
		require.NoError(t, c.Close())
		_, err = c.Connect(testCtx(t))
		assert.ErrorIs(t, err, connector.ErrConnectorClosed)
		_, err = conn.(driver.QueryerContext).QueryContext(testCtx(t), "SELECT 1", nil)
		assert.ErrorIs(t, err, driver.ErrBadConn, "a connection of a closed connector is not reused")
	})
}

// syncBuffer is a log sink safe for a logger and the test to share.
type syncBuffer = logbuf.Buffer

// TestTokenNeverShown runs the driver through success, failures, session renewal, resume and
// cancellation with a distinctive token, and checks that no error and no debug log line holds it.
func TestTokenNeverShown(t *testing.T) {
	const token = "Tk-9f3c1b7e-UNIQUE-zq"
	const wrongToken = "Wr-4477aa-WRONG-qz"
	srv := startMock(t, mock.Options{Users: map[string]string{"alice": token}, BatchRows: 5, ResumeDelay: 20 * time.Millisecond})
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := configFor(t, srv, "resume-poll-interval=100ms")
	require.Equal(t, token, cfg.Token)
	cfg.Logger = logger
	db := openConfig(t, cfg)
	ctx := testCtx(t)

	var texts []string
	record := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}

	require.NoError(t, db.PingContext(ctx))
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+genSQL(20)+")").Scan(&n))
	_, err := db.ExecContext(ctx, "SELECT * FROM missing_table")
	require.Error(t, err)
	record(err)
	_, err = db.ExecContext(ctx, "SELECT ?", []byte(token))
	require.Error(t, err)
	record(err)
	_, err = db.ExecContext(ctx, "SELECT ?", token, 2)
	require.Error(t, err)
	record(err)

	srv.ExpireSessions()
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&n))

	srv.Suspend()
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&n))

	srv.FailNext("getNextResultBatch", 1, status.Error(codes.Unavailable, "mock: injected"))
	_, err = db.QueryContext(ctx, "SELECT 1")
	require.Error(t, err)
	record(err)

	cctx, cancel := context.WithCancel(ctx)
	srv.DelayNext("getNextResultBatch", 1, time.Minute)
	go func() { waitInFlight(t, srv, "getNextResultBatch"); cancel() }()
	_, err = db.QueryContext(cctx, "SELECT 1")
	require.ErrorIs(t, err, context.Canceled)
	record(err)

	// A connector with the wrong token, and one whose resume fails.
	badCfg := cfg
	badCfg.Token = wrongToken
	err = openConfig(t, badCfg).PingContext(ctx)
	require.Error(t, err)
	record(err)
	srv.SetResumeFails(true)
	srv.Suspend()
	_, err = db.ExecContext(ctx, "SELECT 1")
	require.Error(t, err)
	record(err)

	// The DSN, the Config and a DSN error.
	texts = append(texts, cfg.String(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg))
	_, err = connector.ParseDSN(withParams(srv.DSN(), "prefetch=x"))
	record(err)

	log := logs.String()
	require.NotEmpty(t, log)
	assert.Contains(t, log, "level=DEBUG", "debug lines were logged")
	assert.Contains(t, log, "session expired")
	for _, s := range append(texts, log) {
		for _, secret := range []string{token, wrongToken, "UNIQUE", "WRONG"} {
			assert.NotContains(t, s, secret)
		}
	}
}
