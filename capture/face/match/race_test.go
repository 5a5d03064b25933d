//go:build race

package match

// raceEnabled trims the slow model tests under the race detector.
const raceEnabled = true
