//go:build race

package graph

// raceEnabled trims the slowest reference runs under the race detector,
// which makes the float loops 20× slower; the pool is still exercised.
const raceEnabled = true
