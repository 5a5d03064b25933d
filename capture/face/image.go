package face

import (
	"image"
	"math"
)

// rgbFrame is a frame in packed 8-bit RGB, the form every crop samples
// from. Rows are converted from the source image on first use, so a
// tracked frame converts only the rows its face crops touch. Its buffers
// are reused from frame to frame.
type rgbFrame struct {
	w, h int
	src  image.Image
	pix  []uint8 // 3 bytes a pixel, row-major
	done []bool  // rows converted
}

// load makes img the frame, reusing f's buffers when large enough.
func (f *rgbFrame) load(img image.Image) {
	b := img.Bounds()
	f.src, f.w, f.h = img, b.Dx(), b.Dy()
	n := 3 * f.w * f.h
	if cap(f.pix) < n {
		f.pix = make([]uint8, n)
	}
	f.pix = f.pix[:n]
	if cap(f.done) < f.h {
		f.done = make([]bool, f.h)
	}
	f.done = f.done[:f.h]
	clear(f.done)
}

// release drops the reference to the source image.
func (f *rgbFrame) release() { f.src = nil }

// rows makes sure rows [y0, y1) (clamped to the frame) are converted.
func (f *rgbFrame) rows(y0, y1 int) {
	for y := max(y0, 0); y < min(y1, f.h); y++ {
		if !f.done[y] {
			f.convertRow(y)
			f.done[y] = true
		}
	}
}

// convertRow converts row y of the source image.
func (f *rgbFrame) convertRow(y int) {
	b := f.src.Bounds()
	row := f.pix[3*y*f.w : 3*(y+1)*f.w]
	yy := y + b.Min.Y
	switch m := f.src.(type) {
	case *image.YCbCr:
		// Chroma columns per luma column: 1, 1/2 or 1/4 by the ratio.
		var hs int
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
			hs = 1
		case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
			hs = 2
		}
		ys := m.Y[m.YOffset(b.Min.X, yy):]
		c0 := m.COffset(b.Min.X, yy) - b.Min.X>>hs
		for x := 0; x < f.w; x++ {
			ci := c0 + (x+b.Min.X)>>hs
			row[3*x], row[3*x+1], row[3*x+2] = ycbcrToRGB(ys[x], m.Cb[ci], m.Cr[ci])
		}
	case *image.RGBA:
		src := m.Pix[m.PixOffset(b.Min.X, yy):]
		for x := 0; x < f.w; x++ {
			row[3*x], row[3*x+1], row[3*x+2] = src[4*x], src[4*x+1], src[4*x+2]
		}
	case *image.NRGBA:
		src := m.Pix[m.PixOffset(b.Min.X, yy):]
		for x := 0; x < f.w; x++ {
			a := uint32(src[4*x+3])
			row[3*x] = uint8(uint32(src[4*x]) * a / 255)
			row[3*x+1] = uint8(uint32(src[4*x+1]) * a / 255)
			row[3*x+2] = uint8(uint32(src[4*x+2]) * a / 255)
		}
	case *image.Gray:
		src := m.Pix[m.PixOffset(b.Min.X, yy):]
		for x := 0; x < f.w; x++ {
			v := src[x]
			row[3*x], row[3*x+1], row[3*x+2] = v, v, v
		}
	default:
		for x := 0; x < f.w; x++ {
			r, g, bl, _ := f.src.At(x+b.Min.X, yy).RGBA()
			row[3*x], row[3*x+1], row[3*x+2] = uint8(r>>8), uint8(g>>8), uint8(bl>>8)
		}
	}
}

// ycbcrToRGB converts JFIF YCbCr to RGB with the 16.16 fixed-point
// arithmetic of image/color.YCbCrToRGB (same results), written so that it
// inlines into the conversion loop.
func ycbcrToRGB(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy := int32(y) * 0x10101
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	r := yy + 91881*cr1
	g := yy - 22554*cb1 - 46802*cr1
	b := yy + 116130*cb1
	return clampFix(r), clampFix(g), clampFix(b)
}

// clampFix turns a 16.16 fixed-point value into a byte, clamped to 0–255.
func clampFix(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}

// region is a square, possibly rotated, part of the image in pixel units:
// its centre, its side and the angle (radians) by which the content is
// rotated in the image (positive = clockwise as seen, since y points down).
// Sampling a region into a crop undoes the rotation, so the crop is upright.
type region struct {
	cx, cy, side, angle float64
}

// toImage maps a point of an s×s crop of r (crop pixel units, origin at
// the crop's top-left corner) to image pixel coordinates.
func (r region) toImage(u, v float64, s int) (x, y float64) {
	k := r.side / float64(s)
	du, dv := k*(u-float64(s)/2), k*(v-float64(s)/2)
	sin, cos := math.Sincos(r.angle)
	return r.cx + du*cos - dv*sin, r.cy + du*sin + dv*cos
}

// fromImage is the inverse of toImage.
func (r region) fromImage(x, y float64, s int) (u, v float64) {
	k := float64(s) / r.side
	dx, dy := x-r.cx, y-r.cy
	sin, cos := math.Sincos(r.angle)
	return float64(s)/2 + k*(dx*cos+dy*sin), float64(s)/2 + k*(-dx*sin+dy*cos)
}

// sample fills dst (s×s×3, HWC) with the region r of f, each channel mapped
// as v*scale+offset from its 0–255 value. flip mirrors the crop
// horizontally. Pixels outside the image read as 0. When the region is
// much larger than the crop, each crop pixel averages a grid of bilinear
// taps so that downscaling does not alias.
func (f *rgbFrame) sample(dst []float32, s int, r region, flip bool, scale, offset float32) {
	// The rows a rotated square can touch, plus the bilinear neighbour.
	sin0, cos0 := math.Sincos(r.angle)
	reach := r.side / 2 * (math.Abs(sin0) + math.Abs(cos0))
	if lo, hi := r.cy-reach-2, r.cy+reach+2; !math.IsNaN(lo) && !math.IsNaN(hi) {
		f.rows(int(max(lo, -1)), int(min(hi, float64(f.h)+1)))
	}
	k := r.side / float64(s)
	n := int(math.Ceil(k / 1.5))
	n = min(max(n, 1), 4)
	sin, cos := math.Sincos(r.angle)
	// Step vectors in image space for one crop pixel along u and v.
	ux, uy := k*cos, k*sin
	vx, vy := -k*sin, k*cos
	// Offsets of the n×n sub-samples within a crop pixel, in image space,
	// from the pixel's corner.
	var sub [16][2]float64
	for j := range n {
		fv := (float64(j) + 0.5) / float64(n)
		for i := range n {
			fu := (float64(i) + 0.5) / float64(n)
			sub[j*n+i] = [2]float64{fu*ux + fv*vx, fu*uy + fv*vy}
		}
	}
	taps := sub[:n*n]
	inv := 1 / float32(n*n)
	half := float64(s) / 2
	for v := 0; v < s; v++ {
		// Image position of the crop row's first pixel corner, in
		// pixel-index coordinates (hence −0.5).
		dv := float64(v) - half
		x := r.cx - half*ux + dv*vx - 0.5
		y := r.cy - half*uy + dv*vy - 0.5
		row := dst[3*v*s : 3*(v+1)*s]
		for u := 0; u < s; u++ {
			var acc [3]float32
			for _, t := range taps {
				f.bilinear(x+t[0], y+t[1], &acc)
			}
			uu := u
			if flip {
				uu = s - 1 - u
			}
			o := row[3*uu : 3*uu+3 : 3*uu+3]
			o[0] = acc[0]*inv*scale + offset
			o[1] = acc[1]*inv*scale + offset
			o[2] = acc[2]*inv*scale + offset
			x += ux
			y += uy
		}
	}
}

// bilinear adds the bilinear interpolation of f at (x, y) (pixel-index
// coordinates) to acc; pixels outside the image count as 0.
func (f *rgbFrame) bilinear(x, y float64, acc *[3]float32) {
	if x >= 0 && y >= 0 {
		// Truncation is floor here; the common case needs no math.Floor.
		x0, y0 := int(x), int(y)
		if x0+1 < f.w && y0+1 < f.h {
			fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
			i := 3 * (y0*f.w + x0)
			j := i + 3*f.w
			p := f.pix[i : i+6 : i+6]
			q := f.pix[j : j+6 : j+6]
			w00, w10, w01, w11 := (1-fx)*(1-fy), fx*(1-fy), (1-fx)*fy, fx*fy
			acc[0] += w00*float32(p[0]) + w10*float32(p[3]) + w01*float32(q[0]) + w11*float32(q[3])
			acc[1] += w00*float32(p[1]) + w10*float32(p[4]) + w01*float32(q[1]) + w11*float32(q[4])
			acc[2] += w00*float32(p[2]) + w10*float32(p[5]) + w01*float32(q[2]) + w11*float32(q[5])
			return
		}
	}
	x0f, y0f := math.Floor(x), math.Floor(y)
	if !(x0f > -2 && y0f > -2 && x0f < float64(f.w) && y0f < float64(f.h)) {
		return // wholly outside (or NaN)
	}
	x0, y0 := int(x0f), int(y0f)
	fx, fy := float32(x-x0f), float32(y-y0f)
	for dy := 0; dy < 2; dy++ {
		yy := y0 + dy
		if yy < 0 || yy >= f.h {
			continue
		}
		wy := fy
		if dy == 0 {
			wy = 1 - fy
		}
		for dx := 0; dx < 2; dx++ {
			xx := x0 + dx
			if xx < 0 || xx >= f.w {
				continue
			}
			wx := fx
			if dx == 0 {
				wx = 1 - fx
			}
			p := f.pix[3*(yy*f.w+xx):]
			for c := 0; c < 3; c++ {
				acc[c] += wx * wy * float32(p[c])
			}
		}
	}
}

// lumaStats returns the mean luma (0–255 scale) of an RGB crop in [0,1]
// (HWC, s×s), the fraction of pixels brighter than 250/255 and the
// sharpness: the variance of its 4-neighbour Laplacian (0–255 scale)
// times (128/mean)², so that a darker picture of the same sharpness
// measures the same. Only the centre half of the crop is used, so the background
// around the face counts little.
func lumaStats(crop []float32, s int) (mean, saturated, lapVar float64) {
	lo, hi := s/4, s-s/4
	luma := func(x, y int) float64 {
		o := 3 * (y*s + x)
		return 255 * (0.299*float64(crop[o]) + 0.587*float64(crop[o+1]) + 0.114*float64(crop[o+2]))
	}
	var sum, sat float64
	var cnt int
	for y := lo; y < hi; y++ {
		for x := lo; x < hi; x++ {
			l := luma(x, y)
			sum += l
			if l > 250 {
				sat++
			}
			cnt++
		}
	}
	mean = sum / float64(cnt)
	var ls, ls2 float64
	var lc int
	for y := lo + 1; y < hi-1; y++ {
		for x := lo + 1; x < hi-1; x++ {
			l := 4*luma(x, y) - luma(x-1, y) - luma(x+1, y) - luma(x, y-1) - luma(x, y+1)
			ls += l
			ls2 += l * l
			lc++
		}
	}
	m := ls / float64(lc)
	norm := 128 / max(mean, 1)
	return mean, sat / float64(cnt), (ls2/float64(lc) - m*m) * norm * norm
}
