package sandbox

import (
	"context"
	"image"
	"math"
	"sort"
)

// HistogramMatcher is the sandbox's default FaceMatcher. It is a sandbox
// heuristic and NOT face recognition: it says whether the pictures look
// alike as pictures, not whether they show the same person.
//
// For the passport image and each frame it takes the centre region (the
// middle 60% of the width and 80% of the height, where a portrait or a
// selfie has its face) and computes two features: a 4×4×4-bin RGB
// histogram and a 16×16 grey thumbnail. A frame's similarity is
//
//	0.5·Σ min(h_passport, h_frame) + 0.5·max(0, ncc(thumb_passport, thumb_frame))
//
// (histogram intersection of the normalised histograms, and the normalised
// cross-correlation of the zero-mean thumbnails). The score is the mean
// similarity of the better half of the frames.
type HistogramMatcher struct{}

// Name names the matcher in the verify details.
func (HistogramMatcher) Name() string { return "sandbox-histogram (not face recognition)" }

// MatchFace scores document against frames as described on the type.
func (HistogramMatcher) MatchFace(ctx context.Context, document image.Image, frames []image.Image) (float64, error) {
	if document == nil || len(frames) == 0 {
		return 0, nil
	}
	ref := featuresOf(document)
	sims := make([]float64, 0, len(frames))
	for _, f := range frames {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if f == nil {
			continue
		}
		sims = append(sims, ref.similarity(featuresOf(f)))
	}
	if len(sims) == 0 {
		return 0, nil
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sims)))
	best := sims[:(len(sims)+1)/2]
	sum := 0.0
	for _, v := range best {
		sum += v
	}
	return clamp01(sum / float64(len(best))), nil
}

type features struct {
	hist  [64]float64
	thumb []float64 // zero mean, unit norm (all zero for a flat image)
}

func featuresOf(img image.Image) features {
	r := centreRegion(img.Bounds(), 0.6, 0.8)
	f := features{hist: colourHist(img, r), thumb: greyThumb(img, r, 16, 16)}
	mean := 0.0
	for _, v := range f.thumb {
		mean += v
	}
	mean /= float64(len(f.thumb))
	norm := 0.0
	for i := range f.thumb {
		f.thumb[i] -= mean
		norm += f.thumb[i] * f.thumb[i]
	}
	if norm = math.Sqrt(norm); norm > 1e-9 {
		for i := range f.thumb {
			f.thumb[i] /= norm
		}
	}
	return f
}

func (a features) similarity(b features) float64 {
	inter := 0.0
	for i := range a.hist {
		inter += math.Min(a.hist[i], b.hist[i])
	}
	ncc := 0.0
	for i := range a.thumb {
		ncc += a.thumb[i] * b.thumb[i]
	}
	return 0.5*clamp01(inter) + 0.5*clamp01(ncc)
}

// centreRegion is the middle fw×fh share of r.
func centreRegion(r image.Rectangle, fw, fh float64) image.Rectangle {
	w := max(1, int(float64(r.Dx())*fw))
	h := max(1, int(float64(r.Dy())*fh))
	x0 := r.Min.X + (r.Dx()-w)/2
	y0 := r.Min.Y + (r.Dy()-h)/2
	return image.Rect(x0, y0, x0+w, y0+h).Intersect(r)
}

// lumaFunc returns a fast reader of a pixel's grey level (0–255).
func lumaFunc(img image.Image) func(x, y int) float64 {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) float64 { return float64(m.Y[m.YOffset(x, y)]) }
	case *image.Gray:
		return func(x, y int) float64 { return float64(m.Pix[m.PixOffset(x, y)]) }
	case *image.RGBA:
		return func(x, y int) float64 {
			i := m.PixOffset(x, y)
			return 0.299*float64(m.Pix[i]) + 0.587*float64(m.Pix[i+1]) + 0.114*float64(m.Pix[i+2])
		}
	case *image.NRGBA:
		return func(x, y int) float64 {
			i := m.PixOffset(x, y)
			return 0.299*float64(m.Pix[i]) + 0.587*float64(m.Pix[i+1]) + 0.114*float64(m.Pix[i+2])
		}
	default:
		return func(x, y int) float64 {
			r, g, b, _ := img.At(x, y).RGBA()
			return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 257
		}
	}
}

// maxSamplesPerCell bounds the work per thumbnail cell on large images.
const maxSamplesPerCell = 8

// greyThumb box-averages region r of img into a tw×th grey thumbnail,
// sampling at most maxSamplesPerCell² pixels per cell.
func greyThumb(img image.Image, r image.Rectangle, tw, th int) []float64 {
	out := make([]float64, tw*th)
	if r.Empty() {
		return out
	}
	luma := lumaFunc(img)
	for ty := 0; ty < th; ty++ {
		y0 := r.Min.Y + ty*r.Dy()/th
		y1 := max(y0+1, r.Min.Y+(ty+1)*r.Dy()/th)
		sy := max(1, (y1-y0)/maxSamplesPerCell)
		for tx := 0; tx < tw; tx++ {
			x0 := r.Min.X + tx*r.Dx()/tw
			x1 := max(x0+1, r.Min.X+(tx+1)*r.Dx()/tw)
			sx := max(1, (x1-x0)/maxSamplesPerCell)
			sum, n := 0.0, 0
			for y := y0; y < y1 && y < r.Max.Y; y += sy {
				for x := x0; x < x1 && x < r.Max.X; x += sx {
					sum += luma(x, y)
					n++
				}
			}
			if n > 0 {
				out[ty*tw+tx] = sum / float64(n)
			}
		}
	}
	return out
}

// colourHist is the normalised 4×4×4-bin RGB histogram of region r,
// sampled on a grid of at most 48×48 points.
func colourHist(img image.Image, r image.Rectangle) [64]float64 {
	var h [64]float64
	if r.Empty() {
		return h
	}
	const grid = 48
	sx, sy := max(1, r.Dx()/grid), max(1, r.Dy()/grid)
	rgb := func(x, y int) (uint32, uint32, uint32) {
		cr, cg, cb, _ := img.At(x, y).RGBA()
		return cr, cg, cb
	}
	if m, ok := img.(*image.YCbCr); ok {
		// YCbCrAt returns a value, where At would allocate per pixel.
		rgb = func(x, y int) (uint32, uint32, uint32) {
			cr, cg, cb, _ := m.YCbCrAt(x, y).RGBA()
			return cr, cg, cb
		}
	}
	n := 0.0
	for y := r.Min.Y; y < r.Max.Y; y += sy {
		for x := r.Min.X; x < r.Max.X; x += sx {
			cr, cg, cb := rgb(x, y)
			h[(cr>>14)*16+(cg>>14)*4+cb>>14]++
			n++
		}
	}
	for i := range h {
		h[i] /= n
	}
	return h
}
