package face

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownChallenge means a challenge name is not one ChallengeTracker
// knows.
var ErrUnknownChallenge = errors.New("unknown liveness challenge")

// Challenge is a liveness challenge the subject performs in front of the
// camera.
type Challenge string

// The challenges a ChallengeTracker detects, named as the service names
// them. Left and right are the subject's own.
const (
	TurnLeft      Challenge = "turn_left"
	TurnRight     Challenge = "turn_right"
	Blink         Challenge = "blink"
	Smile         Challenge = "smile"
	OpenMouth     Challenge = "open_mouth"
	RaiseEyebrows Challenge = "raise_eyebrows"
	Nod           Challenge = "nod"
	LookUp        Challenge = "look_up"
	LookDown      Challenge = "look_down"
)

// Challenges lists every challenge a ChallengeTracker detects.
func Challenges() []Challenge {
	return []Challenge{TurnLeft, TurnRight, Blink, Smile, OpenMouth, RaiseEyebrows, Nod, LookUp, LookDown}
}

// ParseChallenge reads a challenge name as a server may spell it:
// case-insensitive, with "_", "-" or " " between words ("turn_left",
// "Turn-Left", "turn left").
func ParseChallenge(s string) (Challenge, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer("-", "_", " ", "_").Replace(norm)
	for _, c := range Challenges() {
		if string(c) == norm {
			return c, nil
		}
	}
	return "", fmt.Errorf("challenge %q: %w", truncate(s, 24), ErrUnknownChallenge)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ChallengeThresholds is the one table of every challenge threshold
// (docs/face-analysis.md explains each). Angles are degrees, scores are
// blendshape scores in [0,1], durations are frames.
type ChallengeThresholds struct {
	// Window is how many frames before the movement the neutral pose may
	// have been seen, and how many frames a return (blink, nod) may take.
	Window int
	// Hold is how many consecutive frames the movement must last;
	// BlinkHold the same for the closed eyes of a blink.
	Hold, BlinkHold int

	// TurnYaw is the yaw a turn reaches; NeutralYaw the most a frontal
	// face has.
	TurnYaw, NeutralYaw float64
	// LookPitch is the pitch change from the frontal baseline that looking
	// up or down reaches; NodPitch the dip of a nod; NeutralPitch the most
	// a face at its baseline moves.
	LookPitch, NodPitch, NeutralPitch float64

	// EyesClosed is the eyeBlink score both eyes reach when shut;
	// EyesOpen the most either has when open.
	EyesClosed, EyesOpen float64
	// Smile, MouthOpen and BrowsUp are the scores (mean of both mouth
	// corners, jawOpen, browInnerUp) the movement reaches; the Neutral…
	// fields the most they have at rest.
	Smile, NeutralSmile     float64
	MouthOpen, NeutralMouth float64
	BrowsUp, NeutralBrows   float64
	// BaselineRate is the weight a neutral frame's pitch gets in the
	// running pitch baseline.
	BaselineRate float64
}

// DefaultChallengeThresholds returns the table docs/face-analysis.md
// documents.
func DefaultChallengeThresholds() ChallengeThresholds {
	return ChallengeThresholds{
		Window:       45, // 1.5 s at 30 frames/s
		Hold:         2,
		BlinkHold:    1,
		TurnYaw:      20,
		NeutralYaw:   10,
		LookPitch:    12,
		NodPitch:     10,
		NeutralPitch: 5,
		EyesClosed:   0.6,
		EyesOpen:     0.35,
		Smile:        0.6,
		NeutralSmile: 0.3,
		MouthOpen:    0.5,
		NeutralMouth: 0.2,
		BrowsUp:      0.5,
		NeutralBrows: 0.2,
		BaselineRate: 0.1,
	}
}

// Signals is what a ChallengeTracker reads from one frame: whether a face
// was measured, its head pose and blendshape scores.
type Signals struct {
	Face        bool
	Pose        HeadPose
	Blendshapes map[string]float64
}

// SignalsOf returns the signals of a result's primary face.
func SignalsOf(r Result) Signals {
	f := r.Primary()
	if f == nil {
		return Signals{}
	}
	return Signals{Face: true, Pose: f.Pose, Blendshapes: f.Blendshapes}
}

// phase is where a challenge's movement stands.
type phase int

const (
	phaseWaiting phase = iota // no neutral frame seen yet (or too long ago)
	phaseNeutral              // neutral seen; waiting for the movement
	phaseActive               // movement held; waiting for the return
	phaseDone
)

// ChallengeTracker watches the frames of one challenge and tells when the
// subject has done it. Every challenge is a movement from a neutral face:
// a still photograph never completes one. Blink and nod also need the
// return to neutral (open→closed→open, level→down→level). Not safe for
// concurrent use.
type ChallengeTracker struct {
	c  Challenge
	th ChallengeThresholds

	frame       int
	phase       phase
	lastNeutral int // frame of the last neutral observation
	activeSince int // frame the movement began
	held        int // consecutive active frames
	baseline    float64
	hasBaseline bool
	active      bool // the last frame showed the movement
}

// NewChallengeTracker returns a tracker for the named challenge with the
// default thresholds.
func NewChallengeTracker(name string) (*ChallengeTracker, error) {
	return NewChallengeTrackerWith(name, DefaultChallengeThresholds())
}

// NewChallengeTrackerWith returns a tracker for the named challenge with
// the given thresholds.
func NewChallengeTrackerWith(name string, th ChallengeThresholds) (*ChallengeTracker, error) {
	c, err := ParseChallenge(name)
	if err != nil {
		return nil, err
	}
	return &ChallengeTracker{c: c, th: th}, nil
}

// Challenge returns the tracked challenge.
func (t *ChallengeTracker) Challenge() Challenge { return t.c }

// Done tells whether the challenge has been completed.
func (t *ChallengeTracker) Done() bool { return t.phase == phaseDone }

// Active tells whether the last frame observed showed the challenge's
// movement (eyes closed for a blink, head turned for a turn). A blink is
// done only once the eyes reopen, so the frames worth sending are the
// active ones seen before Done.
func (t *ChallengeTracker) Active() bool { return t.active }

// Reset starts over, as if no frame had been seen.
func (t *ChallengeTracker) Reset() { *t = ChallengeTracker{c: t.c, th: t.th} }

// Observe feeds one frame's result and tells whether the challenge is done
// (it stays done).
func (t *ChallengeTracker) Observe(r Result) bool { return t.ObserveSignals(SignalsOf(r)) }

// ObserveSignals is Observe for signals taken from elsewhere (the verify
// flow's per-frame analysis).
func (t *ChallengeTracker) ObserveSignals(s Signals) bool {
	t.frame++
	if !s.Face {
		t.active = false
		return t.Done()
	}
	neutral, active := t.classify(s)
	t.active = active
	if t.phase == phaseDone {
		return true
	}
	switch t.phase {
	case phaseWaiting, phaseNeutral:
		if neutral {
			t.phase, t.lastNeutral, t.held = phaseNeutral, t.frame, 0
			return false
		}
		if t.phase == phaseNeutral && t.frame-t.lastNeutral > t.th.Window {
			t.phase = phaseWaiting
		}
		if t.phase != phaseNeutral || !active {
			t.held = 0
			return false
		}
		if t.held == 0 {
			t.activeSince = t.frame
		}
		t.held++
		if t.held >= t.hold() {
			if t.needsReturn() {
				t.phase = phaseActive
			} else {
				t.phase = phaseDone
			}
		}
	case phaseActive:
		switch {
		case neutral:
			t.phase = phaseDone
		case t.frame-t.activeSince > t.th.Window:
			t.phase, t.held = phaseWaiting, 0
		}
	}
	return t.Done()
}

func (t *ChallengeTracker) hold() int {
	if t.c == Blink {
		return max(1, t.th.BlinkHold)
	}
	return max(1, t.th.Hold)
}

func (t *ChallengeTracker) needsReturn() bool { return t.c == Blink || t.c == Nod }

// classify tells whether a frame shows the challenge's neutral state and
// whether it shows its movement.
func (t *ChallengeTracker) classify(s Signals) (neutral, active bool) {
	th := t.th
	b := s.Blendshapes
	pose := s.Pose
	// Pitch challenges measure from a running baseline: the mesh's pitch
	// of a level head depends on the camera's height.
	if !t.hasBaseline {
		t.baseline, t.hasBaseline = pose.Pitch, true
	}
	dp := pose.Pitch - t.baseline
	levelHead := abs(dp) <= th.NeutralPitch && abs(pose.Yaw) <= th.NeutralYaw
	if levelHead {
		t.baseline += th.BaselineRate * (pose.Pitch - t.baseline)
	}
	switch t.c {
	case TurnLeft:
		return abs(pose.Yaw) <= th.NeutralYaw, pose.Yaw >= th.TurnYaw
	case TurnRight:
		return abs(pose.Yaw) <= th.NeutralYaw, pose.Yaw <= -th.TurnYaw
	case LookUp:
		return levelHead, dp >= th.LookPitch
	case LookDown:
		return levelHead, dp <= -th.LookPitch
	case Nod:
		return levelHead, dp <= -th.NodPitch
	case Blink:
		l, r := b[EyeBlinkLeft], b[EyeBlinkRight]
		return max(l, r) <= th.EyesOpen, min(l, r) >= th.EyesClosed
	case Smile:
		m := (b[MouthSmileLeft] + b[MouthSmileRight]) / 2
		return m <= th.NeutralSmile, m >= th.Smile
	case OpenMouth:
		return b[JawOpen] <= th.NeutralMouth, b[JawOpen] >= th.MouthOpen
	case RaiseEyebrows:
		return b[BrowInnerUp] <= th.NeutralBrows, b[BrowInnerUp] >= th.BrowsUp
	}
	return false, false
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
