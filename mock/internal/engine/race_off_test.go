//go:build !race

package engine

// raceEnabled relaxes timing checks: the race detector slows the transpiled SQLite down ~15×.
const raceEnabled = false
