package quality

import (
	"image"
	"time"
)

// steadyWidth is the width of the thumbnail frames are compared on.
const steadyWidth = 64

// Steady tells when a camera picture has stopped moving: the mean absolute
// difference of successive frames' grey thumbnails stays under MaxDiff for
// at least Hold. The zero value is not usable; use NewSteady.
type Steady struct {
	// MaxDiff is the largest mean absolute luma difference (0–255) between
	// successive frames that still counts as steady.
	MaxDiff float64
	// Hold is how long the picture must stay steady.
	Hold time.Duration

	prev  *image.Gray
	since time.Time
}

// NewSteady returns a tracker with the defaults: a mean difference of at
// most 4 luma levels for 0.5 s.
func NewSteady() *Steady { return &Steady{MaxDiff: 4, Hold: 500 * time.Millisecond} }

// Add records the frame taken at t and tells whether the picture has been
// steady for Hold, up to and including it. A frame of another size starts
// over.
func (s *Steady) Add(img image.Image, t time.Time) bool {
	if img == nil || img.Bounds().Empty() {
		s.Reset()
		return false
	}
	g, _ := downscale(img, steadyWidth)
	prev := s.prev
	s.prev = g
	if prev == nil || prev.Bounds() != g.Bounds() || meanAbsDiff(prev, g) > s.MaxDiff {
		s.since = t
		return false
	}
	return t.Sub(s.since) >= s.Hold
}

// Reset forgets the frames seen.
func (s *Steady) Reset() { s.prev, s.since = nil, time.Time{} }

func meanAbsDiff(a, b *image.Gray) float64 {
	var sum int
	for i, v := range a.Pix {
		d := int(v) - int(b.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a.Pix))
}
