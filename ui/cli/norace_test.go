//go:build !race

package cli

// raceEnabled is false without the race detector.
const raceEnabled = false
