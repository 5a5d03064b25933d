package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kycterm/kycterm/api"
)

// The steps that bring a model over the fake service to each screen.

func toSession(t *testing.T, m Model) Model {
	t.Helper()
	return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenSession }))
}

func toDocument(t *testing.T, m Model) Model {
	t.Helper()
	m = toSession(t, m)
	return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenDocument && m.document.view != "" }))
}

func captureDocument(t *testing.T, m Model) Model {
	t.Helper()
	m = toDocument(t, m)
	return send(t, m, keyPress("enter"), when(func(m Model) bool {
		d := m.document
		return d.have && d.busy == "" && d.thumb != "" && !d.reading() && (d.ocr != nil || d.ocrErr != nil)
	}))
}

// toForm opens the check's form on the captured document.
func toForm(t *testing.T, m Model) Model {
	t.Helper()
	return openForm(t, captureDocument(t, m))
}

// openForm presses Enter on the captured view for the form.
func openForm(t *testing.T, m Model) Model {
	t.Helper()
	return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.stage == docForm }))
}

// sendForm presses Enter on the form and waits for the answer (or the
// form's refusal).
func sendForm(t *testing.T, m Model) Model {
	t.Helper()
	return send(t, m, keyPress("enter"), when(func(m Model) bool {
		d := m.document
		return d.busy == "" && (d.stage == docOutcome || d.form.blocked() || d.form.failed != nil)
	}))
}

// toOutcome sends the form as read and waits for the check's outcome.
func toOutcome(t *testing.T, m Model) Model {
	t.Helper()
	return sendForm(t, toForm(t, m))
}

// toLiveness sends the check as read (Enter on the photo, the form and
// the outcome) or, with nothing read, skips it (Enter on the photo).
func toLiveness(t *testing.T, m Model) Model {
	t.Helper()
	m = captureDocument(t, m)
	if m.document.readAnything() {
		m = sendForm(t, openForm(t, m))
	}
	return send(t, m, keyPress("enter"), when(func(m Model) bool {
		return m.screen == ScreenLiveness && !m.liveness.starting && m.liveness.limited && (m.liveness.view != "" || m.liveness.fail != nil)
	}))
}

// captureOne presses Enter once on the liveness screen and waits for the
// frame to be kept and the camera to be ready again.
func captureOne(t *testing.T, m Model) Model {
	t.Helper()
	before := total(m.liveness.have)
	return send(t, m, keyPress("enter"), when(func(m Model) bool {
		l := m.liveness
		return !l.capturing && total(l.have) > before && (l.complete() || l.view != "") || l.fail != nil
	}))
}

func total(h []int) int {
	n := 0
	for _, v := range h {
		n += v
	}
	return n
}

func captureAll(t *testing.T, m Model) Model {
	t.Helper()
	m = toLiveness(t, m)
	for i := 0; !m.liveness.complete(); i++ {
		if i > 20 || m.liveness.fail != nil {
			t.Fatalf("liveness did not complete:\n%s", plain(m))
		}
		m = captureOne(t, m)
	}
	return m
}

func toResult(t *testing.T, m Model) Model {
	t.Helper()
	m = captureAll(t, m)
	return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenResult }))
}

func toSubmitFailure(t *testing.T, m Model) Model {
	t.Helper()
	m = captureAll(t, m)
	return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.screen == ScreenSubmit && m.submit.fail != nil }))
}

// withLocalReader installs the fake local reader, whose reading differs
// from the fake service's in lastName and dob.
func withLocalReader(_ *fakeService, o *Options) { o.DocumentReader = fakeDocumentReader{} }

func TestGolden(t *testing.T) {
	validation := &api.Error{Status: 422, Message: "The given data was invalid.", Endpoint: "POST /webapi/kyc/user/{uuid}/liveness/verify",
		Fields: map[string][]string{"frames.0.image": {"The frames.0.image field must be an image."}, "country": {"The country field is required."}}}
	states := []struct {
		name  string
		setup func(*fakeService, *Options)
		build func(*testing.T, Model) Model
	}{
		{name: "open", build: func(_ *testing.T, m Model) Model { return m }},
		{name: "open_invalid", build: func(t *testing.T, m Model) Model {
			m.open.input.SetValue("https://amlkyc.tech/kyc/not-a-uuid")
			return send(t, m, keyPress("enter"), nil)
		}},
		{name: "open_list", setup: func(_ *fakeService, o *Options) { o.CanManage = true }, build: func(t *testing.T, m Model) Model {
			return send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
		}},
		{name: "open_list_filtered", setup: func(_ *fakeService, o *Options) { o.CanManage = true }, build: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			for _, r := range "clara" {
				m = send(t, m, keyPress(string(r)), nil)
			}
			return m
		}},
		{name: "open_create", setup: func(_ *fakeService, o *Options) { o.CanManage = true }, build: func(t *testing.T, m Model) Model {
			m = send(t, m, keyPress("tab"), when(func(m Model) bool { return m.open.loaded }))
			return send(t, m, keyPress("tab"), nil)
		}},
		{name: "open_error", setup: func(s *fakeService, _ *Options) {
			s.setFail("session", &api.Error{Status: 404, Message: "Verification not found.", Endpoint: "POST /webapi/kyc/user/{uuid}"})
		}, build: func(t *testing.T, m Model) Model {
			return send(t, m, keyPress("enter"), when(func(m Model) bool { return m.open.fail != nil }))
		}},
		{name: "session", build: toSession},
		{name: "session_whitelist", setup: func(s *fakeService, _ *Options) {
			s.restrict = api.Restrictions{CountryMode: "whitelist", AllowedCountries: []string{"kz", "ru"}, AllowedDocumentTypes: []string{"passport", "id_card"}}
		}, build: toSession},
		{name: "document_camera", build: toDocument},
		{name: "document_captured", build: captureDocument},
		{name: "document_compared", setup: withLocalReader, build: captureDocument},
		{name: "document_form", setup: withLocalReader, build: toForm},
		{name: "document_form_invalid", build: func(t *testing.T, m Model) Model {
			m = toForm(t, m)
			f := m.document.form
			f.fields[f.index("firstName")].input.SetValue("")
			f.fields[f.index("dob")].input.SetValue("31.02.1990")
			return sendForm(t, m)
		}},
		{name: "document_check_error", setup: func(s *fakeService, _ *Options) {
			s.setFail("check", &api.Error{Status: 422, Message: "The given data was invalid.", Endpoint: "POST /webapi/kyc/user/{uuid}/check",
				Fields: map[string][]string{"dob": {"The dob field must be a valid date."}, "document_type": {"The selected document type is invalid."}}})
		}, build: toOutcome},
		{name: "document_check_network_error", setup: func(s *fakeService, _ *Options) {
			s.setFail("check", &api.TransportError{Endpoint: "POST /webapi/kyc/user/{uuid}/check", Err: fmt.Errorf("connection refused")})
		}, build: toOutcome},
		{name: "document_outcome_match", setup: func(s *fakeService, _ *Options) { s.checkSteps = `{"check":{"status":"match"}}` }, build: toOutcome},
		{name: "document_outcome_mismatch", setup: func(s *fakeService, _ *Options) {
			s.checkSteps = `{"check":{"status":"mismatch","mismatch":["lastName","dob"]}}`
		}, build: toOutcome},
		{name: "document_outcome_none", build: toOutcome},
		{name: "liveness", build: toLiveness},
		{name: "liveness_unmirrored", build: func(t *testing.T, m Model) Model {
			m = toLiveness(t, m)
			return send(t, m, keyPress("m"), nil)
		}},
		{name: "liveness_one_done", build: func(t *testing.T, m Model) Model {
			m = toLiveness(t, m)
			for range 3 {
				m = captureOne(t, m)
			}
			return m
		}},
		{name: "liveness_complete", build: captureAll},
		{name: "liveness_expired", build: func(t *testing.T, m Model) Model {
			m = toLiveness(t, m)
			return send(t, m, timeLeftMsg{attempt: m.liveness.attempt, left: 0, ok: true}, nil)
		}},
		{name: "liveness_unknown_challenge", setup: func(s *fakeService, _ *Options) { s.challenge = []string{"wave_hand", "blink"} }, build: toLiveness},
		{name: "submit_validation_error", setup: func(s *fakeService, _ *Options) { s.setFail("verify", validation) }, build: toSubmitFailure},
		{name: "submit_token_expired", setup: func(s *fakeService, _ *Options) {
			s.setFail("verify", &api.Error{Status: 422, Message: "The challenge token has expired.", Fields: map[string][]string{"challengeToken": {"The challenge token has expired."}}})
		}, build: toSubmitFailure},
		{name: "submit_network_error", setup: func(s *fakeService, _ *Options) {
			s.setFail("upload", &api.TransportError{Endpoint: "PUT /webapi/kyc/user/{uuid}", Err: fmt.Errorf("connection refused")})
		}, build: toSubmitFailure},
		{name: "result", build: toResult},
		{name: "result_customer", build: func(t *testing.T, m Model) Model {
			m = toResult(t, m)
			return send(t, m, keyPress("v"), nil)
		}},
		{name: "result_not_passed", setup: func(s *fakeService, _ *Options) {
			s.verify = &api.VerifyResponse{Success: true, Score: 0.41, Passed: false, Details: s.verify.Details}
		}, build: toResult},
		{name: "quit_confirm", build: func(t *testing.T, m Model) Model {
			m = toSession(t, m)
			return send(t, m, keyPress("ctrl+c"), nil)
		}},
		{name: "kiosk_pin", setup: func(_ *fakeService, o *Options) { o.Kiosk = KioskOptions{Enabled: true, PINHash: "x"} }, build: func(t *testing.T, m Model) Model {
			return send(t, m, keyPress("ctrl+c"), nil)
		}},
		{name: "help", build: func(t *testing.T, m Model) Model {
			m = toLiveness(t, m)
			return send(t, m, keyPress("?"), nil)
		}},
		{name: "demo_banner_ru", setup: func(_ *fakeService, o *Options) { o.Demo, o.Lang = true, "ru" }, build: toLiveness},
	}
	for _, st := range states {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", st.name, size[0], size[1]), func(t *testing.T) {
				svc := newFakeService()
				o := fakeOptions(svc)
				if st.setup != nil {
					st.setup(svc, &o)
				}
				m := newModel(t, o, size[0], size[1])
				m = st.build(t, m)
				golden.RequireEqual(t, plain(m))
			})
		}
	}
}

func TestGoldenTooSmall(t *testing.T) {
	m := newModel(t, fakeOptions(newFakeService()), 50, 15)
	golden.RequireEqual(t, plain(m))
	// keys do nothing while the terminal is too small
	next, _ := m.Update(keyPress("enter"))
	if next.(Model).open.busy {
		t.Error("Enter acted on a screen too small to show")
	}
	_ = tea.Quit
}
