package capture

import "errors"

// Sentinel errors callers branch on. Sources wrap them with the device or
// file name and a plain-language message saying what to do.
var (
	// ErrNotStarted reports Next called before Start.
	ErrNotStarted = errors.New("source not started")
	// ErrClosed reports use of a source after Close.
	ErrClosed = errors.New("source closed")

	// ErrNoDevice reports a camera device path that does not exist or is
	// not a video capture device.
	ErrNoDevice = errors.New("no such camera device")
	// ErrDeviceBusy reports a camera another program already holds.
	ErrDeviceBusy = errors.New("camera is busy")
	// ErrPermission reports a camera the user may not open.
	ErrPermission = errors.New("permission denied opening camera")
	// ErrUnsupportedFormat reports a camera offering no pixel format kycterm
	// can convert, or a configured format or size it does not offer.
	ErrUnsupportedFormat = errors.New("unsupported camera format")

	// ErrStopped is the transient event "camera stopped delivering frames":
	// Next returns it once after repeated frame timeouts, then keeps waiting
	// for frames.
	ErrStopped = errors.New("camera stopped delivering frames")
	// ErrDisconnected is the transient event "camera unplugged": Next returns
	// it once when the device goes away; the source reopens the device when
	// it comes back and frames resume.
	ErrDisconnected = errors.New("camera disconnected")

	// ErrCorruptFrame reports a frame that could not be decoded. A camera
	// skips and counts such frames; a recording fails on them.
	ErrCorruptFrame = errors.New("corrupt frame")
	// ErrUnsupportedImage reports an image file that is not JPEG or PNG.
	ErrUnsupportedImage = errors.New("not a JPEG or PNG image")
	// ErrImageTooLarge reports an image file or picture over the size limits.
	ErrImageTooLarge = errors.New("image too large")
	// ErrBadFrameName reports a file in a folder of frames whose name is not
	// <challengeIndex>-<n>.jpg or .png.
	ErrBadFrameName = errors.New("frame file name is not <challengeIndex>-<n>.jpg|png")
)

// IsTransient reports whether err from Source.Next is an event after which
// the source goes on delivering frames (ErrStopped, ErrDisconnected).
func IsTransient(err error) bool {
	return errors.Is(err, ErrStopped) || errors.Is(err, ErrDisconnected)
}
