// Package synth renders synthetic document data pages with an MRZ in
// OCR-B, degraded the way a camera degrades them (blur, noise, rotation,
// perspective, uneven light, JPEG), to measure and test the MRZ image
// reader without real documents. Everything is drawn from the embedded
// OCR-B outlines and a seeded random source: the same seed gives the same
// page.
package synth

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"golang.org/x/image/vector"

	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocrb"
)

// ErrLines reports MRZ lines that are not 2×44, 2×36 or 3×30.
var ErrLines = errors.New("synth: MRZ lines must be 2×44, 2×36 or 3×30")

// Degradation is the camera-like damage applied to a page.
type Degradation struct {
	// Name labels the degradation in reports.
	Name string
	// Blur is the standard deviation of a Gaussian blur, in pixels.
	Blur float64
	// Noise is the standard deviation of additive Gaussian noise, in
	// gray levels (0-255).
	Noise float64
	// Rotation turns the page, degrees counter-clockwise.
	Rotation float64
	// Perspective shrinks one edge of the page by this fraction of its
	// length, as a camera not square to the page does (keystone).
	Perspective float64
	// Light darkens the page unevenly: 0 none, 0.6 the darkest corner at
	// about 40% of the brightest.
	Light float64
	// JPEGQuality, when above 0, round-trips the page through JPEG.
	JPEGQuality int
}

// Presets lists the degradations the accuracy measurement reports on.
// Preset also knows "harsh", everything at once and stronger than a kiosk
// camera should deliver, to show where reading breaks down.
func Presets() []string {
	return []string{"clean", "blur", "noise", "rotation", "perspective", "light", "jpeg", "camera"}
}

// Preset draws the parameters of a named degradation from rng: each
// preset stresses one thing within what a kiosk camera or a phone shows,
// and "camera" combines them all at milder levels.
func Preset(name string, rng *rand.Rand) (Degradation, error) {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	sign := func() float64 { return float64(1 - 2*rng.IntN(2)) }
	d := Degradation{Name: name}
	switch name {
	case "clean":
	case "blur":
		d.Blur = u(0.8, 1.6)
	case "noise":
		d.Noise = u(8, 20)
	case "rotation":
		d.Rotation = sign() * u(1, 5)
	case "perspective":
		d.Perspective = u(0.03, 0.08)
	case "light":
		d.Light = u(0.4, 0.7)
	case "jpeg":
		d.JPEGQuality = 40 + rng.IntN(31)
	case "camera":
		d.Blur = u(0.6, 1.2)
		d.Noise = u(4, 10)
		d.Rotation = sign() * u(0, 3)
		d.Perspective = u(0, 0.04)
		d.Light = u(0.2, 0.5)
		d.JPEGQuality = 70 + rng.IntN(21)
	case "harsh":
		d.Blur = u(1.4, 2.2)
		d.Noise = u(12, 24)
		d.Rotation = sign() * u(3, 7)
		d.Perspective = u(0.05, 0.1)
		d.Light = u(0.5, 0.75)
		d.JPEGQuality = 35 + rng.IntN(21)
	default:
		return d, fmt.Errorf("synth: unknown degradation %q", name)
	}
	return d, nil
}

// Renderer draws pages. It is safe for concurrent use.
type Renderer struct {
	font *ocrb.Font
}

// NewRenderer loads the embedded OCR-B outlines.
func NewRenderer() (*Renderer, error) {
	f, err := ocrb.Load()
	if err != nil {
		return nil, err
	}
	return &Renderer{font: f}, nil
}

// Options are the page's resolution and damage.
type Options struct {
	// DPI is the resolution the page is drawn at (300 when 0).
	DPI float64
	// Degradation is applied after drawing.
	Degradation Degradation
	// Photo, when set, is drawn (in gray, scaled to fill) as the
	// holder's photo instead of a plain shape; a demo's document can
	// carry the demo's face.
	Photo image.Image
}

// geometry of the document layouts, in millimetres.
type pageSpec struct {
	w, h       float64 // page size
	bottom     float64 // baseline of the last MRZ line above the bottom edge
	photo      [4]float64
	vizX, vizW float64
}

const (
	mrzPitch   = 2.54 // ICAO: 10 characters per inch
	mrzLeading = 4.23 // baseline to baseline
)

func specFor(format mrz.Format) pageSpec {
	switch format {
	case mrz.TD1:
		return pageSpec{w: 85.6, h: 53.98, bottom: 3.6, photo: [4]float64{4, 4, 22, 28}, vizX: 30, vizW: 52}
	case mrz.TD2:
		return pageSpec{w: 105, h: 74, bottom: 4.5, photo: [4]float64{5, 10, 28, 36}, vizX: 37, vizW: 64}
	}
	return pageSpec{w: 125, h: 88, bottom: 5.0, photo: [4]float64{6, 14, 32, 42}, vizX: 43, vizW: 78}
}

// Render draws a data page carrying lines as its MRZ, photographed with
// opt.Degradation, and returns it in gray levels. The page sits on a darker
// background with a margin around it, as in a photo of a document.
func (r *Renderer) Render(lines []string, opt Options, rng *rand.Rand) (*image.Gray, error) {
	format := mrz.FormatUnknown
	switch {
	case len(lines) == 2 && len(lines[0]) == 44 && len(lines[1]) == 44:
		format = mrz.TD3
	case len(lines) == 2 && len(lines[0]) == 36 && len(lines[1]) == 36:
		format = mrz.TD2
	case len(lines) == 3 && len(lines[0]) == 30 && len(lines[1]) == 30 && len(lines[2]) == 30:
		format = mrz.TD1
	default:
		return nil, ErrLines
	}
	for _, ln := range lines {
		for i := 0; i < len(ln); i++ {
			if !r.font.Has(ln[i]) {
				return nil, ErrLines
			}
		}
	}
	dpi := opt.DPI
	if dpi <= 0 {
		dpi = 300
	}
	mm := dpi / 25.4
	sp := specFor(format)
	page := r.drawPage(lines, sp, mm, opt.Photo, rng)
	d := opt.Degradation
	frame := project(page, d, rng)
	if d.Light > 0 {
		light(frame, d.Light, rng)
	}
	if d.Blur > 0 {
		blur(frame, d.Blur)
	}
	if d.Noise > 0 {
		for i := range frame.pix {
			frame.pix[i] += float32(rng.NormFloat64() * d.Noise)
		}
	}
	out := frame.gray()
	if d.JPEGQuality > 0 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: d.JPEGQuality}); err != nil {
			return nil, fmt.Errorf("synth: jpeg: %w", err)
		}
		img, err := jpeg.Decode(&buf)
		if err != nil {
			return nil, fmt.Errorf("synth: jpeg: %w", err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			return nil, fmt.Errorf("synth: jpeg decoded as %T", img)
		}
		out = g
	}
	return out, nil
}

// plane is a float gray image.
type plane struct {
	w, h int
	pix  []float32
}

func newPlane(w, h int, v float32) *plane {
	p := &plane{w: w, h: h, pix: make([]float32, w*h)}
	for i := range p.pix {
		p.pix[i] = v
	}
	return p
}

func (p *plane) gray() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, p.w, p.h))
	for i, v := range p.pix {
		g.Pix[i] = uint8(math.Round(float64(min(max(v, 0), 255))))
	}
	return g
}

// ink composites a rasterized mask onto p with the given ink level.
func (p *plane) ink(r *vector.Rasterizer, level float32) {
	mask := image.NewAlpha(image.Rect(0, 0, p.w, p.h))
	r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	for i, a := range mask.Pix {
		if a != 0 {
			f := float32(a) / 255
			p.pix[i] = p.pix[i]*(1-f) + level*f
		}
	}
}

// text draws s in OCR-B with its first cell's left edge at x and its
// baseline at y (pixels), pitch px per character; jitter moves each glyph
// randomly by up to that many pixels.
func (r *Renderer) text(ras *vector.Rasterizer, s string, x, y, pitch, jitter float64, rng *rand.Rand) {
	px := pitch / r.font.Advance
	for i := 0; i < len(s); i++ {
		jx, jy := (rng.Float64()*2-1)*jitter, (rng.Float64()*2-1)*jitter
		r.font.Draw(ras, s[i], ocrb.Place(x+float64(i)*pitch+jx, y+jy, px))
	}
}

func (r *Renderer) drawPage(lines []string, sp pageSpec, mm float64, photo image.Image, rng *rand.Rand) *plane {
	w, h := int(sp.w*mm), int(sp.h*mm)
	paper := float32(225 + rng.IntN(25))
	p := newPlane(w, h, paper)
	mrzTop := sp.h - sp.bottom - float64(len(lines)-1)*mrzLeading - 3.5
	// A faint security print over the page, fainter in the MRZ's clear
	// zone: sin(k1·x + a(y))·sin(k2·y + c(x)), expanded so that every
	// sine is computed once per row or column.
	k1, k2 := 0.5+rng.Float64(), 0.5+rng.Float64()
	ph1, ph2 := rng.Float64()*6, rng.Float64()*6
	amp := 4 + rng.Float64()*8
	sx, cx1, sc, cc := make([]float64, w), make([]float64, w), make([]float64, w), make([]float64, w)
	for x := range w {
		xmm := float64(x) / mm
		sx[x], cx1[x] = math.Sincos(k1 * xmm)
		sc[x], cc[x] = math.Sincos(2 * math.Sin(0.25*xmm))
	}
	for y := range h {
		ymm := float64(y) / mm
		a := amp
		if ymm > mrzTop {
			a = amp / 4
		}
		sa, ca := math.Sincos(ph1 + 2*math.Sin(0.3*ymm))
		sb, cb := math.Sincos(k2*ymm + ph2)
		row := p.pix[y*w : (y+1)*w]
		for x := range row {
			v := (sx[x]*ca + cx1[x]*sa) * (sb*cc[x] + cb*sc[x])
			row[x] -= float32(a * (v*0.5 + 0.5))
		}
	}
	// The photo: a smooth gradient with a darker head shape.
	ph := sp.photo
	x0, y0, x1, y1 := int(ph[0]*mm), int(ph[1]*mm), int((ph[0]+ph[2])*mm), int((ph[1]+ph[3])*mm)
	base, slope := 90+rng.Float64()*80, rng.Float64()*60-30
	cx, cy, rx, ry := float64(x0+x1)/2, float64(y0)+float64(y1-y0)*0.4, float64(x1-x0)*0.3, float64(y1-y0)*0.28
	for y := max(y0, 0); y < min(y1, h); y++ {
		for x := max(x0, 0); x < min(x1, w); x++ {
			v := base + slope*float64(y-y0)/float64(y1-y0)
			if dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry; dx*dx+dy*dy < 1 {
				v -= 50
			}
			if photo != nil {
				v = photoAt(photo, float64(x-x0)/float64(x1-x0), float64(y-y0)/float64(y1-y0))
			}
			p.pix[y*w+x] = float32(v)
		}
	}
	// Visual inspection zone: a title and labelled fields in smaller type.
	ras := vector.NewRasterizer(w, h)
	vizPitch := 1.7 * mm
	r.text(ras, "PASSPORT", sp.vizX*mm, 5*mm, 2.4*mm, 0, rng)
	for y := 9.0; y < mrzTop-3; y += 5.5 {
		s := word(rng, 3, 10)
		if rng.IntN(2) == 0 {
			s += " " + alnum(rng, 2+rng.IntN(6), 0.5)
		}
		if len(s)*int(vizPitch) > int(sp.vizW*mm) {
			s = s[:int(sp.vizW*mm/vizPitch)]
		}
		r.text(ras, s, sp.vizX*mm, y*mm, vizPitch, 0, rng)
	}
	p.ink(ras, float32(50+rng.IntN(40)))
	// The MRZ, centred, on the standard pitch, with printer jitter.
	ras = vector.NewRasterizer(w, h)
	n := float64(len(lines[0]))
	left := (sp.w - n*mrzPitch) / 2
	for i, ln := range lines {
		base := sp.h - sp.bottom - float64(len(lines)-1-i)*mrzLeading
		r.text(ras, ln, left*mm, base*mm, mrzPitch*mm, 0.04*mm, rng)
	}
	p.ink(ras, float32(15+rng.IntN(35)))
	return p
}

// photoAt samples img's luminance at (u, v) in [0,1)², cropping it to
// fill the photo's shape from its centre.
func photoAt(img image.Image, u, v float64) float64 {
	b := img.Bounds()
	const aspect = 35.0 / 45.0 // passport photo width / height
	cw, ch := float64(b.Dx()), float64(b.Dy())
	if cw/ch > aspect {
		cw = ch * aspect
	} else {
		ch = cw / aspect
	}
	x := b.Min.X + int((float64(b.Dx())-cw)/2+u*cw)
	y := b.Min.Y + int((float64(b.Dy())-ch)/2+v*ch)
	return float64(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
}

// project places the page on a background frame through a rotation and a
// keystone homography, sampling bilinearly.
func project(page *plane, d Degradation, rng *rand.Rand) *plane {
	margin := 0.1
	fw, fh := int(float64(page.w)*(1+2*margin)), int(float64(page.h)*(1+2*margin))
	bg := float32(40 + rng.IntN(70))
	frame := newPlane(fw, fh, bg)
	W, H := float64(page.w), float64(page.h)
	src := [4][2]float64{{0, 0}, {W, 0}, {W, H}, {0, H}}
	dst := src
	if d.Perspective > 0 {
		// Shrink one edge about its middle.
		e := rng.IntN(4)
		a, b := e, (e+1)%4
		mx, my := (dst[a][0]+dst[b][0])/2, (dst[a][1]+dst[b][1])/2
		for _, k := range []int{a, b} {
			dst[k][0] = mx + (dst[k][0]-mx)*(1-d.Perspective)
			dst[k][1] = my + (dst[k][1]-my)*(1-d.Perspective)
		}
	}
	th := d.Rotation * math.Pi / 180
	cosT, sinT := math.Cos(th), math.Sin(th)
	for k := range dst {
		x, y := dst[k][0]-W/2, dst[k][1]-H/2
		// Counter-clockwise as seen on screen (y down).
		dst[k] = [2]float64{x*cosT + y*sinT + float64(fw)/2, -x*sinT + y*cosT + float64(fh)/2}
	}
	inv := homography(dst, src) // frame → page
	for y := range fh {
		for x := range fw {
			X, Y := float64(x)+0.5, float64(y)+0.5
			den := inv[6]*X + inv[7]*Y + 1
			u := (inv[0]*X+inv[1]*Y+inv[2])/den - 0.5
			v := (inv[3]*X+inv[4]*Y+inv[5])/den - 0.5
			if u < 0 || v < 0 || u > W-1 || v > H-1 {
				continue
			}
			ix, iy := int(u), int(v)
			fx, fy := float32(u-float64(ix)), float32(v-float64(iy))
			ix1, iy1 := min(ix+1, page.w-1), min(iy+1, page.h-1)
			p00, p10 := page.pix[iy*page.w+ix], page.pix[iy*page.w+ix1]
			p01, p11 := page.pix[iy1*page.w+ix], page.pix[iy1*page.w+ix1]
			frame.pix[y*fw+x] = (p00*(1-fx)+p10*fx)*(1-fy) + (p01*(1-fx)+p11*fx)*fy
		}
	}
	return frame
}

// homography returns h (h33 = 1) mapping the points src onto dst.
func homography(src, dst [4][2]float64) [8]float64 {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r == c || a[c][c] == 0 {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var h [8]float64
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	return h
}

// light multiplies the frame by a smooth field: a linear fall-off in a
// random direction and a radial one around a random point.
func light(p *plane, s float64, rng *rand.Rand) {
	phi := rng.Float64() * 2 * math.Pi
	sinP, cosP := math.Sincos(phi)
	cx, cy := rng.Float64()*float64(p.w), rng.Float64()*float64(p.h)
	diag := math.Hypot(float64(p.w), float64(p.h))
	for y := range p.h {
		for x := range p.w {
			g := (float64(x)*cosP+float64(y)*sinP)/diag*0.5 + 0.5
			r := math.Hypot(float64(x)-cx, float64(y)-cy) / diag
			f := 1 - s*(0.7*g+0.3*min(r*2, 1))
			p.pix[y*p.w+x] *= float32(max(f, 0.05))
		}
	}
}

// blur applies a separable Gaussian blur of standard deviation sigma.
func blur(p *plane, sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*rad+1)
	var sum float32
	for i := range k {
		x := float64(i - rad)
		k[i] = float32(math.Exp(-x * x / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(p.pix))
	for y := range p.h {
		row := p.pix[y*p.w : (y+1)*p.w]
		for x := range p.w {
			var acc float32
			for i, kv := range k {
				xx := min(max(x+i-rad, 0), p.w-1)
				acc += kv * row[xx]
			}
			tmp[y*p.w+x] = acc
		}
	}
	for y := range p.h {
		for x := range p.w {
			var acc float32
			for i, kv := range k {
				yy := min(max(y+i-rad, 0), p.h-1)
				acc += kv * tmp[yy*p.w+x]
			}
			p.pix[y*p.w+x] = acc
		}
	}
}
