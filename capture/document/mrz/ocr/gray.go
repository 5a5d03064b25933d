package ocr

import (
	"image"
	"image/color"
)

// grayImg is an 8-bit luminance image.
type grayImg struct {
	w, h int
	pix  []uint8
}

// maxPixels bounds the images Read accepts (a 50 MP photo).
const maxPixels = 50_000_000

// toGray converts img to luminance, with fast paths for the types image
// decoders and cameras produce.
func toGray(img image.Image) *grayImg {
	b := img.Bounds()
	g := &grayImg{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.Gray:
		for y := range g.h {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Pix[(y)*m.Stride:])
		}
	case *image.YCbCr:
		for y := range g.h {
			off := (b.Min.Y+y-m.Rect.Min.Y)*m.YStride + (b.Min.X - m.Rect.Min.X)
			copy(g.pix[y*g.w:(y+1)*g.w], m.Y[off:off+g.w])
		}
	case *image.RGBA:
		for y := range g.h {
			row := m.Pix[y*m.Stride:]
			for x := range g.w {
				r, gg, bb := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
				g.pix[y*g.w+x] = uint8((19595*r + 38470*gg + 7471*bb + 1<<15) >> 16)
			}
		}
	case *image.NRGBA:
		for y := range g.h {
			row := m.Pix[y*m.Stride:]
			for x := range g.w {
				r, gg, bb := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
				g.pix[y*g.w+x] = uint8((19595*r + 38470*gg + 7471*bb + 1<<15) >> 16)
			}
		}
	default:
		for y := range g.h {
			for x := range g.w {
				g.pix[y*g.w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return g
}

// half returns the image at half the size, each pixel the mean of 2×2.
func (g *grayImg) half() *grayImg {
	w, h := g.w/2, g.h/2
	out := &grayImg{w: w, h: h, pix: make([]uint8, w*h)}
	for y := range h {
		r0, r1 := g.pix[2*y*g.w:], g.pix[(2*y+1)*g.w:]
		for x := range w {
			out.pix[y*w+x] = uint8((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) / 4)
		}
	}
	return out
}

// at returns the bilinear interpolation at (x, y), pixel centres at
// integer+0.5, clamped at the borders.
func (g *grayImg) at(x, y float64) float32 {
	x -= 0.5
	y -= 0.5
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	if x > float64(g.w-1) {
		x = float64(g.w - 1)
	}
	if y > float64(g.h-1) {
		y = float64(g.h - 1)
	}
	ix, iy := int(x), int(y)
	fx, fy := float32(x-float64(ix)), float32(y-float64(iy))
	ix1, iy1 := min(ix+1, g.w-1), min(iy+1, g.h-1)
	p00, p10 := float32(g.pix[iy*g.w+ix]), float32(g.pix[iy*g.w+ix1])
	p01, p11 := float32(g.pix[iy1*g.w+ix]), float32(g.pix[iy1*g.w+ix1])
	return (p00*(1-fx)+p10*fx)*(1-fy) + (p01*(1-fx)+p11*fx)*fy
}

// pyramid holds an image and its successive halvings.
type pyramid []*grayImg

func newPyramid(g *grayImg) pyramid {
	p := pyramid{g}
	for last := g; last.w >= 64 && last.h >= 64; {
		last = last.half()
		p = append(p, last)
	}
	return p
}

// level picks the coarsest level whose pixels are no larger than step
// (in level-0 pixels), so that sampling every step pixels does not alias.
func (p pyramid) level(step float64) (img *grayImg, scale float64) {
	l, s := 0, 1.0
	for l+1 < len(p) && s*2 <= step/1.2 {
		l++
		s *= 2
	}
	return p[l], s
}
