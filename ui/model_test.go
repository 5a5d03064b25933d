package ui

import (
	"context"
	"errors"
	"image"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui/flow"
)

func TestOpenScreen(t *testing.T) {
	tests := []struct {
		name   string
		manage bool
		run    func(*testing.T, Model) Model
		check  func(*testing.T, Model, *fakeService)
	}{
		{name: "invalid UUID makes no call", run: func(t *testing.T, m Model) Model {
			m.open.input.SetValue("not-a-uuid")
			return send(t, m, keyPress("enter"), nil)
		}, check: func(t *testing.T, m Model, s *fakeService) {
			if len(s.called()) != 0 || m.open.hint == "" || m.screen != ScreenOpen {
				t.Errorf("calls %v, hint %q, screen %d", s.called(), m.open.hint, m.screen)
			}
		}},
		{name: "link opens the session", run: func(t *testing.T, m Model) Model {
			m.open.input.SetValue("https://amlkyc.tech/kyc/" + fakeUUID)
			return toSession(t, m)
		}, check: func(t *testing.T, m Model, s *fakeService) {
			if m.sess == nil || m.sess.UUID() != fakeUUID {
				t.Errorf("session %v", m.sess)
			}
		}},
		{name: "esc clears the field", run: func(t *testing.T, m Model) Model {
			return send(t, m, keyPress("esc"), nil)
		}, check: func(t *testing.T, m Model, _ *fakeService) {
			if m.open.input.Value() != "" {
				t.Errorf("value %q", m.open.input.Value())
			}
		}},
		{name: "typing fills the field", run: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("esc"), nil)
			m = send(t, m, tea.PasteMsg{Content: fakeUUID}, nil)
			return m
		}, check: func(t *testing.T, m Model, _ *fakeService) {
			if m.open.input.Value() != fakeUUID {
				t.Errorf("value %q", m.open.input.Value())
			}
		}},
		{name: "tab does nothing without an API key", run: func(t *testing.T, m Model) Model {
			return send(t, m, keyPress("tab"), nil)
		}, check: func(t *testing.T, m Model, _ *fakeService) {
			if m.open.mode != openUUID {
				t.Errorf("mode %d", m.open.mode)
			}
		}},
		{name: "list opens the selected verification", manage: true, run: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			m = send(t, m, keyPress("down"), nil)
			m = send(t, m, keyPress("down"), nil)
			return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenSession }))
		}, check: func(t *testing.T, m Model, _ *fakeService) {
			if got := m.open.input.Value(); got != "2b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a" {
				t.Errorf("opened %q", got)
			}
		}},
		{name: "filter narrows the list", manage: true, run: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			for _, r := range "boris" {
				m = send(t, m, keyPress(string(r)), nil)
			}
			return m
		}, check: func(t *testing.T, m Model, _ *fakeService) {
			if v := m.open.visible(); len(v) != 1 || v[0].Email != "boris@example.com" {
				t.Errorf("visible %v", v)
			}
		}},
		{name: "create refuses a bad e-mail", manage: true, run: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			m = send(t, m, keyPress("tab"), nil)
			return send(t, m, keyPress("enter"), nil)
		}, check: func(t *testing.T, m Model, s *fakeService) {
			if slices.Contains(s.called(), "create") || m.open.hint == "" {
				t.Errorf("calls %v hint %q", s.called(), m.open.hint)
			}
		}},
		{name: "create opens the new verification", manage: true, run: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			m = send(t, m, keyPress("tab"), nil)
			m = send(t, m, tea.PasteMsg{Content: "new@example.com"}, nil)
			return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenSession }))
		}, check: func(t *testing.T, m Model, s *fakeService) {
			if !slices.Contains(s.called(), "create") {
				t.Errorf("calls %v", s.called())
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := newFakeService()
			o := fakeOptions(svc)
			o.CanManage = tc.manage
			m := tc.run(t, newModel(t, o, 80, 24))
			tc.check(t, m, svc)
		})
	}
}

func TestOpenScreenErrorRetry(t *testing.T) {
	svc := newFakeService()
	svc.setFail("session", &api.TransportError{Endpoint: "POST /webapi/kyc/user/{uuid}", Err: errors.New("connection refused")})
	m := newModel(t, fakeOptions(svc), 80, 24)
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.open.fail != nil }))
	if !strings.Contains(plain(m), "cannot be reached") {
		t.Errorf("view does not explain the network error:\n%s", plain(m))
	}
	svc.setFail("session", nil)
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenSession }))
	if m.sess == nil {
		t.Fatal("no session after retry")
	}
}

func TestSessionScreen(t *testing.T) {
	t.Run("bad country is refused before any call", func(t *testing.T) {
		svc := newFakeService()
		m := toSession(t, newModel(t, fakeOptions(svc), 80, 24))
		m.session.country.SetValue("r")
		m = send(t, m, keyPress("enter"), nil)
		if m.session.hint == "" || m.screen != ScreenSession {
			t.Errorf("hint %q screen %d", m.session.hint, m.screen)
		}
	})
	t.Run("restrictions refuse a country", func(t *testing.T) {
		svc := newFakeService()
		m := toSession(t, newModel(t, fakeOptions(svc), 80, 24))
		// the service changed its restrictions after the screen drew them
		svc.restrict = api.Restrictions{CountryMode: "whitelist", AllowedCountries: []string{"kz"}}
		m = send(t, m, keyPress("ctrl+l"), is[paramsMsg]())
		if m.session.countries == nil || m.session.chosenCountry() != "kz" {
			t.Fatalf("whitelist not applied: %v", m.session.countries)
		}
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenDocument }))
		if _, c := m.sess.DocumentInfo(); c != "kz" {
			t.Errorf("country %q", c)
		}
	})
	t.Run("document type cycles", func(t *testing.T) {
		m := toSession(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		first := m.session.docs[m.session.doc]
		m = send(t, m, keyPress("right"), nil)
		if m.session.docs[m.session.doc] == first {
			t.Error("right did not change the document type")
		}
		m = send(t, m, keyPress("left"), nil)
		if m.session.docs[m.session.doc] != first {
			t.Error("left did not go back")
		}
	})
	t.Run("esc returns to the first screen and wipes", func(t *testing.T) {
		m := toSession(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, keyPress("esc"), when(func(m Model) bool { return m.screen == ScreenOpen }))
		if m.sess != nil {
			t.Error("session kept")
		}
	})
}

func TestDocumentScreen(t *testing.T) {
	t.Run("capture reads and checks", func(t *testing.T) {
		svc := newFakeService()
		m := captureDocument(t, newModel(t, fakeOptions(svc), 80, 24))
		if !m.sess.HasDocument() || m.document.ocr == nil {
			t.Fatal("no document or OCR")
		}
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.stage == docForm }))
		if slices.Contains(svc.called(), "check") {
			t.Fatal("check sent before the operator confirmed the fields")
		}
		m = sendForm(t, m)
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenLiveness }))
		if !slices.Contains(svc.called(), "check") {
			t.Errorf("no check: %v", svc.called())
		}
	})
	t.Run("without OCR fields the check is skipped", func(t *testing.T) {
		svc := newFakeService()
		svc.setFail("recognize", &api.Error{Status: 500})
		m := captureDocument(t, newModel(t, fakeOptions(svc), 80, 24))
		if !strings.Contains(plain(m), "could not read") {
			t.Errorf("OCR failure not shown:\n%s", plain(m))
		}
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenLiveness }))
		if slices.Contains(svc.called(), "check") {
			t.Errorf("check sent without fields: %v", svc.called())
		}
	})
	t.Run("retake drops the picture", func(t *testing.T) {
		m := captureDocument(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, keyPress("r"), when(func(m Model) bool { return m.document.view != "" }))
		if m.document.have {
			t.Error("still captured")
		}
	})
	t.Run("a missing file is explained", func(t *testing.T) {
		m := toDocument(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, keyPress("tab"), nil)
		if !m.document.fileMode {
			t.Fatal("tab did not switch to a file")
		}
		m = send(t, m, tea.PasteMsg{Content: "/no/such/passport.jpg"}, nil)
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.fail != nil }))
		if !strings.Contains(plain(m), "cannot be used") {
			t.Errorf("view:\n%s", plain(m))
		}
	})
	t.Run("no camera falls back to a file", func(t *testing.T) {
		o := fakeOptions(newFakeService())
		o.Camera = nil
		m := toSession(t, newModel(t, o, 80, 24))
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenDocument }))
		if !m.document.fileMode {
			t.Error("camera mode without a camera")
		}
	})
	t.Run("camera failure offers retry", func(t *testing.T) {
		o := fakeOptions(newFakeService())
		o.Camera = func(string) (capture.Source, error) { return nil, capture.ErrDeviceBusy }
		m := toSession(t, newModel(t, o, 80, 24))
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.fail != nil }))
		if !strings.Contains(plain(m), "used by another program") {
			t.Errorf("view:\n%s", plain(m))
		}
		m = send(t, m, keyPress("esc"), nil)
		if !m.document.fileMode || m.document.fail != nil {
			t.Error("esc did not offer a file instead of the camera")
		}
	})
}

func TestLivenessScreen(t *testing.T) {
	t.Run("frames are never captured twice", func(t *testing.T) {
		m := captureAll(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		req, err := m.sess.BuildVerifyRequest()
		if err != nil {
			t.Fatal(err)
		}
		seen := map[float64]bool{}
		for _, f := range req.Frames {
			if seen[f.Timestamp] {
				t.Fatalf("frame at %v sent twice", f.Timestamp)
			}
			seen[f.Timestamp] = true
		}
		if len(req.Frames) != 9 {
			t.Errorf("%d frames", len(req.Frames))
		}
	})
	t.Run("space captures too", func(t *testing.T) {
		m := toLiveness(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, keyPress("space"), is[capturedMsg]())
		if m.liveness.have[0] != 1 {
			t.Errorf("have %v", m.liveness.have)
		}
	})
	t.Run("retake drops a done challenge", func(t *testing.T) {
		m := captureAll(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, keyPress("left"), nil)
		m = send(t, m, keyPress("r"), is[retakenMsg]())
		if m.liveness.have[1] != 0 || !m.liveness.retaken[1] || m.liveness.active != 1 {
			t.Errorf("have %v retaken %v active %d", m.liveness.have, m.liveness.retaken, m.liveness.active)
		}
		if !strings.Contains(plain(m), "retake") {
			t.Error("retake not shown")
		}
	})
	t.Run("expiry restarts liveness", func(t *testing.T) {
		svc := newFakeService()
		m := toLiveness(t, newModel(t, fakeOptions(svc), 80, 24))
		m = send(t, m, timeLeftMsg{attempt: m.liveness.attempt, ok: true}, nil)
		if !m.liveness.expired {
			t.Fatal("not expired")
		}
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return !m.liveness.starting && m.liveness.view != "" }))
		if n := strings.Count(strings.Join(svc.called(), " "), "liveness"); n != 2 {
			t.Errorf("liveness started %d times", n)
		}
	})
	t.Run("mirror toggles and says so", func(t *testing.T) {
		m := toLiveness(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		if !strings.Contains(plain(m), "mirrored") || !strings.Contains(plain(m), "◀◀") {
			t.Fatal("mirrored preview not said")
		}
		m = send(t, m, keyPress("m"), nil)
		if !strings.Contains(plain(m), "as the camera sees") || !strings.Contains(plain(m), "▶▶") {
			t.Errorf("unmirrored preview not said:\n%s", plain(m))
		}
	})
	t.Run("auto capture with a detector", func(t *testing.T) {
		o := fakeOptions(newFakeService())
		o.Analyzer = fakeAnalyzer{}
		o.Detector = alwaysDone{}
		m := toLiveness(t, newModel(t, o, 80, 24))
		m = pump(t, m, nil, when(func(m Model) bool { return m.liveness.complete() }))
		req, err := m.sess.BuildVerifyRequest()
		if err != nil {
			t.Fatal(err)
		}
		if req.Frames[0].HeadPose == nil || req.AntiSpoofing.Score == nil {
			t.Error("analysis not sent")
		}
	})
	t.Run("without analysis nothing is invented", func(t *testing.T) {
		m := captureAll(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		req, err := m.sess.BuildVerifyRequest()
		if err != nil {
			t.Fatal(err)
		}
		if req.AntiSpoofing.Score != nil || req.Frames[0].HeadPose != nil {
			t.Error("analysis fields sent without an analyzer")
		}
	})
}

type fakeAnalyzer struct{}

func (fakeAnalyzer) Analyze(context.Context, image.Image) (flow.Analysis, error) {
	s := 0.9
	return flow.Analysis{HeadPose: &api.HeadPose{Yaw: 25}, AntiSpoof: &s}, nil
}

type alwaysDone struct{}

func (alwaysDone) Observe(string, flow.Analysis) bool { return true }
func (alwaysDone) Active() bool                       { return true }

func TestSubmitScreen(t *testing.T) {
	t.Run("esc cancels a send in flight, enter retries", func(t *testing.T) {
		svc := newFakeService()
		svc.hold = true
		m := captureAll(t, newModel(t, fakeOptions(svc), 80, 24))
		m = send(t, m, keyPress("enter"), is[progressMsg]())
		if !strings.Contains(plain(m), "300 B of 1000 B") {
			t.Errorf("progress not shown:\n%s", plain(m))
		}
		m = send(t, m, keyPress("esc"), when(func(m Model) bool { return m.submit.fail != nil }))
		if !m.submit.canceled || !strings.Contains(plain(m), "cancelled") {
			t.Errorf("cancel not shown:\n%s", plain(m))
		}
		svc.mu.Lock()
		svc.hold = false
		svc.mu.Unlock()
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenResult }))
	})
	t.Run("a validation error lists its fields, esc goes back", func(t *testing.T) {
		svc := newFakeService()
		svc.setFail("verify", &api.Error{Status: 422, Fields: map[string][]string{"passport": {"The passport field is required."}}})
		m := toSubmitFailure(t, newModel(t, fakeOptions(svc), 80, 24))
		if !strings.Contains(plain(m), "passport: The passport field is required.") {
			t.Errorf("field error not shown:\n%s", plain(m))
		}
		m = send(t, m, keyPress("esc"), when(func(m Model) bool { return m.screen == ScreenLiveness }))
		if !m.liveness.complete() {
			t.Error("frames lost going back")
		}
	})
	t.Run("an expired token restarts liveness", func(t *testing.T) {
		svc := newFakeService()
		svc.setFail("verify", &api.Error{Status: 422, Fields: map[string][]string{"challengeToken": {"The challenge token has expired."}}})
		m := toSubmitFailure(t, newModel(t, fakeOptions(svc), 80, 24))
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenLiveness && !m.liveness.starting }))
		if m.liveness.complete() {
			t.Error("old frames kept for a new token")
		}
	})
}

func TestResultScreen(t *testing.T) {
	m := toResult(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
	v := plain(m)
	for _, want := range []string{"PASSED", "0.96", "Liveness", "0.97", "0.94", "0.99", "depthScore", "0.50", `"v2"`} {
		if !strings.Contains(v, want) {
			t.Errorf("result lacks %q", want)
		}
	}
	m = send(t, m, keyPress("v"), nil)
	if v := plain(m); strings.Contains(v, "0.97") || !strings.Contains(v, "PASSED") {
		t.Errorf("customer view shows scores:\n%s", v)
	}
	sess := m.sess
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenOpen }))
	if m.sess != nil || sess.HasDocument() || len(sess.Challenges()) != 0 {
		t.Error("next customer did not wipe")
	}
	if m.open.input.Value() != "" {
		t.Error("the previous UUID is still offered")
	}
}

func TestQuit(t *testing.T) {
	isQuit := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		_, ok := cmd().(tea.QuitMsg)
		return ok
	}
	t.Run("no customer data quits at once", func(t *testing.T) {
		m := newModel(t, fakeOptions(newFakeService()), 80, 24)
		_, cmd := m.Update(keyPress("ctrl+c"))
		if !isQuit(cmd) {
			t.Error("did not quit")
		}
	})
	t.Run("customer data asks first", func(t *testing.T) {
		m := toSession(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		next, cmd := m.Update(keyPress("ctrl+c"))
		m = next.(Model)
		if isQuit(cmd) || !m.confirm {
			t.Fatal("quit without asking")
		}
		m = send(t, m, keyPress("esc"), nil)
		if m.confirm || m.sess == nil {
			t.Fatal("esc did not keep the session")
		}
		next, _ = m.Update(keyPress("ctrl+c"))
		m = next.(Model)
		sess := m.sess
		m = send(t, m, keyPress("enter"), func(msg tea.Msg, _ Model) bool { _, ok := msg.(tea.QuitMsg); return ok })
		if sess.Params().UUID != "" {
			t.Error("data not wiped on quit")
		}
	})
	t.Run("kiosk mode needs the PIN", func(t *testing.T) {
		hash, err := config.HashPIN("2468")
		if err != nil {
			t.Fatal(err)
		}
		o := fakeOptions(newFakeService())
		o.Kiosk = KioskOptions{Enabled: true, PINHash: hash}
		m := newModel(t, o, 80, 24)
		m = send(t, m, keyPress("ctrl+c"), nil)
		if !m.pinAsk {
			t.Fatal("no PIN asked")
		}
		for _, r := range "1111" {
			m = send(t, m, keyPress(string(r)), nil)
		}
		m = send(t, m, keyPress("enter"), is[pinCheckedMsg]())
		if m.pinHint == "" || !m.pinAsk {
			t.Fatal("wrong PIN accepted")
		}
		for _, r := range "2468" {
			m = send(t, m, keyPress(string(r)), nil)
		}
		send(t, m, keyPress("enter"), func(msg tea.Msg, _ Model) bool { _, ok := msg.(tea.QuitMsg); return ok })
	})
}

func TestIdleReset(t *testing.T) {
	now := fixedClock()
	o := fakeOptions(newFakeService())
	o.Now = func() time.Time { return now }
	o.Kiosk = KioskOptions{Enabled: true, IdleReset: time.Minute}
	m := toSession(t, newModel(t, o, 80, 24))
	m = send(t, m, idleTickMsg{id: m.idleID}, nil)
	if m.screen != ScreenSession {
		t.Fatal("reset before the timeout")
	}
	now = now.Add(2 * time.Minute)
	sess := m.sess
	m = send(t, m, idleTickMsg{id: m.idleID}, nil)
	if m.screen != ScreenOpen || m.sess != nil || sess.Params().UUID != "" {
		t.Error("idle timeout did not wipe and return to the first screen")
	}
}

func TestColorProfile(t *testing.T) {
	tests := []struct {
		p    colorprofile.Profile
		want ColorMode
	}{
		{colorprofile.TrueColor, TrueColor},
		{colorprofile.ANSI256, Color256},
		{colorprofile.ANSI, Color256},
		{colorprofile.Ascii, Mono},
		{colorprofile.NoTTY, Mono},
	}
	for _, tc := range tests {
		t.Run(tc.p.String(), func(t *testing.T) {
			m := newModel(t, fakeOptions(newFakeService()), 80, 24)
			next, _ := m.Update(tea.ColorProfileMsg{Profile: tc.p})
			if got := next.(Model).c.mode; got != tc.want {
				t.Errorf("mode %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Options{}); !errors.Is(err, ErrNoService) {
		t.Errorf("no service: %v", err)
	}
	if _, err := New(Options{Service: newFakeService(), Lang: "de"}); err == nil {
		t.Error("unknown language accepted")
	}
}

// TestSandboxFlow walks the whole flow against the real sandbox with the
// bundled recording, one challenge segment per challenge.
func TestSandboxFlow(t *testing.T) {
	o := sandboxOptions(t)
	m := newModel(t, o, 120, 40)
	m = toResult(t, m)
	if m.result.res == nil || len(m.result.res.Details.Scores()) < 3 {
		t.Fatalf("result %+v", m.result.res)
	}
	if !strings.Contains(plain(m), "Combined score") {
		t.Errorf("view:\n%s", plain(m))
	}
}

type countingDetector struct{ resets int }

func (d *countingDetector) Observe(string, flow.Analysis) bool { return false }
func (d *countingDetector) Active() bool                       { return false }
func (d *countingDetector) Reset()                             { d.resets++ }

func TestAnalysisResetForNextCustomerAndRetake(t *testing.T) {
	d := &countingDetector{}
	o := fakeOptions(newFakeService())
	o.Detector = d
	m := captureAll(t, newModel(t, o, 80, 24))
	m = send(t, m, keyPress("r"), is[retakenMsg]())
	if d.resets != 1 {
		t.Errorf("%d resets after a retake", d.resets)
	}
	m = send(t, m, keyPress("ctrl+x"), nil)
	if d.resets != 2 || m.screen != ScreenOpen {
		t.Errorf("%d resets, screen %d after start over", d.resets, m.screen)
	}
}

// exclusiveCamera is a device only one source can hold at a time, whose
// close takes a while, like a V4L2 camera.
type exclusiveCamera struct {
	mu   sync.Mutex
	open bool
	img  image.Image
}

type exclusiveSource struct {
	stillSource
	cam *exclusiveCamera
}

func (s *exclusiveSource) Close() error {
	time.Sleep(20 * time.Millisecond)
	s.cam.mu.Lock()
	s.cam.open = false
	s.cam.mu.Unlock()
	return nil
}

func (c *exclusiveCamera) Open(label string) (capture.Source, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open {
		return nil, capture.ErrDeviceBusy
	}
	c.open = true
	return &exclusiveSource{stillSource: stillSource{img: c.img, label: label, clock: new(atomic.Int64)}, cam: c}, nil
}

func TestCameraClosedBeforeReopen(t *testing.T) {
	cam := &exclusiveCamera{img: testImage(160, 120)}
	o := fakeOptions(newFakeService())
	o.Camera = cam.Open
	m := toLiveness(t, newModel(t, o, 80, 24))
	// each completed challenge closes the camera and opens it again
	for i := 0; i < 3 && m.liveness.fail == nil; i++ {
		m = captureOne(t, m)
	}
	if m.liveness.fail != nil || m.liveness.active != 1 {
		t.Fatalf("camera reopened while busy: %v", m.liveness.fail)
	}
	// back to the document: the liveness camera closes, the document's opens
	m = send(t, m, keyPress("esc"), when(func(m Model) bool {
		return m.screen == ScreenDocument && (m.document.view != "" || m.document.fail != nil)
	}))
	if m.document.fail != nil {
		t.Fatalf("document camera: %v", m.document.fail.err)
	}
}

type panickingAnalyzer struct{}

func (panickingAnalyzer) Analyze(context.Context, image.Image) (flow.Analysis, error) {
	panic("analyzer bug with customer data")
}

func TestCrashScreen(t *testing.T) {
	o := fakeOptions(newFakeService())
	m := toOutcome(t, newModel(t, o, 80, 24))
	m.c.opts.Analyzer = panickingAnalyzer{}
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenLiveness && m.crashed }))
	v := plain(m)
	if !strings.Contains(v, "Something went wrong") || strings.Contains(v, "customer data") || strings.Contains(v, "goroutine") {
		t.Errorf("crash screen:\n%s", v)
	}
	sess := m.sess
	m = send(t, m, keyPress("enter"), nil)
	if m.crashed || m.screen != ScreenOpen || m.sess != nil || sess.Params().UUID != "" {
		t.Error("Enter did not wipe and start over")
	}
}

type guidingFake struct{ fakeAnalyzer }

func (guidingFake) AnalyzeResult(ctx context.Context, img image.Image) (flow.Analysis, face.Result, error) {
	a, err := fakeAnalyzer{}.Analyze(ctx, img)
	return a, face.Result{Guidance: []face.Guidance{face.GuidanceTooFar, "new_hint"}}, err
}

func TestLivenessGuidance(t *testing.T) {
	o := fakeOptions(newFakeService())
	m := toLiveness(t, newModel(t, o, 80, 24))
	m.c.opts.Analyzer = guidingFake{}
	m = pump(t, m, nil, when(func(m Model) bool { return len(m.liveness.guidance) > 0 }))
	v := plain(m)
	if !strings.Contains(v, "Come closer") || !strings.Contains(v, "new_hint") {
		t.Errorf("guidance not shown:\n%s", v)
	}
}

func TestOpenByQR(t *testing.T) {
	tests := []struct {
		name   string
		read   QRReader
		screen Screen
		hint   bool
	}{
		{name: "invitation link read", screen: ScreenSession,
			read: func(image.Image) (string, error) { return "https://amlkyc.tech/kyc/" + fakeUUID, nil }},
		{name: "nothing read before the time runs out", screen: ScreenOpen, hint: true,
			read: func(image.Image) (string, error) { return "", errors.New("no QR code") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := fixedClock()
			o := fakeOptions(newFakeService())
			o.UUID = ""
			o.QR = tc.read
			var mu sync.Mutex
			o.Now = func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				now = now.Add(5 * time.Second) // each attempt takes a while
				return now
			}
			m := newModel(t, o, 80, 24)
			m = send(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}, when(func(m Model) bool {
				return m.screen != ScreenOpen || (m.open.scanID == 0 && m.open.hint != "")
			}))
			if m.screen != tc.screen || (m.open.hint != "") != tc.hint {
				t.Errorf("screen %d hint %q", m.screen, m.open.hint)
			}
		})
	}
}

func TestCameraKeptAcrossChallenges(t *testing.T) {
	opens := new(atomic.Int32)
	o := fakeOptions(newFakeService())
	cam := o.Camera
	o.Camera = func(label string) (capture.Source, error) {
		opens.Add(1)
		return cam(label)
	}
	o.CameraByLabel = false
	m := captureAll(t, newModel(t, o, 80, 24))
	// the document's camera, then one for all the challenges
	if n := opens.Load(); n != 2 {
		t.Errorf("camera opened %d times", n)
	}
	if !m.liveness.complete() {
		t.Error("not complete")
	}
}

type closeCounter struct {
	stillSource
	closes atomic.Int32
}

func (c *closeCounter) Close() error { c.closes.Add(1); return nil }

func TestStraySourceClosedOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		to   func(*testing.T, Model) Model
	}{{"session screen", toSession}, {"document screen", toDocument}, {"liveness screen", toLiveness}} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.to(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
			src := &closeCounter{}
			send(t, m, sourceOpenedMsg{id: 9999, src: src}, nil)
			for deadline := time.Now().Add(5 * time.Second); src.closes.Load() == 0 && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond)
			if n := src.closes.Load(); n != 1 {
				t.Errorf("closed %d times", n)
			}
		})
	}
}

type fakeDocumentReader struct{}

func (fakeDocumentReader) ReadDocument(context.Context, image.Image) (LocalDocument, error) {
	return LocalDocument{Confidence: 0.96, Fields: map[string]string{"firstName": "ANNA", "lastName": "MARIA", "dob": "1990-01-02"},
		Warnings: []string{"the document has expired"}}, nil
}

func TestDocumentLocalReader(t *testing.T) {
	svc := newFakeService()
	svc.setFail("recognize", &api.Error{Status: 500})
	o := fakeOptions(svc)
	o.DocumentReader = fakeDocumentReader{}
	m := toDocument(t, newModel(t, o, 120, 40))
	m = send(t, m, keyPress("enter"), when(func(m Model) bool {
		return m.document.local != nil && m.document.ocrErr != nil && m.document.busy == ""
	}))
	v := plain(m)
	for _, want := range []string{"0.96", "MARIA", "1990-01-02", "the document has expired", "opens the fields read"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// the check goes with the local reader's fields even without the OCR
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.stage == docForm }))
	if got := m.document.form.values()["lastName"]; got != "MARIA" {
		t.Errorf("lastName pre-filled with %q", got)
	}
	m = sendForm(t, m)
	m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenLiveness }))
	if !slices.Contains(svc.called(), "check") {
		t.Errorf("no check: %v", svc.called())
	}
}

// TestHelpKeyWhileTyping: while a text field has the focus ? is typed
// into it and F1 (which the footer names) opens the help; ? closes it,
// and opens it where nothing is typed.
func TestHelpKeyWhileTyping(t *testing.T) {
	t.Run("open screen", func(t *testing.T) {
		m := newModel(t, fakeOptions(newFakeService()), 80, 24)
		before := m.open.input.Value()
		m = send(t, m, keyPress("?"), nil)
		if m.showHelp || m.open.input.Value() != before+"?" {
			t.Fatalf("? opened the help %v, input %q", m.showHelp, m.open.input.Value())
		}
		if v := plain(m); !strings.Contains(v, "f1 help") || strings.Contains(v, "? help") {
			t.Errorf("footer does not name f1:\n%s", v)
		}
		m = send(t, m, keyPress("f1"), nil)
		if !m.showHelp {
			t.Fatal("f1 did not open the help")
		}
		m = send(t, m, keyPress("?"), nil)
		if m.showHelp || m.open.input.Value() != before+"?" {
			t.Fatalf("? did not close the help (%v) or was typed (%q)", m.showHelp, m.open.input.Value())
		}
	})
	t.Run("check form", func(t *testing.T) {
		m := toForm(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		before := m.document.form.values()["lastName"]
		m = send(t, m, keyPress("?"), nil)
		if m.showHelp || m.document.form.values()["lastName"] != before+"?" {
			t.Fatalf("? opened the help %v, lastName %q", m.showHelp, m.document.form.values()["lastName"])
		}
		m = send(t, m, keyPress("esc"), nil)
		m = send(t, m, keyPress("?"), nil)
		if !m.showHelp {
			t.Error("? on the photo did not open the help")
		}
	})
}
