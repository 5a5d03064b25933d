package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kycterm/kycterm/api"
)

// runAuto runs the self-walking TUI as a program until it ends and
// returns its final state and the screens it pressed Enter on.
func runAuto(t *testing.T, o Options, a AutoOptions) (Auto, []Screen, []string) {
	t.Helper()
	var screens []Screen
	var views []string
	a.OnStep = func(s Screen, v string) {
		screens = append(screens, s)
		views = append(views, ansi.Strip(v))
	}
	m, err := NewAuto(o, a)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(Auto)
	return final, screens, views
}

func TestAutoWalksToResult(t *testing.T) {
	tests := []struct {
		name   string
		verify *api.VerifyResponse
	}{
		{"passed", &api.VerifyResponse{Success: true, Score: 0.9, Passed: true}},
		{"not passed", &api.VerifyResponse{Success: true, Score: 0.4, Passed: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeService()
			svc.verify = tt.verify
			o := fakeOptions(svc)
			o.Now = nil
			final, screens, views := runAuto(t, o, AutoOptions{Pause: 5 * time.Millisecond, Linger: 5 * time.Millisecond})
			if err := final.Err(); err != nil {
				t.Fatalf("walk stopped: %v (screens %v)", err, screens)
			}
			// on the document: the photo, the check's form, its outcome
			var doc []string
			for i, s := range screens {
				if s == ScreenDocument {
					doc = append(doc, views[i])
				}
			}
			walked := strings.Join(doc, "\n")
			for _, want := range []string{"Document captured", "Confirm the fields", "recorded the check"} {
				if !strings.Contains(walked, want) {
					t.Errorf("the walk never pressed Enter on %q", want)
				}
			}
			res := final.Result()
			if res == nil || res.Passed != tt.verify.Passed || res.Score != tt.verify.Score {
				t.Fatalf("result %+v, want %+v", res, tt.verify)
			}
			// every screen in flow order, and Enter on each before the result
			seen := map[Screen]bool{}
			last := ScreenOpen
			for _, s := range screens {
				if s < last {
					t.Errorf("went back from screen %d to %d: %v", last, s, screens)
				}
				last, seen[s] = s, true
			}
			for _, s := range []Screen{ScreenOpen, ScreenSession, ScreenDocument, ScreenLiveness, ScreenResult} {
				if !seen[s] {
					t.Errorf("screen %d never walked: %v", s, screens)
				}
			}
			calls := strings.Join(svc.called(), " ")
			for _, c := range []string{"session", "liveness", "upload", "verify"} {
				if !strings.Contains(calls, c) {
					t.Errorf("no %s call: %s", c, calls)
				}
			}
		})
	}
}

func TestAutoGivesUp(t *testing.T) {
	tests := []struct {
		name string
		fail string
		err  error
		want error
	}{
		{"session keeps failing", "session", &api.Error{Status: 500, Message: "boom"}, api.ErrServer},
		{"verify keeps failing", "verify", &api.Error{Status: 500, Message: "boom"}, api.ErrServer},
		{"unknown verification", "session", &api.Error{Status: 404, Message: "Verification not found."}, api.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeService()
			svc.setFail(tt.fail, tt.err)
			o := fakeOptions(svc)
			o.Now = nil
			final, _, _ := runAuto(t, o, AutoOptions{Pause: 5 * time.Millisecond, Linger: 5 * time.Millisecond})
			if final.Result() != nil {
				t.Fatalf("a result despite the failing %s", tt.fail)
			}
			if !errors.Is(final.Err(), tt.want) {
				t.Fatalf("Err = %v, want %v", final.Err(), tt.want)
			}
		})
	}
}

func TestAutoCannotTypeAPath(t *testing.T) {
	svc := newFakeService()
	o := fakeOptions(svc)
	o.Now = nil
	o.Camera = nil // the document can only come from a file
	final, _, _ := runAuto(t, o, AutoOptions{Pause: 5 * time.Millisecond})
	if !errors.Is(final.Err(), ErrAutoStuck) {
		t.Fatalf("Err = %v, want ErrAutoStuck", final.Err())
	}
}

// TestAutoKeyEndsResult: on the result, the operator's key ends the
// demo at once.
func TestAutoKeyEndsResult(t *testing.T) {
	svc := newFakeService()
	o := fakeOptions(svc)
	o.Now = nil
	m, err := NewAuto(o, AutoOptions{Pause: 5 * time.Millisecond, Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Combined score") },
		teatest.WithDuration(20*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Auto)
	if final.Result() == nil || !final.Result().Passed {
		t.Fatalf("result %+v", final.Result())
	}
}
