package bluegreen

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

	"github.com/e6data/gorm-e6data/strategy"
)

// A State over a store file that cannot be used (corrupt, foreign) just probes, and its
// detection replaces the file.
func TestFileStoreBadFileProbes(t *testing.T) {
	dir := t.TempDir()
	key := strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}
	fs := strategy.NewFileStore(dir, quiet)
	require.NoError(t, fs.Save(context.Background(), key, strategy.Record{Colour: strategy.Green, ValidatedAt: time.Now()}))
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.NoError(t, os.WriteFile(files[0], []byte("{not json"), 0o600))

	s := New(key, strategy.Options{Store: fs, Logger: quiet})
	cl := newCluster(strategy.Blue)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Blue, c)
	assert.Equal(t, int64(1), cl.count(strategy.Blue))
	s.settle() // the store is written in the background
	rec, ok, _ := fs.Load(context.Background(), key)
	assert.True(t, ok)
	assert.Equal(t, strategy.Blue, rec.Colour)
}

// Two States with separate registries and FileStores on one directory, as two processes
// would be: the second adopts the first's detection without probing.
func TestFileStoreSharesDetection(t *testing.T) {
	dir := t.TempDir()
	key := strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}
	clk := newClock()
	a := newState(key, strategy.Options{Store: strategy.NewFileStore(dir, quiet), Logger: quiet}, clk.Now)
	t.Cleanup(a.close)
	_, _, err := a.Colour(context.Background(), newCluster(strategy.Green).probe)
	require.NoError(t, err)
	a.settle() // the store is written in the background

	clk.Add(time.Minute)
	b := newState(key, strategy.Options{Store: strategy.NewFileStore(dir, quiet), Logger: quiet}, clk.Now)
	t.Cleanup(b.close) // its write goes out before the directory is removed
	cl := newCluster(strategy.Green)
	c, _, err := b.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Green, c)
	assert.Zero(t, cl.count(strategy.Blue)+cl.count(strategy.Green))
	assert.Equal(t, time.Minute, b.Health().Age, "age counts from the first process's validation")

	// Past the TTL the record is not trusted.
	clk.Add(5 * time.Minute)
	d := newState(key, strategy.Options{Store: strategy.NewFileStore(dir, quiet), Logger: quiet}, clk.Now)
	t.Cleanup(d.close) // its write goes out before the directory is removed
	_, _, err = d.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, int64(1), cl.count(strategy.Green))
}

const helperEnv = "STRATEGY_TEST_HELPER_DIR"

// TestHelperProcess is the child of TestFileStoreTwoProcesses: it detects with a counting
// probe, which writes the store, and prints how many probes it made.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	s := New(strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}, strategy.Options{Store: strategy.NewFileStore(dir, quiet), Logger: quiet})
	cl := newCluster(strategy.Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	s.close() // lets the store write out, as the last connector's Close does
	fmt.Printf("HELPER %s %d\n", c, cl.count(strategy.Blue)+cl.count(strategy.Green))
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
	require.Equal(t, strategy.Green, colour, "%s", out)
	assert.Equal(t, 2, probes, "the child probed blue (456) then green")

	s := New(strategy.Key{Endpoint: "e6:443", ClusterName: "prod"}, strategy.Options{Store: strategy.NewFileStore(dir, quiet), Logger: quiet})
	cl := newCluster(strategy.Green)
	c, _, err := s.Colour(context.Background(), cl.probe)
	require.NoError(t, err)
	assert.Equal(t, strategy.Green, c)
	assert.Zero(t, cl.count(strategy.Blue)+cl.count(strategy.Green), "the parent never probes")
}
