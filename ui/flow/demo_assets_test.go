package flow_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	cface "github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/ui/flow"
)

// TestDemoAssetsAgainstSandbox runs the offline demo's data end to end, as
// `kycterm demo --headless` does, with the local face analysis: the
// bundled recording and specimen passport against the real sandbox. Every
// challenge the sandbox asks for must be measured with full action
// evidence on the frames the flow picks, and the anti-spoofing score must
// have been measured. The overall decision is logged, not asserted: it
// also rests on the frames' timestamps (a fast replay stamps them at
// their recorded offsets, up to 8 s ahead), on the sandbox's histogram
// face matcher and on the anti-spoofing model (see assets/README.md).
func TestDemoAssetsAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face models over the demo recording")
	}
	c, uuid := newSandbox(t, api.CreateVerificationRequest{Email: "anna@example.com"})
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
	var measured bool
	if err := json.Unmarshal(res.Details.All["antiSpoofingMeasured"], &measured); err != nil || !measured {
		t.Errorf("anti-spoofing not measured: %s", res.Details.All["antiSpoofingMeasured"])
	}
}
