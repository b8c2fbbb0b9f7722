//go:build race

package connector_test

// raceEnabled is true when the tests run with -race.
const raceEnabled = true
