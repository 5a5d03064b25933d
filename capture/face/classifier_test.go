package face

import (
	"math"
	"testing"
)

// TestClassifierRegion checks the anti-spoofing and liveness crop's
// geometry: upright, centred on the landmarks' bounds, classifierScale
// times their longer side, whatever the face's roll.
func TestClassifierRegion(t *testing.T) {
	tests := []struct {
		name         string
		pts          []Point
		cx, cy, side float64
	}{
		{"wide", []Point{{X: 10, Y: 20}, {X: 110, Y: 20}, {X: 60, Y: 80}}, 60, 50, 110},
		{"tall", []Point{{X: 0, Y: 0}, {X: 40, Y: 100}, {X: 20, Y: 50, Z: -30}}, 20, 50, 110},
		{"rolled square", []Point{{X: 50, Y: 0}, {X: 100, Y: 50}, {X: 50, Y: 100}, {X: 0, Y: 50}}, 50, 50, 110},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := classifierRegion(tc.pts)
			if math.Abs(r.cx-tc.cx) > 1e-9 || math.Abs(r.cy-tc.cy) > 1e-9 || math.Abs(r.side-tc.side) > 1e-9 || r.angle != 0 {
				t.Errorf("region %+v, want centre (%v, %v) side %v upright", r, tc.cx, tc.cy, tc.side)
			}
		})
	}
}

// TestAntiSpoofPortrait runs the anti-spoofing model on the portrait (a
// straight photograph of a live face, not a photo of a print or a screen)
// with the human library's crop: it must read as real. With the mesh's
// wider crop it read 0.35.
func TestAntiSpoofPortrait(t *testing.T) {
	a := newAnalyzer(t, Options{})
	res := analyzeOnce(t, a, portrait(t))
	f := res.Primary()
	if f == nil || !f.HasAntiSpoof {
		t.Fatal("no anti-spoofing score on the portrait")
	}
	t.Logf("anti-spoofing %.3f, liveness %.3f", f.AntiSpoof, f.Liveness)
	if f.AntiSpoof < 0.5 {
		t.Errorf("anti-spoofing %.3f on the portrait, want ≥ 0.5", f.AntiSpoof)
	}
}
