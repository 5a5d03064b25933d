package flow

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	return img
}

func TestFitSize(t *testing.T) {
	tests := []struct{ w, h, mw, mh, ww, wh int }{
		{640, 480, 640, 480, 640, 480},
		{1280, 720, 640, 480, 640, 360},
		{480, 640, 640, 480, 360, 480},
		{100, 50, 640, 480, 100, 50},
	}
	for _, tc := range tests {
		w, h := fitSize(tc.w, tc.h, tc.mw, tc.mh)
		if w != tc.ww || h != tc.wh {
			t.Errorf("fit %dx%d in %dx%d = %dx%d, want %dx%d", tc.w, tc.h, tc.mw, tc.mh, w, h, tc.ww, tc.wh)
		}
	}
}

func TestEncodeJPEGScales(t *testing.T) {
	b, err := encodeJPEG(testImage(1280, 720), 640, 480, 80)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 640 || cfg.Height != 360 {
		t.Fatalf("encoded %dx%d, want 640x360", cfg.Width, cfg.Height)
	}
}
