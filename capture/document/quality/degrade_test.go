package quality

import (
	"image"
	"image/color"
	"image/draw"
	"io/fs"
	"testing"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
)

// specimen decodes the demo passport photo as an RGBA picture.
func specimen(t testing.TB) *image.RGBA {
	t.Helper()
	data, err := fs.ReadFile(assets.Demo(), "passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := capture.DecodeImage("passport.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// boxBlur blurs img with a (2r+1)² box, twice (close to a Gaussian).
func boxBlur(img *image.RGBA, r int) *image.RGBA {
	out := img
	for range 2 {
		src := out
		b := src.Bounds()
		tmp := image.NewRGBA(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				var s [3]int
				n := 0
				for k := -r; k <= r; k++ {
					xx := min(max(x+k, b.Min.X), b.Max.X-1)
					i := src.PixOffset(xx, y)
					s[0], s[1], s[2] = s[0]+int(src.Pix[i]), s[1]+int(src.Pix[i+1]), s[2]+int(src.Pix[i+2])
					n++
				}
				i := tmp.PixOffset(x, y)
				tmp.Pix[i], tmp.Pix[i+1], tmp.Pix[i+2], tmp.Pix[i+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 255
			}
		}
		res := image.NewRGBA(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				var s [3]int
				n := 0
				for k := -r; k <= r; k++ {
					yy := min(max(y+k, b.Min.Y), b.Max.Y-1)
					i := tmp.PixOffset(x, yy)
					s[0], s[1], s[2] = s[0]+int(tmp.Pix[i]), s[1]+int(tmp.Pix[i+1]), s[2]+int(tmp.Pix[i+2])
					n++
				}
				i := res.PixOffset(x, y)
				res.Pix[i], res.Pix[i+1], res.Pix[i+2], res.Pix[i+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 255
			}
		}
		out = res
	}
	return out
}

// levels maps every channel c to c*mul+add, clamped.
func levels(img *image.RGBA, mul, add float64) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = uint8(min(max(float64(v)*mul+add, 0), 255))
	}
	return out
}

// glarePatch whitens a soft-edged disc of radius r at the document's centre.
func glarePatch(img *image.RGBA, r int) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	copy(out.Pix, img.Pix)
	b := img.Bounds()
	cx, cy := b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()*2/5
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if d := (x-cx)*(x-cx) + (y-cy)*(y-cy); d <= r*r && image.Pt(x, y).In(b) {
				out.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
			}
		}
	}
	return out
}

// shrink pastes img scaled by 1/k (box average) on a grey canvas of
// img's size.
func shrink(img *image.RGBA, k int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, image.NewUniform(color.RGBA{120, 120, 120, 255}), image.Point{}, draw.Src)
	for y := 0; y < b.Dy()/k; y++ {
		for x := 0; x < b.Dx()/k; x++ {
			var s [3]int
			for yy := 0; yy < k; yy++ {
				for xx := 0; xx < k; xx++ {
					i := img.PixOffset(b.Min.X+x*k+xx, b.Min.Y+y*k+yy)
					s[0], s[1], s[2] = s[0]+int(img.Pix[i]), s[1]+int(img.Pix[i+1]), s[2]+int(img.Pix[i+2])
				}
			}
			n := k * k
			out.SetRGBA(b.Min.X+x, b.Min.Y+y, color.RGBA{uint8(s[0] / n), uint8(s[1] / n), uint8(s[2] / n), 255})
		}
	}
	return out
}

// mrzQuad locates the specimen's MRZ with the MRZ reader.
func mrzQuad(t testing.TB, img image.Image) [4]image.Point {
	t.Helper()
	r, err := ocr.NewReader()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := r.Read(img, ocr.Options{})
	if err != nil {
		t.Fatalf("read the specimen's MRZ: %v", err)
	}
	return rd.Quad
}

// TestDegradations checks that the specimen passes every check and that
// each degradation of it trips exactly its own check.
func TestDegradations(t *testing.T) {
	sp := specimen(t)
	quad := mrzQuad(t, sp)
	var small [4]image.Point
	for i, p := range quad {
		small[i] = p.Div(3)
	}
	tests := []struct {
		name string
		img  *image.RGBA
		quad *[4]image.Point
		want []Check
	}{
		{name: "specimen", img: sp, quad: &quad},
		{name: "specimen, MRZ unknown", img: sp},
		{name: "blurred", img: boxBlur(sp, 4), quad: &quad, want: []Check{CheckBlur}},
		{name: "dark", img: levels(sp, 0.25, 0), quad: &quad, want: []Check{CheckDark}},
		{name: "bright", img: levels(sp, 0.3, 170), quad: &quad, want: []Check{CheckBright}},
		{name: "glare patch", img: glarePatch(sp, 90), quad: &quad, want: []Check{CheckGlare}},
		{name: "glare patch, MRZ unknown", img: glarePatch(sp, 90), want: []Check{CheckGlare}},
		{name: "small in frame", img: shrink(sp, 3), quad: &small, want: []Check{CheckSmall}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Assess(tc.img, tc.quad, DefaultThresholds())
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Failed) != len(tc.want) {
				t.Fatalf("failed %v, want %v (%+v)", r.Failed, tc.want, r)
			}
			for _, c := range tc.want {
				if !r.Has(c) {
					t.Fatalf("failed %v, want %v (%+v)", r.Failed, tc.want, r)
				}
			}
			if r.OK() != (len(tc.want) == 0) {
				t.Fatalf("OK() = %v with %v failed", r.OK(), r.Failed)
			}
		})
	}
}

func BenchmarkAssess(b *testing.B) {
	sp := specimen(b)
	for b.Loop() {
		if _, err := Assess(sp, nil, DefaultThresholds()); err != nil {
			b.Fatal(err)
		}
	}
}
