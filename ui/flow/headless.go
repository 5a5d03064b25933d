package flow

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
)

// Analyzer measures a face on one frame. The face-analysis package
// implements it; without one, frames carry no analysis fields.
type Analyzer interface {
	Analyze(ctx context.Context, img image.Image) (Analysis, error)
}

// Step names a stage of the flow, for progress reports and errors.
type Step string

// The steps of a verification, in order.
const (
	StepOpen     Step = "open"
	StepDocument Step = "document"
	StepLiveness Step = "liveness"
	StepCapture  Step = "capture"
	StepUpload   Step = "upload"
	StepVerify   Step = "verify"
)

// StepError tells which step failed.
type StepError struct {
	Step Step
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("%s: %v", e.Step, e.Err) }

// Unwrap returns the underlying error.
func (e *StepError) Unwrap() error { return e.Err }

// Event reports progress of a headless run: a step starting, or bytes of
// an upload leaving.
type Event struct {
	Step        Step
	Sent, Total int64
}

// Headless is what a whole unattended verification needs.
type Headless struct {
	UUID string
	// DocumentName (the file's name, for errors) and Document are the
	// document photo, JPEG or PNG.
	DocumentName string
	Document     []byte
	DocumentType string
	Country      string
	// Frames is the source (not yet started): a recording whose frames
	// carry a challenge label or index, or, with Live set, a camera.
	Frames capture.Source
	// Live, when set, captures each challenge from Frames as it happens
	// (see CaptureLive) instead of sorting recorded frames.
	Live *Live
	// Analyzer is optional.
	Analyzer Analyzer
	// Progress is optional.
	Progress func(Event)
}

// RunHeadless runs a verification start to finish: session, document,
// liveness start, recorded frames mapped onto the server's challenges,
// upload, verify. The session is wiped before it returns.
func RunHeadless(ctx context.Context, svc Service, h Headless, opts Options) (*api.VerifyResponse, error) {
	report := func(e Event) {
		if h.Progress != nil {
			h.Progress(e)
		}
	}
	fail := func(step Step, err error) error { return &StepError{Step: step, Err: err} }

	report(Event{Step: StepOpen})
	s, err := Open(ctx, svc, h.UUID, opts)
	if err != nil {
		return nil, fail(StepOpen, err)
	}
	defer s.Wipe()

	report(Event{Step: StepDocument})
	if err := s.SetDocumentInfo(h.DocumentType, h.Country); err != nil {
		return nil, fail(StepDocument, err)
	}
	if err := s.SetDocument(h.DocumentName, h.Document); err != nil {
		return nil, fail(StepDocument, err)
	}

	report(Event{Step: StepLiveness})
	lv, err := s.StartLiveness(ctx)
	if err != nil {
		return nil, fail(StepLiveness, err)
	}

	report(Event{Step: StepCapture})
	if h.Live != nil {
		err = s.captureCamera(ctx, h.Frames, *h.Live)
	} else {
		err = s.captureRecorded(ctx, h.Frames, h.Analyzer, lv.Challenges)
	}
	if err != nil {
		return nil, fail(StepCapture, err)
	}

	report(Event{Step: StepUpload})
	progress := func(step Step) api.ProgressFunc {
		return func(sent, total int64) { report(Event{Step: step, Sent: sent, Total: total}) }
	}
	if err := s.Upload(ctx, progress(StepUpload)); err != nil {
		return nil, fail(StepUpload, err)
	}

	report(Event{Step: StepVerify})
	res, err := s.Verify(ctx, progress(StepVerify))
	if err != nil {
		return nil, fail(StepVerify, err)
	}
	return res, nil
}

// captureCamera starts a live source and captures every challenge from it.
func (s *Session) captureCamera(ctx context.Context, src capture.Source, l Live) error {
	if src == nil {
		return errors.New("no camera")
	}
	if err := src.Start(ctx); err != nil {
		return fmt.Errorf("start camera: %w", err)
	}
	defer src.Close()
	return s.CaptureLive(ctx, src, l)
}

// captureRecorded reads src to its end as a camera would be read: every
// frame analysed in order (so face tracking runs as it does live), fed to
// a challenge detector per challenge of its segment, and sorted into the
// server's challenges. It keeps the configured number per challenge,
// preferring the frames that showed the movement.
func (s *Session) captureRecorded(ctx context.Context, src capture.Source, an Analyzer, challenges []api.Challenge) error {
	if src == nil {
		return errors.New("no frames to send")
	}
	if err := src.Start(ctx); err != nil {
		return fmt.Errorf("start frames: %w", err)
	}
	defer src.Close()
	asg := newAssigner(challenges, s.opts.FramesPerChallenge)
	detectors := make([]*ChallengeDetector, len(challenges))
	for {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read frames: %w", err)
		}
		// The recording stands in for the camera: its frames are taken
		// now, in their order. Their recorded times lie in the past (or,
		// replayed faster than recorded, ahead of the clock) and would
		// fall outside the challenge token's window.
		f.Wall = s.opts.Clock()
		var a Analysis
		if an != nil {
			if a, err = an.Analyze(ctx, f.Image); err != nil {
				return fmt.Errorf("analyse frame %d: %w", f.Seq, err)
			}
		}
		for _, i := range asg.indexes(f) {
			active := false
			if an != nil {
				if detectors[i] == nil {
					detectors[i] = NewChallengeDetector()
				}
				detectors[i].Observe(challenges[i].Type, a)
				active = detectors[i].Active()
			}
			asg.add(i, Captured{Frame: f, Analysis: a}, active)
		}
	}
	groups, err := asg.pick()
	if err != nil {
		return err
	}
	for i, cs := range groups {
		for _, c := range cs {
			if _, err := s.AddCapture(i, c.Frame, c.Analysis); err != nil {
				return err
			}
		}
	}
	return nil
}
