package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/qr"
	"github.com/kycterm/kycterm/ui/flow"
)

// openMode is what the first screen is doing.
type openMode int

const (
	openUUID openMode = iota
	openList
	openCreate
)

// openModel is screen 1: open a verification by UUID or link, by QR, or
// (with an API key) from the list or by creating one.
type openModel struct {
	c      *common
	mode   openMode
	input  textinput.Model
	hint   string // inline problem with the typed UUID
	busy   bool
	fail   *failure
	retry  func() tea.Cmd
	notice string

	// list
	items   []api.Verification
	loaded  bool
	loading bool
	filter  textinput.Model
	cursor  int

	// create
	fields [4]textinput.Model
	focus  int

	// QR scan
	scanID    int
	scanSrc   capture.Source
	scanUntil time.Time
}

// verificationsMsg carries the list of verifications.
type verificationsMsg struct {
	items []api.Verification
	err   error
}

// createdMsg carries a new verification's UUID.
type createdMsg struct {
	uuid string
	err  error
}

// openFailedMsg reports a session that did not start.
type openFailedMsg struct{ err error }

// qrMsg is one attempt at reading the QR code.
type qrMsg struct {
	id   int
	uuid string
	err  error
}

func newOpenModel(c *common) openModel {
	in := textinput.New()
	in.Placeholder = c.t("open.placeholder")
	in.CharLimit = 512
	in.SetWidth(min(60, max(c.width-10, 20)))
	in.SetValue(c.opts.UUID)
	in.Focus()
	f := textinput.New()
	f.Placeholder = c.t("open.filter")
	f.CharLimit = 80
	f.SetWidth(40)
	m := openModel{c: c, input: in, filter: f}
	for i, ph := range []string{"create.email", "create.mode", "create.countries", "create.doctypes"} {
		t := textinput.New()
		t.Placeholder = c.t(ph + ".hint")
		t.CharLimit = 256
		t.SetWidth(40)
		m.fields[i] = t
	}
	return m
}

// openSession starts the verification's session.
func openSession(ctx context.Context, svc flow.Service, uuid string, opts flow.Options) tea.Cmd {
	return func() tea.Msg {
		s, err := flow.Open(ctx, svc, uuid, opts)
		if err != nil {
			return openFailedMsg{err: err}
		}
		return sessionOpenedMsg{sess: s}
	}
}

// listVerifications fetches the merchant's verifications.
func listVerifications(ctx context.Context, svc flow.Service) tea.Cmd {
	return func() tea.Msg {
		res, err := svc.ListVerifications(ctx)
		if err != nil {
			return verificationsMsg{err: fmt.Errorf("list verifications: %w", err)}
		}
		return verificationsMsg{items: res.Items}
	}
}

// createVerification creates a verification.
func createVerification(ctx context.Context, svc flow.Service, req api.CreateVerificationRequest) tea.Cmd {
	return func() tea.Msg {
		res, err := svc.CreateVerification(ctx, req)
		if err != nil {
			return createdMsg{err: fmt.Errorf("create verification: %w", err)}
		}
		return createdMsg{uuid: res.Item.UUID}
	}
}

// scanQR tries to read the invitation QR code from the newest frame.
func scanQR(id int, src capture.Source, read QRReader) tea.Cmd {
	return tea.Tick(150*time.Millisecond, func(time.Time) tea.Msg {
		f, ok := src.Latest()
		if !ok {
			return qrMsg{id: id, err: ErrNoFrame}
		}
		s, err := read(f.Image)
		return qrMsg{id: id, uuid: s, err: err}
	})
}

// Init focuses the UUID field.
func (m openModel) Init() tea.Cmd { return textinput.Blink }

func (m openModel) start(uuid string) (openModel, tea.Cmd) {
	m.busy, m.hint, m.fail = true, "", nil
	m.retry = func() tea.Cmd { return openSession(m.c.ctx, m.c.opts.Service, uuid, m.c.opts.Flow) }
	return m, m.retry()
}

// Update handles the first screen's keys and messages.
func (m openModel) Update(msg tea.Msg) (openModel, tea.Cmd) {
	k := m.c.keys
	switch msg := msg.(type) {
	case openFailedMsg:
		m.busy = false
		m.fail = &failure{err: msg.err, retryable: true}
		return m, nil
	case verificationsMsg:
		m.loading = false
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			m.retry = func() tea.Cmd { return listVerifications(m.c.ctx, m.c.opts.Service) }
			return m, nil
		}
		m.items, m.loaded, m.cursor = msg.items, true, 0
		return m, nil
	case createdMsg:
		m.busy = false
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			req := m.createRequest()
			m.retry = func() tea.Cmd { return createVerification(m.c.ctx, m.c.opts.Service, req) }
			return m, nil
		}
		m.mode = openUUID
		m.input.SetValue(msg.uuid)
		m.notice = m.c.t("open.created")
		return m.start(msg.uuid)
	case sourceOpenedMsg:
		if msg.id != m.scanID {
			return m, m.c.closeSource(msg.src)
		}
		if msg.err != nil {
			m.scanID = 0
			m.fail = &failure{err: msg.err}
			return m, nil
		}
		m.scanSrc = msg.src
		m.scanUntil = m.c.now().Add(20 * time.Second)
		return m, scanQR(m.scanID, m.scanSrc, m.c.opts.QR)
	case qrMsg:
		if msg.id != m.scanID || m.scanSrc == nil {
			return m, nil
		}
		if uuid, ok := qr.ExtractUUID(msg.uuid); msg.err == nil && ok {
			src := m.scanSrc
			m.scanID, m.scanSrc = 0, nil
			m.input.SetValue(uuid)
			m2, cmd := m.start(uuid)
			return m2, tea.Batch(m.c.closeSource(src), cmd)
		}
		if m.c.now().After(m.scanUntil) {
			src := m.scanSrc
			m.scanID, m.scanSrc = 0, nil
			m.hint = m.c.t("open.qr.none")
			return m, m.c.closeSource(src)
		}
		return m, scanQR(m.scanID, m.scanSrc, m.c.opts.QR)
	case tea.KeyPressMsg:
		if m.busy {
			return m, nil
		}
		if m.scanSrc != nil || m.scanID != 0 {
			if key.Matches(msg, k.Back) {
				src := m.scanSrc
				m.scanID, m.scanSrc = 0, nil
				return m, m.c.closeSource(src)
			}
			return m, nil
		}
		if m.fail != nil {
			switch {
			case key.Matches(msg, k.Enter) && m.fail.retryable && m.retry != nil:
				m.fail = nil
				if m.mode == openUUID {
					m.busy = true
				}
				return m, m.retry()
			case key.Matches(msg, k.Back), key.Matches(msg, k.Enter), key.Matches(msg, k.Restart):
				m.fail = nil
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Tab) && m.c.opts.CanManage:
			return m.switchMode((m.mode + 1) % 3)
		case key.Matches(msg, k.Scan) && m.c.opts.QR != nil:
			m.scanID = m.c.nextID()
			m.hint = ""
			open := func() (capture.Source, error) {
				if m.c.opts.Camera == nil {
					return nil, ErrNoCamera
				}
				return m.c.opts.Camera("")
			}
			return m, m.c.openSource(m.scanID, open)
		}
		switch m.mode {
		case openList:
			return m.updateList(msg)
		case openCreate:
			return m.updateCreate(msg)
		}
		if key.Matches(msg, k.Enter) {
			uuid, ok := qr.ExtractUUID(m.input.Value())
			if !ok {
				m.hint = m.c.t("open.invalid")
				return m, nil
			}
			return m.start(uuid)
		}
		if key.Matches(msg, k.Back) {
			m.input.SetValue("")
			m.hint = ""
			return m, nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.hint = ""
		return m, cmd
	case tea.PasteMsg:
		var cmd tea.Cmd
		switch m.mode {
		case openUUID:
			m.input, cmd = m.input.Update(msg)
		case openList:
			m.filter, cmd = m.filter.Update(msg)
		case openCreate:
			m.fields[m.focus], cmd = m.fields[m.focus].Update(msg)
		}
		return m, cmd
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

func (m openModel) switchMode(mode openMode) (openModel, tea.Cmd) {
	m.mode, m.hint, m.notice = mode, "", ""
	m.input.Blur()
	m.filter.Blur()
	for i := range m.fields {
		m.fields[i].Blur()
	}
	switch mode {
	case openUUID:
		return m, m.input.Focus()
	case openList:
		cmd := m.filter.Focus()
		if !m.loaded && !m.loading {
			m.loading = true
			return m, tea.Batch(cmd, listVerifications(m.c.ctx, m.c.opts.Service))
		}
		return m, cmd
	default:
		return m, m.fields[m.focus].Focus()
	}
}

// visible returns the list's items that match the filter.
func (m openModel) visible() []api.Verification {
	f := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	if f == "" {
		return m.items
	}
	var out []api.Verification
	for _, v := range m.items {
		hay := strings.ToLower(v.Email + " " + v.UUID + " " + m.c.t(statusKey(v.Status)))
		if strings.Contains(hay, f) {
			out = append(out, v)
		}
	}
	return out
}

func (m openModel) updateList(msg tea.KeyPressMsg) (openModel, tea.Cmd) {
	k := m.c.keys
	vis := m.visible()
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(m.cursor-1, 0)
		return m, nil
	case key.Matches(msg, k.Down):
		m.cursor = min(m.cursor+1, max(len(vis)-1, 0))
		return m, nil
	case key.Matches(msg, k.Refresh):
		m.loading = true
		return m, listVerifications(m.c.ctx, m.c.opts.Service)
	case key.Matches(msg, k.Back):
		return m.switchMode(openUUID)
	case key.Matches(msg, k.Enter):
		if m.cursor < len(vis) {
			uuid := vis[m.cursor].UUID
			m.mode = openUUID
			m.input.SetValue(uuid)
			return m.start(uuid)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.cursor = min(m.cursor, max(len(m.visible())-1, 0))
	return m, cmd
}

// createRequest builds the create request from the form.
func (m openModel) createRequest() api.CreateVerificationRequest {
	split := func(s string) []string {
		var out []string
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			out = append(out, strings.ToLower(p))
		}
		return out
	}
	req := api.CreateVerificationRequest{
		Email:                  strings.TrimSpace(m.fields[0].Value()),
		CountryRestrictionMode: strings.ToLower(strings.TrimSpace(m.fields[1].Value())),
		AllowedCountries:       split(m.fields[2].Value()),
		AllowedDocumentTypes:   split(m.fields[3].Value()),
	}
	return req
}

func (m openModel) updateCreate(msg tea.KeyPressMsg) (openModel, tea.Cmd) {
	k := m.c.keys
	move := func(d int) (openModel, tea.Cmd) {
		m.fields[m.focus].Blur()
		m.focus = (m.focus + d + len(m.fields)) % len(m.fields)
		return m, m.fields[m.focus].Focus()
	}
	switch {
	case key.Matches(msg, k.Up):
		return move(-1)
	case key.Matches(msg, k.Down):
		return move(1)
	case key.Matches(msg, k.Back):
		return m.switchMode(openUUID)
	case key.Matches(msg, k.Enter):
		req := m.createRequest()
		if req.Email == "" || !strings.Contains(req.Email, "@") {
			m.hint = m.c.t("create.bademail")
			return m, nil
		}
		if req.CountryRestrictionMode != "" && req.CountryRestrictionMode != "all" && req.CountryRestrictionMode != "whitelist" {
			m.hint = m.c.t("create.badmode")
			return m, nil
		}
		m.busy, m.hint = true, ""
		return m, createVerification(m.c.ctx, m.c.opts.Service, req)
	}
	var cmd tea.Cmd
	m.fields[m.focus], cmd = m.fields[m.focus].Update(msg)
	m.hint = ""
	return m, cmd
}

// statusKey names a verification status in the catalog.
func statusKey(s int) string {
	if s >= api.StatusNew && s <= api.StatusSuccess {
		return fmt.Sprintf("status.%d", s)
	}
	return "status.unknown"
}

// livenessKey names a liveness status in the catalog.
func livenessKey(s int) string {
	if s >= api.LivenessPending && s <= api.LivenessFail {
		return fmt.Sprintf("lstatus.%d", s)
	}
	return "status.unknown"
}

// help returns the screen's key help.
func (m openModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	enter.SetHelp("enter", m.c.t("open.key.open"))
	short := []key.Binding{enter}
	switch m.mode {
	case openList:
		short = append(short, k.Up, k.Down, k.Refresh)
	case openCreate:
		enter.SetHelp("enter", m.c.t("open.key.create"))
		short = []key.Binding{enter, k.Up, k.Down}
	}
	if m.c.opts.CanManage {
		short = append(short, k.Tab)
	}
	if m.c.opts.QR != nil {
		short = append(short, k.Scan)
	}
	short = append(short, k.Back, k.Help)
	return bindings{short: short, full: [][]key.Binding{short, {k.Quit}}}
}

// View draws the first screen.
func (m openModel) View() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render(c.t("open.title")) + "\n")
	if c.opts.CanManage {
		tabs := []string{c.t("open.tab.uuid"), c.t("open.tab.list"), c.t("open.tab.create")}
		for i, t := range tabs {
			if openMode(i) == m.mode {
				tabs[i] = s.Selected.Render("[" + t + "]")
			} else {
				tabs[i] = s.Muted.Render(" " + t + " ")
			}
		}
		b.WriteString(strings.Join(tabs, " ") + "\n")
	}
	b.WriteString("\n")
	if m.fail != nil {
		b.WriteString(errorView(c, m.fail, c.width-4))
		return b.String()
	}
	if m.scanID != 0 {
		b.WriteString(c.t("open.qr.scanning") + "\n")
		return b.String()
	}
	switch m.mode {
	case openList:
		b.WriteString(m.listView())
	case openCreate:
		b.WriteString(m.createView())
	default:
		b.WriteString(c.t("open.prompt") + "\n")
		b.WriteString(m.input.View() + "\n")
		if m.notice != "" {
			b.WriteString(s.OK.Render(m.notice) + "\n")
		}
	}
	if m.hint != "" {
		b.WriteString(s.Error.Render(m.hint) + "\n")
	}
	if m.busy {
		b.WriteString(s.Muted.Render(c.t("busy")) + "\n")
	}
	return b.String()
}

func (m openModel) listView() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	b.WriteString(m.filter.View() + "\n")
	if m.loading {
		b.WriteString(s.Muted.Render(c.t("busy")) + "\n")
		return b.String()
	}
	vis := m.visible()
	if len(vis) == 0 {
		b.WriteString(s.Muted.Render(c.t("open.list.empty")) + "\n")
		return b.String()
	}
	b.WriteString(s.Label.Render(fmt.Sprintf("  %-12s %-28s %-10s %s", c.t("open.col.status"), c.t("open.col.email"), c.t("open.col.liveness"), c.t("open.col.attempts"))) + "\n")
	rows := max(c.bodyHeight()-8, 3)
	start := max(0, m.cursor-rows+1)
	for i := start; i < len(vis) && i < start+rows; i++ {
		v := vis[i]
		line := fmt.Sprintf("%-12s %-28s %-10s %d", truncate(c.t(statusKey(v.Status)), 12), truncate(v.Email, 28), truncate(c.t(livenessKey(v.LivenessStatus)), 10), v.LivenessAttempts)
		if i == m.cursor {
			b.WriteString(s.Selected.Render("> "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString(s.Muted.Render(c.t("open.list.count", len(vis), len(m.items))) + "\n")
	return b.String()
}

func (m openModel) createView() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	for i, name := range []string{"create.email", "create.mode", "create.countries", "create.doctypes"} {
		label := fmt.Sprintf("%-22s", c.t(name))
		if i == m.focus {
			label = s.Selected.Render(label)
		} else {
			label = s.Label.Render(label)
		}
		b.WriteString(label + " " + m.fields[i].View() + "\n")
	}
	return b.String()
}
