//go:build race

package demo_test

// raceEnabled narrows the face analysis tests to the blink segment: the
// race detector slows the models' loops tenfold, and the segments share
// no state worth checking one after another.
const raceEnabled = true
