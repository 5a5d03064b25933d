package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/ui/flow"
)

// Messages between commands, screens and the root. Messages of things
// that can exist twice (camera sources, attempts) carry the ID of the one
// they belong to; a screen drops messages whose ID is not its current one.

// navigation
type (
	// backMsg asks the root for the previous screen.
	backMsg struct{}
	// restartMsg asks the root to wipe everything and start over.
	restartMsg struct{}
	// sessionOpenedMsg: a verification's session started.
	sessionOpenedMsg struct{ sess *flow.Session }
	// docInfoSetMsg: document type and country chosen.
	docInfoSetMsg struct{}
	// documentDoneMsg: the document is captured (and checked).
	documentDoneMsg struct{}
	// livenessDoneMsg: every challenge has its frames.
	livenessDoneMsg struct{}
	// verifiedMsg: the service answered the verify request.
	verifiedMsg struct{ res *api.VerifyResponse }
	// restartLivenessMsg: the liveness token expired during submit.
	restartLivenessMsg struct{}
	// nextCustomerMsg: the operator is done with this customer.
	nextCustomerMsg struct{}
)

// camera sources
type (
	// sourceOpenedMsg: a camera source started (or failed to).
	sourceOpenedMsg struct {
		id  int
		src capture.Source
		err error
	}
	// frameTickMsg: time to read the source's newest frame.
	frameTickMsg struct{ id int }
	// frameMsg: the newest frame, rendered for the preview.
	frameMsg struct {
		id       int
		frame    capture.Frame
		ok       bool
		preview  string
		analysis *flow.Analysis
		done     bool // the detector says the challenge is done
		guidance []string
		err      error
	}
)

// guidingAnalyzer is an analyzer that also says how to improve the
// picture (flow.FaceAnalyzer): move closer, more light…
type guidingAnalyzer interface {
	AnalyzeResult(ctx context.Context, img image.Image) (flow.Analysis, face.Result, error)
}

// closeSource stops a source off the UI loop. Closes run one after
// another, and openSource waits for every close scheduled before it: a
// camera device is free again before it is reopened.
func (c *common) closeSource(src capture.Source) tea.Cmd {
	if src == nil {
		return nil
	}
	prev, done := c.lastClose, make(chan struct{})
	c.lastClose = done
	return func() tea.Msg {
		if prev != nil {
			<-prev
		}
		_ = src.Close()
		close(done)
		return nil
	}
}

// openSource opens and starts a camera source, once the sources closed
// before are closed.
func (c *common) openSource(id int, open func() (capture.Source, error)) tea.Cmd {
	ctx, closing := c.ctx, c.lastClose
	return func() tea.Msg {
		if closing != nil {
			select {
			case <-closing:
			case <-ctx.Done():
				return sourceOpenedMsg{id: id, err: ctx.Err()}
			}
		}
		if open == nil {
			return sourceOpenedMsg{id: id, err: ErrNoCamera}
		}
		src, err := open()
		if err != nil {
			return sourceOpenedMsg{id: id, err: err}
		}
		if err := src.Start(ctx); err != nil {
			_ = src.Close()
			return sourceOpenedMsg{id: id, err: fmt.Errorf("start camera: %w", err)}
		}
		return sourceOpenedMsg{id: id, src: src}
	}
}

// tickFrame schedules the next preview read.
func tickFrame(id int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return frameTickMsg{id: id} })
}

// previewJob is what readFrame needs to render a frame.
type previewJob struct {
	id         int
	src        capture.Source
	preview    *Preview
	lastSeq    uint64
	have       bool
	cols, rows int
	mode       ColorMode
	mirror     bool
	guide      bool
	// analysis
	ctx       context.Context
	analyzer  flow.Analyzer
	detector  ChallengeDetector
	challenge string
	// window keeps the analysed frames of the active challenge.
	window *flow.Window
}

// readFrame takes the source's newest frame and renders it; an unchanged
// frame at an unchanged size is not rendered again.
func readFrame(j previewJob) tea.Cmd {
	return func() tea.Msg {
		f, ok := j.src.Latest()
		if !ok {
			return frameMsg{id: j.id}
		}
		if j.have && f.Seq == j.lastSeq && j.preview.cols != 0 {
			if c, r := Fit(f.Image.Bounds().Dx(), f.Image.Bounds().Dy(), j.cols, j.rows); c == j.preview.cols && r == j.preview.rows {
				return frameMsg{id: j.id}
			}
		}
		msg := frameMsg{id: j.id, frame: f, ok: true}
		msg.preview = j.preview.Render(f.Image, j.cols, j.rows, j.mode, j.mirror, j.guide)
		if j.analyzer != nil && (!j.have || f.Seq != j.lastSeq) {
			var a flow.Analysis
			var err error
			if g, ok := j.analyzer.(guidingAnalyzer); ok {
				var r face.Result
				a, r, err = g.AnalyzeResult(j.ctx, f.Image)
				for _, x := range r.Guidance {
					msg.guidance = append(msg.guidance, string(x))
				}
			} else {
				a, err = j.analyzer.Analyze(j.ctx, f.Image)
			}
			if err == nil {
				msg.analysis = &a
				if j.detector != nil && j.challenge != "" {
					msg.done = j.detector.Observe(j.challenge, a)
					if j.window != nil {
						j.window.Add(f, a, j.detector.Active())
					}
				}
			}
		}
		return msg
	}
}

// freshFrame returns a frame newer than after (by sequence number) from
// src, waiting up to a second for one: two captures never send the same
// frame twice.
func freshFrame(ctx context.Context, src capture.Source, after uint64, have bool) (capture.Frame, error) {
	deadline := time.Now().Add(time.Second)
	for {
		f, ok := src.Latest()
		if ok && (!have || f.Seq > after) {
			return f, nil
		}
		if time.Now().After(deadline) {
			return capture.Frame{}, ErrNoFrame
		}
		select {
		case <-ctx.Done():
			return capture.Frame{}, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Errors the TUI reports itself.
var (
	// ErrNoCamera reports a kiosk started without a camera or recording.
	ErrNoCamera = errors.New("no camera configured")
	// ErrNoFrame reports a camera that delivered no new frame in time.
	ErrNoFrame = errors.New("the camera sent no new picture")
)

// renderImage renders a still image (the document's thumbnail).
func renderImage(id int, img image.Image, cols, rows int, mode ColorMode) tea.Cmd {
	return func() tea.Msg {
		var p Preview
		return thumbMsg{id: id, view: p.Render(img, cols, rows, mode, false, false)}
	}
}

// thumbMsg carries a rendered thumbnail.
type thumbMsg struct {
	id   int
	view string
}
