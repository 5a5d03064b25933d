package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/ui/flow"
)

// submitPhase is the call in flight.
type submitPhase int

const (
	phaseUpload submitPhase = iota
	phaseVerify
)

// submitModel is screen 5: upload the photos and document, then send the
// verify request, with the bytes sent shown; cancellable; a failure says
// why and offers retry and back.
type submitModel struct {
	c        *common
	sess     *flow.Session
	attempt  int
	phase    submitPhase
	uploaded bool
	running  bool
	cancel   context.CancelFunc
	progress chan progressMsg
	sent     int64
	total    int64
	bar      progress.Model
	fail     *failure
	canceled bool
}

// progressMsg is bytes of the request body sent.
type progressMsg struct {
	attempt     int
	sent, total int64
}

// phaseDoneMsg ends one call of the submit.
type phaseDoneMsg struct {
	attempt int
	phase   submitPhase
	res     *api.VerifyResponse
	err     error
}

func newSubmitModel(c *common, sess *flow.Session) submitModel {
	bar := progress.New(progress.WithWidth(40), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	return submitModel{c: c, sess: sess, bar: bar}
}

// runPhase performs one call, reporting progress on ch.
func runPhase(ctx context.Context, s *flow.Session, attempt int, phase submitPhase, ch chan progressMsg) tea.Cmd {
	report := func(sent, total int64) {
		select {
		case ch <- progressMsg{attempt: attempt, sent: sent, total: total}:
		default: // the screen is behind: it shows a later count
		}
	}
	return func() tea.Msg {
		defer close(ch)
		if phase == phaseUpload {
			return phaseDoneMsg{attempt: attempt, phase: phase, err: s.Upload(ctx, report)}
		}
		res, err := s.Verify(ctx, report)
		return phaseDoneMsg{attempt: attempt, phase: phase, res: res, err: err}
	}
}

// waitProgress delivers the next progress report of a call.
func waitProgress(ch chan progressMsg) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return p
	}
}

// Init starts (or resumes) the submit at the phase not yet done.
func (m submitModel) Init() (submitModel, tea.Cmd) {
	m.attempt = m.c.nextID()
	m.fail, m.canceled, m.running = nil, false, true
	m.sent, m.total = 0, 0
	m.phase = phaseUpload
	if m.uploaded {
		m.phase = phaseVerify
	}
	ctx, cancel := context.WithCancel(m.c.ctx)
	m.cancel = cancel
	m.progress = make(chan progressMsg, 16)
	return m, tea.Batch(runPhase(ctx, m.sess, m.attempt, m.phase, m.progress), waitProgress(m.progress))
}

// Update handles the submit screen.
func (m submitModel) Update(msg tea.Msg) (submitModel, tea.Cmd) {
	k := m.c.keys
	switch msg := msg.(type) {
	case progressMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		m.sent, m.total = msg.sent, msg.total
		return m, waitProgress(m.progress)
	case phaseDoneMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		if msg.err != nil {
			m.running = false
			m.cancel()
			m.fail = &failure{err: msg.err, retryable: !m.needsNewLiveness(msg.err)}
			if !m.fail.retryable {
				m.fail.action = m.c.t("live.key.restart")
			}
			m.canceled = errors.Is(msg.err, context.Canceled)
			return m, nil
		}
		if msg.phase == phaseUpload {
			m.uploaded = true
			return m.Init()
		}
		m.running = false
		m.cancel()
		res := msg.res
		return m, func() tea.Msg { return verifiedMsg{res: res} }
	case tea.KeyPressMsg:
		if m.running {
			if key.Matches(msg, k.Back) {
				m.cancel()
			}
			return m, nil
		}
		if m.fail == nil {
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Enter) && m.fail.retryable:
			return m.Init()
		case key.Matches(msg, k.Enter):
			return m, func() tea.Msg { return restartLivenessMsg{} }
		case key.Matches(msg, k.Back):
			return m, func() tea.Msg { return backMsg{} }
		}
	}
	return m, nil
}

// needsNewLiveness reports a failure only a new liveness attempt fixes.
func (m submitModel) needsNewLiveness(err error) bool {
	return errors.Is(err, api.ErrTokenExpired) || errors.Is(err, flow.ErrExpired)
}

func (m submitModel) help() bindings {
	k := m.c.keys
	var short []key.Binding
	if m.running {
		back := k.Back
		back.SetHelp("esc", m.c.t("submit.key.cancel"))
		short = []key.Binding{back}
	} else {
		enter := k.Enter
		enter.SetHelp("enter", m.c.t("submit.key.retry"))
		if m.fail != nil && !m.fail.retryable {
			enter.SetHelp("enter", m.c.t("live.key.restart"))
		}
		short = []key.Binding{enter, k.Back}
	}
	short = append(short, k.Help)
	return bindings{short: short, full: [][]key.Binding{short, {k.Restart, k.Quit}}}
}

// View draws the submit screen.
func (m submitModel) View() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render(c.t("submit.title")) + "\n\n")
	steps := []string{c.t("submit.upload"), c.t("submit.verify")}
	for i, st := range steps {
		mark := "○"
		switch {
		case submitPhase(i) < m.phase || (submitPhase(i) == phaseUpload && m.uploaded):
			mark = "✓"
		case submitPhase(i) == m.phase && m.running:
			mark = "●"
		case submitPhase(i) == m.phase && m.fail != nil:
			mark = "✗"
		}
		b.WriteString(fmt.Sprintf("%s %d/2 %s\n", mark, i+1, st))
	}
	b.WriteString("\n")
	if m.fail != nil {
		if m.canceled {
			b.WriteString(s.Warning.Render(c.t("submit.canceled")) + "\n\n")
		}
		if !m.fail.retryable {
			b.WriteString(s.Warning.Render(c.t("submit.newliveness")) + "\n")
		}
		b.WriteString(errorView(c, m.fail, c.width-4))
		return b.String()
	}
	pct := 0.0
	if m.total > 0 {
		pct = float64(m.sent) / float64(m.total)
	}
	bar := m.bar
	bar.SetWidth(min(max(c.width-30, 10), 50))
	b.WriteString(bar.ViewAs(pct) + "  " + c.t("submit.bytes", humanBytes(m.sent), humanBytes(m.total)) + "\n")
	if m.total > 0 && m.sent >= m.total {
		b.WriteString(s.Muted.Render(c.t("submit.waiting")) + "\n")
	}
	return b.String()
}

// humanBytes formats a byte count in KiB/MiB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
