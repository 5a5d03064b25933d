package match

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png"
	"io/fs"
	"math"
	"os"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

func loadImage(t testing.TB, fsys fs.FS, name string) image.Image {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return img
}

// portrait is the astronaut portrait the demo assets are made from.
func portrait(t testing.TB) image.Image {
	return loadImage(t, os.DirFS("../testdata"), "portrait.jpg")
}

func passport(t testing.TB) image.Image { return loadImage(t, assets.Demo(), "passport.jpg") }

func newEmbedder(t testing.TB) *Embedder {
	t.Helper()
	e, err := NewEmbedder(assets.Models())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// warp returns a w×h image whose pixel (x, y) is src's at m(x, y)
// (bilinear; outside src reads black).
func warp(src image.Image, w, h int, m func(x, y float64) (float64, float64)) *image.RGBA {
	p := newPixels(src)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			sx, sy := m(float64(x)+0.5, float64(y)+0.5)
			r, g, b := p.bilinear(sx-0.5+float64(p.b.Min.X), sy-0.5+float64(p.b.Min.Y))
			out.SetRGBA(x, y, color.RGBA{uint8(r + 0.5), uint8(g + 0.5), uint8(b + 0.5), 255})
		}
	}
	return out
}

func mirror(src image.Image) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	return warp(src, w, h, func(x, y float64) (float64, float64) { return float64(w) - x, y })
}

// scaled shrinks src by k and centres it on a canvas of the original size.
func scaled(src image.Image, k float64) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	return warp(src, w, h, func(x, y float64) (float64, float64) {
		return (x-float64(w)/2)/k + float64(w)/2, (y-float64(h)/2)/k + float64(h)/2
	})
}

// rotated turns src by deg degrees about its centre.
func rotated(src image.Image, deg float64) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	return warp(src, w, h, func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		return cx + dx*cos + dy*sin, cy - dx*sin + dy*cos
	})
}

// perspective squeezes src's rows toward the right edge, a turn of the
// picture by some 20° about the vertical axis.
func perspective(src image.Image) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	cy := float64(h) / 2
	return warp(src, w, h, func(x, y float64) (float64, float64) {
		k := 1 + 0.25*x/float64(w)
		return x, cy + (y-cy)*k
	})
}

// darkened multiplies every channel by k.
func darkened(src image.Image, k float64) image.Image {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	out := warp(src, w, h, func(x, y float64) (float64, float64) { return x, y })
	for i := range out.Pix {
		if i%4 != 3 {
			out.Pix[i] = uint8(float64(out.Pix[i])*k + 0.5)
		}
	}
	return out
}

// recompressed encodes src as a JPEG of quality q and decodes it.
func recompressed(t testing.TB, src image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func blank(w, h int, c color.Gray) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = c.Y
	}
	return img
}
