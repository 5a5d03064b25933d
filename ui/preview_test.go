package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/ui/flow"
)

func TestFit(t *testing.T) {
	tests := []struct {
		name                   string
		w, h, maxCols, maxRows int
		cols, rows             int
	}{
		{name: "4:3 limited by rows", w: 640, h: 480, maxCols: 120, maxRows: 30, cols: 80, rows: 30},
		{name: "4:3 limited by cols", w: 640, h: 480, maxCols: 40, maxRows: 30, cols: 40, rows: 15},
		{name: "portrait", w: 300, h: 600, maxCols: 80, maxRows: 20, cols: 20, rows: 20},
		{name: "empty image", w: 0, h: 480, maxCols: 80, maxRows: 20},
		{name: "no room", w: 640, h: 480, maxCols: 0, maxRows: 20},
		{name: "tiny room", w: 640, h: 480, maxCols: 1, maxRows: 1, cols: 1, rows: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, r := Fit(tc.w, tc.h, tc.maxCols, tc.maxRows)
			if c != tc.cols || r != tc.rows {
				t.Errorf("Fit = %d×%d, want %d×%d", c, r, tc.cols, tc.rows)
			}
			if c > tc.maxCols || r > tc.maxRows {
				t.Errorf("Fit %d×%d overflows %d×%d", c, r, tc.maxCols, tc.maxRows)
			}
		})
	}
}

// halves is an image whose left half is red and right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func TestRenderMirror(t *testing.T) {
	tests := []struct {
		name      string
		mirror    bool
		firstCell string
	}{
		{name: "as the camera sees", mirror: false, firstCell: "\x1b[38;2;255;0;0m"},
		{name: "mirrored", mirror: true, firstCell: "\x1b[38;2;0;0;255m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Preview
			out := p.Render(halves(64, 48), 16, 6, TrueColor, tc.mirror, false)
			if !strings.HasPrefix(out, tc.firstCell) {
				t.Errorf("first cell %q, want prefix %q", out[:min(len(out), 30)], tc.firstCell)
			}
			lines := strings.Split(out, "\n")
			if len(lines) != 6 {
				t.Fatalf("%d lines, want 6", len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != 16 {
					t.Errorf("line %d is %d cells wide, want 16", i, w)
				}
				if !strings.HasSuffix(l, "\x1b[0m") {
					t.Errorf("line %d does not reset its colours", i)
				}
			}
		})
	}
}

func TestRenderModes(t *testing.T) {
	img := testImage(160, 120)
	tests := []struct {
		name      string
		mode      ColorMode
		want, not string
	}{
		{name: "24-bit", mode: TrueColor, want: ";2;", not: ";5;"},
		{name: "256 colours", mode: Color256, want: ";5;", not: ";2;"},
		{name: "no colour", mode: Mono, not: "\x1b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Preview
			out := p.Render(img, 40, 15, tc.mode, false, true)
			if tc.want != "" && !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q", tc.want)
			}
			if strings.Contains(out, tc.not) {
				t.Errorf("output has %q", tc.not)
			}
			if tc.mode == Mono && !strings.Contains(out, "o") {
				t.Error("mono preview shows no face guide")
			}
		})
	}
}

func TestRenderGuide(t *testing.T) {
	var p Preview
	img := image.NewRGBA(image.Rect(0, 0, 80, 60)) // black
	with := p.Render(img, 40, 15, TrueColor, false, true)
	if !strings.Contains(with, "80;220;120") {
		t.Error("the oval guide is not drawn")
	}
	without := p.Render(img, 40, 15, TrueColor, false, false)
	if strings.Contains(without, "80;220;120") {
		t.Error("the guide is drawn when not asked for")
	}
}

func TestRenderImageKinds(t *testing.T) {
	rgba := testImage(64, 48)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	ycc, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	nrgba := image.NewNRGBA(rgba.Bounds())
	gray := image.NewGray(rgba.Bounds())
	for y := range 48 {
		for x := range 64 {
			nrgba.Set(x, y, rgba.At(x, y))
			gray.Set(x, y, rgba.At(x, y))
		}
	}
	sub := rgba.SubImage(image.Rect(8, 8, 56, 44))
	for _, tc := range []struct {
		name string
		img  image.Image
	}{{"rgba", rgba}, {"ycbcr", ycc}, {"nrgba", nrgba}, {"gray", gray}, {"sub-image", sub}} {
		t.Run(tc.name, func(t *testing.T) {
			var p Preview
			out := p.Render(tc.img, 32, 12, TrueColor, true, true)
			if ansi.StringWidth(strings.Split(out, "\n")[0]) == 0 {
				t.Fatal("empty render")
			}
			// a second frame of the same geometry reuses the maps
			again := p.Render(tc.img, 32, 12, TrueColor, true, true)
			if again != out {
				t.Error("the same frame rendered differently")
			}
		})
	}
}

func TestCube256(t *testing.T) {
	tests := []struct {
		c    [3]uint8
		want int
	}{
		{[3]uint8{0, 0, 0}, 16},
		{[3]uint8{255, 255, 255}, 231},
		{[3]uint8{255, 0, 0}, 196},
		{[3]uint8{0, 0, 255}, 21},
		{[3]uint8{128, 128, 128}, 244},
	}
	for _, tc := range tests {
		if got := cube256(tc.c); got != tc.want {
			t.Errorf("cube256(%v) = %d, want %d", tc.c, got, tc.want)
		}
	}
}

// BenchmarkPreview measures the render path the liveness screen runs for
// every frame: a 640×480 camera frame (JPEG-decoded, YCbCr) to the cells
// of a 120×40 terminal's preview, mirrored, with the guide.
func BenchmarkPreview(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(640, 480), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	frame, err := jpeg.Decode(&buf)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		mode ColorMode
	}{{"truecolor", TrueColor}, {"256", Color256}, {"mono", Mono}} {
		b.Run(mode.name, func(b *testing.B) {
			var p Preview
			cols, rows := 120-42, 40-5-7 // the liveness screen's preview at 120×40
			b.ReportAllocs()
			for b.Loop() {
				_ = p.Render(frame, cols, rows, mode.mode, true, true)
			}
		})
	}
}

// BenchmarkPreviewWithAnalysis is one preview frame as the liveness screen
// makes it with the face analysis installed: render a recorded 640×480
// frame into a 120×40 terminal's preview and analyse it (readFrame's
// work). Frames per second = 1e9 / ns/op.
func BenchmarkPreviewWithAnalysis(b *testing.B) {
	an, err := flow.NewFaceAnalyzer(assets.Models(), face.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer an.Close()
	data, err := fs.ReadFile(assets.Demo(), "recording/000000.jpg")
	if err != nil {
		b.Fatal(err)
	}
	frame, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var p Preview
	cols, rows := 120-42, 40-5-7
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Render(frame, cols, rows, TrueColor, true, true)
		if _, err := an.Analyze(ctx, frame); err != nil {
			b.Fatal(err)
		}
	}
}
