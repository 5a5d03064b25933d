package flow_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
)

const testKey = "7500|abcdefghijklmnopqrstuvwxyz0123456789ABCD"

// newSandbox runs the real sandbox over HTTP and returns a client for it
// and a new verification's UUID.
func newSandbox(t *testing.T, create api.CreateVerificationRequest) (*api.Client, string) {
	t.Helper()
	return newSandboxWith(t, sandbox.Options{}, create)
}

// newSandboxWith is newSandbox with the sandbox's options (its key is set
// here).
func newSandboxWith(t *testing.T, opts sandbox.Options, create api.CreateVerificationRequest) (*api.Client, string) {
	t.Helper()
	opts.APIKey = testKey
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(api.Config{BaseURL: srv.URL, APIKey: testKey, UserAgent: "kycterm/test"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.CreateVerification(context.Background(), create)
	if err != nil {
		t.Fatal(err)
	}
	return c, res.Item.UUID
}

// face draws a frame: a light background with a skin-toned oval whose
// position moves with k, so consecutive frames differ.
func face(k int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	cx, cy := 160+k%7, 120+k%5
	for y := range 240 {
		for x := range 320 {
			dx, dy := float64(x-cx)/60, float64(y-cy)/80
			c := color.RGBA{200, 210, 220, 255}
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{uint8(190 + k%10), 150, 120, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// writeFrames writes a plain folder of frames <challengeIndex>-<n>.jpg.
func writeFrames(t *testing.T, challenges, perChallenge int) string {
	t.Helper()
	dir := t.TempDir()
	for ci := range challenges {
		for n := range perChallenge {
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d-%d.jpg", ci, n)))
			if err != nil {
				t.Fatal(err)
			}
			if err := jpeg.Encode(f, face(ci*perChallenge+n), nil); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	return dir
}

func passportJPEG(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, face(3), nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunHeadlessAgainstSandbox(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
	src, err := capture.OpenDir(writeFrames(t, 3, 4), capture.ReplayOptions{Pace: capture.AsFastAsPossible})
	if err != nil {
		t.Fatal(err)
	}
	var steps []flow.Step
	var uploadTotal int64
	res, err := flow.RunHeadless(context.Background(), c, flow.Headless{
		UUID: uuid, DocumentName: "p.jpg", Document: passportJPEG(t),
		DocumentType: "passport", Country: "ru", Frames: src,
		Progress: func(e flow.Event) {
			if e.Total == 0 {
				steps = append(steps, e.Step)
			} else if e.Step == flow.StepVerify {
				uploadTotal = e.Total
			}
		},
	}, flow.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := []flow.Step{flow.StepOpen, flow.StepDocument, flow.StepLiveness, flow.StepCapture, flow.StepUpload, flow.StepVerify}
	if fmt.Sprint(steps) != fmt.Sprint(want) {
		t.Errorf("steps %v, want %v", steps, want)
	}
	if uploadTotal == 0 {
		t.Error("no upload progress reported for verify")
	}
	if res.Details.LivenessScore == nil || res.Details.AntiSpoofingScore == nil || res.Details.FaceMatchScore == nil {
		t.Errorf("breakdown lacks a known score: %+v", res.Details.All)
	}
	// Nothing was measured locally: the sandbox must not see an
	// anti-spoofing score, so the combined score cannot pass.
	if res.Passed {
		t.Errorf("passed with no anti-spoofing measurement: %+v", res)
	}
}

func TestRunHeadlessErrors(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{
		Email: "anna@example.com", CountryRestrictionMode: "whitelist", AllowedCountries: []string{"ru"},
	})
	frames := writeFrames(t, 3, 2)
	tests := []struct {
		name    string
		mutate  func(h *flow.Headless)
		step    flow.Step
		wantErr error
	}{
		{"invalid uuid", func(h *flow.Headless) { h.UUID = "not-a-uuid" }, flow.StepOpen, api.ErrInvalidUUID},
		{"unknown uuid", func(h *flow.Headless) { h.UUID = "0b7e8a56-8f0e-4c4a-9c11-2f6f0d0e1a2b" }, flow.StepOpen, api.ErrNotFound},
		{"country not allowed", func(h *flow.Headless) { h.Country = "de" }, flow.StepDocument, flow.ErrNotAllowed},
		{"bad document", func(h *flow.Headless) { h.Document = []byte("GIF89a") }, flow.StepDocument, capture.ErrUnsupportedImage},
		{"too few challenges recorded", func(h *flow.Headless) {
			src, err := capture.OpenDir(writeFrames(t, 2, 2), capture.ReplayOptions{Pace: capture.AsFastAsPossible})
			if err != nil {
				t.Fatal(err)
			}
			h.Frames = src
		}, flow.StepCapture, flow.ErrMissingChallenge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := capture.OpenDir(frames, capture.ReplayOptions{Pace: capture.AsFastAsPossible})
			if err != nil {
				t.Fatal(err)
			}
			h := flow.Headless{UUID: uuid, DocumentName: "p.jpg", Document: passportJPEG(t),
				DocumentType: "passport", Country: "ru", Frames: src}
			tc.mutate(&h)
			_, err = flow.RunHeadless(context.Background(), c, h, flow.DefaultOptions())
			var se *flow.StepError
			if !errors.As(err, &se) || se.Step != tc.step {
				t.Fatalf("err = %v, want a %s step error", err, tc.step)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSessionWipe(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
	ctx := context.Background()
	s, err := flow.Open(ctx, c, uuid, flow.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetDocument("p.jpg", passportJPEG(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartLiveness(ctx); err != nil {
		t.Fatal(err)
	}
	img := face(1).(*image.RGBA)
	if _, err := s.AddCapture(0, capture.Frame{Image: img}, flow.Analysis{}); err != nil {
		t.Fatal(err)
	}
	s.Wipe()
	for i, b := range img.Pix {
		if b != 0 {
			t.Fatalf("pixel byte %d is %d after Wipe, want 0", i, b)
		}
	}
	if s.HasDocument() || s.Challenges() != nil {
		t.Fatal("session still holds customer data after Wipe")
	}
	if _, err := s.BuildVerifyRequest(); !errors.Is(err, flow.ErrNoDocument) {
		t.Fatalf("BuildVerifyRequest after Wipe: %v", err)
	}
}

func TestBuildVerifyRequestMeasuredOnly(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
	ctx := context.Background()
	opts := flow.DefaultOptions()
	opts.FramesPerChallenge = 1
	s, err := flow.Open(ctx, c, uuid, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetDocumentInfo("passport", "RU"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDocument("p.jpg", passportJPEG(t)); err != nil {
		t.Fatal(err)
	}
	lv, err := s.StartLiveness(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.BuildVerifyRequest(); !errors.Is(err, flow.ErrIncomplete) {
		t.Fatalf("incomplete request: err = %v, want ErrIncomplete", err)
	}
	score := 0.8
	for i := range lv.Challenges {
		a := flow.Analysis{}
		if i == 0 {
			a = flow.Analysis{HeadPose: &api.HeadPose{Yaw: 20}, AntiSpoof: &score}
		}
		if _, err := s.AddCapture(i, capture.Frame{Image: face(i)}, a); err != nil {
			t.Fatal(err)
		}
	}
	req, err := s.BuildVerifyRequest()
	if err != nil {
		t.Fatal(err)
	}
	if req.Country != "ru" || req.DocumentType != "passport" || req.ChallengeToken != lv.ChallengeToken {
		t.Errorf("request header fields wrong: %q %q", req.Country, req.DocumentType)
	}
	if req.AntiSpoofing.Score == nil || *req.AntiSpoofing.Score != 0.8 {
		t.Errorf("antiSpoofing = %v, want the one measured score 0.8", req.AntiSpoofing.Score)
	}
	for i, f := range req.Frames {
		if i > 0 && f.Timestamp < req.Frames[i-1].Timestamp {
			t.Errorf("frame %d is older than the frame before it", i)
		}
		if f.ChallengeIndex != i {
			t.Errorf("frame %d has challengeIndex %d", i, f.ChallengeIndex)
		}
		if (f.HeadPose != nil) != (i == 0) {
			t.Errorf("frame %d headPose = %v: sent only where measured", i, f.HeadPose)
		}
		if f.Blendshapes != nil || f.Landmarks != nil {
			t.Errorf("frame %d carries unmeasured analysis", i)
		}
	}
}

func TestCaptureLiveWithoutAnalysis(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
	ctx := context.Background()
	opts := flow.DefaultOptions()
	opts.FramesPerChallenge = 2
	s, err := flow.Open(ctx, c, uuid, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartLiveness(ctx); err != nil {
		t.Fatal(err)
	}
	// A looping replay at real pace stands in for a camera.
	src, err := capture.OpenDir(writeFrames(t, 1, 3), capture.ReplayOptions{Loop: true, Interval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var prompted, unseen int
	err = s.CaptureLive(ctx, src, flow.Live{
		Window: 150 * time.Millisecond,
		Prompt: func(int, api.Challenge) { prompted++ },
		Done: func(_ int, _ api.Challenge, seen bool) {
			if !seen {
				unseen++
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := len(s.Challenges())
	if prompted != n || unseen != n {
		t.Errorf("prompted %d, unseen %d, want %d each", prompted, unseen, n)
	}
	if !s.Complete() {
		t.Fatal("not every challenge has its frames")
	}
	req, err := s.BuildVerifyRequest()
	if err == nil {
		t.Fatalf("built a request without a document: %d frames", len(req.Frames))
	}
}

func TestCaptureLiveSourceEnds(t *testing.T) {
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
	ctx := context.Background()
	s, err := flow.Open(ctx, c, uuid, flow.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartLiveness(ctx); err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenDir(writeFrames(t, 1, 1), capture.ReplayOptions{Pace: capture.AsFastAsPossible})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := s.CaptureLive(ctx, src, flow.Live{Window: time.Second}); !errors.Is(err, io.EOF) {
		t.Fatalf("err = %v, want io.EOF from the ended source", err)
	}
}
