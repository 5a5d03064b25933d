// Package capture turns cameras, recordings, folders of images and single
// still images into a stream of frames behind one interface, Source.
//
// A Source has latest-frame semantics: a slow consumer never stalls the
// producer, frames it did not take in time are dropped and counted, and the
// memory a source holds is bounded.
package capture

import (
	"context"
	"image"
	"time"
)

// Frame is one image delivered by a Source.
type Frame struct {
	// Image is the decoded picture.
	Image image.Image
	// Seq numbers frames from 0 in the order the source produced them.
	Seq uint64
	// Mono is the capture time for ordering (monotonic clock reading).
	Mono time.Time
	// Wall is the wall-clock capture time, for the API's timestamps.
	Wall time.Time
	// Raw holds the bytes as the device delivered them, when it did
	// (a camera's MJPEG, NV12, YU12 or grey frames; YUYV frames are
	// converted straight out of the driver's buffer and carry none), and
	// Format the camera's pixel format ("MJPG", "YUYV"…).
	Raw    []byte
	Format string
	// ChallengeIndex and Label come from a recording's manifest when it
	// carries them; ChallengeIndex is -1 otherwise.
	ChallengeIndex int
	Label          string
}

// Source delivers frames from a camera, a recording or image files.
type Source interface {
	// Start begins delivering frames until ctx ends or Close is called.
	Start(ctx context.Context) error
	// Next blocks for the next frame not yet returned, or until ctx ends.
	// It returns io.EOF when a finite source has no more frames. A camera
	// also returns transient events (ErrStopped, ErrDisconnected; see
	// IsTransient) after which Next may be called again.
	Next(ctx context.Context) (Frame, error)
	// Latest returns the newest frame without blocking; ok is false when
	// none has arrived yet.
	Latest() (f Frame, ok bool)
	// Close stops the source and releases the device or files.
	Close() error
}
