package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/ui/flow"
)

// defaultDocumentTypes are offered when the verification restricts none.
func defaultDocumentTypes() []string {
	return []string{"passport", "id_card", "driver_license", "residence_permit"}
}

// sessionModel is screen 2: the session's state and restrictions, and the
// choice of document type and country.
type sessionModel struct {
	c       *common
	sess    *flow.Session
	params  api.Params
	docs    []string
	doc     int
	country textinput.Model
	// countries is the whitelist to pick from, nil when any is allowed.
	countries []string
	ctry      int
	focus     int // 0 document type, 1 country
	busy      bool
	fail      *failure
	hint      string
}

// paramsMsg carries refreshed session parameters.
type paramsMsg struct {
	p   api.Params
	err error
}

// docInfoFailedMsg reports a refused document type or country.
type docInfoFailedMsg struct{ err error }

func newSessionModel(c *common, sess *flow.Session) sessionModel {
	m := sessionModel{c: c, sess: sess}
	ti := textinput.New()
	ti.Placeholder = c.t("session.country.hint")
	ti.CharLimit = 2
	ti.SetWidth(6)
	m.country = ti
	m.setParams(sess.Params())
	return m
}

// setParams applies the restrictions: the document types and countries
// offered, preselecting the configured defaults where allowed.
func (m *sessionModel) setParams(p api.Params) {
	m.params = p
	r := p.Restrictions
	m.docs = defaultDocumentTypes()
	if len(r.AllowedDocumentTypes) > 0 {
		m.docs = slices.Clone(r.AllowedDocumentTypes)
	}
	want, _ := m.sess.DocumentInfo()
	if want == "" {
		want = m.c.opts.DocumentType
	}
	if i := slices.Index(m.docs, want); i >= 0 {
		m.doc = i
	} else if want != "" && len(r.AllowedDocumentTypes) == 0 {
		m.docs = append([]string{want}, m.docs...)
		m.doc = 0
	}
	_, country := m.sess.DocumentInfo()
	if country == "" {
		country = strings.ToLower(m.c.opts.Country)
	}
	m.countries = nil
	if strings.EqualFold(r.CountryMode, "whitelist") && len(r.AllowedCountries) > 0 {
		for _, c := range r.AllowedCountries {
			m.countries = append(m.countries, strings.ToLower(c))
		}
		m.ctry = max(slices.Index(m.countries, country), 0)
	} else {
		m.country.SetValue(country)
	}
}

// refreshParams asks the service for the session state again.
func refreshParams(ctx context.Context, s *flow.Session) tea.Cmd {
	return func() tea.Msg {
		p, err := s.RefreshParams(ctx)
		return paramsMsg{p: p, err: err}
	}
}

// setDocumentInfo records the choice, checked against the restrictions.
func setDocumentInfo(s *flow.Session, docType, country string) tea.Cmd {
	return func() tea.Msg {
		if err := s.SetDocumentInfo(docType, country); err != nil {
			return docInfoFailedMsg{err: err}
		}
		return docInfoSetMsg{}
	}
}

// chosenCountry is the country picked or typed.
func (m sessionModel) chosenCountry() string {
	if m.countries != nil {
		return m.countries[m.ctry]
	}
	return strings.ToLower(strings.TrimSpace(m.country.Value()))
}

func (m sessionModel) setFocus(f int) (sessionModel, tea.Cmd) {
	m.focus = f
	if f == 1 && m.countries == nil {
		return m, m.country.Focus()
	}
	m.country.Blur()
	return m, nil
}

// Update handles the session screen.
func (m sessionModel) Update(msg tea.Msg) (sessionModel, tea.Cmd) {
	k := m.c.keys
	switch msg := msg.(type) {
	case paramsMsg:
		m.busy = false
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			return m, nil
		}
		m.setParams(msg.p)
		return m, nil
	case docInfoFailedMsg:
		m.busy = false
		m.hint = ""
		m.fail = &failure{err: msg.err}
		return m, nil
	case tea.KeyPressMsg:
		if m.busy {
			return m, nil
		}
		if m.fail != nil {
			switch {
			case key.Matches(msg, k.Enter) && m.fail.retryable:
				m.fail, m.busy = nil, true
				return m, refreshParams(m.c.ctx, m.sess)
			case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
				m.fail = nil
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Enter):
			country := m.chosenCountry()
			if len(country) != 2 {
				m.hint = m.c.t("session.country.bad")
				return m, m.country.Focus()
			}
			m.busy = true
			return m, setDocumentInfo(m.sess, m.docs[m.doc], country)
		case key.Matches(msg, k.Back):
			return m, func() tea.Msg { return backMsg{} }
		case key.Matches(msg, k.Refresh):
			m.busy = true
			return m, refreshParams(m.c.ctx, m.sess)
		case key.Matches(msg, k.Up), key.Matches(msg, k.Tab) && m.focus == 1:
			return m.setFocus(0)
		case key.Matches(msg, k.Down), key.Matches(msg, k.Tab):
			return m.setFocus(1)
		case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
			d := 1
			if key.Matches(msg, k.Left) {
				d = -1
			}
			if m.focus == 0 {
				m.doc = (m.doc + d + len(m.docs)) % len(m.docs)
				return m, nil
			}
			if m.countries != nil {
				m.ctry = (m.ctry + d + len(m.countries)) % len(m.countries)
				return m, nil
			}
		}
		if m.focus == 1 && m.countries == nil {
			var cmd tea.Cmd
			m.country, cmd = m.country.Update(msg)
			m.hint = ""
			return m, cmd
		}
	}
	return m, nil
}

func (m sessionModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	enter.SetHelp("enter", m.c.t("session.key.continue"))
	short := []key.Binding{enter, k.Up, k.Down, k.Left, k.Right, k.Refresh, k.Back, k.Help}
	return bindings{short: short, full: [][]key.Binding{short, {k.Restart, k.Quit}}}
}

// View draws the session screen.
func (m sessionModel) View() string {
	c, s := m.c, m.c.styles
	p := m.params
	var b strings.Builder
	b.WriteString(s.Title.Render(c.t("session.title")) + "\n\n")
	row := func(label, value string) {
		b.WriteString(s.Label.Render(fmt.Sprintf("%-20s", label)) + " " + s.Value.Render(value) + "\n")
	}
	row(c.t("session.uuid"), m.sess.UUID())
	row(c.t("session.status"), c.t(statusKey(p.Status)))
	row(c.t("session.step"), fmt.Sprint(p.Step))
	end := c.t("none")
	if p.SessionEnd != nil && *p.SessionEnd != "" {
		end = *p.SessionEnd
	}
	row(c.t("session.end"), end)
	r := p.Restrictions
	countries := c.t("session.any")
	if strings.EqualFold(r.CountryMode, "whitelist") {
		countries = strings.Join(r.AllowedCountries, ", ")
	}
	row(c.t("session.countries"), truncate(countries, max(c.width-26, 10)))
	docs := c.t("session.any")
	if len(r.AllowedDocumentTypes) > 0 {
		docs = strings.Join(r.AllowedDocumentTypes, ", ")
	}
	row(c.t("session.doctypes"), truncate(docs, max(c.width-26, 10)))
	b.WriteString("\n")
	if m.fail != nil {
		b.WriteString(errorView(c, m.fail, c.width-4))
		return b.String()
	}
	pick := func(i int, label, value string) {
		l := fmt.Sprintf("%-20s", label)
		if m.focus == i {
			b.WriteString(s.Selected.Render("> "+l) + " " + value + "\n")
		} else {
			b.WriteString("  " + s.Label.Render(l) + " " + value + "\n")
		}
	}
	pick(0, c.t("session.doctype"), "‹ "+s.Value.Render(c.name("doc.", m.docs[m.doc]))+" ›  "+s.Muted.Render(m.docs[m.doc]))
	if m.countries != nil {
		pick(1, c.t("session.country"), "‹ "+s.Value.Render(strings.ToUpper(m.countries[m.ctry]))+" ›")
	} else {
		pick(1, c.t("session.country"), m.country.View())
	}
	if m.hint != "" {
		b.WriteString(s.Error.Render(m.hint) + "\n")
	}
	if m.busy {
		b.WriteString(s.Muted.Render(c.t("busy")) + "\n")
	}
	return b.String()
}
