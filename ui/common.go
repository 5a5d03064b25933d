package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"context"
	"image"
	"time"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
	"github.com/kycterm/kycterm/ui/i18n"
)

// CameraFunc opens the camera for one purpose. label is the name of the
// liveness challenge the frames are for ("" for the document and QR
// scans): a labelled recording replays that challenge's segment, a real
// camera ignores it. The returned source is not started.
type CameraFunc func(label string) (capture.Source, error)

// ChallengeDetector decides from a frame's analysis that the subject has
// done a challenge, so the frame can be captured without a key press. The
// face pipeline provides one; without it the operator captures.
type ChallengeDetector interface {
	Observe(challenge string, a flow.Analysis) (done bool)
	// Active tells whether the frame last observed showed the movement:
	// those frames are the ones sent once the challenge is done.
	Active() bool
}

// QRReader reads a verification invitation's QR code from a camera
// frame and returns the UUID or link it holds.
type QRReader func(img image.Image) (uuid string, err error)

// LocalDocument is what a local document reader found on the document
// photo: its quality, the machine-readable zone's fields, its warnings.
type LocalDocument struct {
	// Confidence is the reader's confidence in [0,1].
	Confidence float64
	// Fields are the fields read, keyed as the service's check request
	// names them (firstName, lastName, dob, number, …).
	Fields map[string]string
	// Warnings are quality or check-digit problems in plain words.
	Warnings []string
	// MRZ is the machine-readable zone's outline in the photo's
	// coordinates (ocr.Reading.Quad), nil when the reader did not locate
	// it. The document photo's size check needs it.
	MRZ *[4]image.Point
}

// DocumentReader reads the document photo locally (quality checks, MRZ,
// OCR); the document package provides one.
type DocumentReader interface {
	ReadDocument(ctx context.Context, img image.Image) (LocalDocument, error)
}

// KioskOptions configure unattended operation.
type KioskOptions struct {
	// Enabled asks for the operator PIN to quit.
	Enabled bool
	// IdleReset returns to the first screen and wipes the customer's data
	// after this long without a key press; zero disables it.
	IdleReset time.Duration
	// PINHash is the operator PIN as config.HashPIN made it.
	PINHash string
}

// Options are what the TUI is built from. Service is required; everything
// else has a usable zero value.
type Options struct {
	// Context bounds every call the TUI makes; nil means Background.
	Context context.Context
	// Service is the AMLKYC API (an *api.Client).
	Service flow.Service
	// Flow are the flow's settings (frames per challenge, encoding).
	Flow flow.Options
	// Camera opens the camera; nil means the kiosk has none (the document
	// comes from a file, liveness cannot run).
	Camera CameraFunc
	// CameraByLabel is set when Camera's frames depend on the label (a
	// labelled recording): liveness opens it again for each challenge. A
	// real camera stays open from one challenge to the next.
	CameraByLabel bool
	// DocumentCamera opens the source photographed for the document; nil
	// means Camera("").
	DocumentCamera func() (capture.Source, error)
	// Analyzer measures faces on preview frames; optional.
	Analyzer flow.Analyzer
	// Detector auto-captures a challenge's frames; optional, used with
	// Analyzer.
	Detector ChallengeDetector
	// QR reads an invitation QR code; optional.
	QR QRReader
	// DocumentReader reads the document photo locally; optional.
	DocumentReader DocumentReader
	// DocumentQuality judges document photos and lets the camera capture
	// the document by itself once the picture is good and steady; optional.
	DocumentQuality DocumentQualityFunc
	// Lang is the interface language, en or ru.
	Lang string
	// NoMirror shows the camera as it sees, instead of like a mirror.
	NoMirror bool
	// DocumentType and Country are the defaults offered on the session
	// screen.
	DocumentType, Country string
	// CanManage is true with an API key: the first screen lists and
	// creates verifications.
	CanManage bool
	// UUID pre-fills the first screen.
	UUID string
	// Demo shows the demo banner on every screen.
	Demo bool
	// Kiosk configures kiosk mode.
	Kiosk KioskOptions
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// FrameInterval is the preview's refresh period; zero means 1/15 s.
	FrameInterval time.Duration
}

// common is what every screen shares: the options, size, styles, keys and
// strings. Screens hold a pointer to the root's one.
type common struct {
	opts   Options
	ctx    context.Context
	width  int
	height int
	styles Styles
	keys   KeyMap
	tr     *i18n.Catalog
	mode   ColorMode
	mirror bool
	ids    int
	// lastClose is closed when the last camera close scheduled is done.
	lastClose chan struct{}
}

// t translates key.
func (c *common) t(key string, args ...any) string { return c.tr.T(key, args...) }

// now reads the clock.
func (c *common) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// nextID numbers camera sources and other things whose messages can
// outlive them.
func (c *common) nextID() int {
	c.ids++
	return c.ids
}

// frameInterval is the preview's refresh period.
func (c *common) frameInterval() time.Duration {
	if c.opts.FrameInterval > 0 {
		return c.opts.FrameInterval
	}
	return time.Second / 15
}

// bodyHeight is what is left for a screen's body after the header, the
// banner and the help bar.
func (c *common) bodyHeight() int {
	h := c.height - 4
	if c.opts.Demo {
		h--
	}
	return max(h, 1)
}

// name translates prefix+v, or shows v itself when the catalog has no
// text for it (a document type or challenge the kiosk does not know).
func (c *common) name(prefix, v string) string {
	if c.tr.Has(prefix + v) {
		return c.t(prefix + v)
	}
	return v
}

// joinColumns puts two blocks side by side with gap spaces between them.
func joinColumns(left, right string, gap int) string {
	return lipgloss.JoinHorizontal(lipgloss.Top, left, strings.Repeat(" ", gap), right)
}

// resetter is implemented by analyzers and detectors that keep state from
// frame to frame (the tracked face, a challenge's progress).
type resetter interface{ Reset() }

// resetAnalysis forgets what the face analysis and the detector tracked:
// a new customer, a retaken challenge.
func (c *common) resetAnalysis() {
	if r, ok := c.opts.Analyzer.(resetter); ok {
		r.Reset()
	}
	if r, ok := c.opts.Detector.(resetter); ok {
		r.Reset()
	}
}
