package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
)

// livenessModel is screen 4: the server's challenges one after another,
// each with a large instruction, the live preview and its frames captured.
type livenessModel struct {
	c    *common
	sess *flow.Session

	attempt    int
	starting   bool
	challenges []api.Challenge
	have       []int
	need       int
	retaken    []bool
	byKey      []bool // a frame of the challenge was captured with a key, not seen by the detector
	active     int    // challenge being captured; len(challenges) when all are done
	sel        int    // challenge the retake key acts on

	srcID      int
	src        capture.Source
	preview    *Preview
	view       string
	frame      capture.Frame
	hasFrm     bool
	lastCap    uint64
	capturedAt bool // lastCap is set
	capturing  bool
	analysis   *flow.Analysis
	guidance   []string
	// window holds the analysed frames of challenge windowFor, from which
	// auto-capture takes the frames that showed the movement.
	window    *flow.Window
	windowFor int

	timeLeft time.Duration
	limited  bool
	expired  bool
	fail     *failure
}

// livenessStartedMsg carries a new attempt's challenges.
type livenessStartedMsg struct {
	attempt    int
	challenges []api.Challenge
	err        error
}

// capturedMsg reports a frame kept for a challenge.
type capturedMsg struct {
	attempt int
	index   int
	seq     uint64
	have    []int
	err     error
	// byKey: the operator's key captured it, not the detector
	byKey bool
}

// retakenMsg reports a challenge's frames dropped.
type retakenMsg struct {
	attempt int
	index   int
	have    []int
	err     error
}

// timeLeftMsg carries the attempt's remaining time.
type timeLeftMsg struct {
	attempt int
	left    time.Duration
	ok      bool
}

func newLivenessModel(c *common, sess *flow.Session) livenessModel {
	return livenessModel{c: c, sess: sess, preview: &Preview{}}
}

// startLiveness asks the service for challenges.
func startLiveness(ctx context.Context, s *flow.Session, attempt int) tea.Cmd {
	return func() tea.Msg {
		res, err := s.StartLiveness(ctx)
		return livenessStartedMsg{attempt: attempt, challenges: res.Challenges, err: err}
	}
}

// tickTimeLeft reads the remaining time once a second.
func tickTimeLeft(s *flow.Session, attempt int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg {
		left, ok := s.TimeLeft()
		return timeLeftMsg{attempt: attempt, left: left, ok: ok}
	})
}

// captureChallenge keeps a frame newer than the last one captured for
// challenge i, analysed when an analyzer is installed.
func captureChallenge(ctx context.Context, s *flow.Session, an flow.Analyzer, src capture.Source, attempt, i int, after uint64, have, byKey bool) tea.Cmd {
	return func() tea.Msg {
		msg := capturedOne(ctx, s, an, src, attempt, i, after, have)
		msg.byKey = byKey
		return msg
	}
}

// capturedOne keeps one fresh frame for challenge i.
func capturedOne(ctx context.Context, s *flow.Session, an flow.Analyzer, src capture.Source, attempt, i int, after uint64, have bool) capturedMsg {
	f, err := freshFrame(ctx, src, after, have)
	if err != nil {
		return capturedMsg{attempt: attempt, index: i, err: err}
	}
	var a flow.Analysis
	if an != nil {
		if a, err = an.Analyze(ctx, f.Image); err != nil {
			return capturedMsg{attempt: attempt, index: i, err: fmt.Errorf("analyse frame: %w", err)}
		}
	}
	if left, ok := s.TimeLeft(); ok && left <= 0 {
		return capturedMsg{attempt: attempt, index: i, err: flow.ErrExpired}
	}
	if _, err := s.AddCapture(i, f, a); err != nil {
		return capturedMsg{attempt: attempt, index: i, err: err}
	}
	h, _ := s.Progress()
	return capturedMsg{attempt: attempt, index: i, seq: f.Seq, have: h}
}

// captureWindow keeps up to n frames of the window for challenge i.
// Frames at or before last (when kept is set) were kept already and are
// left out; with nothing new the capture is a no-op.
func captureWindow(s *flow.Session, w *flow.Window, last uint64, kept bool, attempt, i, n int) tea.Cmd {
	return func() tea.Msg {
		if left, ok := s.TimeLeft(); ok && left <= 0 {
			return capturedMsg{attempt: attempt, index: i, err: flow.ErrExpired}
		}
		seq := last
		taken := w.Take(n, func(f capture.Frame) bool { return !kept || f.Seq > last })
		for _, c := range taken {
			if _, err := s.AddCapture(i, c.Frame, c.Analysis); err != nil {
				return capturedMsg{attempt: attempt, index: i, err: err}
			}
			seq = max(seq, c.Frame.Seq)
		}
		h, _ := s.Progress()
		return capturedMsg{attempt: attempt, index: i, seq: seq, have: h}
	}
}

// retakeChallenge drops challenge i's frames.
func retakeChallenge(s *flow.Session, attempt, i int) tea.Cmd {
	return func() tea.Msg {
		err := s.Retake(i)
		h, _ := s.Progress()
		return retakenMsg{attempt: attempt, index: i, have: h, err: err}
	}
}

// Init starts a liveness attempt.
func (m livenessModel) Init() (livenessModel, tea.Cmd) {
	m, stop := m.stop()
	m.attempt = m.c.nextID()
	m.starting, m.expired, m.fail, m.challenges, m.have = true, false, nil, nil, nil
	m.capturing, m.capturedAt, m.limited = false, false, false
	return m, tea.Batch(stop, startLiveness(m.c.ctx, m.sess, m.attempt))
}

// stop closes the camera.
func (m livenessModel) stop() (livenessModel, tea.Cmd) {
	src := m.src
	m.src, m.srcID, m.hasFrm, m.view, m.analysis = nil, 0, false, "", nil
	return m, m.c.closeSource(src)
}

// complete reports whether every challenge has its frames.
func (m livenessModel) complete() bool {
	return len(m.challenges) > 0 && m.active >= len(m.challenges)
}

// firstIncomplete is the first challenge still short of frames.
func (m livenessModel) firstIncomplete() int {
	for i, h := range m.have {
		if h < m.need {
			return i
		}
	}
	return len(m.challenges)
}

// openActive opens the camera on the active challenge's segment.
func (m livenessModel) openActive() (livenessModel, tea.Cmd) {
	if m.src != nil && !m.complete() && !m.c.opts.CameraByLabel {
		// a camera shows the same whatever the challenge: keep it
		return m, nil
	}
	m, stop := m.stop()
	// a new source numbers its frames from zero again
	m.capturedAt, m.lastCap = false, 0
	if m.complete() {
		return m, stop
	}
	m.srcID = m.c.nextID()
	// Each source renders into its own Preview: a frame of the previous
	// source may still be rendering in its command.
	m.preview = &Preview{}
	label := m.challenges[m.active].Type
	cam := m.c.opts.Camera
	open := func() (capture.Source, error) {
		if cam == nil {
			return nil, ErrNoCamera
		}
		src, err := cam(label)
		if errors.Is(err, capture.ErrNoFrames) {
			// a recording without this challenge's segment: replay it all
			return cam("")
		}
		return src, err
	}
	return m, tea.Batch(stop, m.c.openSource(m.srcID, open))
}

func (m livenessModel) previewSize() (int, int) {
	return max(m.c.width-42, 16), max(m.c.bodyHeight()-7, 4)
}

// capture starts capturing a frame for the active challenge; byKey when
// the operator asked for it.
func (m livenessModel) capture(byKey bool) (livenessModel, tea.Cmd) {
	if m.capturing || m.src == nil || m.complete() || m.expired {
		return m, nil
	}
	m.capturing = true
	return m, captureChallenge(m.c.ctx, m.sess, m.c.opts.Analyzer, m.src, m.attempt, m.active, m.lastCap, m.capturedAt, byKey)
}

// windowFrames is how many recent analysed frames auto-capture chooses
// from: about a second of the preview. It stays shorter than a looped
// recording's segment, so a demo never sends the same picture twice.
const windowFrames = 10

// captureDetected keeps the frames that showed the challenge once the
// detector sees it done; with none kept yet it captures the next frame.
func (m livenessModel) captureDetected() (livenessModel, tea.Cmd) {
	if m.capturing || m.src == nil || m.complete() || m.expired || m.window == nil || m.window.Len() == 0 {
		return m.capture(false)
	}
	m.capturing = true
	return m, captureWindow(m.sess, m.window, m.lastCap, m.capturedAt, m.attempt, m.active, m.need-m.have[m.active])
}

// Update handles the liveness screen.
func (m livenessModel) Update(msg tea.Msg) (livenessModel, tea.Cmd) {
	k := m.c.keys
	switch msg := msg.(type) {
	case livenessStartedMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		m.starting = false
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			return m, nil
		}
		m.challenges = msg.challenges
		m.have, m.need = m.sess.Progress()
		m.retaken = make([]bool, len(m.challenges))
		m.byKey = make([]bool, len(m.challenges))
		m.active, m.sel = 0, 0
		m, open := m.openActive()
		return m, tea.Batch(open, tickTimeLeft(m.sess, m.attempt, 0))
	case timeLeftMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		m.timeLeft, m.limited = msg.left, msg.ok
		if msg.ok && msg.left <= 0 && !m.complete() {
			m.expired = true
			return m.stop()
		}
		return m, tickTimeLeft(m.sess, m.attempt, time.Second)
	case sourceOpenedMsg:
		if msg.id != m.srcID {
			return m, m.c.closeSource(msg.src)
		}
		if msg.err != nil {
			m.srcID = 0
			m.fail = &failure{err: msg.err, retryable: true}
			return m, nil
		}
		m.src = msg.src
		return m, tickFrame(m.srcID, 0)
	case frameTickMsg:
		if msg.id != m.srcID || m.src == nil {
			return m, nil
		}
		cols, rows := m.previewSize()
		j := previewJob{id: m.srcID, src: m.src, preview: m.preview, lastSeq: m.frame.Seq, have: m.hasFrm,
			cols: cols, rows: rows, mode: m.c.mode, mirror: m.c.mirror, guide: true,
			ctx: m.c.ctx, analyzer: m.c.opts.Analyzer, detector: m.c.opts.Detector}
		if !m.complete() {
			j.challenge = m.challenges[m.active].Type
			if m.window == nil || m.windowFor != m.active {
				m.window, m.windowFor = flow.NewWindow(windowFrames), m.active
			}
			j.window = m.window
		}
		return m, readFrame(j)
	case frameMsg:
		if msg.id != m.srcID {
			return m, nil
		}
		if msg.ok {
			m.frame, m.hasFrm, m.view = msg.frame, true, msg.preview
			if msg.analysis != nil {
				m.analysis = msg.analysis
				m.guidance = msg.guidance
			}
		}
		next := tickFrame(m.srcID, m.c.frameInterval())
		if msg.done && m.c.opts.Detector != nil {
			var cap tea.Cmd
			m, cap = m.captureDetected()
			return m, tea.Batch(next, cap)
		}
		return m, next
	case capturedMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		m.capturing = false
		if msg.err != nil {
			if errors.Is(msg.err, flow.ErrExpired) {
				m.expired = true
				return m.stop()
			}
			m.fail = &failure{err: msg.err, retryable: true}
			return m, nil
		}
		m.have = msg.have
		m.lastCap, m.capturedAt = msg.seq, true
		if msg.byKey {
			m.byKey[msg.index] = true
		}
		if m.have[msg.index] >= m.need {
			m.retaken[msg.index] = false
			m.active = m.firstIncomplete()
			m.sel = min(m.active, len(m.challenges)-1)
			if m.active != msg.index {
				return m.openActive()
			}
		}
		return m, nil
	case retakenMsg:
		if msg.attempt != m.attempt {
			return m, nil
		}
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: false}
			return m, nil
		}
		m.have = msg.have
		m.retaken[msg.index] = true
		m.byKey[msg.index] = false
		m.window = nil
		// the detector starts the retaken challenge afresh
		m.c.resetAnalysis()
		if next := m.firstIncomplete(); next != m.active {
			m.active = next
			return m.openActive()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	_ = k
	return m, nil
}

func (m livenessModel) updateKey(msg tea.KeyPressMsg) (livenessModel, tea.Cmd) {
	k := m.c.keys
	if m.fail != nil {
		switch {
		case key.Matches(msg, k.Enter) && m.fail.retryable:
			m.fail = nil
			if m.challenges == nil {
				return m.Init()
			}
			if m.src == nil {
				return m.openActive()
			}
		case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
			m.fail = nil
			if m.src == nil && !m.complete() {
				// without a camera this screen can do nothing: go back
				m, stop := m.stop()
				m.attempt = 0
				return m, tea.Batch(stop, func() tea.Msg { return backMsg{} })
			}
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m, stop := m.stop()
		m.attempt = 0
		return m, tea.Batch(stop, func() tea.Msg { return backMsg{} })
	case key.Matches(msg, k.Mirror):
		m.c.mirror = !m.c.mirror
		return m, nil
	}
	if m.starting {
		return m, nil
	}
	if m.expired {
		if key.Matches(msg, k.Enter) {
			return m.Init()
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Enter):
		if m.complete() {
			m, stop := m.stop()
			return m, tea.Batch(stop, func() tea.Msg { return livenessDoneMsg{} })
		}
		return m.capture(true)
	case key.Matches(msg, k.Capture):
		return m.capture(true)
	case key.Matches(msg, k.Left):
		m.sel = max(m.sel-1, 0)
	case key.Matches(msg, k.Right):
		m.sel = min(m.sel+1, len(m.challenges)-1)
	case key.Matches(msg, k.Retake):
		if m.capturing || len(m.challenges) == 0 {
			return m, nil
		}
		return m, retakeChallenge(m.sess, m.attempt, m.sel)
	}
	return m, nil
}

func (m livenessModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	var short []key.Binding
	switch {
	case m.expired:
		enter.SetHelp("enter", m.c.t("live.key.restart"))
		short = []key.Binding{enter}
	case m.complete():
		enter.SetHelp("enter", m.c.t("live.key.submit"))
		short = []key.Binding{enter, k.Left, k.Right, k.Retake}
	default:
		enter.SetHelp("enter", m.c.t("live.key.capture"))
		short = []key.Binding{enter, k.Capture, k.Mirror, k.Retake, k.Left, k.Right}
	}
	short = append(short, k.Back, k.Help)
	return bindings{short: short, full: [][]key.Binding{short, {k.Restart, k.Quit}}}
}

// cue is a challenge's direction arrow as the operator sees the preview:
// the subject's left is the screen's left in a mirrored preview.
func cue(challenge string, mirrored bool) string {
	left, right := "◀◀", "▶▶"
	if !mirrored {
		left, right = right, left
	}
	switch challenge {
	case "turn_left":
		return left
	case "turn_right":
		return right
	case "look_up":
		return "▲▲"
	case "look_down":
		return "▼▼"
	case "nod":
		return "▲▼"
	case "blink":
		return "◉"
	case "smile":
		return "☺"
	case "open_mouth":
		return "○"
	case "raise_eyebrows":
		return "⌒"
	}
	return "•"
}

// clock formats a duration as m:ss.
func clock(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// View draws the liveness screen.
func (m livenessModel) View() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	title := s.Title.Render(c.t("live.title"))
	if n := len(m.challenges); n > 0 && !m.complete() {
		title += "  " + c.t("live.progress", m.active+1, n)
	}
	if m.limited {
		title += "  " + s.Value.Render("⏱ "+clock(m.timeLeft))
	}
	b.WriteString(title + "\n")
	switch {
	case m.fail != nil:
		b.WriteString("\n" + errorView(c, m.fail, c.width-4))
		return b.String()
	case m.starting:
		b.WriteString("\n" + s.Muted.Render(c.t("live.starting")) + "\n")
		return b.String()
	case m.expired:
		b.WriteString("\n" + s.ErrorBox.Render(s.Error.Render(c.t("err.expired"))+"\n"+c.t("live.expired.next")) + "\n")
		b.WriteString(m.strip())
		return b.String()
	}
	var instr string
	if m.complete() {
		instr = s.OK.Render("✓ " + c.t("live.done"))
	} else {
		ch := m.challenges[m.active].Type
		instr = cue(ch, c.mirror) + "  " + c.name("challenge.", ch)
		if !c.tr.Has("challenge." + ch) {
			instr = cue(ch, c.mirror) + "  " + c.t("challenge.unknown", ch)
		}
	}
	b.WriteString(s.Big.Width(min(c.width-2, 76)).Align(lipgloss.Center).Render(instr) + "\n")
	mirrorNote := c.t("live.mirrored")
	if !c.mirror {
		mirrorNote = c.t("live.notmirrored")
	}
	var left string
	switch {
	case m.complete():
		left = c.t("live.done.next")
	case m.view == "":
		left = s.Muted.Render(c.t("camera.starting"))
	default:
		left = m.view
	}
	left += "\n" + s.Muted.Render(mirrorNote)
	cols, _ := m.previewSize()
	b.WriteString(joinColumns(lipgloss.NewStyle().Width(cols).Render(left), m.strip(), 2))
	return b.String()
}

// strip is the status of every challenge.
func (m livenessModel) strip() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	b.WriteString(s.Label.Render(c.t("live.challenges")) + "\n")
	for i, ch := range m.challenges {
		var mark, state string
		switch {
		case m.have[i] >= m.need && c.opts.Detector != nil && m.byKey[i]:
			// with the face analysis on, say which the detector did not see
			mark, state = "✓", c.t("live.state.bykey")
		case m.have[i] >= m.need && c.opts.Detector != nil:
			mark, state = "✓", c.t("live.state.detected")
		case m.have[i] >= m.need:
			mark, state = "✓", c.t("live.state.done")
		case m.retaken[i]:
			mark, state = "↺", c.t("live.state.retake")
		case i == m.active:
			mark, state = "●", c.t("live.state.capturing")
		default:
			mark, state = "○", c.t("live.state.pending")
		}
		line := fmt.Sprintf("%s %-14s %s", mark, truncate(c.name("challenge.short.", ch.Type), 14), c.t("liveness.frames", m.have[i], m.need))
		line += " " + state
		if i == m.sel {
			b.WriteString(s.Selected.Render("›"+line) + "\n")
		} else {
			b.WriteString(" " + line + "\n")
		}
	}
	if m.capturing {
		b.WriteString(s.Muted.Render(c.t("live.capturing")) + "\n")
	}
	for _, g := range m.guidance {
		b.WriteString(s.Warning.Render("! "+c.name("guide.", g)) + "\n")
	}
	if m.analysis != nil && m.analysis.HeadPose != nil {
		hp := m.analysis.HeadPose
		b.WriteString(s.Muted.Render(fmt.Sprintf("yaw %+.0f° pitch %+.0f°", hp.Yaw, hp.Pitch)) + "\n")
	}
	return b.String()
}
