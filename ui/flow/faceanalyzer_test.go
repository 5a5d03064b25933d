package flow_test

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	faces "github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/ui/flow"
)

func TestFaceAnalyzer(t *testing.T) {
	fa, err := flow.NewFaceAnalyzer(assets.Models(), faces.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	data, err := os.ReadFile(filepath.Join("..", "..", "capture", "face", "testdata", "portrait.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := capture.DecodeImage("portrait.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	a, err := fa.Analyze(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if a.Landmarks == nil || len(a.Landmarks.Points) != faces.NumLandmarks || a.HeadPose == nil || a.AntiSpoof == nil || len(a.Blendshapes) < 6 {
		t.Fatalf("analysis of a face lacks fields: %+v", a)
	}
	for _, p := range a.Landmarks.Points {
		if p.X < 0 || p.X > 1 || p.Y < 0 || p.Y > 1 {
			t.Fatalf("landmark %+v not normalised", p)
		}
	}
	// A frame without a face measures nothing: every field stays nil.
	fa.Reset()
	empty, err := fa.Analyze(context.Background(), image.NewGray(image.Rect(0, 0, 64, 48)))
	if err != nil {
		t.Fatal(err)
	}
	if empty.Landmarks != nil || empty.HeadPose != nil || empty.AntiSpoof != nil || empty.Blendshapes != nil {
		t.Errorf("analysis without a face: %+v", empty)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fa.Analyze(ctx, img); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestChallengeDetector(t *testing.T) {
	at := func(yaw float64) flow.Analysis {
		return flow.Analysis{HeadPose: &api.HeadPose{Yaw: yaw, Pitch: -8}, Blendshapes: map[string]float64{}}
	}
	d := flow.NewChallengeDetector()
	frames := []flow.Analysis{at(0), at(0), {}, at(25), at(27)}
	var done bool
	for _, a := range frames {
		done = d.Observe("turn_left", a)
	}
	if !done {
		t.Fatal("turn_left not done")
	}
	// A new challenge starts from scratch: the turned head is no right turn.
	if d.Observe("turn_right", at(27)) || d.Observe("turn_right", at(-27)) {
		t.Error("turn_right done without a neutral frame")
	}
	for _, a := range []flow.Analysis{at(0), at(-25), at(-26)} {
		done = d.Observe("turn_right", a)
	}
	if !done {
		t.Error("turn_right not done")
	}
	for _, a := range []flow.Analysis{at(0), at(30), at(30)} {
		if d.Observe("do_a_dance", a) {
			t.Error("unknown challenge done")
		}
	}
}
