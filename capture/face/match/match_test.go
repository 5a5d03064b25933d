package match

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

// recording returns the bundled demo recording's frames i0, i0+step, ….
func recording(t testing.TB, step int) []image.Image {
	var out []image.Image
	for i := 0; i < 80; i += step {
		out = append(out, loadImage(t, assets.Demo(), fmt.Sprintf("recording/%06d.jpg", i)))
	}
	return out
}

func otherPeople(t testing.TB) map[string]image.Image {
	return map[string]image.Image{
		"grace_hopper": loadImage(t, os.DirFS("testdata"), "grace_hopper.jpg"),
		"camera":       loadImage(t, os.DirFS("testdata"), "camera.png"),
	}
}

// TestSamePersonVariants compares the portrait with altered copies of it:
// each must stay above CosineHigh (score 1), except the mirror image
// (faces are not symmetric: measured 0.935), which must stay above the
// threshold.
func TestSamePersonVariants(t *testing.T) {
	e := newEmbedder(t)
	p := portrait(t)
	ref, _, err := e.Embed(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		img  image.Image
		min  float64
	}{
		{"jpeg quality 30", recompressed(t, p, 30), CosineHigh},
		{"darkened to 40%", darkened(p, 0.4), CosineHigh},
		{"rotated +15°", rotated(p, 15), CosineHigh},
		{"rotated -15°", rotated(p, -15), CosineHigh},
		{"perspective warp", perspective(p), CosineHigh},
		{"scaled to 70%", scaled(p, 0.7), CosineHigh},
		{"mirrored", mirror(p), CosineThreshold},
		{"passport data page", passport(t), CosineHigh},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if raceEnabled && tc.name != "mirrored" {
				t.Skip("slow under the race detector")
			}
			emb, _, err := e.Embed(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			c := Cosine(ref, emb)
			t.Logf("cosine %.3f, score %.2f", c, Score(c))
			if c < tc.min {
				t.Errorf("cosine %.3f < %.3f", c, tc.min)
			}
		})
	}
}

// TestDifferentPeople compares the portrait with two other people's
// photographs: both must fall below the threshold (score < 0.5).
func TestDifferentPeople(t *testing.T) {
	e := newEmbedder(t)
	ref, _, err := e.Embed(portrait(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range otherPeople(t) {
		t.Run(name, func(t *testing.T) {
			if raceEnabled && name != "grace_hopper" {
				t.Skip("slow under the race detector")
			}
			emb, _, err := e.Embed(img)
			if err != nil {
				t.Fatal(err)
			}
			c := Cosine(ref, emb)
			t.Logf("cosine %.3f, score %.2f", c, Score(c))
			if c >= CosineThreshold {
				t.Errorf("cosine %.3f ≥ threshold %.3f", c, CosineThreshold)
			}
		})
	}
}

// TestMatcherDemo runs the Matcher as the sandbox does: the demo's
// passport against the demo's recording scores high; another person's
// photo as the document against the same frames scores low.
func TestMatcherDemo(t *testing.T) {
	m, err := NewMatcher(assets.Models(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	step := 10
	if raceEnabled {
		step = 40
	}
	frames := recording(t, step)
	docs := []struct {
		name   string
		doc    image.Image
		passes bool
	}{{"passport", passport(t), true}}
	for name, img := range otherPeople(t) {
		docs = append(docs, struct {
			name   string
			doc    image.Image
			passes bool
		}{name, img, false})
	}
	for _, tc := range docs {
		t.Run(tc.name, func(t *testing.T) {
			if raceEnabled && tc.name == "camera" {
				t.Skip("slow under the race detector")
			}
			r, err := m.Compare(context.Background(), tc.doc, frames)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("frames %d, with a face %d, median cosine %.3f, score %.2f", r.Frames, len(r.Cosines), r.Median, r.Score)
			if r.Reason != "" || r.DocumentFace == nil || len(r.Cosines) != len(frames) {
				t.Fatalf("report %+v: want every frame compared", r)
			}
			if got := r.Score >= 0.5; got != tc.passes {
				t.Errorf("score %.2f: passes = %v, want %v", r.Score, got, tc.passes)
			}
			s, err := m.MatchFace(context.Background(), tc.doc, frames)
			if err != nil || s != r.Score {
				t.Errorf("MatchFace = %v, %v; Compare's score %v", s, err, r.Score)
			}
		})
	}
}

// TestCompareNothingToCompare covers the inputs without a face pair: the
// score is 0 and the reason says why.
func TestCompareNothingToCompare(t *testing.T) {
	m, err := NewMatcher(assets.Models(), Options{MaxFrames: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := portrait(t)
	grey := blank(320, 240, color.Gray{Y: 128})
	empty := image.NewRGBA(image.Rect(0, 0, 0, 0))
	for _, tc := range []struct {
		name   string
		doc    image.Image
		frames []image.Image
		reason string
	}{
		{"nil document", nil, []image.Image{p}, ReasonNoDocumentFace},
		{"blank document", grey, []image.Image{p}, ReasonNoDocumentFace},
		{"empty document", empty, []image.Image{p}, ReasonNoDocumentFace},
		{"no frames", p, nil, ReasonNoFrames},
		{"blank frames", p, []image.Image{grey, grey}, ReasonNoFrameFace},
		{"nil and empty frames", p, []image.Image{nil, empty, image.NewGray(image.Rect(0, 0, 1, 1))}, ReasonNoFrameFace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Compare(context.Background(), tc.doc, tc.frames)
			if err != nil {
				t.Fatal(err)
			}
			if r.Score != 0 || r.Reason != tc.reason {
				t.Errorf("score %v, reason %q; want 0, %q", r.Score, r.Reason, tc.reason)
			}
		})
	}
	t.Run("frames without a face are left out", func(t *testing.T) {
		r, err := m.Compare(context.Background(), p, []image.Image{grey, p, grey})
		if err != nil {
			t.Fatal(err)
		}
		if r.Frames != 3 || len(r.Cosines) != 1 || r.Score != 1 {
			t.Errorf("frames %d, cosines %v, score %v; want 3, one, 1", r.Frames, r.Cosines, r.Score)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := m.Compare(ctx, p, []image.Image{p}); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		m2, err := NewMatcher(assets.Models(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m2.Close()
		m2.Close()
		if _, err := m2.Compare(context.Background(), p, []image.Image{p}); !errors.Is(err, ErrClosed) {
			t.Errorf("error %v, want ErrClosed", err)
		}
	})
}

func TestEmbedding(t *testing.T) {
	e := newEmbedder(t)
	emb, f, err := e.Embed(portrait(t))
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, v := range emb {
		n += float64(v) * float64(v)
	}
	if math.Abs(n-1) > 1e-5 {
		t.Errorf("squared norm %v, want 1", n)
	}
	if f.Box.W < 50 || f.Box.W > 200 || f.Score < 0.5 {
		t.Errorf("face %+v: want the portrait's face (box about 92 px)", f)
	}
	again, _, err := e.Embed(portrait(t))
	if err != nil {
		t.Fatal(err)
	}
	if again != emb {
		t.Error("the same picture gave two embeddings")
	}
	if _, _, err := e.Embed(blank(64, 64, color.Gray{Y: 30})); !errors.Is(err, ErrNoFace) {
		t.Errorf("blank picture: error %v, want ErrNoFace", err)
	}
}

func TestScore(t *testing.T) {
	for _, tc := range []struct {
		cos, want float64
	}{
		{-1, 0}, {0, 0}, {CosineLow, 0}, {CosineThreshold, 0.5}, {CosineHigh, 1}, {1, 1},
		{math.NaN(), 0}, {math.Inf(1), 1}, {math.Inf(-1), 0},
	} {
		t.Run(fmt.Sprint(tc.cos), func(t *testing.T) {
			if got := Score(tc.cos); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Score(%v) = %v, want %v", tc.cos, got, tc.want)
			}
		})
	}
}

func TestCosine(t *testing.T) {
	var a, b, c Embedding
	a[0], b[0], c[1] = 1, -1, 1
	for _, tc := range []struct {
		name string
		x, y Embedding
		want float64
	}{{"same", a, a, 1}, {"opposite", a, b, -1}, {"orthogonal", a, c, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Cosine(tc.x, tc.y); got != tc.want {
				t.Errorf("Cosine = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPickAndMedian(t *testing.T) {
	frames := make([]image.Image, 10)
	for i := range frames {
		frames[i] = image.NewGray(image.Rect(0, 0, i+1, 1))
	}
	for _, tc := range []struct {
		n    int
		want []int // widths of the picked frames
	}{{20, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, {3, []int{1, 5, 10}}, {2, []int{1, 10}}, {1, []int{1}}} {
		t.Run(fmt.Sprint("pick ", tc.n), func(t *testing.T) {
			got := pick(frames, tc.n)
			if len(got) != len(tc.want) {
				t.Fatalf("picked %d, want %d", len(got), len(tc.want))
			}
			for i, f := range got {
				if f.Bounds().Dx() != tc.want[i] {
					t.Errorf("pick %d is frame %d, want %d", i, f.Bounds().Dx(), tc.want[i])
				}
			}
		})
	}
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		t.Run(fmt.Sprint("median ", tc.xs), func(t *testing.T) {
			if got := median(tc.xs); got != tc.want {
				t.Errorf("median = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCropTransformDegenerate(t *testing.T) {
	if _, ok := cropTransform(nil); ok {
		t.Error("nil mesh accepted")
	}
}

// BenchmarkEmbed measures one embedding of the portrait: detection, mesh,
// crop and mobilefacenet.
func BenchmarkEmbed(b *testing.B) {
	e := newEmbedder(b)
	p := portrait(b)
	for b.Loop() {
		if _, _, err := e.Embed(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModel measures the crop and the mobilefacenet model alone.
func BenchmarkModel(b *testing.B) {
	e := newEmbedder(b)
	p := portrait(b)
	tr := similarity{a: 1, tx: 200, ty: 150}
	for b.Loop() {
		alignedCrop(e.in.Data, p, tr)
		if _, err := e.run(); err != nil {
			b.Fatal(err)
		}
	}
}
