package ocrb

import (
	"errors"
	"image"
	"image/draw"
	"testing"

	"golang.org/x/image/vector"
)

// TestEveryMRZCharacterHasInk guards against the known trap: drawn with
// golang.org/x/image/font/sfnt, Debian's OCRB.otf loses '<' and '8' (CFF
// flex). Every MRZ character must rasterize to a plausible amount of ink.
func TestEveryMRZCharacterHasInk(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if f.Advance != 723 || f.UnitsPerEm != 1000 || f.CapHeight != 701 {
		t.Errorf("metrics = %v/%v/%v", f.Advance, f.UnitsPerEm, f.CapHeight)
	}
	const px = 0.05 // 50 px per em
	w, h := int(f.Advance*px)+1, int(f.UnitsPerEm*px)
	for _, c := range []byte(f.Chars()) {
		t.Run(string(c), func(t *testing.T) {
			r := vector.NewRasterizer(w, h)
			if !f.Draw(r, c, Place(0, 0.8*float64(h), px)) {
				t.Fatal("Draw reports no glyph")
			}
			dst := image.NewAlpha(image.Rect(0, 0, w, h))
			r.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
			ink := 0.0
			for _, a := range dst.Pix {
				ink += float64(a) / 255
			}
			// A glyph covers between 5% and 45% of its cell.
			if share := ink / float64(w*h); share < 0.05 || share > 0.45 {
				t.Errorf("ink share %.3f", share)
			}
		})
	}
	if f.Has('a') || f.Has(200) || f.Draw(nopPather{}, ' ', Place(0, 0, 1)) {
		t.Error("Has/Draw accept a character outside the MRZ set")
	}
}

type nopPather struct{}

func (nopPather) MoveTo(x, y float32)                 {}
func (nopPather) LineTo(x, y float32)                 {}
func (nopPather) QuadTo(x1, y1, x, y float32)         {}
func (nopPather) CubeTo(x1, y1, x2, y2, x, y float32) {}
func (nopPather) ClosePath()                          {}

var _ Pather = (*vector.Rasterizer)(nil)
var _ draw.Image = (*image.Alpha)(nil)

func TestParsePathMalformed(t *testing.T) {
	tests := []struct{ name, path string }{
		{"unknown command", "M 0 0 X 1 1"},
		{"line before move", "L 1 1 Z"},
		{"close without contour", "Z"},
		{"missing coordinate", "M 0 0 L 1"},
		{"cubic short", "M 0 0 C 1 1 2 2 3"},
		{"not a number", "M 0 zero"},
		{"NaN", "M NaN 0"},
		{"huge", "M 1e300 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parsePath(tc.path); !errors.Is(err, ErrPath) {
				t.Errorf("parsePath(%q) error = %v, want ErrPath", tc.path, err)
			}
		})
	}
	segs, err := parsePath("M 0 0 L 10 0 Q 10 10 5 10 C 3 10 0 5 0 0 M 1 1 L 2 2")
	if err != nil || len(segs) != 8 || segs[4].op != 'Z' || segs[7].op != 'Z' {
		t.Errorf("parsePath = %v, %v", segs, err)
	}
}

func TestParseMalformed(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":      "{",
		"no metrics":    `{"glyphs":{}}`,
		"missing glyph": `{"units_per_em":1000,"advance":723,"cap_height":701,"glyphs":{"0":"M 0 0 L 1 0 L 1 1 Z"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(doc)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParsePath(f *testing.F) {
	f.Add("M 126 344 L 535 73 C 543 67 553 64 563 64 Z")
	f.Add("M 0 0 Q 1 1 2 2 M 3 3")
	f.Fuzz(func(t *testing.T, s string) {
		segs, err := parsePath(s)
		if err != nil {
			return
		}
		open := false
		for _, sg := range segs {
			switch sg.op {
			case 'M':
				open = true
			case 'Z':
				if !open {
					t.Fatal("Z without contour")
				}
				open = false
			default:
				if !open {
					t.Fatalf("%c outside a contour", sg.op)
				}
			}
		}
		if open {
			t.Fatal("contour left open")
		}
	})
}
