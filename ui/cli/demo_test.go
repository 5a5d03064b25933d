package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"io/fs"
	"math/rand/v2"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/mrz/synth"
	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui"
)

// seeded is a deterministic source for the sandbox (its key, secret,
// UUIDs, nonces and the challenges it draws).
func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return rand.NewChaCha8(s)
}

// blinkSeed finds a seed whose sandbox asks for blink in the demo's first
// liveness attempt: the same calls in the same order as the demo makes
// them (new sandbox, create, session, liveness start).
func blinkSeed(t *testing.T) uint64 {
	t.Helper()
	ctx := context.Background()
	for seed := uint64(1); seed < 64; seed++ {
		sb, err := sandbox.New(sandbox.Options{Rand: seeded(seed)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sb)
		c, err := api.New(api.Config{BaseURL: srv.URL, APIKey: sb.APIKey()})
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.CreateVerification(ctx, api.CreateVerificationRequest{Email: "demo.customer@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.StartSession(ctx, v.Item.UUID); err != nil {
			t.Fatal(err)
		}
		res, err := c.StartLiveness(ctx, v.Item.UUID)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range res.Challenges {
			if ch.Type == "blink" {
				return seed
			}
		}
	}
	t.Fatal("no seed below 64 asks for blink")
	return 0
}

// demoResult is one auto demo's outcome: its exit code, the verify
// response it printed and the views it pressed Enter on.
type demoResult struct {
	code  int
	res   map[string]any
	views map[ui.Screen][]string
}

// runAutoDemo runs `kycterm demo --auto --json` in-process with r's
// replacements, walking the real TUI undrawn.
func runAutoDemo(t *testing.T, r demoRun) demoResult {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Build: BuildInfo{Version: "t"}, Config: config.Default(), Stdin: strings.NewReader(""),
		Stdout: &out, Stderr: &errb, Env: func(string) string { return "" }}
	var mu sync.Mutex
	views := map[ui.Screen][]string{}
	r.flags.auto, r.flags.json = true, true
	r.auto.Pause = 30 * time.Millisecond
	r.auto.CaptureAfter = 4 * time.Second
	r.auto.OnStep = func(s ui.Screen, v string) {
		mu.Lock()
		defer mu.Unlock()
		views[s] = append(views[s], ansi.Strip(v))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	code := ExitCode(runDemo(ctx, app, r))
	d := demoResult{code: code, views: views}
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &d.res); err != nil {
			t.Fatalf("the JSON printed: %v\n%s", err, out.String())
		}
	}
	if d.res == nil {
		t.Fatalf("no verify response (exit %d): %s", code, errb.String())
	}
	// exit 0 passed, 1 not passed
	if want := map[bool]int{true: ExitOK, false: ExitFailed}[d.res["passed"] == true]; code != want {
		t.Errorf("exit %d with passed %v, want %d", code, d.res["passed"], want)
	}
	return d
}

// challenge returns the perChallenge entry of type typ.
func (d demoResult) challenge(t *testing.T, typ string) map[string]any {
	t.Helper()
	details, _ := d.res["details"].(map[string]any)
	per, _ := details["perChallenge"].([]any)
	for _, p := range per {
		if m, ok := p.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	t.Fatalf("no %s in perChallenge: %v", typ, details["perChallenge"])
	return nil
}

func (d demoResult) score(name string) float64 {
	details, _ := d.res["details"].(map[string]any)
	v, _ := details[name].(float64)
	return v
}

// openEyedBlink is the bundled recording with the blink segment's frames
// replaced by the neutral (open-eyed) frames of the smile segment, in
// turn: the same faces and motion, no blink.
func openEyedBlink(t *testing.T) fs.FS {
	t.Helper()
	demo := assets.Demo()
	raw, err := fs.ReadFile(demo, "recording/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Frames []struct {
			File  string `json:"file"`
			Label string `json:"label"`
		} `json:"frames"`
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{"recording/manifest.json": {Data: raw}}
	var blink, smile []string
	for _, f := range man.Frames {
		b, err := fs.ReadFile(demo, "recording/"+f.File)
		if err != nil {
			t.Fatal(err)
		}
		out["recording/"+f.File] = &fstest.MapFile{Data: b}
		switch f.Label {
		case "blink":
			blink = append(blink, f.File)
		case "smile":
			smile = append(smile, f.File)
		}
	}
	// assets/README.md: frames 0–4 and 12–15 of a segment are neutral
	if len(blink) < 16 || len(smile) < 16 {
		t.Fatalf("segments of %d and %d frames", len(blink), len(smile))
	}
	neutral := slices.Concat(smile[:5], smile[12:])
	for i, f := range blink {
		out["recording/"+f] = &fstest.MapFile{Data: out["recording/"+neutral[i%len(neutral)]].Data}
	}
	return out
}

// TestDemoBlinkMutation runs the auto demo twice with a sandbox that asks
// for blink: with the bundled recording the blink is detected and counts;
// with its closed eyes replaced by open ones the status strip says the
// blink was captured by key (not detected), the sandbox's blink action is
// low and its livenessScore drops.
func TestDemoBlinkMutation(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the face models at a camera's pace")
	}
	seed := blinkSeed(t)
	blinkLine := regexp.MustCompile(`blink\s+\d+/\d+ frames (\S+( key)?)`)
	strip := func(d demoResult) string {
		for _, v := range d.views[ui.ScreenLiveness] {
			if strings.Contains(v, "All challenges captured") {
				if m := blinkLine.FindStringSubmatch(v); m != nil {
					return m[1]
				}
				t.Fatalf("no blink in the status strip:\n%s", v)
			}
		}
		t.Fatalf("liveness never completed: %q", d.views[ui.ScreenLiveness])
		return ""
	}

	plain := runAutoDemo(t, demoRun{sandbox: sandbox.Options{Rand: seeded(seed)}})
	if plain.code != ExitOK || plain.res["passed"] != true {
		t.Fatalf("the bundled demo: exit %d, %v", plain.code, plain.res)
	}
	if a := plain.challenge(t, "blink")["action"].(float64); a < sandbox.ChallengePassEvidence {
		t.Errorf("the bundled blink's action is %.2f", a)
	}
	if s := strip(plain); s != "detected" {
		t.Errorf("the bundled blink shows %q in the strip, want detected", s)
	}

	mutated := runAutoDemo(t, demoRun{sandbox: sandbox.Options{Rand: seeded(seed)}, recording: openEyedBlink(t)})
	if a := mutated.challenge(t, "blink")["action"].(float64); a >= sandbox.ChallengePassEvidence {
		t.Errorf("the open-eyed blink's action is %.2f, not below %.2f", a, sandbox.ChallengePassEvidence)
	}
	if s := strip(mutated); s != "by key" {
		t.Errorf("the open-eyed blink shows %q in the strip, want by key", s)
	}
	lp, lm := plain.score("livenessScore"), mutated.score("livenessScore")
	t.Logf("livenessScore %.3f bundled, %.3f open-eyed; score %v / %v", lp, lm, plain.res["score"], mutated.res["score"])
	if lm >= lp {
		t.Errorf("livenessScore did not drop: %.3f bundled, %.3f open-eyed", lp, lm)
	}
}

// alteredPassport renders the specimen's data page with its MRZ, one check
// digit (the document number's) changed, and a face of the recording as
// the holder's photo.
func alteredPassport(t *testing.T) fs.FS {
	t.Helper()
	lines := synth.SpecimenTD3()
	b := []byte(lines[1])
	b[9] = '0' + (b[9]-'0'+5)%10
	lines[1] = string(b)
	src, err := capture.OpenRecordingFS(assets.Demo(), "recording", capture.ReplayOptions{Pace: capture.AsFastAsPossible})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	f, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := synth.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.Render(lines, synth.Options{DPI: 254, Photo: f.Image}, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, page, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{"passport.jpg": {Data: buf.Bytes()}}
}

// TestDemoAlteredCheckDigit walks the demo with a passport whose MRZ has
// one check digit changed: the local MRZ reader flags it on the document
// screen, beside the fields it read; the bundled passport raises no flag.
func TestDemoAlteredCheckDigit(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the MRZ reader and the whole demo")
	}
	flag := regexp.MustCompile(`MRZ (check digits do not hold|corrected: check digits failed)`)
	docView := func(d demoResult) string {
		for _, v := range d.views[ui.ScreenDocument] {
			if strings.Contains(v, "Document captured") {
				return v
			}
		}
		t.Fatalf("the document was never captured: %q", d.views[ui.ScreenDocument])
		return ""
	}
	tests := []struct {
		name     string
		document fs.FS
		flagged  bool
	}{
		{"bundled", nil, false},
		{"altered check digit", alteredPassport(t), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := runAutoDemo(t, demoRun{flags: demoFlags{noAnalysis: true}, document: tt.document})
			v := docView(d)
			if got := flag.MatchString(v); got != tt.flagged {
				t.Errorf("flag %q shown: %v, want %v; the screen:\n%s", flag, got, tt.flagged, v)
			}
			// the fields the check is built from are read all the same
			for _, field := range []string{"ERIKSSON", "ANNA MARIA"} {
				if !strings.Contains(v, field) {
					t.Errorf("%s not among the fields read:\n%s", field, v)
				}
			}
		})
	}
}

// TestDemoCameraMissing: a camera that is not there stops the demo before
// the TUI, with the capture error and what to do (exit 4), whichever form.
func TestDemoCameraMissing(t *testing.T) {
	tests := [][]string{
		{"demo", "--camera", "/dev/kycterm-no-such-video"},
		{"demo", "--auto", "--camera", "/dev/kycterm-no-such-video"},
		{"demo", "--auto", "--json", "--camera", "/dev/kycterm-no-such-video"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := run(t, map[string]string{"XDG_CONFIG_HOME": dir + "/cfg", "XDG_STATE_HOME": dir + "/state"}, args...)
			if code != ExitInput && !(code == ExitUsage && !slices.Contains(args, "--auto")) {
				t.Fatalf("exit %d, want %d; stderr: %s", code, ExitInput, stderr)
			}
			if code == ExitInput && (!strings.Contains(stderr, "/dev/kycterm-no-such-video") || !strings.Contains(stderr, "no such camera device")) {
				t.Errorf("stderr does not name the device and the problem: %s", stderr)
			}
		})
	}
}

// TestDemoFlagConflicts: contradicting forms are usage errors.
func TestDemoFlagConflicts(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--camera", "/dev/video0", "--recording", "x"},
		{"demo", "--auto", "--headless"},
		{"demo", "--headless", "--camera", "/dev/video0"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := run(t, map[string]string{"XDG_CONFIG_HOME": dir + "/cfg", "XDG_STATE_HOME": dir + "/state"}, args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr: %s", code, ExitUsage, stderr)
			}
		})
	}
}
