package synth

import (
	"errors"
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz"
)

func TestRandomMRZIsValid(t *testing.T) {
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range []mrz.Format{mrz.TD1, mrz.TD2, mrz.TD3} {
		t.Run(f.String(), func(t *testing.T) {
			for range 300 {
				lines := RandomMRZ(rng, f, today)
				r, err := mrz.Parse(lines, mrz.Options{Today: today, NoRepair: true})
				if err != nil {
					t.Fatalf("%q: %v", lines, err)
				}
				if r.Format != f || !r.Valid || !r.BirthDate.Valid() || !r.ExpiryDate.Valid() {
					t.Fatalf("%q: format %v valid %v checks %+v", lines, r.Format, r.Valid, r.Checks)
				}
			}
		})
	}
}

func TestRenderDeterministicAndSized(t *testing.T) {
	rr, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Preset("camera", rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := rr.Render(SpecimenTD3(), Options{DPI: 100, Degradation: d}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := rr.Render(SpecimenTD3(), Options{DPI: 100, Degradation: d}, rand.New(rand.NewPCG(5, 6)))
	if string(a.Pix) != string(b.Pix) {
		t.Error("same seed, different pages")
	}
	// 125 mm at 100 dpi is 492 px, plus 10% margins.
	if w := a.Bounds().Dx(); w < 580 || w > 600 {
		t.Errorf("width %d", w)
	}
	if _, err := rr.Render([]string{"P<UTO"}, Options{}, rand.New(rand.NewPCG(1, 1))); !errors.Is(err, ErrLines) {
		t.Errorf("short line: %v", err)
	}
	if _, err := rr.Render([]string{"p" + SpecimenTD3()[0][1:], SpecimenTD3()[1]}, Options{}, rand.New(rand.NewPCG(1, 1))); !errors.Is(err, ErrLines) {
		t.Errorf("lower case: %v", err)
	}
	if _, err := Preset("fog", rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("unknown preset accepted")
	}
	for _, name := range Presets() {
		if _, err := Preset(name, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
}

func TestRenderPhoto(t *testing.T) {
	rr, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// A white photo replaces the default dark shapes: the page gets lighter.
	white := image.NewGray(image.Rect(0, 0, 70, 90))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	mean := func(g *image.Gray) float64 {
		s := 0
		for _, v := range g.Pix {
			s += int(v)
		}
		return float64(s) / float64(len(g.Pix))
	}
	plain, _ := rr.Render(SpecimenTD3(), Options{DPI: 100}, rand.New(rand.NewPCG(1, 1)))
	with, _ := rr.Render(SpecimenTD3(), Options{DPI: 100, Photo: white}, rand.New(rand.NewPCG(1, 1)))
	if mean(with) < mean(plain)+3 {
		t.Errorf("mean gray %.1f with a white photo, %.1f without", mean(with), mean(plain))
	}
}

func TestHomography(t *testing.T) {
	src := [4][2]float64{{0, 0}, {10, 0}, {10, 5}, {0, 5}}
	dst := [4][2]float64{{1, 2}, {12, 1}, {11, 8}, {0, 7}}
	h := homography(src, dst)
	for i := range 4 {
		x, y := src[i][0], src[i][1]
		den := h[6]*x + h[7]*y + 1
		u, v := (h[0]*x+h[1]*y+h[2])/den, (h[3]*x+h[4]*y+h[5])/den
		if d := (u-dst[i][0])*(u-dst[i][0]) + (v-dst[i][1])*(v-dst[i][1]); d > 1e-12 {
			t.Errorf("corner %d maps to %.3f,%.3f", i, u, v)
		}
	}
}

func BenchmarkRenderTD3At300DPI(b *testing.B) {
	rr, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d, _ := Preset("camera", rng)
	for b.Loop() {
		if _, err := rr.Render(SpecimenTD3(), Options{Degradation: d}, rng); err != nil {
			b.Fatal(err)
		}
	}
}
