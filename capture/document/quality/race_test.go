//go:build race

package quality

// raceEnabled skips TestMeasure under the race detector: it is pixel
// loops only, ten times slower there, and the plain run checks it.
const raceEnabled = true
