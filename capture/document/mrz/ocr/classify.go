package ocr

import (
	"image"
	"math"
	"sort"

	"golang.org/x/image/vector"

	"github.com/kycterm/kycterm/capture/document/mrz/ocrb"
)

// The sampling grid of a character, in OCR-B font units (y up from the
// baseline): the cell [0, advance) with a margin, from below the baseline
// to above the digits' tops, every gridStep units.
const (
	gridLeft   = -80.0
	gridRight  = 803.0 // advance 723 + 80
	gridBottom = -110.0
	gridTop    = 880.0
	// gridPerPitch samples per character pitch.
	gridPerPitch = 18.0
	// shift is how far (in samples) a template is slid around the cell
	// centre to absorb the cell fit's error.
	shift = 3
)

// grid is the size of a template and the placement of its samples.
type grid struct {
	step   float64 // font units per sample
	tw, th int     // template size in samples
	adv    float64
	center [2]float64 // the font point sampled at a cell's centre
}

func newGrid(f *ocrb.Font) grid {
	step := f.Advance / gridPerPitch
	return grid{
		step: step,
		tw:   int(math.Ceil((gridRight - gridLeft) / step)),
		th:   int(math.Ceil((gridTop - gridBottom) / step)),
		adv:  f.Advance,
		// Cells are fitted to bounding-box centres: half the advance
		// across, about the middle of a capital or digit up.
		center: [2]float64{f.Advance / 2, 365},
	}
}

// template is a glyph rendered on the grid, made zero-mean and unit-norm
// so that a dot product with a sample is its normalized correlation.
type template struct {
	char byte
	pix  []float32
}

func renderTemplates(f *ocrb.Font, g grid) []template {
	var out []template
	for _, c := range []byte(ocrb.Charset) {
		r := vector.NewRasterizer(g.tw, g.th)
		f.Draw(r, c, func(u, v float64) (float64, float64) {
			return (u - gridLeft) / g.step, (gridTop - v) / g.step
		})
		mask := image.NewAlpha(image.Rect(0, 0, g.tw, g.th))
		r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
		pix := make([]float32, len(mask.Pix))
		for i, a := range mask.Pix {
			pix[i] = float32(a) / 255
		}
		pix = blurSmall(pix, g.tw, g.th)
		normalize(pix)
		out = append(out, template{char: c, pix: pix})
	}
	return out
}

// blurSmall softens a template with a 3×3 binomial kernel, as camera
// optics soften the print.
func blurSmall(p []float32, w, h int) []float32 {
	out := make([]float32, len(p))
	k := [3]float32{0.25, 0.5, 0.25}
	for y := range h {
		for x := range w {
			var acc float32
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := min(max(x+dx, 0), w-1), min(max(y+dy, 0), h-1)
					acc += k[dx+1] * k[dy+1] * p[yy*w+xx]
				}
			}
			out[y*w+x] = acc
		}
	}
	return out
}

func normalize(p []float32) {
	var m float64
	for _, v := range p {
		m += float64(v)
	}
	m /= float64(len(p))
	var n float64
	for i := range p {
		p[i] -= float32(m)
		n += float64(p[i]) * float64(p[i])
	}
	n = math.Sqrt(n)
	if n == 0 {
		return
	}
	for i := range p {
		p[i] /= float32(n)
	}
}

// sampleCell reads the ink (255 − gray) of the grid around c, enlarged by
// shift samples on every side.
func (g grid) sampleCell(p pyramid, c cell, buf []float32) []float32 {
	sw, sh := g.tw+2*shift, g.th+2*shift
	scale := c.pitch / g.adv // px per font unit
	img, ls := p.level(g.step * scale)
	// Unit vectors along (u) and across (v, upwards) the line, in px per
	// font unit at level 0.
	ax, ay := c.ux*scale, c.uy*scale
	bx, by := c.uy*scale, -c.ux*scale
	buf = buf[:0]
	for j := range sh {
		v := gridTop - (float64(j-shift)+0.5)*g.step - g.center[1]
		for i := range sw {
			u := gridLeft + (float64(i-shift)+0.5)*g.step - g.center[0]
			x := c.x + u*ax + v*bx
			y := c.y + u*ay + v*by
			buf = append(buf, 255-img.at(x/ls, y/ls))
		}
	}
	return buf
}

// score is a template's best normalized correlation with a cell.
type score struct {
	char byte
	ncc  float32
}

// match correlates each allowed template with the sample and returns the
// best correlation per template. Every template is tried within one
// sample of the fitted cell centre; the few best are then slid over the
// whole shift range, so a cell fit that is off by more still finds its
// character.
func (g grid) match(sample []float32, ts []template, allowed func(byte) bool, out []score) []score {
	const side = 2*shift + 1
	sw := g.tw + 2*shift
	n := float32(g.tw * g.th)
	var norms [side * side]float32
	for oy := range side {
		for ox := range side {
			var s, q float32
			for y := range g.th {
				row := sample[(y+oy)*sw+ox : (y+oy)*sw+ox+g.tw]
				for _, v := range row {
					s += v
					q += v * v
				}
			}
			norms[oy*side+ox] = float32(math.Sqrt(float64(max(q-s*s/n, 1e-6))))
		}
	}
	ncc := func(t *template, ox, oy int) float32 {
		var dot float32
		for y := range g.th {
			row := sample[(y+oy)*sw+ox : (y+oy)*sw+ox+g.tw]
			tr := t.pix[y*g.tw : (y+1)*g.tw]
			for x, v := range row {
				dot += v * tr[x]
			}
		}
		return dot / norms[oy*side+ox]
	}
	out = out[:0]
	var idx []int
	for i := range ts {
		if !allowed(ts[i].char) {
			continue
		}
		best := float32(-1)
		for oy := shift - 1; oy <= shift+1; oy++ {
			for ox := shift - 1; ox <= shift+1; ox++ {
				best = max(best, ncc(&ts[i], ox, oy))
			}
		}
		out = append(out, score{ts[i].char, best})
		idx = append(idx, i)
	}
	// Widen the search for the four best.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return out[order[a]].ncc > out[order[b]].ncc })
	for _, o := range order[:min(4, len(order))] {
		t := &ts[idx[o]]
		for oy := range side {
			for ox := range side {
				if oy >= shift-1 && oy <= shift+1 && ox >= shift-1 && ox <= shift+1 {
					continue
				}
				out[o].ncc = max(out[o].ncc, ncc(t, ox, oy))
			}
		}
	}
	return out
}
