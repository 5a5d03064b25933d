package ui

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
)

const (
	testKey  = "7500|abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	fakeUUID = "0b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a"
)

// fakeService answers like the service, always the same, so views are
// reproducible; it records calls and can fail any of them.
type fakeService struct {
	mu        sync.Mutex
	calls     []string
	fail      map[string]error
	challenge []string
	verify    *api.VerifyResponse
	list      []api.Verification
	restrict  api.Restrictions
	// hold makes Upload wait until its context ends.
	hold bool
	// checkSteps are the steps the check answers with.
	checkSteps string
	// checks are the check requests received.
	checks []api.CheckRequest
	// ocrData, when set, replaces the OCR's fields.
	ocrData map[string]any
}

func newFakeService() *fakeService {
	details := api.Details{}
	_ = json.Unmarshal([]byte(`{"livenessScore":0.97,"faceMatchScore":0.94,"antiSpoofingScore":0.99,"depthScore":0.5,"model":"v2"}`), &details)
	end := "2026-11-25T20:30:00Z"
	_ = end
	return &fakeService{
		fail:      map[string]error{},
		challenge: []string{"turn_left", "blink", "smile"},
		verify:    &api.VerifyResponse{Success: true, Score: 0.96, Passed: true, Details: details},
		list: []api.Verification{
			{UUID: fakeUUID, Email: "anna@example.com", Status: api.StatusInProcess, LivenessStatus: api.LivenessPending},
			{UUID: "1b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a", Email: "boris@example.com", Status: api.StatusSuccess, LivenessStatus: api.LivenessPass, LivenessAttempts: 1},
			{UUID: "2b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a", Email: "clara@example.org", Status: api.StatusFailed, LivenessStatus: api.LivenessFail, LivenessAttempts: 3},
		},
	}
}

func (f *fakeService) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	return f.fail[name]
}

func (f *fakeService) setFail(name string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[name] = err
}

// checked returns the check requests received.
func (f *fakeService) checked() []api.CheckRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.CheckRequest(nil), f.checks...)
}

func (f *fakeService) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeService) params() *api.Params {
	end := "2026-11-25T20:30:00Z"
	return &api.Params{Success: true, UUID: fakeUUID, Status: api.StatusInProcess, Step: 1, SessionEnd: &end, Restrictions: f.restrict}
}

func (f *fakeService) CreateVerification(_ context.Context, req api.CreateVerificationRequest) (*api.CreateVerificationResponse, error) {
	if err := f.call("create"); err != nil {
		return nil, err
	}
	return &api.CreateVerificationResponse{Success: true, Item: api.Verification{UUID: fakeUUID, Email: req.Email}}, nil
}

func (f *fakeService) ListVerifications(context.Context) (*api.ListVerificationsResponse, error) {
	if err := f.call("list"); err != nil {
		return nil, err
	}
	return &api.ListVerificationsResponse{Items: f.list}, nil
}

func (f *fakeService) StartSession(context.Context, string) (*api.Params, error) {
	if err := f.call("session"); err != nil {
		return nil, err
	}
	return f.params(), nil
}

func (f *fakeService) Params(context.Context, string) (*api.Params, error) {
	if err := f.call("params"); err != nil {
		return nil, err
	}
	return f.params(), nil
}

func (f *fakeService) Upload(ctx context.Context, _ string, _ api.UploadRequest, progress api.ProgressFunc) error {
	if err := f.call("upload"); err != nil {
		return err
	}
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold {
		if progress != nil {
			progress(300, 1000)
		}
		<-ctx.Done()
		return ctx.Err()
	}
	if progress != nil {
		progress(1000, 1000)
	}
	return nil
}

func (f *fakeService) CheckDocument(_ context.Context, _ string, req api.CheckRequest) (*api.Params, error) {
	if err := f.call("check"); err != nil {
		return nil, err
	}
	p := f.params()
	f.mu.Lock()
	f.checks = append(f.checks, req)
	if f.checkSteps != "" {
		p.Steps = json.RawMessage(f.checkSteps)
	}
	f.mu.Unlock()
	return p, nil
}

func (f *fakeService) RecognizeDocument(context.Context, string, api.RecognizeRequest) (*api.RecognizeResponse, error) {
	if err := f.call("recognize"); err != nil {
		return nil, err
	}
	data := map[string]any{"firstName": "ANNA", "lastName": "IVANOVA", "dob": "1990-04-12"}
	f.mu.Lock()
	if f.ocrData != nil {
		data = f.ocrData
	}
	f.mu.Unlock()
	return &api.RecognizeResponse{Success: true, Confidence: 0.91, Data: data,
		Warnings: []string{"glare on the photo page"}}, nil
}

func (f *fakeService) StartLiveness(context.Context, string) (*api.StartLivenessResponse, error) {
	if err := f.call("liveness"); err != nil {
		return nil, err
	}
	cs := make([]api.Challenge, len(f.challenge))
	for i, c := range f.challenge {
		cs[i] = api.NewChallenge(c)
	}
	return &api.StartLivenessResponse{Success: true, ChallengeToken: "tok", Challenges: cs, TimeoutSeconds: 120}, nil
}

func (f *fakeService) VerifyLiveness(_ context.Context, _ string, _ *api.VerifyRequest, progress api.ProgressFunc) (*api.VerifyResponse, error) {
	if err := f.call("verify"); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(5000, 5000)
	}
	return f.verify, nil
}

// testImage is a synthetic camera picture: a light background with a
// face-coloured oval, left half redder than the right.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 210, 220, 255}
			dx, dy := float64(x-w/2)/(0.25*float64(w)), float64(y-h/2)/(0.4*float64(h))
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{190, 150, 120, 255}
			}
			if x < w/8 {
				c = color.RGBA{220, 30, 30, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// stillSource is a camera that shows one picture, a new frame each time
// it is asked.
type stillSource struct {
	mu    sync.Mutex
	img   image.Image
	seq   uint64
	label string
	// clock is shared by the sources of one test, so frames of different
	// sources never carry the same time, as with a real camera.
	clock *atomic.Int64
}

func (s *stillSource) Start(context.Context) error { return nil }
func (s *stillSource) Close() error                { return nil }
func (s *stillSource) Next(context.Context) (capture.Frame, error) {
	f, _ := s.Latest()
	return f, nil
}

func (s *stillSource) Latest() (capture.Frame, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	tick := s.clock.Add(1)
	return capture.Frame{Image: s.img, Seq: s.seq, Wall: time.Unix(1764100000, 0).Add(time.Duration(tick) * 100 * time.Millisecond),
		ChallengeIndex: -1, Label: s.label}, true
}

// fixedClock is a clock that does not move.
func fixedClock() time.Time { return time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC) }

// fakeOptions builds options over the fake service and a still camera.
func fakeOptions(svc *fakeService) Options {
	fo := flow.DefaultOptions()
	fo.Clock = fixedClock
	img := testImage(320, 240)
	clock := new(atomic.Int64)
	return Options{
		Service: svc,
		Flow:    fo,
		Camera: func(label string) (capture.Source, error) {
			return &stillSource{img: img, label: label, clock: clock}, nil
		},
		Lang:          "en",
		DocumentType:  "passport",
		Country:       "ru",
		UUID:          fakeUUID,
		Now:           fixedClock,
		FrameInterval: 10 * time.Millisecond,
	}
}

// sandboxOptions runs the real sandbox over HTTP and returns options for
// it with the bundled recording as the camera and a new verification.
func sandboxOptions(t *testing.T) Options {
	t.Helper()
	return sandboxOptionsWith(t, nil)
}

// sandboxOptionsWith is sandboxOptions with the sandbox reading documents
// with reader (nil: it reads none).
func sandboxOptionsWith(t *testing.T, reader sandbox.DocumentReader) Options {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{APIKey: testKey, DocumentReader: reader})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(api.Config{BaseURL: srv.URL, APIKey: testKey, UserAgent: "kycterm/test"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.CreateVerification(context.Background(), api.CreateVerificationRequest{Email: "t@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	demo := assets.Demo()
	return Options{
		Service: c,
		Flow:    flow.DefaultOptions(),
		Camera: func(label string) (capture.Source, error) {
			return capture.OpenRecordingFS(demo, "recording", capture.ReplayOptions{Pace: capture.RealTime, Loop: true, Label: label, Interval: 20 * time.Millisecond})
		},
		CameraByLabel: true,
		DocumentCamera: func() (capture.Source, error) {
			return capture.OpenImageFS(demo, "passport.jpg", capture.ReplayOptions{Pace: capture.RealTime, Loop: true, Interval: 20 * time.Millisecond})
		},
		Lang:          "en",
		DocumentType:  "passport",
		Country:       "ru",
		UUID:          res.Item.UUID,
		CanManage:     true,
		Demo:          true,
		FrameInterval: 10 * time.Millisecond,
	}
}

// runners holds, for each model (keyed by its shared *common), the
// messages of commands still in flight, so a command started during one
// pump delivers its message to the next, as in a running program.
var runners sync.Map

func queueOf(m Model) chan tea.Msg {
	v, _ := runners.LoadOrStore(m.c, make(chan tea.Msg, 1024))
	return v.(chan tea.Msg)
}

// pump runs cmd and every command the messages it produces lead to,
// feeding the messages to m one at a time, until a message satisfies
// until (after it is applied) or the time runs out.
func pump(t *testing.T, m Model, cmd tea.Cmd, until func(tea.Msg, Model) bool) Model {
	t.Helper()
	msgs := queueOf(m)
	t.Cleanup(func() { runners.Delete(m.c) })
	start := func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() { msgs <- c() }()
	}
	start(cmd)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case msg := <-msgs:
			if msg == nil {
				continue
			}
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					start(c)
				}
				continue
			}
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && reflect.TypeOf(msg).Name() == "sequenceMsg" {
				// run in order, as tea.Sequence does
				cmds := make([]tea.Cmd, v.Len())
				for i := range cmds {
					cmds[i], _ = v.Index(i).Interface().(tea.Cmd)
				}
				go func() {
					for _, c := range cmds {
						if c != nil {
							msgs <- c()
						}
					}
				}()
				continue
			}
			next, c := m.Update(msg)
			m = next.(Model)
			start(c)
			if until(msg, m) {
				return m
			}
		case <-deadline:
			t.Fatalf("pump: condition not met; screen %d:\n%s", m.screen, plain(m))
			return m
		}
	}
}

// send applies msg and pumps what follows until until holds; with a nil
// until the command still runs, its message waiting for the next pump, as
// in a running program.
func send(t *testing.T, m Model, msg tea.Msg, until func(tea.Msg, Model) bool) Model {
	t.Helper()
	next, cmd := m.Update(msg)
	m = next.(Model)
	if until == nil {
		if cmd != nil {
			q := queueOf(m)
			t.Cleanup(func() { runners.Delete(m.c) })
			go func() { q <- cmd() }()
		}
		return m
	}
	if until(msg, m) {
		return m
	}
	return pump(t, m, cmd, until)
}

// is returns a condition met by the first message of type T.
func is[T tea.Msg]() func(tea.Msg, Model) bool {
	return func(msg tea.Msg, _ Model) bool {
		_, ok := msg.(T)
		return ok
	}
}

// when returns a condition on the model.
func when(f func(Model) bool) func(tea.Msg, Model) bool {
	return func(_ tea.Msg, m Model) bool { return f(m) }
}

// key makes a key press.
func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+x":
		return tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}
	case "f1":
		return tea.KeyPressMsg{Code: tea.KeyF1}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// newModel builds a model at a size.
func newModel(t *testing.T, o Options, w, h int) Model {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return next.(Model)
}

// plain is the view without ANSI sequences and trailing spaces.
func plain(m Model) string {
	s := ansi.Strip(m.Render())
	lines := []byte{}
	for i, l := range splitLines(s) {
		if i > 0 {
			lines = append(lines, '\n')
		}
		lines = append(lines, trimRight(l)...)
	}
	return string(lines) + "\n"
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func trimRight(s string) string {
	i := len(s)
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return s[:i]
}
