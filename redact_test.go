package e6data_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
)

// redactToken is distinctive, and needs percent-encoding in a DSN.
const redactToken = "Zq9Kse/cret@T0k"

// printed returns every way fmt can print v.
func printed(v any) map[string]string {
	out := map[string]string{}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
		out[f] = fmt.Sprintf(f, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v)
	return out
}

func assertNoToken(t *testing.T, what string, v any) {
	t.Helper()
	for f, s := range printed(v) {
		for _, part := range []string{redactToken, "Zq9K", "T0k", "cret%40", "se%2Fcret"} {
			assert.NotContains(t, s, part, "%s printed with %s leaks the token: %s", what, f, s)
		}
	}
}

// The dialect's Config prints without the token, however it is printed, and says enough to
// tell configs apart: where it points, which pool it adopts, AllowWrites.
func TestConfigRedacts(t *testing.T) {
	dsn := "e6data://alice:" + strings.NewReplacer("/", "%2F", "@", "%40").Replace(redactToken) + "@db.example.com:443/sales?catalog=hive"
	cfg := e6data.Config{DSN: dsn, AllowWrites: true}
	assertNoToken(t, "Config", cfg)
	assertNoToken(t, "*Config", &cfg)
	for f, s := range printed(cfg) {
		if f == "%d" || f == "%x" {
			continue
		}
		assert.Contains(t, s, "db.example.com", "%s: %s", f, s)
		assert.Contains(t, s, "alice", "%s: %s", f, s)
	}
	assert.Contains(t, cfg.String(), "AllowWrites:true")
	assert.True(t, strings.HasPrefix(cfg.GoString(), "e6data.Config{"), cfg.GoString())
	assert.Equal(t, cfg.String(), fmt.Sprintf("%+v", cfg))

	// slog's handlers, the JSON one included (it would marshal the fields), log it redacted.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("opened", "config", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("opened", "config", cfg)
	assert.NotContains(t, logged.String(), "Zq9K")
	assert.Contains(t, logged.String(), "db.example.com")

	// A DSN that does not parse cannot be split into its parts: none of it is shown.
	bad := e6data.Config{DSN: "e6data://alice:" + redactToken + "@@db.example.com/x"}
	assertNoToken(t, "Config with an invalid DSN", bad)

	// Nested in another value, a Config still prints redacted.
	assertNoToken(t, "a struct holding a Config", struct{ C e6data.Config }{cfg})

	// A connector's Config prints without its token too.
	c := connector.NewConfig()
	c.User, c.Token, c.Host = "alice", redactToken, "db.example.com"
	conn, err := connector.NewConnector(*c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	withConnector := e6data.Config{Connector: conn}
	assertNoToken(t, "Config with a Connector", withConnector)
	assert.Contains(t, withConnector.String(), "db.example.com")

	db, err := sql.Open("e6data", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	withConn := e6data.Config{Conn: db}
	assertNoToken(t, "Config with a *sql.DB", withConn)
	assert.Contains(t, withConn.String(), "*sql.DB")

	// The Dialector prints its Config the same way, and does not panic without one.
	assertNoToken(t, "Dialector", e6data.Open(dsn))
	assertNoToken(t, "Dialector", e6data.New(cfg))
	assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", e6data.Dialector{}, &e6data.Dialector{}, e6data.Dialector{}) })
	assert.NotContains(t, fmt.Sprint(e6data.Dialector{}), "PANIC")
}
