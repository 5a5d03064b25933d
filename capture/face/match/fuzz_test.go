package match

import (
	"context"
	"image"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

// FuzzCompare feeds arbitrary small pictures (the outside input a Matcher
// sees, once decoded) as the document and as a frame: Compare must return
// a score in [0, 1] or an error, never panic.
func FuzzCompare(f *testing.F) {
	f.Add(uint8(8), uint8(8), []byte{0, 255, 128, 7})
	f.Add(uint8(1), uint8(1), []byte{})
	f.Add(uint8(40), uint8(3), []byte("a face? no, a stripe"))
	m, err := NewMatcher(assets.Models(), Options{MaxFrames: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(m.Close)
	f.Fuzz(func(t *testing.T, w, h uint8, pix []byte) {
		img := image.NewRGBA(image.Rect(0, 0, int(w%64), int(h%64)))
		for i := range img.Pix {
			if len(pix) > 0 {
				img.Pix[i] = pix[i%len(pix)]
			}
		}
		r, err := m.Compare(context.Background(), img, []image.Image{img, nil})
		if err != nil {
			t.Fatalf("error %v", err)
		}
		if !(r.Score >= 0 && r.Score <= 1) {
			t.Fatalf("score %v outside [0, 1]", r.Score)
		}
	})
}
