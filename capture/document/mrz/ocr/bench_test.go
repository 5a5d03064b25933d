package ocr

import (
	"errors"
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// benchPage draws lines as a camera-preset page at dpi (0: synth's
// default) with the random source seeded seed, and returns a reader for it
// and the options to read it with (a fixed date).
func benchPage(b *testing.B, lines []string, dpi float64, seed uint64) (*Reader, image.Image, Options) {
	b.Helper()
	rr, err := synth.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := NewReader()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	d, _ := synth.Preset("camera", rng)
	img, err := rr.Render(lines, synth.Options{DPI: dpi, Degradation: d}, rng)
	if err != nil {
		b.Fatal(err)
	}
	return rd, img, Options{Today: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
}

func BenchmarkReadTD3Camera300DPI(b *testing.B) {
	rd, img, opts := benchPage(b, synth.SpecimenTD3(), 0, 1)
	b.ResetTimer()
	for b.Loop() {
		got, err := rd.Read(img, opts)
		if err != nil || !got.Result.Valid {
			b.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkReadPhoto600DPI reads a TD3 page photographed at 600 dpi
// (3542×2494 px, 8.8 MP, like a phone photo of the page).
func BenchmarkReadPhoto600DPI(b *testing.B) {
	rd, img, opts := benchPage(b, synth.SpecimenTD3(), 600, 5)
	b.ResetTimer()
	for b.Loop() {
		got, err := rd.Read(img, opts)
		if err != nil || !got.Result.Valid {
			b.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkReadNoMRZ720p reads a 1280×720 camera frame holding no
// document: the cost of every frame a live preview hands the reader
// before the passport is shown.
func BenchmarkReadNoMRZ720p(b *testing.B) {
	rd, err := NewReader()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewGray(image.Rect(0, 0, 1280, 720))
	for i := range img.Pix {
		img.Pix[i] = uint8(100 + i%1280/20 + rng.IntN(12))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := rd.Read(img, Options{}); !errors.Is(err, ErrNoMRZ) {
			b.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkReadCheckFails300DPI reads a TD3 page (camera preset) whose
// expiry check digit is printed wrong: no reading is valid, so the reader
// tries every fallback (smoothed detection, full resolution, the page
// turned 180°) and the repair search before answering — the slowest case
// with a document in view.
func BenchmarkReadCheckFails300DPI(b *testing.B) {
	lines := synth.SpecimenTD3()
	lines[1] = lines[1][:27] + "8" + lines[1][28:]
	rd, img, opts := benchPage(b, lines, 0, 1)
	b.ResetTimer()
	for b.Loop() {
		got, err := rd.Read(img, opts)
		if err != nil || got.Result.Valid || got.Result.Repaired[1] != lines[1] {
			b.Fatalf("read: %v %+v", err, got.Result)
		}
	}
}
