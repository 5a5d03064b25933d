package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/ui/i18n"
)

// TestFieldLabelsTranslated checks every check field has its label in
// both catalogs (TestEveryKeyTranslated cannot see computed keys).
func TestFieldLabelsTranslated(t *testing.T) {
	for _, lang := range i18n.Langs() {
		tr, err := i18n.New(lang)
		if err != nil {
			t.Fatal(err)
		}
		c := &common{tr: tr, width: 80}
		f := newCheckForm(c, nil, map[string]any{"seria": "1", "number": "2", "passport_date": "2010-01-01",
			"residence": "x", "country": "ru", "city": "x", "zipCode": "1", "fullAddress": "x"}, "ru")
		for _, ff := range f.fields {
			t.Run(lang+"/"+ff.name, func(t *testing.T) {
				if !tr.Has("field." + ff.name) {
					t.Fatalf("%s lacks field.%s", lang, ff.name)
				}
			})
		}
	}
}

func TestNewCheckForm(t *testing.T) {
	tr, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	c := &common{tr: tr, width: 80, styles: DefaultStyles()}
	tests := []struct {
		name    string
		local   map[string]string
		service map[string]any
		country string
		// want is each field on the form as name=value, ≠other when marked
		want string
	}{
		{"nothing read", nil, nil, "ru",
			"lastName= firstName= patronymic= dob= document_number= citizenship="},
		{"local first, service for the rest, disagreement marked",
			map[string]string{"lastName": "ERIKSSON", "dob": "1974-08-12"},
			map[string]any{"lastName": "ERIKSEN", "firstName": "ANNA", "dob": "12.08.1974", "seria": "4509", "sex": "F"}, "ru",
			"lastName=ERIKSSON≠ERIKSEN firstName=ANNA patronymic= dob=1974-08-12 document_number= citizenship= seria=4509"},
		{"the session's country, the MRZ's marked",
			map[string]string{"country": "uto", "citizenship": "uto"}, map[string]any{"country": "uto"}, "ru",
			"lastName= firstName= patronymic= dob= document_number= citizenship=uto country=ru≠uto"},
		{"the session's country agrees", map[string]string{"country": "RU"}, nil, "ru",
			"lastName= firstName= patronymic= dob= document_number= citizenship= country=ru"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newCheckForm(c, tc.local, tc.service, tc.country)
			var got []string
			for _, ff := range f.fields {
				s := ff.name + "=" + ff.input.Value()
				if ff.other != "" {
					s += "≠" + ff.other
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("form\n%s\nwant\n%s", g, tc.want)
			}
			if f.focus != 0 || !f.fields[0].input.Focused() {
				t.Error("the first field is not focused")
			}
		})
	}
}

// typeInto sends the runes of s as key presses.
func typeInto(t *testing.T, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = send(t, m, keyPress(string(r)), nil)
	}
	return m
}

// focused is the name of the form's focused field.
func focused(m Model) string {
	f := m.document.form
	return f.fields[f.focus].name
}

func TestCheckForm(t *testing.T) {
	t.Run("keys move between the fields", func(t *testing.T) {
		m := toForm(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		var got []string
		for _, k := range []string{"tab", "down", "shift+tab", "up", "up"} {
			m = send(t, m, keyPress(k), nil)
			got = append(got, focused(m))
		}
		if g := strings.Join(got, ","); g != "firstName,patronymic,firstName,lastName,citizenship" {
			t.Errorf("focus went %s", g)
		}
		for i, ff := range m.document.form.fields {
			if ff.input.Focused() != (i == m.document.form.focus) {
				t.Errorf("%s focused %v", ff.name, ff.input.Focused())
			}
		}
	})
	t.Run("Esc keeps the edits", func(t *testing.T) {
		svc := newFakeService()
		m := toForm(t, newModel(t, fakeOptions(svc), 80, 24))
		m = typeInto(t, m, "A")
		m = send(t, m, keyPress("esc"), nil)
		if m.document.stage != docRead || m.screen != ScreenDocument {
			t.Fatalf("Esc went to screen %d stage %d", m.screen, m.document.stage)
		}
		if v := plain(m); !strings.Contains(v, "returns to the fields you edited") {
			t.Errorf("the captured view does not say the edits are kept:\n%s", v)
		}
		m = send(t, m, keyPress("enter"), when(func(m Model) bool { return m.document.stage == docForm }))
		if got := m.document.form.values()["lastName"]; got != "IVANOVAA" {
			t.Errorf("lastName %q after Esc and back", got)
		}
		if len(svc.checked()) != 0 {
			t.Error("check sent by Esc")
		}
	})
	t.Run("refused fields are said, kept and not sent", func(t *testing.T) {
		svc := newFakeService()
		m := toForm(t, newModel(t, fakeOptions(svc), 80, 24))
		f := m.document.form
		f.fields[f.index("dob")].input.SetValue("2030-01-01")
		f.fields[f.index("firstName")].input.SetValue("  ")
		m = send(t, m, keyPress("enter"), nil)
		v := plain(m)
		for _, want := range []string{"✗ Required", "✗ The date is in the future", "2030-01-01"} {
			if !strings.Contains(v, want) {
				t.Errorf("view lacks %q:\n%s", want, v)
			}
		}
		if focused(m) != "firstName" || m.document.busy != "" || len(svc.checked()) != 0 {
			t.Fatalf("focus %s busy %q checks %d", focused(m), m.document.busy, len(svc.checked()))
		}
		// typing clears that field's message
		m = typeInto(t, m, "ANNA")
		if strings.Contains(plain(m), "✗ Required") {
			t.Error("the message stayed after typing")
		}
	})
	t.Run("sent normalized", func(t *testing.T) {
		svc := newFakeService()
		svc.ocrData = map[string]any{"lastName": " ERIKSSON ", "firstName": "ANNA", "dob": "12.08.1974", "citizenship": "UTO"}
		m := toOutcome(t, newModel(t, fakeOptions(svc), 80, 24))
		got := svc.checked()
		want := api.CheckRequest{LastName: "ERIKSSON", FirstName: "ANNA", DOB: "1974-08-12", Citizenship: "uto", DocumentType: "passport"}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("sent %+v, want %+v", got, want)
		}
		if m.document.stage != docOutcome || !strings.Contains(plain(m), "1974-08-12") {
			t.Errorf("outcome:\n%s", plain(m))
		}
	})
	t.Run("nothing read: e types the fields", func(t *testing.T) {
		svc := newFakeService()
		svc.ocrData = map[string]any{}
		m := captureDocument(t, newModel(t, fakeOptions(svc), 80, 24))
		if v := plain(m); !strings.Contains(v, "Nothing was read") {
			t.Errorf("view:\n%s", v)
		}
		m = send(t, m, keyPress("e"), when(func(m Model) bool { return m.document.stage == docForm }))
		m = typeInto(t, m, "Eriksson")
		m = send(t, m, keyPress("tab"), nil)
		m = typeInto(t, m, "Anna")
		for range 2 {
			m = send(t, m, keyPress("tab"), nil)
		}
		m = typeInto(t, m, "12.08.1974")
		m = sendForm(t, m)
		if got := svc.checked(); len(got) != 1 || got[0].LastName != "Eriksson" || got[0].DOB != "1974-08-12" {
			t.Fatalf("sent %+v", got)
		}
	})
	t.Run("s skips the check", func(t *testing.T) {
		svc := newFakeService()
		m := captureDocument(t, newModel(t, fakeOptions(svc), 80, 24))
		m = send(t, m, keyPress("s"), when(func(m Model) bool { return m.screen == ScreenLiveness }))
		if len(svc.checked()) != 0 {
			t.Error("check sent")
		}
	})
	t.Run("a network failure keeps the values and Enter sends again", func(t *testing.T) {
		svc := newFakeService()
		svc.setFail("check", &api.TransportError{Endpoint: "POST /webapi/kyc/user/{uuid}/check", Err: fmt.Errorf("connection refused")})
		m := toForm(t, newModel(t, fakeOptions(svc), 80, 24))
		m = typeInto(t, m, "X")
		m = sendForm(t, m)
		if m.document.form.failed == nil || !strings.Contains(plain(m), "cannot be reached") {
			t.Fatalf("failure not shown:\n%s", plain(m))
		}
		if got := m.document.form.values()["lastName"]; got != "IVANOVAX" {
			t.Errorf("lastName %q after the failure", got)
		}
		svc.setFail("check", nil)
		m = sendForm(t, m)
		if m.document.stage != docOutcome || svc.checked()[0].LastName != "IVANOVAX" {
			t.Fatalf("stage %d, sent %+v", m.document.stage, svc.checked())
		}
	})
	t.Run("the service's refusal goes next to its field", func(t *testing.T) {
		svc := newFakeService()
		svc.setFail("check", &api.Error{Status: 422, Fields: map[string][]string{"firstName": {"The first name must be Latin."}}})
		m := toForm(t, newModel(t, fakeOptions(svc), 80, 24))
		m = sendForm(t, m)
		f := m.document.form
		if got := f.fields[f.index("firstName")].err; got != "The first name must be Latin." {
			t.Errorf("firstName's message %q", got)
		}
		if !strings.Contains(plain(m), "✗ The first name must be Latin.") {
			t.Errorf("view:\n%s", plain(m))
		}
		if focused(m) != "firstName" || !m.document.form.blocked() {
			t.Errorf("focus %s, blocked %v", focused(m), m.document.form.blocked())
		}
	})
	t.Run("outcome: e edits and sends again, r retakes", func(t *testing.T) {
		svc := newFakeService()
		svc.checkSteps = `{"check":{"status":"mismatch","mismatch":["firstName"]}}`
		m := toOutcome(t, newModel(t, fakeOptions(svc), 80, 24))
		if v := plain(m); !strings.Contains(v, "found differences: First name") {
			t.Fatalf("outcome:\n%s", v)
		}
		m = send(t, m, keyPress("e"), nil)
		if m.document.stage != docForm {
			t.Fatalf("e went to stage %d", m.document.stage)
		}
		svc.checkSteps = `{"check":{"status":"match"}}`
		m = sendForm(t, m)
		if v := plain(m); !strings.Contains(v, "the fields match the document") || len(svc.checked()) != 2 {
			t.Fatalf("resent %d times:\n%s", len(svc.checked()), v)
		}
		m = send(t, m, keyPress("r"), when(func(m Model) bool { return m.document.view != "" }))
		if m.document.have || m.document.form != nil {
			t.Error("retake kept the photo or the form")
		}
	})
	t.Run("during a reading s skips and e opens the form, filled when the reading lands", func(t *testing.T) {
		m := captureDocument(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m.document.busy, m.document.ocr, m.document.form = "ocr", nil, nil
		if v := plain(m); !strings.Contains(v, "e edit") || !strings.Contains(v, "s skip") {
			t.Errorf("help during a reading lacks e and s:\n%s", v)
		}
		d, cmd := m.document.updateCaptured(keyPress("s"))
		if cmd == nil {
			t.Fatal("s during a reading did nothing")
		}
		if _, ok := cmd().(documentDoneMsg); !ok || d.stage != docRead {
			t.Errorf("s during a reading: stage %d", d.stage)
		}
		m = send(t, m, keyPress("e"), nil)
		if m.document.stage != docForm {
			t.Fatalf("e during a reading went to stage %d", m.document.stage)
		}
		m = send(t, m, keyPress("tab"), nil)
		m = send(t, m, recognizedMsg{id: m.document.thumbID, res: &api.RecognizeResponse{Data: map[string]any{"firstName": "ANNA"}}}, nil)
		if got := m.document.form.values()["firstName"]; got != "ANNA" {
			t.Errorf("the form opened during the reading has firstName %q", got)
		}
		if focused(m) != "firstName" {
			t.Errorf("focus moved to %s", focused(m))
		}
	})
	t.Run("an answer for an earlier photo is dropped", func(t *testing.T) {
		m := toForm(t, newModel(t, fakeOptions(newFakeService()), 80, 24))
		m = send(t, m, checkedMsg{id: m.document.thumbID - 1, p: api.Params{Steps: []byte(`{"check":"match"}`)}}, nil)
		if m.document.stage != docForm {
			t.Error("a stale answer was shown")
		}
	})
}

// TestAutoStopsAtRefusedFields: a reading without the first name leaves
// the form refused; Enter alone cannot type it, so the walk stops.
func TestAutoStopsAtRefusedFields(t *testing.T) {
	svc := newFakeService()
	svc.ocrData = map[string]any{"lastName": "IVANOVA", "dob": "1990-04-12"}
	o := fakeOptions(svc)
	o.Now = nil
	final, _, _ := runAuto(t, o, AutoOptions{Pause: 5 * time.Millisecond})
	if !errors.Is(final.Err(), ErrAutoStuck) || !strings.Contains(final.Err().Error(), "fields") {
		t.Fatalf("Err = %v, want ErrAutoStuck on the fields", final.Err())
	}
	if len(svc.checked()) != 0 {
		t.Error("a check was sent without a first name")
	}
}

// TestCheckFormRefused: the service's 422 is placed by its field names,
// not by splitting its display lines (a name holding ": " is not a field).
func TestCheckFormRefused(t *testing.T) {
	tr, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	c := &common{tr: tr, width: 80, styles: DefaultStyles()}
	f := newCheckForm(c, nil, nil, "ru")
	f.refused(&api.Error{Status: 422, Fields: map[string][]string{
		"lastName: x": {"bad"}, "zz": {"a", "b"}, "firstName": {"m1", "m2"},
	}})
	if got := f.fields[f.index("lastName")].err; got != "" {
		t.Errorf("lastName refused with %q", got)
	}
	if got := f.fields[f.index("firstName")].err; got != "m1 m2" {
		t.Errorf("firstName's message %q", got)
	}
	if got := strings.Join(f.note, "|"); got != "lastName: x: bad|zz: a b" {
		t.Errorf("notes %q", got)
	}
	if f.fields[f.focus].name != "firstName" || !f.serviceRefused {
		t.Errorf("focus %s, serviceRefused %v", f.fields[f.focus].name, f.serviceRefused)
	}
}

// TestCheckFormKeepsLongReadings: a reading longer than its field is put
// on the form whole (not cut to the limit and sent as other data) and
// refused next to the field; typing cannot lengthen it.
func TestCheckFormKeepsLongReadings(t *testing.T) {
	tr, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	c := &common{tr: tr, width: 80, styles: DefaultStyles()}
	long := strings.Repeat("Ж", 101)
	f := newCheckForm(c, nil, map[string]any{"citizenship": "Russian Federation", "lastName": long,
		"firstName": "ANNA", "dob": "1974-08-12"}, "ru")
	if got := f.values(); got["citizenship"] != "Russian Federation" || got["lastName"] != long {
		t.Fatalf("values cut: %q", got)
	}
	if _, ok, _ := f.validate(c); ok {
		t.Fatal("long readings accepted")
	}
	if got := f.fields[f.index("lastName")].err; got != "Too long: at most 100 characters" {
		t.Errorf("lastName's message %q", got)
	}
	if got := f.fields[f.index("citizenship")].err; got != c.t("form.err.citizenship") {
		t.Errorf("citizenship's message %q", got)
	}
	f.focus = f.index("lastName")
	f.fields[f.focus].input.Focus()
	f.update(c.keys, keyPress("x"))
	if got := f.values()["lastName"]; got != long {
		t.Errorf("typing into a full field gave %d runes", len([]rune(got)))
	}
	f.update(c.keys, keyPress("backspace"))
	f.update(c.keys, keyPress("backspace"))
	f.update(c.keys, keyPress("x"))
	if got := []rune(f.values()["lastName"]); len(got) != 100 {
		t.Errorf("after two deletions and a letter %d runes", len(got))
	}
}
