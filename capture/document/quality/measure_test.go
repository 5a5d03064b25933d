package quality

import (
	"flag"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// sweepFlag turns on the slower part of TestMeasure: synthetic pages at
// growing blur, read by the MRZ reader (docs/document.md quotes it).
// fixedToday is the date the synthetic MRZs are generated and judged at.
var fixedToday = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

var sweepFlag = flag.Bool("quality.sweep", false, "TestMeasure: also blur synthetic pages and read their MRZ")

// TestMeasure prints what the checks measure on the demo specimen and on
// copies degraded step by step, the figures the default thresholds were
// chosen from (run with -v), and requires each default to sit between
// the specimen and the first clearly bad step.
func TestMeasure(t *testing.T) {
	if raceEnabled {
		t.Skip("pixel loops only: too slow under the race detector")
	}
	sp := specimen(t)
	quad := mrzQuad(t, sp)
	d := DefaultThresholds()
	measure := func(img image.Image, q *[4]image.Point) Report {
		t.Helper()
		r, err := Assess(img, q, d)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	base := measure(sp, &quad)
	t.Logf("specimen %dx%d: sharpness %.0f, glare %.1f‰, luma %.0f, MRZ width %.0f%%",
		sp.Rect.Dx(), sp.Rect.Dy(), base.Sharpness, base.Glare*1000, base.Luma, base.DocWidth*100)

	var row []string
	var blurred []float64
	for _, r := range []int{1, 2, 3, 4, 6} {
		s := measure(boxBlur(sp, r), &quad).Sharpness
		blurred = append(blurred, s)
		row = append(row, fmt.Sprintf("r%d %.0f", r, s))
	}
	t.Logf("sharpness, box blur radius r twice: %s (default min %.0f)", strings.Join(row, ", "), d.MinSharpness)

	row = row[:0]
	var glares []float64
	for _, r := range []int{20, 40, 60, 90, 120} {
		g := measure(glarePatch(sp, r), &quad).Glare
		glares = append(glares, g)
		row = append(row, fmt.Sprintf("r%d %.1f‰", r, g*1000))
	}
	t.Logf("glare, white disc of radius r px: %s (default max %.0f‰)", strings.Join(row, ", "), d.MaxGlare*1000)

	row = row[:0]
	for _, m := range []float64{0.25, 0.4, 0.6} {
		row = append(row, fmt.Sprintf("×%.2f %.0f", m, measure(levels(sp, m, 0), &quad).Luma))
	}
	for _, a := range []float64{60, 120, 170} {
		row = append(row, fmt.Sprintf("×0.3+%.0f %.0f", a, measure(levels(sp, 0.3, a), &quad).Luma))
	}
	t.Logf("mean luma, levels: %s (default %.0f–%.0f)", strings.Join(row, ", "), d.MinLuma, d.MaxLuma)

	row = row[:0]
	var widths []float64
	for _, k := range []int{2, 3, 4} {
		var q [4]image.Point
		for i, p := range quad {
			q[i] = p.Div(k)
		}
		w := measure(shrink(sp, k), &q).DocWidth
		widths = append(widths, w)
		row = append(row, fmt.Sprintf("1/%d %.0f%%", k, w*100))
	}
	t.Logf("MRZ width, specimen shrunk: %s (default min %.0f%%)", strings.Join(row, ", "), d.MinDocWidth*100)

	// Each default lies between the specimen and the clearly bad steps:
	// blur radius 4 and more, a glare disc of 90 px, a third of the size.
	if base.Sharpness < d.MinSharpness || blurred[3] >= d.MinSharpness {
		t.Errorf("min sharpness %.0f not between blur r4 %.0f and the specimen %.0f", d.MinSharpness, blurred[3], base.Sharpness)
	}
	if base.Glare > d.MaxGlare || glares[3] <= d.MaxGlare {
		t.Errorf("max glare %.3f not between the specimen %.3f and a 90 px disc %.3f", d.MaxGlare, base.Glare, glares[3])
	}
	if base.DocWidth < d.MinDocWidth || widths[1] >= d.MinDocWidth {
		t.Errorf("min width %.2f not between 1/3 size %.2f and the specimen %.2f", d.MinDocWidth, widths[1], base.DocWidth)
	}

	if !*sweepFlag {
		return
	}
	// Synthetic TD3 pages (with the synth renderer's 10% margins) with
	// growing Gaussian blur: the sharpness the check measures against
	// whether the MRZ reader still reads every character.
	rr, err := synth.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ocr.NewReader()
	if err != nil {
		t.Fatal(err)
	}
	const pages = 6
	for _, dpi := range []float64{150, 200, 300} {
		for _, sigma := range []float64{1, 1.5, 2, 2.5, 3, 3.5} {
			sigma := sigma * dpi / 200 // the same blur relative to the page
			rng := rand.New(rand.NewPCG(uint64(sigma*10), uint64(dpi)))
			var sum, lo, hi float64
			read := 0
			for i := range pages {
				lines := synth.RandomMRZ(rng, mrz.TD3, fixedToday)
				img, err := rr.Render(lines, synth.Options{DPI: dpi, Degradation: synth.Degradation{Blur: sigma, Noise: 4}}, rng)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Assess(img, nil, d)
				if err != nil {
					t.Fatal(err)
				}
				s := rep.Sharpness
				sum += s
				if i == 0 || s < lo {
					lo = s
				}
				hi = max(hi, s)
				if got, err := rd.Read(img, ocr.Options{Today: fixedToday}); err == nil && got.Result.Valid && strings.Join(got.Result.Repaired, "") == strings.Join(lines, "") {
					read++
				}
			}
			t.Logf("%3.0f dpi page, blur σ %.2f px: sharpness %4.0f (%4.0f–%4.0f), MRZ read %d/%d", dpi, sigma, sum/pages, lo, hi, read, pages)
		}
	}
}
