package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// Live configures CaptureLive: a headless liveness capture from a camera,
// challenge by challenge, with no operator at the keys.
type Live struct {
	// Analyzer measures each frame; nil sends frames without analysis.
	Analyzer Analyzer
	// Detector tells when a challenge is done; nil (or no Analyzer)
	// takes each challenge's frames at the end of its Window.
	Detector *ChallengeDetector
	// Window is how long each challenge may take (default 6 s).
	Window time.Duration
	// Prompt is told each challenge as it starts, to show the customer.
	Prompt func(i int, c api.Challenge)
	// Done is told how a challenge ended: seen by the analysis, or not
	// seen within the window (its frames are sent all the same and the
	// service decides).
	Done func(i int, c api.Challenge, seen bool)
}

// CaptureLive runs each challenge in turn on a live source: it shows the
// prompt, reads frames, and keeps the last FramesPerChallenge frames up to
// the moment the detector sees the challenge done, or up to the end of the
// window. The source must be started.
func (s *Session) CaptureLive(ctx context.Context, src capture.Source, l Live) error {
	challenges := s.Challenges()
	if challenges == nil {
		return ErrNoLiveness
	}
	if l.Window <= 0 {
		l.Window = 6 * time.Second
	}
	for i, c := range challenges {
		if l.Prompt != nil {
			l.Prompt(i, c)
		}
		if l.Detector != nil {
			l.Detector.Reset()
		}
		frames, seen, err := s.watchChallenge(ctx, src, c, l)
		if err != nil {
			return fmt.Errorf("challenge %d (%s): %w", i, c.Type, err)
		}
		for _, k := range frames {
			if _, err := s.AddCapture(i, k.Frame, k.Analysis); err != nil {
				return err
			}
		}
		if l.Done != nil {
			l.Done(i, c, seen)
		}
	}
	return nil
}

// liveWindow is how many recent frames a live challenge keeps to choose
// its frames from: about two seconds of a camera.
const liveWindow = 20

// watchChallenge reads frames for one challenge's window and returns the
// frames to send: those that showed the movement when the detector saw it
// done, else the newest.
func (s *Session) watchChallenge(ctx context.Context, src capture.Source, c api.Challenge, l Live) ([]Captured, bool, error) {
	n := s.opts.FramesPerChallenge
	ctx, cancel := context.WithTimeout(ctx, l.Window)
	defer cancel()
	win := NewWindow(max(liveWindow, n))
	for {
		f, err := src.Next(ctx)
		switch {
		case errors.Is(err, context.DeadlineExceeded) && win.Len() > 0:
			return win.Take(n, nil), false, nil
		case capture.IsTransient(err):
			continue
		case err != nil:
			return nil, false, err
		}
		var a Analysis
		if l.Analyzer != nil {
			if a, err = l.Analyzer.Analyze(ctx, f.Image); err != nil {
				return nil, false, fmt.Errorf("analyse frame %d: %w", f.Seq, err)
			}
		}
		done, active := false, false
		if l.Analyzer != nil && l.Detector != nil {
			done = l.Detector.Observe(c.Type, a)
			active = l.Detector.Active()
		}
		win.Add(f, a, active)
		if done && win.Len() >= n {
			return win.Take(n, nil), true, nil
		}
	}
}
