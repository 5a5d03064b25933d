// Package demo_test checks the offline demo's bundled data (assets.Demo):
// its size budget, that the local face analysis recognises each challenge
// segment of the recording as its challenge and nothing in its neutral
// frames, and that the local MRZ reader reads the specimen passport.
package demo_test

import (
	"context"
	"errors"
	"image"
	"io"
	"io/fs"
	"math"
	"slices"
	"testing"
	"time"

	_ "image/jpeg"

	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/mrz/ocr"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
	"github.com/kycterm/kycterm/capture/face"
)

// budget is the size limit of all the demo's files together.
const budget = 4 << 20

// challenges are the sandbox's challenges, one recording segment each.
var challenges = []string{"turn_left", "turn_right", "blink", "smile", "open_mouth"}

// Every segment opens and closes with neutral frames (assets/README.md):
// the first neutralHead and the last neutralTail frames.
const neutralHead, neutralTail = 5, 4

func TestDemoSize(t *testing.T) {
	var total int64
	err := fs.WalkDir(assets.Demo(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo assets: %d bytes (budget %d)", total, budget)
	if total > budget {
		t.Errorf("demo assets take %d bytes, over the %d budget", total, budget)
	}
}

// segment decodes the frames the recording labels label.
func segment(t *testing.T, label string) []image.Image {
	t.Helper()
	src, err := capture.OpenRecordingFS(assets.Demo(), "recording", capture.ReplayOptions{Pace: capture.AsFastAsPossible, Label: label})
	if err != nil {
		t.Fatalf("open segment %s: %v", label, err)
	}
	defer src.Close()
	ctx := context.Background()
	if err := src.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var out []image.Image
	for {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("segment %s frame %d: %v", label, len(out), err)
		}
		out = append(out, f.Image)
	}
	if len(out) < neutralHead+neutralTail+2 {
		t.Fatalf("segment %s has %d frames", label, len(out))
	}
	return out
}

// analyse runs the face analysis over frames as one camera stream.
func analyse(t *testing.T, an *face.Analyzer, frames []image.Image) []face.Result {
	t.Helper()
	an.Reset()
	out := make([]face.Result, len(frames))
	for i, img := range frames {
		res, err := an.Analyze(img)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if res.Primary() == nil {
			t.Fatalf("frame %d: no face", i)
		}
		out[i] = res
	}
	return out
}

// completes feeds results to a new tracker of challenge c.
func completes(t *testing.T, c string, results []face.Result) bool {
	t.Helper()
	tr, err := face.NewChallengeTracker(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		tr.Observe(r)
	}
	return tr.Done()
}

func newAnalyzer(t *testing.T) *face.Analyzer {
	t.Helper()
	an, err := face.NewAnalyzer(assets.Models(), face.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(an.Close)
	return an
}

// TestRecordingChallenges runs the real face analysis over each segment:
// the segment completes its own challenge, its neutral frames complete
// none, and it completes no other challenge (opening the mouth wide also
// lifts the mouth corners, so open_mouth may complete smile as well).
func TestRecordingChallenges(t *testing.T) {
	an := newAnalyzer(t)
	also := map[string][]string{"open_mouth": {"smile"}}
	for _, label := range challenges {
		t.Run(label, func(t *testing.T) {
			if raceEnabled && label != "blink" {
				t.Skip("the race detector makes the models too slow; blink stands for the others")
			}
			results := analyse(t, an, segment(t, label))
			if !completes(t, label, results) {
				t.Errorf("segment %s is not recognised as %s", label, label)
			}
			neutral := slices.Concat(results[:neutralHead], results[len(results)-neutralTail:])
			for _, c := range challenges {
				if completes(t, c, neutral) {
					t.Errorf("the neutral frames of segment %s complete %s", label, c)
				}
				if c != label && !slices.Contains(also[label], c) && completes(t, c, results) {
					t.Errorf("segment %s also completes %s", label, c)
				}
			}
		})
	}
}

// TestBlinkMutated replaces the blink segment's closed eyes by open ones
// (its neutral frames, in turn) and checks that no blink is seen.
func TestBlinkMutated(t *testing.T) {
	frames := segment(t, "blink")
	open := frames[:neutralHead]
	mutated := make([]image.Image, len(frames))
	for i := range mutated {
		mutated[i] = open[i%len(open)]
	}
	if completes(t, "blink", analyse(t, newAnalyzer(t), mutated)) {
		t.Error("the blink segment with open eyes is recognised as a blink")
	}
}

// TestPassportMRZ reads the specimen passport's MRZ with the local reader:
// it must read ICAO's specimen exactly, every check digit holding.
func TestPassportMRZ(t *testing.T) {
	f, err := assets.Demo().Open("passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ocr.NewReader()
	if err != nil {
		t.Fatal(err)
	}
	got, err := rd.Read(img, ocr.Options{Today: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("read the passport's MRZ: %v", err)
	}
	want := synth.SpecimenTD3()
	if !slices.Equal(got.Result.Lines, want) {
		t.Errorf("MRZ read as\n%q\nwant\n%q", got.Result.Lines, want)
	}
	if !got.Result.Valid || len(got.Result.Repairs) > 0 {
		t.Errorf("valid %v, repairs %v", got.Result.Valid, got.Result.Repairs)
	}
	if r := got.Result; r.PrimaryIdentifier != "ERIKSSON" || r.SecondaryIdentifier != "ANNA MARIA" || r.DocumentNumber != "L898902C3" || r.IssuingState != "UTO" {
		t.Errorf("fields: %s / %s / %s / %s", r.PrimaryIdentifier, r.SecondaryIdentifier, r.DocumentNumber, r.IssuingState)
	}
	t.Logf("confidence %.3f", got.Confidence)
}

// TestRecordingNeverStill checks that consecutive frames of every segment,
// and the last and first frame where a segment loops, differ by more than
// the sandbox's near-identical threshold: the mean absolute difference of
// 32×24 grey thumbnails (api/sandbox, "Anti-spoofing").
func TestRecordingNeverStill(t *testing.T) {
	for _, label := range challenges {
		t.Run(label, func(t *testing.T) {
			frames := segment(t, label)
			thumbs := make([][]float64, len(frames))
			for i, f := range frames {
				thumbs[i] = greyThumb(f, 32, 24)
			}
			for i := range thumbs {
				prev := thumbs[(i+len(thumbs)-1)%len(thumbs)]
				mad := 0.0
				for k, v := range thumbs[i] {
					mad += math.Abs(v - prev[k])
				}
				mad /= float64(len(thumbs[i]))
				if mad < sandbox.StillMAD {
					t.Errorf("frame %d differs from the one before by %.2f grey levels, under the sandbox's %.1f", i, mad, sandbox.StillMAD)
				}
			}
		})
	}
}

// greyThumb is the image reduced to tw×th cells, each the mean luma
// (0–255, BT.601) of its pixels.
func greyThumb(img image.Image, tw, th int) []float64 {
	b := img.Bounds()
	luma := func(x, y int) float64 {
		r, g, bl, _ := img.At(x, y).RGBA()
		return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
	}
	if yc, ok := img.(*image.YCbCr); ok {
		luma = func(x, y int) float64 { return float64(yc.Y[yc.YOffset(x, y)]) }
	}
	out := make([]float64, tw*th)
	for ty := range th {
		for tx := range tw {
			x0, x1 := b.Min.X+tx*b.Dx()/tw, b.Min.X+(tx+1)*b.Dx()/tw
			y0, y1 := b.Min.Y+ty*b.Dy()/th, b.Min.Y+(ty+1)*b.Dy()/th
			sum, n := 0.0, 0
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					sum += luma(x, y)
					n++
				}
			}
			out[ty*tw+tx] = sum / float64(max(n, 1))
		}
	}
	return out
}
