package ocr

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

func BenchmarkReadTD3Camera300DPI(b *testing.B) {
	rr, err := synth.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := NewReader()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d, _ := synth.Preset("camera", rng)
	img, err := rr.Render(synth.SpecimenTD3(), synth.Options{Degradation: d}, rng)
	if err != nil {
		b.Fatal(err)
	}
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for b.Loop() {
		got, err := rd.Read(img, Options{Today: today})
		if err != nil || !got.Result.Valid {
			b.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkReadPhoto600DPI reads a TD3 page photographed at 600 dpi
// (3542×2494 px, 8.8 MP, like a phone photo of the page).
func BenchmarkReadPhoto600DPI(b *testing.B) {
	rr, err := synth.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	rd, err := NewReader()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 2))
	d, _ := synth.Preset("camera", rng)
	img, err := rr.Render(synth.SpecimenTD3(), synth.Options{DPI: 600, Degradation: d}, rng)
	if err != nil {
		b.Fatal(err)
	}
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for b.Loop() {
		got, err := rd.Read(img, Options{Today: today})
		if err != nil || !got.Result.Valid {
			b.Fatalf("read: %v", err)
		}
	}
}
