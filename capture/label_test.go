package capture_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/recording"
)

// demoLabels counts the bundled recording's frames per label.
func demoLabels(t *testing.T) (total int, per map[string]int) {
	t.Helper()
	f, err := assets.Demo().Open("recording/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := recording.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	per = map[string]int{}
	for _, fr := range m.Frames {
		per[fr.Label]++
	}
	return len(m.Frames), per
}

func TestReplayLabel(t *testing.T) {
	total, per := demoLabels(t)
	if per["blink"] == 0 || per["turn_right"] == 0 {
		t.Fatalf("the demo recording has no blink or turn_right segment: %v", per)
	}
	tests := []struct {
		name    string
		label   string
		want    int
		wantErr error
	}{
		{name: "every frame without a label", label: "", want: total},
		{name: "one segment", label: "blink", want: per["blink"]},
		{name: "another segment", label: "turn_right", want: per["turn_right"]},
		{name: "unknown label", label: "nod", wantErr: capture.ErrNoFrames},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := capture.OpenRecordingFS(assets.Demo(), "recording", capture.ReplayOptions{Pace: capture.AsFastAsPossible, Label: tc.label})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := src.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			n := 0
			var first time.Time
			for {
				f, err := src.Next(ctx)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					first = f.Wall
				}
				if tc.label != "" && f.Label != tc.label {
					t.Errorf("frame %d label %q, want %q", n, f.Label, tc.label)
				}
				n++
			}
			if n != tc.want {
				t.Errorf("got %d frames, want %d", n, tc.want)
			}
			if tc.label != "" && first.IsZero() {
				t.Error("first frame has no time")
			}
		})
	}
}

func TestReplayLabelLoops(t *testing.T) {
	src, err := capture.OpenRecordingFS(assets.Demo(), "recording", capture.ReplayOptions{Pace: capture.AsFastAsPossible, Label: "smile", Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := src.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var prev time.Time
	for i := range 14 {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.Label != "smile" {
			t.Fatalf("frame %d label %q", i, f.Label)
		}
		if i > 0 && !f.Wall.After(prev) {
			t.Fatalf("frame %d time %v not after %v", i, f.Wall, prev)
		}
		prev = f.Wall
	}
}

func TestOpenImageFS(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		wantErr bool
	}{
		{name: "bundled passport", file: "passport.jpg"},
		{name: "missing file", file: "nope.jpg", wantErr: true},
		{name: "invalid path", file: "../passport.jpg", wantErr: true},
		{name: "not an image", file: "recording/manifest.json", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := capture.OpenImageFS(assets.Demo(), tc.file, capture.ReplayOptions{Pace: capture.AsFastAsPossible, Loop: true})
			if tc.wantErr {
				if err == nil {
					src.Close()
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			ctx := context.Background()
			if err := src.Start(ctx); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				f, err := src.Next(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if f.Image == nil || f.Image.Bounds().Dx() == 0 {
					t.Fatal("empty image")
				}
			}
		})
	}
}
