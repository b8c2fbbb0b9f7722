package strategy

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFileStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	fs := NewFileStore(dir, quiet)
	key := Key{Endpoint: "e6:443", ClusterName: "Prod"}
	_, ok, err := fs.Load(context.Background(), key)
	require.NoError(t, err)
	assert.False(t, ok, "missing directory: no record")

	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	require.NoError(t, fs.Save(context.Background(), key, Record{Colour: Green, ValidatedAt: at, Generation: 7}))
	rec, ok, err := fs.Load(context.Background(), Key{Endpoint: "e6:443", ClusterName: "prod"})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, Record{Colour: Green, ValidatedAt: at, Generation: 7}, rec)

	_, ok, _ = fs.Load(context.Background(), Key{Endpoint: "e6:443", ClusterName: "other"})
	assert.False(t, ok, "keys never share")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".tmp-", "no temporary file left")
	}
}

func TestFileStoreIgnoresBadFiles(t *testing.T) {
	key := Key{Endpoint: "e6:443", ClusterName: "prod"}
	for _, tc := range []struct {
		name, content, reason string
	}{
		{"corrupt", "{not json", "not valid JSON"},
		{"empty", "", "not valid JSON"},
		{"unknown version", `{"version":9,"endpoint":"e6:443","cluster_name":"prod","strategy":"blue"}`, "unknown version"},
		{"foreign key", `{"version":1,"endpoint":"elsewhere:443","cluster_name":"prod","strategy":"blue"}`, "another cluster"},
		{"bad colour", `{"version":1,"endpoint":"e6:443","cluster_name":"prod","strategy":"red"}`, "unknown strategy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			logs := &syncBuffer{}
			fs := NewFileStore(dir, slogTo(logs))
			require.NoError(t, os.WriteFile(fs.path(key), []byte(tc.content), 0o600))
			_, ok, err := fs.Load(context.Background(), key)
			assert.NoError(t, err)
			assert.False(t, ok)
			assert.Contains(t, logs.String(), "level=WARN")
			assert.Contains(t, logs.String(), tc.reason)

			// A save replaces the bad file.
			require.NoError(t, fs.Save(context.Background(), key, Record{Colour: Blue, ValidatedAt: time.Now()}))
			_, ok, _ = fs.Load(context.Background(), key)
			assert.True(t, ok)
		})
	}
}
