package strategy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

			// A State over it just probes.
			s := New(key, Options{Store: fs, Logger: quiet})
			cl := newCluster(Blue)
			c, _, err := s.Colour(context.Background(), cl.probe)
			require.NoError(t, err)
			assert.Equal(t, Blue, c)
			assert.Equal(t, int64(1), cl.count(Blue))
			// And the detection replaced the bad file.
			_, ok, _ = fs.Load(context.Background(), key)
			assert.True(t, ok)
		})
	}
}

// Two States with separate registries and FileStores on one directory, as two processes
// would be: the second adopts the first's detection without probing.
func TestFileStoreSharesDetection(t *testing.T) {
	dir := t.TempDir()
	key := Key{Endpoint: "e6:443", ClusterName: "prod"}
	clk := newClock()
	a := New(key, Options{Store: NewFileStore(dir, quiet), Now: clk.Now, Logger: quiet})
	_, _, err := a.Colour(context.Background(), newCluster(Green).probe)
	require.NoError(t, err)

	clk.Add(time.Minute)
	b := New(key, Options{Store: NewFileStore(dir, quiet), Now: clk.Now, Logger: quiet})
	cl := newCluster(Green)
	c, _, err := b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Green, c)
	assert.Zero(t, cl.count(Blue)+cl.count(Green))
	assert.Equal(t, time.Minute, b.Health().Age, "age counts from the first process's validation")

	// Past the TTL the record is not trusted.
	clk.Add(5 * time.Minute)
	d := New(key, Options{Store: NewFileStore(dir, quiet), Now: clk.Now, Logger: quiet})
	_, _, err = d.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(1), cl.count(Green))
}

const helperEnv = "STRATEGY_TEST_HELPER_DIR"

// TestHelperProcess is the child of TestFileStoreTwoProcesses: it detects with a counting
// probe, which writes the store, and prints how many probes it made.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	s := New(Key{Endpoint: "e6:443", ClusterName: "prod"}, Options{Store: NewFileStore(dir, quiet), Logger: quiet})
	cl := newCluster(Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Printf("HELPER %s %d\n", c, cl.count(Blue)+cl.count(Green))
}

func TestFileStoreTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var colour string
	var probes int
	for _, line := range strings.Split(string(out), "\n") {
		if n, _ := fmt.Sscanf(line, "HELPER %s %d", &colour, &probes); n == 2 {
			break
		}
	}
	require.Equal(t, Green, colour, "%s", out)
	assert.Equal(t, 2, probes, "the child probed blue (456) then green")

	s := New(Key{Endpoint: "e6:443", ClusterName: "prod"}, Options{Store: NewFileStore(dir, quiet), Logger: quiet})
	cl := newCluster(Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, Green, c)
	assert.Zero(t, cl.count(Blue)+cl.count(Green), "the parent never probes")
}
