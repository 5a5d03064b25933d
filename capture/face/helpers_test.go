package face

import (
	"image"
	"image/color"
	"image/draw"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
)

// portrait decodes testdata/portrait.jpg into an RGBA image.
func portrait(tb testing.TB) *image.RGBA {
	tb.Helper()
	data, err := os.ReadFile("testdata/portrait.jpg")
	if err != nil {
		tb.Fatalf("read portrait: %v", err)
	}
	img, _, err := capture.DecodeImage("portrait.jpg", data)
	if err != nil {
		tb.Fatalf("decode portrait: %v", err)
	}
	return toRGBA(img)
}

func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// newAnalyzer returns a fresh Analyzer on the embedded models.
func newAnalyzer(tb testing.TB, opts Options) *Analyzer {
	tb.Helper()
	a, err := NewAnalyzer(assets.Models(), opts)
	if err != nil {
		tb.Fatalf("NewAnalyzer: %v", err)
	}
	tb.Cleanup(a.Close)
	return a
}

// analyzeOnce analyses img with a fresh tracking state (detection).
func analyzeOnce(tb testing.TB, a *Analyzer, img image.Image) Result {
	tb.Helper()
	a.Reset()
	r, err := a.Analyze(img)
	if err != nil {
		tb.Fatalf("Analyze: %v", err)
	}
	return r
}

// mirror flips img left to right.
func mirror(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetRGBA(b.Max.X-1-(x-b.Min.X), y, img.RGBAAt(x, y))
		}
	}
	return out
}

// rotate turns img by deg degrees counter-clockwise as seen, about (cx,
// cy), bilinear, black outside.
func rotate(img *image.RGBA, deg, cx, cy float64) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			// Inverse map: a counter-clockwise turn as seen is clockwise
			// in y-down coordinates.
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx := cx + dx*cos - dy*sin - 0.5
			sy := cy + dx*sin + dy*cos - 0.5
			out.SetRGBA(x, y, bilinearAt(img, sx, sy))
		}
	}
	return out
}

func bilinearAt(img *image.RGBA, x, y float64) color.RGBA {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	var acc [4]float64
	for dy := 0; dy < 2; dy++ {
		for dx := 0; dx < 2; dx++ {
			w := (1 - math.Abs(float64(dx)-fx)) * (1 - math.Abs(float64(dy)-fy))
			p := image.Pt(x0+dx, y0+dy)
			if !p.In(img.Bounds()) {
				continue
			}
			c := img.RGBAAt(p.X, p.Y)
			acc[0] += w * float64(c.R)
			acc[1] += w * float64(c.G)
			acc[2] += w * float64(c.B)
			acc[3] += w * float64(c.A)
		}
	}
	return color.RGBA{uint8(acc[0] + 0.5), uint8(acc[1] + 0.5), uint8(acc[2] + 0.5), 255}
}

// scaleDown shrinks img by an integer factor k, averaging k×k blocks.
func scaleDown(img *image.RGBA, k int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
	for y := 0; y < b.Dy()/k; y++ {
		for x := 0; x < b.Dx()/k; x++ {
			var r, g, bl int
			for j := 0; j < k; j++ {
				for i := 0; i < k; i++ {
					c := img.RGBAAt(b.Min.X+x*k+i, b.Min.Y+y*k+j)
					r, g, bl = r+int(c.R), g+int(c.G), bl+int(c.B)
				}
			}
			n := k * k
			out.SetRGBA(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255})
		}
	}
	return out
}

// darken multiplies every channel by f.
func darken(img *image.RGBA, f float64) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = uint8(float64(v) * f)
	}
	return out
}

// blur applies a box blur of radius r three times (close to a Gaussian).
func blur(img *image.RGBA, r int) *image.RGBA {
	out := img
	for range 3 {
		out = boxBlur(out, r)
	}
	return out
}

func boxBlur(img *image.RGBA, r int) *image.RGBA {
	b := img.Bounds()
	tmp := image.NewRGBA(b)
	out := image.NewRGBA(b)
	pass := func(src, dst *image.RGBA, horiz bool) {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				var acc [3]int
				n := 0
				for d := -r; d <= r; d++ {
					p := image.Pt(x, y+d)
					if horiz {
						p = image.Pt(x+d, y)
					}
					if !p.In(b) {
						continue
					}
					c := src.RGBAAt(p.X, p.Y)
					acc[0], acc[1], acc[2] = acc[0]+int(c.R), acc[1]+int(c.G), acc[2]+int(c.B)
					n++
				}
				dst.SetRGBA(x, y, color.RGBA{uint8(acc[0] / n), uint8(acc[1] / n), uint8(acc[2] / n), 255})
			}
		}
	}
	pass(img, tmp, true)
	pass(tmp, out, false)
	return out
}

// sideBySide puts two copies of img next to each other.
func sideBySide(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, 2*b.Dx(), b.Dy()))
	draw.Draw(out, b.Sub(b.Min), img, b.Min, draw.Src)
	draw.Draw(out, b.Sub(b.Min).Add(image.Pt(b.Dx(), 0)), img, b.Min, draw.Src)
	return out
}

// onCanvas places img at (x, y) on a grey w×h canvas.
func onCanvas(img *image.RGBA, w, h, x, y int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	draw.Draw(out, img.Bounds().Sub(img.Bounds().Min).Add(image.Pt(x, y)), img, img.Bounds().Min, draw.Src)
	return out
}

// noise returns a w×h image of uniform random pixels (fixed seed).
func noise(w, h int) *image.RGBA {
	rng := rand.New(rand.NewPCG(1, 2))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			out.Pix[i] = 255
		}
	}
	return out
}

// gradient returns a w×h diagonal colour gradient.
func gradient(w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.SetRGBA(x, y, color.RGBA{uint8(255 * x / w), uint8(255 * y / h), uint8(255 * (x + y) / (w + h)), 255})
		}
	}
	return out
}

func fsRead(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
