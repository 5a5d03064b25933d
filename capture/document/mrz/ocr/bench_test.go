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
