package ui

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/ui/flow"
)

// checkForm is the document screen's form of the check's fields: the
// operator confirms or corrects what was read before the check is sent.
// It lives as long as the captured photo, so going back to the photo and
// returning keeps the edits.
type checkForm struct {
	fields []formField
	focus  int
	// edited is set once the operator changed a value: a new reading no
	// longer replaces the form.
	edited bool
	// failed is a check that did not reach the service (network, server):
	// Enter sends again.
	failed error
	// tries counts the sends that failed, so each failure is a new one.
	tries int
	// note is a refusal of the service for a field not on the form.
	note []string
	// serviceRefused is set when the service refused fields (a 422).
	serviceRefused bool
}

// formField is one field of the check form.
type formField struct {
	name  string
	input textinput.Model
	// other is the reading that disagrees with the value pre-filled, and
	// from is whose it is (doc.cmp.service or doc.cmp.mrz).
	other, from string
	// err is why the field was refused, by the form or by the service.
	err string
}

// baseFormFields are on the form even when nothing was read for them.
const baseFormFields = 6

// newCheckForm builds the form from the readings: each field pre-filled
// from the local MRZ first, the service's OCR for the rest, marked with
// the service's value where the two disagree. The country is the one the
// session was opened with (the upload's), marked when a reading differs.
// The name, date of birth, document number and citizenship are always on
// the form; the other fields of the check when a reader gave a value.
func newCheckForm(c *common, local map[string]string, service map[string]any, country string) *checkForm {
	read := map[string]flow.FieldComparison{}
	for _, f := range flow.CompareDocument(local, service) {
		read[f.Field] = f
	}
	f := &checkForm{}
	for i, cf := range flow.CheckFields() {
		r, ok := read[cf.Name]
		ff := formField{name: cf.Name}
		value := r.Local
		if value == "" {
			value = r.Service
		}
		if r.Agreement == flow.Disagree {
			ff.other, ff.from = r.Service, "doc.cmp.service"
		}
		if cf.Name == "country" && ok && country != "" {
			value, ff.other = country, ""
			switch {
			case r.Local != "" && !flow.SameDocumentValue(country, r.Local):
				ff.other, ff.from = r.Local, "doc.cmp.mrz"
			case r.Service != "" && !flow.SameDocumentValue(country, r.Service):
				ff.other, ff.from = r.Service, "doc.cmp.service"
			}
		}
		if i >= baseFormFields && !ok {
			continue
		}
		in := textinput.New()
		in.Prompt = ""
		in.SetWidth(formInputWidth(c))
		if cf.Kind == flow.KindDate {
			in.Placeholder = c.t("form.hint.date")
		}
		// A reading is set whole (SetValue cuts at CharLimit): one too
		// long is refused next to the field, never sent cut. CharLimit
		// set after it limits typing only.
		in.SetValue(value)
		in.CharLimit = cf.MaxLen
		ff.input = in
		f.fields = append(f.fields, ff)
	}
	f.fields[0].input.Focus()
	return f
}

// formInputWidth is the width of the form's text fields.
func formInputWidth(c *common) int { return min(max(c.width/3, 16), 36) }

// move focuses the field d steps away, wrapping round.
func (f *checkForm) move(d int) tea.Cmd {
	f.fields[f.focus].input.Blur()
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	return f.fields[f.focus].input.Focus()
}

// update handles a key or a paste: Tab/↓ and Shift+Tab/↑ move, the rest
// edits the focused field. Enter and Esc are the document screen's.
func (f *checkForm) update(k KeyMap, msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, k.Tab), key.Matches(kp, k.Down):
			return f.move(1)
		case key.Matches(kp, k.BackTab), key.Matches(kp, k.Up):
			return f.move(-1)
		}
	}
	ff := &f.fields[f.focus]
	before := ff.input.Value()
	var cmd tea.Cmd
	ff.input, cmd = ff.input.Update(msg)
	if ff.input.Value() != before {
		f.edited, ff.err = true, ""
	}
	return cmd
}

// values are the form's values keyed by JSON name.
func (f *checkForm) values() map[string]string {
	out := make(map[string]string, len(f.fields))
	for _, ff := range f.fields {
		out[ff.name] = ff.input.Value()
	}
	return out
}

// validate checks the fields and builds the request; each refused field
// gets its message and the first one the focus. ok is false when a field
// was refused.
func (f *checkForm) validate(c *common) (req api.CheckRequest, ok bool, cmd tea.Cmd) {
	req, errs := flow.BuildCheckRequest(f.values(), c.now())
	for i := range f.fields {
		f.fields[i].err = ""
	}
	f.note, f.failed, f.serviceRefused = nil, nil, false
	first := -1
	for _, e := range errs {
		for i := range f.fields {
			if f.fields[i].name == e.Field {
				f.fields[i].err = fieldErrorText(c, e)
				if first < 0 || i < first {
					first = i
				}
			}
		}
	}
	if first >= 0 {
		return req, false, f.move(first - f.focus)
	}
	return req, true, nil
}

// fieldErrorText is the operator's message for a refused field.
func fieldErrorText(c *common, e *flow.FieldError) string {
	switch {
	case errors.Is(e, flow.ErrFieldRequired):
		return c.t("form.err.required")
	case errors.Is(e, flow.ErrFieldDate):
		return c.t("form.err.date")
	case errors.Is(e, flow.ErrFieldFuture):
		return c.t("form.err.future")
	case errors.Is(e, flow.ErrFieldCode):
		if f, _ := flow.LookupCheckField(e.Field); f.Kind == flow.KindCountry {
			return c.t("form.err.country")
		}
		return c.t("form.err.citizenship")
	case errors.Is(e, flow.ErrFieldControl):
		return c.t("form.err.control")
	case errors.Is(e, flow.ErrFieldTooLong):
		f, _ := flow.LookupCheckField(e.Field)
		return c.t("form.err.toolong", f.MaxLen)
	}
	return e.Err.Error()
}

// refused takes the check's failure: the service's messages go next to
// the fields it refused (a 422's fields), the first of which gets the
// focus, or, for fields not on the form, under it; any other failure is
// kept for Enter to send again.
func (f *checkForm) refused(err error) tea.Cmd {
	var apiErr *api.Error
	if errors.As(err, &apiErr) && len(apiErr.Fields) > 0 {
		f.serviceRefused = true
		first := -1
		for _, name := range slices.Sorted(maps.Keys(apiErr.Fields)) {
			msg := strings.Join(apiErr.Fields[name], " ")
			if i := f.index(name); i >= 0 {
				f.fields[i].err = msg
				if first < 0 || i < first {
					first = i
				}
				continue
			}
			f.note = append(f.note, name+": "+msg)
		}
		if first >= 0 {
			return f.move(first - f.focus)
		}
		return nil
	}
	f.failed = err
	f.tries++
	return nil
}

// index is the position of the field called name, -1 when not on the form.
func (f *checkForm) index(name string) int {
	for i, ff := range f.fields {
		if ff.name == name {
			return i
		}
	}
	return -1
}

// blocked tells whether a field was refused: Enter alone cannot send it.
func (f *checkForm) blocked() bool {
	if len(f.note) > 0 {
		return true
	}
	for _, ff := range f.fields {
		if ff.err != "" {
			return true
		}
	}
	return false
}

// fieldLabel is the operator's name of a check field.
func fieldLabel(c *common, name string) string { return c.name("field.", name) }

// view draws the form: a line per field (marker, label, value, the
// disagreeing reading) and under a refused field its message.
func (f *checkForm) view(c *common, width int) string {
	s := c.styles
	var b strings.Builder
	b.WriteString(lipgloss.NewStyle().Width(width).Render(c.t("doc.form.prompt")) + "\n\n")
	const labelW = 18
	rest := max(width-2-labelW-formInputWidth(c)-3, 8)
	for i, ff := range f.fields {
		marker, label := "  ", s.Label.Render(fmt.Sprintf("%-*s", labelW, truncate(fieldLabel(c, ff.name), labelW)))
		if i == f.focus {
			marker, label = s.Selected.Render("▸ "), s.Selected.Render(fmt.Sprintf("%-*s", labelW, truncate(fieldLabel(c, ff.name), labelW)))
		}
		line := marker + label + ff.input.View()
		if ff.other != "" {
			line = marker + label + lipgloss.NewStyle().Width(formInputWidth(c)+2).Render(ff.input.View()) +
				s.Warning.Render(truncate("≠ "+c.t(ff.from)+" "+ff.other, rest))
		}
		b.WriteString(line + "\n")
		if ff.err != "" {
			b.WriteString(strings.Repeat(" ", 2+labelW) + s.Error.Render(truncate("✗ "+ff.err, max(width-2-labelW, 8))) + "\n")
		}
	}
	if f.serviceRefused {
		b.WriteString("\n" + s.Error.Render(truncate("✗ "+c.t("err.validation"), width)) + "\n")
		for _, n := range f.note {
			b.WriteString(s.Error.Render(truncate("  • "+n, width)) + "\n")
		}
		b.WriteString(lipgloss.NewStyle().Width(width).Render(c.t("doc.form.refused")) + "\n")
	}
	if f.failed != nil {
		reason, next := explain(c, f.failed)
		b.WriteString("\n" + s.Error.Render(truncate("✗ "+reason, width)) + "\n" + truncate(next, width) + "\n")
	}
	return b.String()
}
