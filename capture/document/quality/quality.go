// Package quality judges a document photo before it is sent: sharpness
// (variance of the Laplacian on a grey downscale), glare (share of
// saturated pixels inside the document area), exposure (mean luma) and the
// document's size in the frame. Each failed check comes with an operator
// message that says what to do. It also tells when a camera picture has
// been steady long enough to capture it automatically.
package quality

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
)

// ErrEmptyImage means the picture has no pixels.
var ErrEmptyImage = errors.New("empty image")

// ErrBadThresholds means a Thresholds value is out of range.
var ErrBadThresholds = errors.New("invalid quality thresholds")

// Check names one quality check.
type Check string

// The checks, in the order they are reported.
const (
	// CheckBlur fails when the picture is not sharp.
	CheckBlur Check = "blur"
	// CheckGlare fails when too much of the document is saturated.
	CheckGlare Check = "glare"
	// CheckDark fails when the picture is underexposed.
	CheckDark Check = "dark"
	// CheckBright fails when the picture is overexposed.
	CheckBright Check = "bright"
	// CheckSmall fails when the document fills too little of the frame.
	CheckSmall Check = "small"
)

// Advice is the English operator message for a failed check: an action
// that removes the cause, in the imperative.
func (c Check) Advice() string {
	switch c {
	case CheckBlur:
		return "Hold the passport still and let the camera focus"
	case CheckGlare:
		return "Tilt the passport to remove the glare"
	case CheckDark:
		return "Turn on more light or move the passport out of the shadow"
	case CheckBright:
		return "Move the passport out of direct light"
	case CheckSmall:
		return "Bring the passport closer to the camera"
	}
	return string(c)
}

// Thresholds are the limits the checks apply.
type Thresholds struct {
	// MinSharpness is the least variance of the Laplacian of the grey
	// downscale (luma 0–255) for a sharp picture.
	MinSharpness float64
	// MaxGlare is the largest share (0–1) of saturated pixels in the
	// document area.
	MaxGlare float64
	// MinLuma and MaxLuma bound the mean luma (0–255).
	MinLuma, MaxLuma float64
	// MinDocWidth is the least width of the document (the MRZ) relative to
	// the frame's width (0–1); checked only when the MRZ is located.
	MinDocWidth float64
}

// DefaultThresholds are limits measured on the demo passport specimen and
// degraded copies of it (see the package tests).
func DefaultThresholds() Thresholds {
	return Thresholds{MinSharpness: 200, MaxGlare: 0.02, MinLuma: 70, MaxLuma: 225, MinDocWidth: 0.4}
}

// Validate reports thresholds out of range.
func (t Thresholds) Validate() error {
	switch {
	case t.MinSharpness < 0 || math.IsNaN(t.MinSharpness):
		return fmt.Errorf("min sharpness %v: %w", t.MinSharpness, ErrBadThresholds)
	case !(t.MaxGlare >= 0 && t.MaxGlare <= 1):
		return fmt.Errorf("max glare %v not in [0,1]: %w", t.MaxGlare, ErrBadThresholds)
	case !(t.MinLuma >= 0 && t.MinLuma < t.MaxLuma && t.MaxLuma <= 255):
		return fmt.Errorf("luma range [%v,%v] not within [0,255]: %w", t.MinLuma, t.MaxLuma, ErrBadThresholds)
	case !(t.MinDocWidth >= 0 && t.MinDocWidth <= 1):
		return fmt.Errorf("min document width %v not in [0,1]: %w", t.MinDocWidth, ErrBadThresholds)
	}
	return nil
}

// Report is what the checks measured and which of them failed.
type Report struct {
	// Sharpness is the variance of the Laplacian of the grey downscale.
	Sharpness float64
	// Glare is the share of saturated pixels in the document area.
	Glare float64
	// Luma is the mean luma of the picture.
	Luma float64
	// DocWidth is the MRZ's width relative to the frame, 0 when unknown.
	DocWidth float64
	// Failed lists the failed checks, in the order of the constants.
	Failed []Check
}

// OK tells whether every check passed.
func (r Report) OK() bool { return len(r.Failed) == 0 }

// Has tells whether check c failed.
func (r Report) Has(c Check) bool {
	for _, f := range r.Failed {
		if f == c {
			return true
		}
	}
	return false
}

// workWidth is the width of the grey downscale the checks run on.
const workWidth = 480

// saturated is the luma from which a pixel counts as glare.
const saturated = 250

// Assess measures img. mrz is the MRZ's outline as the MRZ reader found it
// (ocr.Reading.Quad), or nil when unknown: the document area is then the
// picture's centre and the size check is skipped.
func Assess(img image.Image, mrz *[4]image.Point, t Thresholds) (Report, error) {
	if img == nil || img.Bounds().Empty() {
		return Report{}, ErrEmptyImage
	}
	g, scale := downscale(img, workWidth)
	var r Report
	r.Sharpness = laplacianVariance(g)
	r.Luma = meanLuma(g)
	area := centre(g.Bounds())
	if mrz != nil {
		b := img.Bounds()
		minX, maxX, maxY := mrz[0].X, mrz[0].X, mrz[0].Y
		for _, p := range mrz[1:] {
			minX, maxX, maxY = min(minX, p.X), max(maxX, p.X), max(maxY, p.Y)
		}
		w := maxX - minX
		r.DocWidth = float64(w) / float64(b.Dx())
		// a TD3 data page is about 0.75 times as high as its MRZ is wide,
		// the MRZ along its bottom edge
		doc := image.Rect(minX-w/20, maxY-w*3/4, maxX+w/20, maxY+w/40).Sub(b.Min)
		doc = image.Rect(int(float64(doc.Min.X)*scale), int(float64(doc.Min.Y)*scale),
			int(float64(doc.Max.X)*scale), int(float64(doc.Max.Y)*scale)).Intersect(g.Bounds())
		if !doc.Empty() {
			area = doc
		}
	}
	r.Glare = glare(g, area)
	if r.Sharpness < t.MinSharpness {
		r.Failed = append(r.Failed, CheckBlur)
	}
	if r.Glare > t.MaxGlare {
		r.Failed = append(r.Failed, CheckGlare)
	}
	if r.Luma < t.MinLuma {
		r.Failed = append(r.Failed, CheckDark)
	}
	if r.Luma > t.MaxLuma {
		r.Failed = append(r.Failed, CheckBright)
	}
	if mrz != nil && r.DocWidth < t.MinDocWidth {
		r.Failed = append(r.Failed, CheckSmall)
	}
	return r, nil
}

// centre is the middle 60% of b in each direction.
func centre(b image.Rectangle) image.Rectangle {
	dx, dy := b.Dx()/5, b.Dy()/5
	return image.Rect(b.Min.X+dx, b.Min.Y+dy, b.Max.X-dx, b.Max.Y-dy)
}

// downscale returns img's luma as a grey picture at most w pixels wide
// (box filter) and the factor from img's coordinates to the result's.
func downscale(img image.Image, w int) (*image.Gray, float64) {
	b := img.Bounds()
	step := max(1, (b.Dx()+w-1)/w)
	out := image.NewGray(image.Rect(0, 0, b.Dx()/step, b.Dy()/step))
	ob := out.Bounds()
	for oy := 0; oy < ob.Dy(); oy++ {
		for ox := 0; ox < ob.Dx(); ox++ {
			var sum uint32
			for y := 0; y < step; y++ {
				for x := 0; x < step; x++ {
					sum += uint32(luma(img, b.Min.X+ox*step+x, b.Min.Y+oy*step+y))
				}
			}
			out.Pix[oy*out.Stride+ox] = uint8(sum / uint32(step*step))
		}
	}
	return out, 1 / float64(step)
}

// luma reads one pixel's luma, fast for the usual camera and file types.
func luma(img image.Image, x, y int) uint8 {
	switch m := img.(type) {
	case *image.Gray:
		return m.Pix[m.PixOffset(x, y)]
	case *image.YCbCr:
		return m.Y[m.YOffset(x, y)]
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return rgbLuma(uint32(m.Pix[i]), uint32(m.Pix[i+1]), uint32(m.Pix[i+2]))
	}
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
}

func rgbLuma(r, g, b uint32) uint8 {
	return uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

// laplacianVariance is the variance of the 4-neighbour Laplacian of g.
func laplacianVariance(g *image.Gray) float64 {
	b := g.Bounds()
	var sum, sq float64
	n := 0
	for y := 1; y < b.Dy()-1; y++ {
		row := y * g.Stride
		for x := 1; x < b.Dx()-1; x++ {
			i := row + x
			l := 4*int(g.Pix[i]) - int(g.Pix[i-1]) - int(g.Pix[i+1]) - int(g.Pix[i-g.Stride]) - int(g.Pix[i+g.Stride])
			sum += float64(l)
			sq += float64(l * l)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	m := sum / float64(n)
	return sq/float64(n) - m*m
}

func meanLuma(g *image.Gray) float64 {
	var sum int
	for _, v := range g.Pix {
		sum += int(v)
	}
	return float64(sum) / float64(len(g.Pix))
}

// glare is the share of pixels of area in g at or above the saturated luma.
func glare(g *image.Gray, area image.Rectangle) float64 {
	n, hot := 0, 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			if g.Pix[y*g.Stride+x] >= saturated {
				hot++
			}
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hot) / float64(n)
}
