// Package ocrb holds the OCR-B glyphs of the MRZ character set (0-9, A-Z
// and '<') as outlines, and draws them at any size.
//
// The outlines come from Debian's fonts-ocr-b OCRB.otf, extracted once by
// gen/gen_outlines.py into assets/ocrb (the font file is not needed at run
// time). They are kept as outlines rather than bitmaps because two users
// need them at different sizes: the MRZ image reader draws its classification
// templates from them, and the tests render synthetic document pages.
package ocrb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/kycterm/kycterm/assets"
)

// Charset is the MRZ character set, in the order Font.Chars returns it.
const Charset = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

// ErrPath reports a malformed glyph outline.
var ErrPath = errors.New("malformed glyph path")

// Font is OCR-B reduced to the MRZ characters. Metrics are in font units,
// y pointing up from the baseline.
type Font struct {
	UnitsPerEm float64
	// Advance is the width of every character cell (OCR-B is monospaced).
	Advance   float64
	CapHeight float64
	Ascender  float64
	Descender float64
	glyphs    [128][]segment
}

// segment is one path command: op is 'M', 'L', 'Q', 'C' or 'Z', with
// 1, 1, 2, 3 or 0 points.
type segment struct {
	op  byte
	pts [3][2]float64
}

// Pather receives a glyph outline; golang.org/x/image/vector.Rasterizer
// is one.
type Pather interface {
	MoveTo(x, y float32)
	LineTo(x, y float32)
	QuadTo(x1, y1, x, y float32)
	CubeTo(x1, y1, x2, y2, x, y float32)
	ClosePath()
}

// Load reads the embedded outlines.
func Load() (*Font, error) {
	data, err := fs.ReadFile(assets.OCRB(), "ocrb-mrz.json")
	if err != nil {
		return nil, fmt.Errorf("load OCR-B outlines: %w", err)
	}
	return Parse(data)
}

// Parse decodes outlines in the format gen_outlines.py writes. Every
// character of Charset must be present with a non-empty outline.
func Parse(data []byte) (*Font, error) {
	var doc struct {
		UnitsPerEm float64           `json:"units_per_em"`
		Advance    float64           `json:"advance"`
		CapHeight  float64           `json:"cap_height"`
		Ascender   float64           `json:"ascender"`
		Descender  float64           `json:"descender"`
		Glyphs     map[string]string `json:"glyphs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse OCR-B outlines: %w", err)
	}
	if doc.UnitsPerEm <= 0 || doc.Advance <= 0 || doc.CapHeight <= 0 {
		return nil, fmt.Errorf("parse OCR-B outlines: metrics missing")
	}
	f := &Font{UnitsPerEm: doc.UnitsPerEm, Advance: doc.Advance, CapHeight: doc.CapHeight,
		Ascender: doc.Ascender, Descender: doc.Descender}
	for _, c := range []byte(Charset) {
		p, ok := doc.Glyphs[string(c)]
		if !ok {
			return nil, fmt.Errorf("parse OCR-B outlines: glyph %q missing", c)
		}
		segs, err := parsePath(p)
		if err != nil {
			return nil, fmt.Errorf("parse OCR-B outlines: glyph %q: %w", c, err)
		}
		if len(segs) < 3 {
			return nil, fmt.Errorf("parse OCR-B outlines: glyph %q: %w: empty outline", c, ErrPath)
		}
		f.glyphs[c] = segs
	}
	return f, nil
}

// parsePath reads "M x y L x y C x1 y1 x2 y2 x y Q x1 y1 x y Z …".
func parsePath(s string) ([]segment, error) {
	tok := strings.Fields(s)
	var out []segment
	open := false
	for i := 0; i < len(tok); {
		op := tok[i]
		i++
		var n int
		switch op {
		case "M", "L":
			n = 1
		case "Q":
			n = 2
		case "C":
			n = 3
		case "Z":
			if !open {
				return nil, fmt.Errorf("%w: Z without an open contour", ErrPath)
			}
			out = append(out, segment{op: 'Z'})
			open = false
			continue
		default:
			return nil, fmt.Errorf("%w: unknown command at token %d", ErrPath, i)
		}
		if op != "M" && !open {
			return nil, fmt.Errorf("%w: %s before M", ErrPath, op)
		}
		if op == "M" && open {
			out = append(out, segment{op: 'Z'})
		}
		if i+2*n > len(tok) {
			return nil, fmt.Errorf("%w: %s needs %d coordinates", ErrPath, op, 2*n)
		}
		seg := segment{op: op[0]}
		for k := range n {
			for j := range 2 {
				v, err := strconv.ParseFloat(tok[i], 64)
				if err != nil || v != v || v > 1e5 || v < -1e5 {
					return nil, fmt.Errorf("%w: bad coordinate at token %d", ErrPath, i)
				}
				seg.pts[k][j] = v
				i++
			}
		}
		out = append(out, seg)
		open = true
	}
	if open {
		out = append(out, segment{op: 'Z'})
	}
	return out, nil
}

// Chars returns the characters the font has, in Charset order.
func (f *Font) Chars() string { return Charset }

// Has reports whether the font has an outline for c.
func (f *Font) Has(c byte) bool { return c < 128 && len(f.glyphs[c]) > 0 }

// Draw sends the outline of c to p, each point mapped from font units
// through m. It reports false, drawing nothing, for a character the font
// lacks.
func (f *Font) Draw(p Pather, c byte, m func(x, y float64) (float64, float64)) bool {
	if !f.Has(c) {
		return false
	}
	pt := func(q [2]float64) (float32, float32) {
		x, y := m(q[0], q[1])
		return float32(x), float32(y)
	}
	for _, s := range f.glyphs[c] {
		switch s.op {
		case 'M':
			x, y := pt(s.pts[0])
			p.MoveTo(x, y)
		case 'L':
			x, y := pt(s.pts[0])
			p.LineTo(x, y)
		case 'Q':
			x1, y1 := pt(s.pts[0])
			x, y := pt(s.pts[1])
			p.QuadTo(x1, y1, x, y)
		case 'C':
			x1, y1 := pt(s.pts[0])
			x2, y2 := pt(s.pts[1])
			x, y := pt(s.pts[2])
			p.CubeTo(x1, y1, x2, y2, x, y)
		case 'Z':
			p.ClosePath()
		}
	}
	return true
}

// Place returns the mapping Draw needs to put a glyph's cell with its
// left edge at x and its baseline at y in an image (y down), at px pixels
// per font unit.
func Place(x, y, px float64) func(fx, fy float64) (float64, float64) {
	return func(fx, fy float64) (float64, float64) { return x + fx*px, y - fy*px }
}
