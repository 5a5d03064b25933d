package sandbox

import (
	"context"
	"image"
	"math"
	"testing"
	"time"
)

func TestActionEvidence(t *testing.T) {
	yaw := func(v float64) frameIn { return frameIn{yaw: &v} }
	bs := func(kv ...any) frameIn {
		m := map[string]float64{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(float64)
		}
		return frameIn{blend: m}
	}
	tests := []struct {
		name      string
		challenge string
		frames    []frameIn
		want      float64
		measured  bool
	}{
		// Subject's left turn is positive yaw (the project's convention).
		{"left turn done", "turn_left", []frameIn{yaw(0), yaw(25)}, 1, true},
		{"left turn half", "turn_left", []frameIn{yaw(12.5)}, 0.5, true},
		{"left turn the wrong way", "turn_left", []frameIn{yaw(-30)}, 0, true},
		{"right turn done", "turn_right", []frameIn{yaw(-20)}, 1, true},
		{"right turn the wrong way", "turn_right", []frameIn{yaw(30)}, 0, true},
		{"turn unmeasured", "turn_left", []frameIn{bs("jawOpen", 0.9)}, UnmeasuredAction, false},
		{"blink both eyes", "blink", []frameIn{bs("eyeBlinkLeft", 0.1, "eyeBlinkRight", 0.1), bs("eyeBlinkLeft", 0.7, "eyeBlinkRight", 0.9)}, 1, true},
		{"blink one eye only (a wink)", "blink", []frameIn{bs("eyeBlinkLeft", 0.9, "eyeBlinkRight", 0.1)}, 0, true},
		{"blink needs both values", "blink", []frameIn{bs("eyeBlinkLeft", 0.9)}, UnmeasuredAction, false},
		{"smile", "smile", []frameIn{bs("mouthSmileLeft", 0.4, "mouthSmileRight", 0.4)}, 0.5, true},
		{"open mouth", "open_mouth", []frameIn{bs("jawOpen", 0.5)}, 1, true},
		{"mouth closed", "open_mouth", []frameIn{bs("jawOpen", 0.1)}, 0, true},
		{"no frames", "smile", nil, UnmeasuredAction, false},
		{"unknown challenge", "nod", []frameIn{yaw(20)}, UnmeasuredAction, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, measured := actionEvidence(tc.challenge, tc.frames)
			if math.Abs(got-tc.want) > 1e-9 || measured != tc.measured {
				t.Fatalf("got %v %v, want %v %v", got, measured, tc.want, tc.measured)
			}
		})
	}
}

func TestLivenessOfMissingChallenge(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	v := 30.0
	in := verifyIn{claims: claims{Challenges: []string{"turn_left", "blink", "smile"},
		IssuedAt: now.Add(-5 * time.Second).UnixMilli(), ExpiresAt: now.Add(time.Minute).UnixMilli()}}
	ts := float64(now.Unix()) - 4
	for i := 0; i < 3; i++ {
		in.frames = append(in.frames, frameIn{index: 0, yaw: &v, timestamp: ts + float64(i)})
	}
	got, passed, per := livenessOf(in, now, 0)
	if math.Abs(got-1.0/3) > 1e-9 || passed != 1 || per[1]["frames"] != 0 {
		t.Fatalf("liveness %v passed %d per %v", got, passed, per)
	}
}

func TestStillShare(t *testing.T) {
	mk := func(img image.Image) frameIn { return frameIn{img: decoded{img: img}} }
	a, b := portrait(64, 48, 0, 1), portrait(64, 48, 8, 2)
	tests := []struct {
		name   string
		frames []frameIn
		want   float64
	}{
		{"one frame", []frameIn{mk(a)}, 0},
		{"same image thrice", []frameIn{mk(a), mk(a), mk(a)}, 1},
		{"moving", []frameIn{mk(a), mk(b), mk(a)}, 0},
		{"half still", []frameIn{mk(a), mk(a), mk(b)}, 0.5},
		// Sensor noise alone (same scene, other noise seed) is still.
		{"noise only", []frameIn{mk(portrait(320, 240, 0, 1)), mk(portrait(320, 240, 0, 9))}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stillShare(tc.frames); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHistogramMatcher(t *testing.T) {
	ctx := context.Background()
	face := portrait(160, 200, 0, 1)
	frames := []image.Image{portrait(160, 120, -4, 2), portrait(160, 120, 4, 3), portrait(160, 120, 0, 4)}
	m := HistogramMatcher{}
	same, err := m.MatchFace(ctx, face, frames)
	if err != nil {
		t.Fatal(err)
	}
	other, err := m.MatchFace(ctx, landscape(160, 200), frames)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := m.MatchFace(ctx, face, []image.Image{face})
	if self < 0.99 || same < 0.6 || other > 0.4 || same <= other {
		t.Fatalf("self %.3f same %.3f other %.3f", self, same, other)
	}
	if v, _ := m.MatchFace(ctx, face, nil); v != 0 {
		t.Errorf("no frames: %v", v)
	}
	if v, _ := m.MatchFace(ctx, image.NewGray(image.Rect(0, 0, 10, 10)), frames); v < 0 || v > 1 {
		t.Errorf("flat passport: %v", v)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.MatchFace(cctx, face, frames); err == nil {
		t.Error("cancelled context not reported")
	}
}

func TestGreyThumbFastPathsAgree(t *testing.T) {
	rgba := portrait(64, 48, 0, 1)
	gray := image.NewGray(rgba.Bounds())
	nrgba := image.NewNRGBA(rgba.Bounds())
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			gray.Set(x, y, rgba.At(x, y))
			nrgba.Set(x, y, rgba.At(x, y))
		}
	}
	ref := greyThumb(rgba, rgba.Bounds(), 8, 6)
	for name, img := range map[string]image.Image{"gray": gray, "nrgba": nrgba, "paletted-free generic": rgba.SubImage(rgba.Bounds())} {
		got := greyThumb(img, img.Bounds(), 8, 6)
		for i := range ref {
			if math.Abs(got[i]-ref[i]) > 1.01 {
				t.Fatalf("%s cell %d: %v vs %v", name, i, got[i], ref[i])
			}
		}
	}
}
