package flow_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	cface "github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/capture/face/match"
	"github.com/kycterm/kycterm/ui/flow"
)

// TestDemoAssetsAgainstSandbox runs the offline demo's data end to end, as
// `kycterm demo --headless` does, with the local face analysis and the
// local face matcher: the bundled recording and specimen passport against
// the real sandbox, with its documented weights and thresholds. Every
// challenge the sandbox asks for must be measured with full action
// evidence on the frames the flow picks, anti-spoofing must have been
// measured, and the verification must pass.
func TestDemoAssetsAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face models over the demo recording")
	}
	fm, err := match.NewMatcher(assets.Models(), match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, uuid := newSandboxWith(t, sandbox.Options{FaceMatcher: fm}, api.CreateVerificationRequest{Email: "anna@example.com"})
	demo := assets.Demo()
	src, err := capture.OpenRecordingFS(demo, "recording", capture.ReplayOptions{Pace: capture.AsFastAsPossible})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := fs.ReadFile(demo, "passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	an, err := flow.NewFaceAnalyzer(assets.Models(), cface.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	res, err := flow.RunHeadless(context.Background(), c, flow.Headless{
		UUID: uuid, DocumentName: "passport.jpg", Document: doc,
		DocumentType: "passport", Country: "ru", Frames: src, Analyzer: an,
	}, flow.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(res.Details.All)
	t.Logf("score %.3f passed %v: %s", res.Score, res.Passed, all)
	var per []struct {
		Type     string  `json:"type"`
		Measured bool    `json:"measured"`
		Action   float64 `json:"action"`
	}
	if err := json.Unmarshal(res.Details.All["perChallenge"], &per); err != nil || len(per) == 0 {
		t.Fatalf("perChallenge %s: %v", res.Details.All["perChallenge"], err)
	}
	for _, p := range per {
		if !p.Measured || p.Action < 1 {
			t.Errorf("challenge %s: measured %v, action evidence %.2f, want 1", p.Type, p.Measured, p.Action)
		}
	}
	if !res.Passed {
		t.Errorf("the demo did not pass: score %.3f", res.Score)
	}
	var measured bool
	if err := json.Unmarshal(res.Details.All["antiSpoofingMeasured"], &measured); err != nil || !measured {
		t.Errorf("anti-spoofing not measured: %s", res.Details.All["antiSpoofingMeasured"])
	}
}
