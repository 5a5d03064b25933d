package flow

import (
	"context"
	"fmt"
	"image"
	"io/fs"
	"sync"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture/face"
)

// FaceAnalyzer is the local face analysis (package face) as an Analyzer:
// each frame's primary face gives the verify request its landmarks,
// blendshapes, head pose and anti-spoofing score. It tracks the face from
// frame to frame, so use one per camera stream. Safe for concurrent use
// (calls are serialised).
type FaceAnalyzer struct {
	an *face.Analyzer
}

// NewFaceAnalyzer loads the face models from models (e.g.
// assets.Models()).
func NewFaceAnalyzer(models fs.FS, opts face.Options) (*FaceAnalyzer, error) {
	an, err := face.NewAnalyzer(models, opts)
	if err != nil {
		return nil, fmt.Errorf("start face analysis: %w", err)
	}
	return &FaceAnalyzer{an: an}, nil
}

// Analyze measures the frame's primary face. A frame without a face gives
// an Analysis whose fields are all nil.
func (f *FaceAnalyzer) Analyze(ctx context.Context, img image.Image) (Analysis, error) {
	a, _, err := f.AnalyzeResult(ctx, img)
	return a, err
}

// AnalyzeResult is Analyze that also returns the full result (every face,
// the capture guidance) for the UI.
func (f *FaceAnalyzer) AnalyzeResult(ctx context.Context, img image.Image) (Analysis, face.Result, error) {
	if err := ctx.Err(); err != nil {
		return Analysis{}, face.Result{}, err
	}
	r, err := f.an.Analyze(img)
	if err != nil {
		return Analysis{}, face.Result{}, fmt.Errorf("analyse face: %w", err)
	}
	return AnalysisOf(r), r, nil
}

// Reset forgets the tracked face (next customer, other camera).
func (f *FaceAnalyzer) Reset() { f.an.Reset() }

// Close releases the models' workers.
func (f *FaceAnalyzer) Close() { f.an.Close() }

// AnalysisOf converts a face result to the verify request's per-frame
// fields: those of the largest face, each set only when measured on this
// frame. Landmarks are normalised to the image (x, y in [0,1], z in x's
// scale).
func AnalysisOf(r face.Result) Analysis {
	p := r.Primary()
	if p == nil {
		return Analysis{}
	}
	var a Analysis
	pts := p.NormalizedLandmarks(r.Width, r.Height)
	lm := &api.Landmarks{Points: make([]api.Landmark, len(pts))}
	for i, q := range pts {
		lm.Points[i] = api.Landmark{X: q.X, Y: q.Y, Z: q.Z}
	}
	a.Landmarks = lm
	a.HeadPose = &api.HeadPose{Yaw: p.Pose.Yaw, Pitch: p.Pose.Pitch, Roll: p.Pose.Roll}
	if len(p.Blendshapes) > 0 {
		a.Blendshapes = make(map[string]float64, len(p.Blendshapes))
		for k, v := range p.Blendshapes {
			a.Blendshapes[k] = v
		}
	}
	if p.HasAntiSpoof {
		s := p.AntiSpoof
		a.AntiSpoof = &s
	}
	return a
}

// ChallengeDetector tells from each frame's Analysis when the subject has
// done the current liveness challenge (the TUI's hook). It keeps one
// face.ChallengeTracker, started afresh whenever the challenge changes;
// thresholds are face.DefaultChallengeThresholds. Unknown challenge names
// are never done, so the operator captures by hand. Safe for concurrent
// use.
type ChallengeDetector struct {
	mu      sync.Mutex
	name    string
	tracker *face.ChallengeTracker
}

// NewChallengeDetector returns a detector with no challenge yet.
func NewChallengeDetector() *ChallengeDetector { return &ChallengeDetector{} }

// Observe feeds one frame's analysis for the named challenge and tells
// whether it is done.
func (d *ChallengeDetector) Observe(challenge string, a Analysis) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if challenge != d.name || (d.tracker == nil && d.name == "") {
		d.name = challenge
		d.tracker, _ = face.NewChallengeTracker(challenge)
	}
	if d.tracker == nil {
		return false
	}
	return d.tracker.ObserveSignals(SignalsOf(a))
}

// Active tells whether the last frame observed showed the challenge's
// movement; see face.ChallengeTracker.Active.
func (d *ChallengeDetector) Active() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tracker != nil && d.tracker.Active()
}

// Reset forgets the progress of the current challenge.
func (d *ChallengeDetector) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.name, d.tracker = "", nil
}

// SignalsOf returns the challenge signals an Analysis carries: a face is
// present when the head pose was measured.
func SignalsOf(a Analysis) face.Signals {
	if a.HeadPose == nil {
		return face.Signals{}
	}
	return face.Signals{
		Face:        true,
		Pose:        face.HeadPose{Yaw: a.HeadPose.Yaw, Pitch: a.HeadPose.Pitch, Roll: a.HeadPose.Roll},
		Blendshapes: a.Blendshapes,
	}
}
