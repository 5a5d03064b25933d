package ui

import (
	"image"
	"image/color"
	"strconv"
)

// ColorMode is how the camera preview is drawn.
type ColorMode int

const (
	// TrueColor draws each half-block cell with two 24-bit colours.
	TrueColor ColorMode = iota
	// Color256 quantises to the xterm 256-colour cube, for terminals
	// without 24-bit colour.
	Color256
	// Mono draws brightness with characters only (NO_COLOR, dumb
	// terminals).
	Mono
)

// monoRamp holds characters from dark to bright for Mono previews.
const monoRamp = " .:-=+*#%@"

// Preview turns camera frames into terminal cells: each cell is an upper
// half block ▀ whose foreground is the top pixel and background the bottom
// one. The sampling map (which source pixel each cell half shows, mirrored
// or not) and the oval guide are computed once per frame geometry and
// output size, and the output buffer is reused, so steady-state rendering
// allocates only the returned string. A Preview is not safe for concurrent
// use.
type Preview struct {
	// geometry the maps were built for
	cols, rows    int
	srcRect       image.Rectangle
	mirror, guide bool
	built         bool
	xs, ys        []int  // source pixel of each column and pixel row
	oval          []bool // guide outline per pixel (cols × 2·rows)
	ycbcrKey      ycbcrGeom
	yOff, cOff    []int // YCbCr offsets per pixel, when the source is YCbCr
	buf           []byte
	rgb           []uint8 // sampled pixels, 3 per pixel
}

type ycbcrGeom struct {
	rect           image.Rectangle
	yStride, cStr  int
	ratio          image.YCbCrSubsampleRatio
	cols, rows     int
	mirror, usable bool
}

// Fit returns the cell size (columns, rows) an image of w×h pixels takes
// when scaled to fit maxCols×maxRows cells, keeping its aspect ratio: a
// cell shows two square pixels stacked.
func Fit(w, h, maxCols, maxRows int) (cols, rows int) {
	if w <= 0 || h <= 0 || maxCols <= 0 || maxRows <= 0 {
		return 0, 0
	}
	cols = maxCols
	rows = (cols*h + w) / (2 * w)
	if rows > maxRows {
		rows = maxRows
		cols = (rows * 2 * w) / h
	}
	return max(cols, 1), max(rows, 1)
}

// Render draws img into at most maxCols×maxRows cells, mirrored left to
// right when mirror is set, with the oval face guide when guide is set.
// Lines are separated by '\n' and each ends with a colour reset.
func (p *Preview) Render(img image.Image, maxCols, maxRows int, mode ColorMode, mirror, guide bool) string {
	b := img.Bounds()
	cols, rows := Fit(b.Dx(), b.Dy(), maxCols, maxRows)
	if cols == 0 {
		return ""
	}
	if !p.built || cols != p.cols || rows != p.rows || b != p.srcRect || mirror != p.mirror || guide != p.guide {
		p.build(b, cols, rows, mirror, guide)
	}
	p.sample(img)
	return p.draw(mode)
}

// build computes the sampling map and the guide for one geometry.
func (p *Preview) build(b image.Rectangle, cols, rows int, mirror, guide bool) {
	p.cols, p.rows, p.srcRect, p.mirror, p.guide, p.built = cols, rows, b, mirror, guide, true
	ph := rows * 2
	p.xs = resize(p.xs, cols)
	p.ys = resize(p.ys, ph)
	for c := range cols {
		x := b.Min.X + (2*c+1)*b.Dx()/(2*cols)
		if mirror {
			x = b.Max.X - 1 - (x - b.Min.X)
		}
		p.xs[c] = x
	}
	for r := range ph {
		p.ys[r] = b.Min.Y + (2*r+1)*b.Dy()/(2*ph)
	}
	p.oval = resizeBool(p.oval, cols*ph)
	clear(p.oval)
	if guide {
		// An upright ellipse a face fills at a comfortable distance:
		// 0.28 of the width across, 0.40 of the height tall (half axes).
		cx, cy := float64(cols)/2, float64(ph)/2
		ax, ay := 0.28*float64(cols), 0.40*float64(ph)
		for y := range ph {
			for x := range cols {
				dx, dy := (float64(x)+0.5-cx)/ax, (float64(y)+0.5-cy)/ay
				d := dx*dx + dy*dy
				// the outline: inside a ring about one pixel thick
				w := 2.2 / min(ax, ay)
				p.oval[y*cols+x] = d >= 1-w && d <= 1+w
			}
		}
	}
	p.rgb = resize8(p.rgb, cols*ph*3)
	p.ycbcrKey = ycbcrGeom{}
}

// sample reads the mapped pixels of img into p.rgb.
func (p *Preview) sample(img image.Image) {
	cols, ph := p.cols, p.rows*2
	switch m := img.(type) {
	case *image.YCbCr:
		key := ycbcrGeom{rect: m.Rect, yStride: m.YStride, cStr: m.CStride, ratio: m.SubsampleRatio,
			cols: cols, rows: p.rows, mirror: p.mirror, usable: true}
		if key != p.ycbcrKey {
			p.yOff = resize(p.yOff, cols*ph)
			p.cOff = resize(p.cOff, cols*ph)
			for y := range ph {
				for x := range cols {
					p.yOff[y*cols+x] = m.YOffset(p.xs[x], p.ys[y])
					p.cOff[y*cols+x] = m.COffset(p.xs[x], p.ys[y])
				}
			}
			p.ycbcrKey = key
		}
		for i, yo := range p.yOff[:cols*ph] {
			co := p.cOff[i]
			r, g, bl := color.YCbCrToRGB(m.Y[yo], m.Cb[co], m.Cr[co])
			p.rgb[3*i], p.rgb[3*i+1], p.rgb[3*i+2] = r, g, bl
		}
	case *image.RGBA:
		for y := range ph {
			row := (p.ys[y] - m.Rect.Min.Y) * m.Stride
			for x := range cols {
				o := row + (p.xs[x]-m.Rect.Min.X)*4
				i := 3 * (y*cols + x)
				p.rgb[i], p.rgb[i+1], p.rgb[i+2] = m.Pix[o], m.Pix[o+1], m.Pix[o+2]
			}
		}
	case *image.NRGBA:
		for y := range ph {
			row := (p.ys[y] - m.Rect.Min.Y) * m.Stride
			for x := range cols {
				o := row + (p.xs[x]-m.Rect.Min.X)*4
				i := 3 * (y*cols + x)
				a := uint16(m.Pix[o+3])
				p.rgb[i] = uint8(uint16(m.Pix[o]) * a / 255)
				p.rgb[i+1] = uint8(uint16(m.Pix[o+1]) * a / 255)
				p.rgb[i+2] = uint8(uint16(m.Pix[o+2]) * a / 255)
			}
		}
	default:
		for y := range ph {
			for x := range cols {
				r, g, bl, _ := img.At(p.xs[x], p.ys[y]).RGBA()
				i := 3 * (y*cols + x)
				p.rgb[i], p.rgb[i+1], p.rgb[i+2] = uint8(r>>8), uint8(g>>8), uint8(bl>>8)
			}
		}
	}
}

// draw writes the cells of the sampled pixels.
func (p *Preview) draw(mode ColorMode) string {
	cols := p.cols
	buf := p.buf[:0]
	for r := range p.rows {
		if r > 0 {
			buf = append(buf, '\n')
		}
		var lastFG, lastBG [3]uint8
		haveFG, haveBG := false, false
		for c := range cols {
			ti, bi := (2*r)*cols+c, (2*r+1)*cols+c
			top := p.pixel(ti)
			bot := p.pixel(bi)
			if mode == Mono {
				switch {
				case p.oval[ti] || p.oval[bi]:
					buf = append(buf, 'o')
				default:
					l := (luma(top) + luma(bot)) / 2
					buf = append(buf, monoRamp[l*(len(monoRamp)-1)/255])
				}
				continue
			}
			if !haveFG || top != lastFG {
				buf = appendColor(buf, mode, 38, top)
				lastFG, haveFG = top, true
			}
			if !haveBG || bot != lastBG {
				buf = appendColor(buf, mode, 48, bot)
				lastBG, haveBG = bot, true
			}
			buf = append(buf, "▀"...)
		}
		if mode != Mono {
			buf = append(buf, "\x1b[0m"...)
		}
	}
	p.buf = buf
	return string(buf)
}

func (p *Preview) pixel(i int) [3]uint8 {
	if p.oval[i] {
		return [3]uint8{80, 220, 120} // the guide's green
	}
	return [3]uint8{p.rgb[3*i], p.rgb[3*i+1], p.rgb[3*i+2]}
}

func luma(c [3]uint8) int {
	return (299*int(c[0]) + 587*int(c[1]) + 114*int(c[2])) / 1000
}

// appendColor appends an SGR colour: layer 38 (foreground) or 48
// (background).
func appendColor(buf []byte, mode ColorMode, layer int, c [3]uint8) []byte {
	buf = append(buf, "\x1b["...)
	buf = strconv.AppendInt(buf, int64(layer), 10)
	if mode == Color256 {
		buf = append(buf, ";5;"...)
		buf = strconv.AppendInt(buf, int64(cube256(c)), 10)
		return append(buf, 'm')
	}
	buf = append(buf, ";2;"...)
	buf = strconv.AppendInt(buf, int64(c[0]), 10)
	buf = append(buf, ';')
	buf = strconv.AppendInt(buf, int64(c[1]), 10)
	buf = append(buf, ';')
	buf = strconv.AppendInt(buf, int64(c[2]), 10)
	return append(buf, 'm')
}

// cube256 maps a colour to the nearest entry of the xterm 6×6×6 cube, or
// of the grey ramp when the colour is grey.
func cube256(c [3]uint8) int {
	r, g, b := int(c[0]), int(c[1]), int(c[2])
	if max(r, g, b)-min(r, g, b) < 12 {
		grey := (r + g + b) / 3
		if grey < 8 {
			return 16
		}
		if grey > 238 {
			return 231
		}
		return 232 + (grey-8)/10
	}
	q := func(v int) int { return (v*5 + 127) / 255 }
	return 16 + 36*q(r) + 6*q(g) + q(b)
}

func resize(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

func resizeBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	return s[:n]
}

func resize8(s []uint8, n int) []uint8 {
	if cap(s) < n {
		return make([]uint8, n)
	}
	return s[:n]
}
