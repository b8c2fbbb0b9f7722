package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOptions(t *testing.T) {
	env := func(dsn string) func(string) string {
		return func(k string) string {
			if k == "E6DATA_DSN" {
				return dsn
			}
			return ""
		}
	}
	defaults, err := parseOptions(nil, env(""), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 20*time.Second, defaults.duration)
	assert.Equal(t, 3, defaults.workers)
	assert.Equal(t, 800*time.Millisecond, defaults.switchEvery)
	assert.Equal(t, time.Second, defaults.drainTimeout)
	assert.Equal(t, 100_000, defaults.exportRows)
	assert.Empty(t, defaults.dsn)
	assert.Equal(t, "go run ./examples/gorm", defaults.command)

	for _, tc := range []struct {
		name  string
		args  []string
		env   string
		check func(t *testing.T, o options)
		err   string
	}{
		{name: "flags", args: []string{"-duration", "3s", "-workers", "2", "-switch-every", "100ms", "-report", "r.html", "-http", "127.0.0.1:0", "-seed", "7"},
			check: func(t *testing.T, o options) {
				assert.Equal(t, 3*time.Second, o.duration)
				assert.Equal(t, 2, o.workers)
				assert.Equal(t, 100*time.Millisecond, o.switchEvery)
				assert.Equal(t, "r.html", o.report)
				assert.Equal(t, "127.0.0.1:0", o.httpAddr)
				assert.Equal(t, uint64(7), o.seed)
			}},
		{name: "E6DATA_DSN", env: "e6data://u:secret@h:443/db",
			check: func(t *testing.T, o options) { assert.Equal(t, "e6data://u:secret@h:443/db", o.dsn) }},
		{name: "random seed", check: func(t *testing.T, o options) { assert.NotZero(t, o.seed) }},
		{name: "-dsn wins and is redacted", env: "e6data://env", args: []string{"-dsn", "e6data://u:secret@h/db", "-query", "SELECT 1"},
			check: func(t *testing.T, o options) {
				assert.Equal(t, "e6data://u:secret@h/db", o.dsn)
				assert.Equal(t, `go run ./examples/gorm -dsn <dsn> -query "SELECT 1"`, o.command)
			}},
		{name: "-dsn= redacted", args: []string{"-dsn=e6data://u:secret@h/db"},
			check: func(t *testing.T, o options) { assert.Equal(t, "go run ./examples/gorm -dsn=<dsn>", o.command) }},
		{name: "zero duration", args: []string{"-duration", "0s"}, err: "-duration 0s: want a positive duration"},
		{name: "workers", args: []string{"-workers", "0"}, err: "-workers 0: want 1 to 256"},
		{name: "switch-every", args: []string{"-switch-every", "-1s"}, err: "-switch-every -1s"},
		{name: "drain-timeout", args: []string{"-drain-timeout", "0s"}, err: "-drain-timeout 0s"},
		{name: "blank query", args: []string{"-query", "  "}, err: "-query is blank"},
		{name: "two problems", args: []string{"-workers", "0", "-duration", "0s"}, err: "-duration 0s: want a positive duration, e.g. 20s; -workers 0"},
		{name: "argument", args: []string{"extra"}, err: `unexpected arguments ["extra"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, env(tc.env), io.Discard)
			if tc.err != "" {
				require.ErrorIs(t, err, errUsage)
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, o)
		})
	}

	var help strings.Builder
	_, err = parseOptions([]string{"-h"}, env("e6data://u:secret@h:443/db"), &help)
	assert.True(t, errors.Is(err, flag.ErrHelp))
	assert.Contains(t, help.String(), "-switch-every")
	assert.NotContains(t, help.String(), "secret", "the usage text never shows the DSN of $E6DATA_DSN")
	_, err = parseOptions([]string{"-duration", "soon"}, env(""), io.Discard)
	assert.Error(t, err, "the flag package's own error")
}
