//go:build race

package cli

// raceEnabled skips the demo runs with the face models: the race detector
// slows the models' loops tenfold, too slow for a live camera's pace.
const raceEnabled = true
