package face

import (
	"errors"
	"testing"
)

// frames builds a sequence of signals: n copies of each step.
type step struct {
	n int
	s Signals
}

func seq(steps ...step) []Signals {
	var out []Signals
	for _, st := range steps {
		for range st.n {
			out = append(out, st.s)
		}
	}
	return out
}

func pose(yaw, pitch float64) Signals {
	return Signals{Face: true, Pose: HeadPose{Yaw: yaw, Pitch: pitch}, Blendshapes: map[string]float64{}}
}

func blend(kv ...any) Signals {
	s := pose(0, -10)
	for i := 0; i+1 < len(kv); i += 2 {
		s.Blendshapes[kv[i].(string)] = kv[i+1].(float64)
	}
	return s
}

// mirrored returns the signals of the mirrored frames: yaw and roll change
// sign, left and right blendshapes swap.
func mirrored(in []Signals) []Signals {
	out := make([]Signals, len(in))
	for i, s := range in {
		m := Signals{Face: s.Face, Pose: HeadPose{Yaw: -s.Pose.Yaw, Pitch: s.Pose.Pitch, Roll: -s.Pose.Roll}, Blendshapes: map[string]float64{}}
		for k, v := range s.Blendshapes {
			switch k {
			case EyeBlinkLeft:
				k = EyeBlinkRight
			case EyeBlinkRight:
				k = EyeBlinkLeft
			case MouthSmileLeft:
				k = MouthSmileRight
			case MouthSmileRight:
				k = MouthSmileLeft
			}
			m.Blendshapes[k] = v
		}
		out[i] = m
	}
	return out
}

func run(t *testing.T, name string, frames []Signals) (done bool, at int) {
	t.Helper()
	tr, err := NewChallengeTracker(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range frames {
		if tr.ObserveSignals(s) {
			return true, i
		}
	}
	return false, -1
}

func TestChallenges(t *testing.T) {
	open := blend(EyeBlinkLeft, 0.05, EyeBlinkRight, 0.05)
	shut := blend(EyeBlinkLeft, 0.9, EyeBlinkRight, 0.8)
	wink := blend(EyeBlinkLeft, 0.9, EyeBlinkRight, 0.05)
	neutral := blend(MouthSmileLeft, 0.1, MouthSmileRight, 0.1, JawOpen, 0.05, BrowInnerUp, 0.05)
	noFace := Signals{}
	for _, tc := range []struct {
		name      string
		challenge string
		frames    []Signals
		done      bool
	}{
		{"turn left", "turn_left", seq(step{5, pose(0, -10)}, step{3, pose(12, -10)}, step{2, pose(25, -10)}), true},
		{"turn left reached, not held", "turn_left", seq(step{5, pose(0, -10)}, step{1, pose(25, -10)}, step{5, pose(0, -10)}), false},
		{"turn left from a turned photo", "turn_left", seq(step{60, pose(30, -10)}), false},
		{"turn right is not left", "turn_left", seq(step{5, pose(0, -10)}, step{5, pose(-30, -10)}), false},
		{"turn right", "turn_right", seq(step{5, pose(2, -10)}, step{5, pose(-30, -10)}), true},
		{"turn too late after neutral", "turn_left", seq(step{1, pose(0, -10)}, step{60, pose(15, -10)}, step{5, pose(30, -10)}), false},
		{"no-face frames do not break a turn", "turn_left", seq(step{5, pose(0, -10)}, step{3, noFace}, step{2, pose(30, -10)}), true},
		{"look up from a low baseline", "look_up", seq(step{10, pose(0, -12)}, step{3, pose(0, 2)}), true},
		{"look up too little", "look_up", seq(step{10, pose(0, -12)}, step{10, pose(0, -4)}), false},
		{"look down", "look_down", seq(step{10, pose(0, -5)}, step{3, pose(0, -20)}), true},
		{"look down is not up", "look_up", seq(step{10, pose(0, -5)}, step{3, pose(0, -20)}), false},
		{"nod", "nod", seq(step{10, pose(0, -5)}, step{3, pose(0, -18)}, step{2, pose(0, -6)}), true},
		{"nod without coming back", "nod", seq(step{10, pose(0, -5)}, step{30, pose(0, -18)}), false},
		{"blink", "blink", seq(step{5, open}, step{1, shut}, step{2, open}), true},
		{"eyes kept shut", "blink", seq(step{5, open}, step{60, shut}), false},
		{"a wink is not a blink", "blink", seq(step{5, open}, step{3, wink}, step{5, open}), false},
		{"photo with shut eyes", "blink", seq(step{60, shut}), false},
		{"smile", "smile", seq(step{5, neutral}, step{3, blend(MouthSmileLeft, 0.8, MouthSmileRight, 0.7)}), true},
		{"smiling photo", "smile", seq(step{60, blend(MouthSmileLeft, 0.8, MouthSmileRight, 0.7)}), false},
		{"half smile", "smile", seq(step{5, neutral}, step{5, blend(MouthSmileLeft, 0.9, MouthSmileRight, 0.1)}), false},
		{"open mouth", "open_mouth", seq(step{5, neutral}, step{3, blend(JawOpen, 0.7)}), true},
		{"raise eyebrows", "raise_eyebrows", seq(step{5, neutral}, step{3, blend(BrowInnerUp, 0.8)}), true},
		{"eyebrows barely", "raise_eyebrows", seq(step{5, neutral}, step{3, blend(BrowInnerUp, 0.4)}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if done, _ := run(t, tc.challenge, tc.frames); done != tc.done {
				t.Errorf("done %v, want %v", done, tc.done)
			}
		})
	}
}

// TestChallengesMirrored: the mirrored frames of a left turn are a right
// turn, and left/right blendshapes swap without changing a symmetric
// challenge's outcome.
func TestChallengesMirrored(t *testing.T) {
	left := seq(step{5, pose(-3, -10)}, step{3, pose(28, -10)})
	for _, tc := range []struct {
		challenge string
		frames    []Signals
		done      bool
	}{
		{"turn_left", left, true},
		{"turn_right", left, false},
		{"turn_left", mirrored(left), false},
		{"turn_right", mirrored(left), true},
		{"blink", mirrored(seq(step{5, blend(EyeBlinkLeft, 0.1, EyeBlinkRight, 0.2)}, step{1, blend(EyeBlinkLeft, 0.9, EyeBlinkRight, 0.7)}, step{1, blend(EyeBlinkLeft, 0.1, EyeBlinkRight, 0.2)})), true},
	} {
		if done, _ := run(t, tc.challenge, tc.frames); done != tc.done {
			t.Errorf("%s on %d frames: done %v, want %v", tc.challenge, len(tc.frames), done, tc.done)
		}
	}
}

func TestChallengeTrackerLatchesAndResets(t *testing.T) {
	tr, err := NewChallengeTracker("Turn-Left")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Challenge() != TurnLeft {
		t.Fatalf("challenge %q", tr.Challenge())
	}
	for _, s := range seq(step{3, pose(0, 0)}, step{2, pose(30, 0)}) {
		tr.ObserveSignals(s)
	}
	if !tr.Done() || !tr.ObserveSignals(pose(0, 0)) {
		t.Fatal("not done, or done did not stay")
	}
	tr.Reset()
	if tr.Done() || tr.Observe(Result{}) {
		t.Fatal("done after Reset")
	}
}

func TestParseChallenge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Challenge
		err  bool
	}{
		{"turn_left", TurnLeft, false},
		{"TURN LEFT", TurnLeft, false},
		{" look-down ", LookDown, false},
		{"raise_eyebrows", RaiseEyebrows, false},
		{"", "", true},
		{"turn", "", true},
		{"turn_left_now", "", true},
		{"blink\x00", "", true},
		{"смайл", "", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseChallenge(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("ParseChallenge(%q) = %q, %v", tc.in, got, err)
			}
			if err != nil && !errors.Is(err, ErrUnknownChallenge) {
				t.Errorf("error %v is not ErrUnknownChallenge", err)
			}
		})
	}
}

func FuzzParseChallenge(f *testing.F) {
	for _, c := range Challenges() {
		f.Add(string(c))
	}
	f.Add("Turn-Left")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseChallenge(s)
		if err != nil {
			if !errors.Is(err, ErrUnknownChallenge) || len(err.Error()) > 160 {
				t.Fatalf("error %q", err)
			}
			return
		}
		// A parsed name parses to itself.
		if again, err := ParseChallenge(string(c)); err != nil || again != c {
			t.Fatalf("%q → %q → %q, %v", s, c, again, err)
		}
	})
}

func TestChallengeTrackerActive(t *testing.T) {
	tr, err := NewChallengeTracker("blink")
	if err != nil {
		t.Fatal(err)
	}
	open := blend(EyeBlinkLeft, 0.05, EyeBlinkRight, 0.05)
	closed := blend(EyeBlinkLeft, 0.9, EyeBlinkRight, 0.9)
	var active []bool
	done := false
	for _, s := range seq(step{3, open}, step{2, closed}, step{1, open}) {
		done = tr.ObserveSignals(s)
		active = append(active, tr.Active())
	}
	if !done {
		t.Fatal("blink not done after open, closed, open")
	}
	want := []bool{false, false, false, true, true, false}
	for i := range want {
		if active[i] != want[i] {
			t.Errorf("frame %d: Active() = %v, want %v", i, active[i], want[i])
		}
	}
	if tr.ObserveSignals(closed) && !tr.Active() {
		t.Error("a closed-eye frame after Done is not active")
	}
}
