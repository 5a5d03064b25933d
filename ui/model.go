package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui/flow"
	"github.com/kycterm/kycterm/ui/i18n"
)

// Screen is one step of the kiosk's flow.
type Screen int

// The screens, in flow order.
const (
	ScreenOpen Screen = iota
	ScreenSession
	ScreenDocument
	ScreenLiveness
	ScreenSubmit
	ScreenResult
)

// MinWidth and MinHeight are the smallest terminal the kiosk draws its
// screens in; below it asks for a larger window.
const (
	MinWidth  = 60
	MinHeight = 20
)

// ErrNoService reports Options without a Service.
var ErrNoService = errors.New("the TUI needs an API service")

// Model is the kiosk's root model: it owns the screens, routes messages to
// the current one, moves between them, and handles what is global (size,
// colours, help, quitting, kiosk idle reset).
type Model struct {
	c      *common
	screen Screen
	sess   *flow.Session

	open     openModel
	session  sessionModel
	document documentModel
	liveness livenessModel
	submit   submitModel
	result   resultModel

	help     help.Model
	showHelp bool

	confirm bool // Ctrl+C asked while customer data is held
	pinAsk  bool
	pin     textinput.Model
	pinHint string
	pinBusy bool

	lastInput time.Time
	idleID    int
	crashed   bool
}

// idleTickMsg checks the kiosk's idle timeout.
type idleTickMsg struct{ id int }

// pinCheckedMsg is the result of checking the operator PIN.
type pinCheckedMsg struct {
	ok  bool
	err error
}

// New builds the kiosk's model.
func New(o Options) (Model, error) {
	if o.Service == nil {
		return Model{}, ErrNoService
	}
	tr, err := i18n.New(o.Lang)
	if err != nil {
		return Model{}, fmt.Errorf("interface language: %w", err)
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	c := &common{opts: o, ctx: ctx, width: 80, height: 24, styles: DefaultStyles(), keys: DefaultKeyMap(tr), tr: tr,
		mode: TrueColor, mirror: !o.NoMirror}
	pin := textinput.New()
	pin.EchoMode = textinput.EchoPassword
	pin.CharLimit = 32
	pin.SetWidth(12)
	m := Model{c: c, open: newOpenModel(c), help: help.New(), pin: pin}
	m.lastInput = c.now()
	return m, nil
}

// Screen returns the screen shown.
func (m Model) Screen() Screen { return m.screen }

// Init starts the first screen and the kiosk's idle timer.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.open.Init(), m.idleTick())
}

func (m Model) idleTick() tea.Cmd {
	if !m.c.opts.Kiosk.Enabled || m.c.opts.Kiosk.IdleReset <= 0 {
		return nil
	}
	id := m.idleID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return idleTickMsg{id: id} })
}

// holdsData reports whether a customer's data is held.
func (m Model) holdsData() bool { return m.sess != nil }

// reset wipes the customer's data, stops cameras and calls in flight and
// returns to the first screen.
func (m Model) reset() (Model, tea.Cmd) {
	var cmds []tea.Cmd
	var cmd tea.Cmd
	m.document, cmd = m.document.stop()
	cmds = append(cmds, cmd)
	// the photo, the readings and the check's fields go with the customer
	m.document = newDocumentModel(m.c)
	m.liveness, cmd = m.liveness.stop()
	cmds = append(cmds, cmd)
	m.liveness.attempt = 0
	if m.submit.cancel != nil {
		m.submit.cancel()
	}
	m.submit.attempt = 0
	if m.sess != nil {
		m.sess.Wipe()
		m.sess = nil
	}
	m.c.resetAnalysis()
	o := m.c.opts
	o.UUID = ""
	m.c.opts = o
	m.screen = ScreenOpen
	m.open = newOpenModel(m.c)
	m.confirm, m.pinAsk = false, false
	cmds = append(cmds, m.open.Init())
	return m, tea.Batch(cmds...)
}

// checkPIN checks the operator PIN off the UI loop (it is a slow hash).
func checkPIN(hash, pin string) tea.Cmd {
	return func() tea.Msg {
		ok, err := config.CheckPIN(hash, pin)
		return pinCheckedMsg{ok: ok, err: err}
	}
}

// quit wipes what is held and ends the program.
func (m Model) quit() (Model, tea.Cmd) {
	m, cmd := m.reset()
	return m, tea.Sequence(cmd, tea.Quit)
}

// crashMsg reports a panic in a command: a bug, shown as an error screen
// rather than a stack trace on the customer's terminal.
type crashMsg struct{}

// guard makes cmd, and every command of a batch it returns, report a
// panic as a crashMsg.
func guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if recover() != nil {
				msg = crashMsg{}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for i := range b {
				b[i] = guard(b[i])
			}
		}
		return msg
	}
}

// Update routes a message. A panic (a bug) shows the crash screen, which
// offers to start over; nothing of it reaches the terminal.
func (m Model) Update(msg tea.Msg) (res tea.Model, cmd tea.Cmd) {
	defer func() {
		if recover() != nil {
			m.crashed = true
			res, cmd = m, nil
		}
	}()
	if _, ok := msg.(crashMsg); ok {
		m.crashed = true
		return m, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && m.crashed && !m.confirm && !m.pinAsk {
		switch {
		case key.Matches(k, m.c.keys.Restart), key.Matches(k, m.c.keys.Enter):
			m.crashed = false
			mm, c := m.reset()
			return mm, guard(c)
		case !key.Matches(k, m.c.keys.Quit):
			return m, nil
		}
	}
	next, c := m.update(msg)
	return next, guard(c)
}

// update routes a message.
func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.ColorProfileMsg:
		switch msg.Profile {
		case colorprofile.TrueColor:
			m.c.mode = TrueColor
		case colorprofile.ANSI256, colorprofile.ANSI:
			m.c.mode = Color256
		default:
			m.c.mode = Mono
		}
		return m, nil
	case idleTickMsg:
		if msg.id != m.idleID {
			return m, nil
		}
		if (m.screen != ScreenOpen || m.holdsData()) && m.c.now().Sub(m.lastInput) >= m.c.opts.Kiosk.IdleReset {
			m.idleID++
			m, cmd := m.reset()
			return m, tea.Batch(cmd, m.idleTick())
		}
		return m, m.idleTick()
	case pinCheckedMsg:
		m.pinBusy = false
		if msg.ok {
			return m.quit()
		}
		m.pin.SetValue("")
		m.pinHint = m.c.t("pin.wrong")
		return m, nil
	case tea.KeyPressMsg:
		m.lastInput = m.c.now()
		if mm, cmd, done := m.globalKey(msg); done {
			return mm, cmd
		}
	case tea.PasteMsg:
		m.lastInput = m.c.now()
		if m.pinAsk {
			return m, nil
		}
	case backMsg:
		return m.back()
	case restartMsg:
		return m.reset()
	case sessionOpenedMsg:
		if m.sess != nil && m.sess != msg.sess {
			m.sess.Wipe()
		}
		m.sess = msg.sess
		m.session = newSessionModel(m.c, msg.sess)
		m.screen = ScreenSession
		return m, nil
	case docInfoSetMsg:
		m.session.busy = false
		m.document = newDocumentModel(m.c)
		m.document.sess = m.sess
		m.screen = ScreenDocument
		var cmd tea.Cmd
		m.document, cmd = m.document.Init()
		return m, cmd
	case documentDoneMsg, restartLivenessMsg:
		m.liveness = newLivenessModel(m.c, m.sess)
		m.screen = ScreenLiveness
		var cmd tea.Cmd
		m.liveness, cmd = m.liveness.Init()
		return m, cmd
	case livenessDoneMsg:
		m.submit = newSubmitModel(m.c, m.sess)
		m.screen = ScreenSubmit
		var cmd tea.Cmd
		m.submit, cmd = m.submit.Init()
		return m, cmd
	case verifiedMsg:
		m.result = newResultModel(m.c, msg.res)
		m.screen = ScreenResult
		return m, nil
	case nextCustomerMsg:
		return m.reset()
	}
	return m.route(msg)
}

// globalKey handles keys every screen shares; done is false when the key
// belongs to the screen.
func (m Model) globalKey(msg tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	k := m.c.keys
	if m.pinAsk {
		switch {
		case m.pinBusy:
		case key.Matches(msg, k.Enter):
			m.pinBusy = true
			return m, checkPIN(m.c.opts.Kiosk.PINHash, m.pin.Value()), true
		case key.Matches(msg, k.Back):
			m.pinAsk, m.pinHint = false, ""
			m.pin.SetValue("")
			m.pin.Blur()
		default:
			var cmd tea.Cmd
			m.pin, cmd = m.pin.Update(msg)
			m.pinHint = ""
			return m, cmd, true
		}
		return m, nil, true
	}
	if m.confirm {
		switch {
		case key.Matches(msg, k.Enter), key.Matches(msg, k.Quit):
			mm, cmd := m.quit()
			return mm, cmd, true
		case key.Matches(msg, k.Back):
			m.confirm = false
		}
		return m, nil, true
	}
	switch {
	case key.Matches(msg, k.Quit):
		if m.c.opts.Kiosk.Enabled {
			m.pinAsk = true
			m.pin.SetValue("")
			return m, m.pin.Focus(), true
		}
		if m.holdsData() {
			m.confirm = true
			return m, nil, true
		}
		return m, tea.Quit, true
	case key.Matches(msg, m.helpKey()):
		m.showHelp = !m.showHelp
		return m, nil, true
	case m.showHelp && key.Matches(msg, k.Back):
		m.showHelp = false
		return m, nil, true
	case key.Matches(msg, k.Restart) && m.screen != ScreenOpen:
		mm, cmd := m.reset()
		return mm, cmd, true
	}
	if m.c.width < MinWidth || m.c.height < MinHeight {
		return m, nil, true
	}
	return m, nil, false
}

// back moves one screen back.
func (m Model) back() (Model, tea.Cmd) {
	switch m.screen {
	case ScreenSession:
		return m.reset()
	case ScreenDocument:
		m.screen = ScreenSession
		return m, nil
	case ScreenLiveness:
		m.document = newDocumentModel(m.c)
		m.document.sess = m.sess
		m.screen = ScreenDocument
		var cmd tea.Cmd
		m.document, cmd = m.document.Init()
		return m, cmd
	case ScreenSubmit:
		m.screen = ScreenLiveness
		// The frames are kept: the operator may retake one and send again.
		var cmd tea.Cmd
		if !m.liveness.complete() {
			m.liveness, cmd = m.liveness.openActive()
		}
		return m, cmd
	}
	return m, nil
}

// route hands a message to the current screen.
func (m Model) route(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.screen {
	case ScreenOpen:
		m.open, cmd = m.open.Update(msg)
	case ScreenSession:
		m.session, cmd = m.session.Update(msg)
	case ScreenDocument:
		m.document, cmd = m.document.Update(msg)
	case ScreenLiveness:
		m.liveness, cmd = m.liveness.Update(msg)
	case ScreenSubmit:
		m.submit, cmd = m.submit.Update(msg)
	case ScreenResult:
		m.result, cmd = m.result.Update(msg)
	}
	// A camera opened for a screen left behind is closed; the camera
	// screens close the ones that are not theirs themselves.
	if s, ok := msg.(sourceOpenedMsg); ok && s.src != nil && !m.handlesSources() {
		return m, tea.Batch(cmd, m.c.closeSource(s.src))
	}
	return m, cmd
}

// handlesSources reports whether the current screen uses cameras (and so
// closes the sources it did not ask for).
func (m Model) handlesSources() bool {
	switch m.screen {
	case ScreenOpen, ScreenDocument, ScreenLiveness:
		return true
	}
	return false
}

// typing tells whether a text field has the focus: ? is then a
// character, and the help is on F1 only.
func (m Model) typing() bool {
	switch m.screen {
	case ScreenOpen:
		o := m.open
		focused := o.input.Focused() || o.filter.Focused()
		for _, f := range o.fields {
			focused = focused || f.Focused()
		}
		return focused
	case ScreenSession:
		return m.session.country.Focused()
	case ScreenDocument:
		d := m.document
		return d.path.Focused() || d.form != nil && d.form.fields[d.form.focus].input.Focused()
	}
	return false
}

// helpKey is the key that opens the help: ? or F1, F1 only while a text
// field has the focus (? still closes the help).
func (m Model) helpKey() key.Binding {
	k := m.c.keys.Help
	if m.typing() && !m.showHelp {
		k = key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", k.Help().Desc))
	}
	return k
}

// helpBindings returns the current screen's key help, its help key as
// helpKey says.
func (m Model) helpBindings() bindings {
	var b bindings
	switch m.screen {
	case ScreenSession:
		b = m.session.help()
	case ScreenDocument:
		b = m.document.help()
	case ScreenLiveness:
		b = m.liveness.help()
	case ScreenSubmit:
		b = m.submit.help()
	case ScreenResult:
		b = m.result.help()
	default:
		b = m.open.help()
	}
	h := m.helpKey()
	swap := func(in []key.Binding) []key.Binding {
		out := slices.Clone(in)
		for i := range out {
			if slices.Equal(out[i].Keys(), m.c.keys.Help.Keys()) {
				out[i] = h
			}
		}
		return out
	}
	b.short = swap(b.short)
	full := make([][]key.Binding, len(b.full))
	for i, col := range b.full {
		full[i] = swap(col)
	}
	b.full = full
	return b
}

// View draws the kiosk.
func (m Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "kycterm"
	return v
}

// Render returns the screen as a string (what View shows).
func (m Model) Render() (out string) {
	c, s := m.c, m.c.styles
	defer func() {
		if recover() != nil {
			out = s.Error.Render(c.t("crash"))
		}
	}()
	if m.crashed {
		return lipgloss.Place(max(c.width, 1), max(c.height, 1), lipgloss.Center, lipgloss.Center,
			s.ErrorBox.Render(s.Error.Render(c.t("crash"))+"\n\n"+c.t("crash.keys")))
	}
	if c.width < MinWidth || c.height < MinHeight {
		msg := c.t("enlarge", MinWidth, MinHeight, c.width, c.height)
		return lipgloss.Place(max(c.width, 1), max(c.height, 1), lipgloss.Center, lipgloss.Center,
			lipgloss.NewStyle().Width(max(c.width-2, 1)).Align(lipgloss.Center).Render(msg))
	}
	var b strings.Builder
	b.WriteString(m.header() + "\n")
	if c.opts.Demo {
		b.WriteString(s.Banner.Width(c.width).Render(truncate(c.t("demo.banner"), c.width)) + "\n")
	}
	bodyH := c.bodyHeight()
	var body string
	switch {
	case m.pinAsk:
		d := c.t("pin.prompt") + "\n\n" + m.pin.View()
		if m.pinHint != "" {
			d += "\n" + s.Error.Render(m.pinHint)
		}
		if m.pinBusy {
			d += "\n" + s.Muted.Render(c.t("busy"))
		}
		body = lipgloss.Place(c.width, bodyH, lipgloss.Center, lipgloss.Center, s.Dialog.Render(d))
	case m.confirm:
		d := s.Value.Render(c.t("quit.confirm")) + "\n\n" + c.t("quit.keys")
		body = lipgloss.Place(c.width, bodyH, lipgloss.Center, lipgloss.Center, s.Dialog.Render(d))
	case m.showHelp:
		hm := m.help
		hm.ShowAll = true
		body = s.Title.Render(c.t("help.title")) + "\n\n" + hm.View(m.helpBindings()) + "\n\n" + s.Muted.Render(c.t("help.close"))
	default:
		body = m.screenView()
	}
	body = lipgloss.NewStyle().PaddingLeft(1).Height(bodyH).MaxHeight(bodyH).MaxWidth(c.width).Render(body)
	b.WriteString("\n" + body + "\n")
	hm := m.help
	hm.ShowAll = false
	b.WriteString(truncateANSI(hm.View(m.helpBindings()), c.width))
	return b.String()
}

// truncateANSI cuts a styled line to width cells.
func truncateANSI(s string, width int) string {
	return lipgloss.NewStyle().MaxWidth(width).Render(s)
}

func (m Model) screenView() string {
	switch m.screen {
	case ScreenSession:
		return m.session.View()
	case ScreenDocument:
		return m.document.View()
	case ScreenLiveness:
		return m.liveness.View()
	case ScreenSubmit:
		return m.submit.View()
	case ScreenResult:
		return m.result.View()
	}
	return m.open.View()
}

// header is the title and where the operator is in the flow.
func (m Model) header() string {
	c, s := m.c, m.c.styles
	names := []string{c.t("step.open"), c.t("step.session"), c.t("step.document"), c.t("step.liveness"), c.t("step.submit"), c.t("step.result")}
	title := s.Title.Render("kycterm")
	if c.width >= 100 {
		parts := make([]string, len(names))
		for i, n := range names {
			p := fmt.Sprintf("%d %s", i+1, n)
			if Screen(i) == m.screen {
				parts[i] = s.StepNow.Render(p)
			} else {
				parts[i] = s.Steps.Render(p)
			}
		}
		return title + "  " + strings.Join(parts, s.Steps.Render(" › "))
	}
	return title + "  " + s.Steps.Render(c.t("step.of", int(m.screen)+1, len(names))) + " " + s.StepNow.Render(names[m.screen])
}
