//go:build !unix

package engine

// processCPU is unknown here; benchmarks then report wall time only.
func processCPU() (int64, bool) { return 0, false }
