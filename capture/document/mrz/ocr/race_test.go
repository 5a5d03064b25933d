//go:build race

package ocr

// raceEnabled shortens TestAccuracy's default run: the race detector
// slows the pixel loops tenfold and they share no state worth checking
// page after page.
const raceEnabled = true
