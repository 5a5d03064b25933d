package cli

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/document/quality"
	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui"
)

// demoPassport decodes the bundled passport photo.
func demoPassport(t *testing.T) image.Image {
	t.Helper()
	f, err := assets.Demo().Open("passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// smallPassport is the bundled passport at half size in the middle of a
// 1600×1120 desk: readable, but its MRZ spans about a third of the
// picture's width, less than the default 40%.
func smallPassport(t *testing.T) image.Image {
	t.Helper()
	img := demoPassport(t)
	b := img.Bounds()
	pw, ph := b.Dx()/2, b.Dy()/2
	desk := image.NewRGBA(image.Rect(0, 0, 1600, 1120))
	draw.Draw(desk, desk.Bounds(), &image.Uniform{color.RGBA{140, 110, 80, 255}}, image.Point{}, draw.Src)
	off := image.Pt((1600-pw)/2, (1120-ph)/2)
	for y := range ph {
		for x := range pw {
			desk.Set(off.X+x, off.Y+y, img.At(b.Min.X+2*x, b.Min.Y+2*y))
		}
	}
	return desk
}

func TestMRZDocumentReader(t *testing.T) {
	r, err := newMRZDocumentReader()
	if err != nil {
		t.Fatal(err)
	}
	img := demoPassport(t)
	doc, err := r.ReadDocument(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"firstName", "lastName", "dob"} {
		if doc.Fields[k] == "" {
			t.Errorf("%s not read: %v", k, doc.Fields)
		}
	}
	if doc.Confidence <= 0 || doc.Confidence > 1 {
		t.Errorf("confidence %v", doc.Confidence)
	}
	if doc.MRZ == nil {
		t.Fatal("no MRZ outline")
	}
	for _, p := range doc.MRZ {
		if !p.In(img.Bounds().Inset(-2)) {
			t.Errorf("MRZ corner %v outside the photo %v", p, img.Bounds())
		}
	}
	if _, err := r.ReadDocument(context.Background(), image.NewGray(image.Rect(0, 0, 640, 480))); err == nil {
		t.Error("a blank picture read as a document")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.ReadDocument(ctx, img); err == nil {
		t.Error("a cancelled read ran")
	}
}

// TestDocumentQualitySize: with the MRZ's outline the local reader gives,
// the TUI's photo check finds the half-size passport too small in its
// frame and the bundled one not; without the outline size is not judged.
func TestDocumentQualitySize(t *testing.T) {
	r, err := newMRZDocumentReader()
	if err != nil {
		t.Fatal(err)
	}
	judge := documentQuality(qualityThresholds(config.Default().Document.Quality))
	tests := []struct {
		name  string
		img   image.Image
		small bool
	}{
		{"bundled passport", demoPassport(t), false},
		{"half-size passport on a desk", smallPassport(t), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := r.ReadDocument(context.Background(), tc.img)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := judge(tc.img, doc.MRZ)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Has(quality.CheckSmall) != tc.small {
				t.Errorf("too small: %v, want %v (MRZ width %.2f of the frame)", rep.Has(quality.CheckSmall), tc.small, rep.DocWidth)
			}
			rep, err = judge(tc.img, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Has(quality.CheckSmall) || rep.DocWidth != 0 {
				t.Errorf("size judged without the MRZ: %+v", rep)
			}
		})
	}
}

// TestDemoSmallDocument walks the demo with the half-size passport as
// the document camera's picture: once the local reader has located the
// MRZ, the document screen advises bringing the passport closer; the
// bundled passport gets no such advice.
func TestDemoSmallDocument(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the MRZ reader and the whole demo")
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, smallPassport(t), &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		document fs.FS
		advice   bool
	}{
		{"bundled", nil, false},
		{"half size", fstest.MapFS{"passport.jpg": {Data: buf.Bytes()}}, true},
	}
	advice := "Too small: bring the passport closer"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := runAutoDemo(t, demoRun{flags: demoFlags{noAnalysis: true}, document: tt.document})
			var v string
			for _, s := range d.views[ui.ScreenDocument] {
				if strings.Contains(s, "Document captured") {
					v = s
					break
				}
			}
			if v == "" {
				t.Fatalf("the document was never captured: %q", d.views[ui.ScreenDocument])
			}
			if got := strings.Contains(v, advice); got != tt.advice {
				t.Errorf("advice %q shown: %v, want %v; the screen:\n%s", advice, got, tt.advice, v)
			}
		})
	}
}
