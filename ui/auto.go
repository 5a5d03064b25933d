package ui

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/api"
)

// The self-walking TUI's defaults (kycterm demo --auto).
const (
	// DefaultAutoPause is how long a screen is shown ready before Enter.
	DefaultAutoPause = 800 * time.Millisecond
	// DefaultCaptureAfter is how long a challenge is left to the
	// auto-capture before Enter captures its frames.
	DefaultCaptureAfter = 6 * time.Second
	// DefaultLinger is how long the result stays on screen.
	DefaultLinger = 4 * time.Second
)

// autoPoll is how often the walker looks at the screen.
const autoPoll = 50 * time.Millisecond

// Limits of the walk: failures retried with Enter, and presses of Enter
// on one unchanged screen (liveness captures apart).
const (
	autoRetries  = 3
	autoPresses  = 6
	autoCaptures = 40
)

// Errors of the self-walking TUI.
var (
	// ErrAutoStuck reports a screen Enter alone does not get past.
	ErrAutoStuck = errors.New("the demo cannot go on with Enter alone")
	// ErrAutoCrashed reports the TUI's crash screen.
	ErrAutoCrashed = errors.New("the TUI crashed")
)

// AutoOptions pace the self-walking TUI; zero values take the defaults.
type AutoOptions struct {
	// Pause is how long each screen is shown ready before Enter.
	Pause time.Duration
	// CaptureAfter is how long a liveness challenge is left to the
	// auto-capture (the face analysis) before Enter captures it.
	CaptureAfter time.Duration
	// Linger is how long the result screen stays before the program
	// ends; any key ends it sooner.
	Linger time.Duration
	// OnStep, when set, is called before each Enter the walker presses,
	// with the screen and its view (ANSI styled) at that moment.
	OnStep func(s Screen, view string)
}

// autoAct is what the walker does with the screen as it is.
type autoAct int

const (
	actWait    autoAct = iota // something runs: wait
	actEnter                  // the screen waits for its primary action
	actRetry                  // a failure is shown: Enter retries it
	actCapture                // a challenge waits for its frames
	actDone                   // the result is shown
	actStuck                  // Enter alone cannot go on
)

// autoPlan is the walker's reading of the screen.
type autoPlan struct {
	act autoAct
	// key names the screen's state; the pause restarts when it changes.
	key string
	err error
}

// Auto is the kiosk's TUI walking itself, for showcases and CI: it looks
// at the screen every few milliseconds and, once a screen has waited for
// its primary action for Pause, presses Enter through the program, as an
// operator would. On the liveness screen it leaves each challenge to the
// auto-capture first, and presses Enter (capture) after CaptureAfter.
// The result stays Linger, then the program ends; Result and Err say how.
type Auto struct {
	m Model
	o AutoOptions

	plan     autoPlan
	since    time.Time // plan.key unchanged since
	pressed  time.Time // last Enter
	presses  int       // on plan.key
	failures int
	res      *api.VerifyResponse
	doneAt   time.Time
	err      error
	quitting bool
}

// autoTickMsg asks the walker to look at the screen.
type autoTickMsg struct{}

// autoKeyMsg is a key the walker presses; the program delivers it like
// any message and the walker hands it to the screens as a key press.
type autoKeyMsg struct{ key tea.KeyPressMsg }

// NewAuto builds the self-walking TUI.
func NewAuto(o Options, a AutoOptions) (Auto, error) {
	m, err := New(o)
	if err != nil {
		return Auto{}, err
	}
	if a.Pause <= 0 {
		a.Pause = DefaultAutoPause
	}
	if a.CaptureAfter <= 0 {
		a.CaptureAfter = DefaultCaptureAfter
	}
	if a.Linger <= 0 {
		a.Linger = DefaultLinger
	}
	return Auto{m: m, o: a}, nil
}

// Result is the verify response the walk reached, nil if none.
func (a Auto) Result() *api.VerifyResponse { return a.res }

// Err is why the walk stopped short of a result, nil if it did not.
func (a Auto) Err() error { return a.err }

// Screen is the screen shown.
func (a Auto) Screen() Screen { return a.m.screen }

// Init starts the TUI and the walker.
func (a Auto) Init() tea.Cmd {
	return tea.Batch(a.m.Init(), autoTick())
}

func autoTick() tea.Cmd {
	return tea.Tick(autoPoll, func(time.Time) tea.Msg { return autoTickMsg{} })
}

// View draws the TUI.
func (a Auto) View() tea.View { return a.m.View() }

// Update hands messages to the TUI and walks it.
func (a Auto) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case autoTickMsg:
		if a.quitting {
			return a, nil
		}
		return a.step()
	case autoKeyMsg:
		return a.forward(msg.key)
	case tea.KeyPressMsg:
		// the operator's own key: on the result it ends the demo
		if a.m.screen == ScreenResult && a.m.result.res != nil && !a.quitting {
			if a.res == nil {
				a.res = a.m.result.res
			}
			return a.quit()
		}
	}
	return a.forward(msg)
}

func (a Auto) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := a.m.Update(msg)
	a.m = next.(Model)
	return a, cmd
}

// quit wipes what the TUI holds and ends the program.
func (a Auto) quit() (tea.Model, tea.Cmd) {
	a.quitting = true
	var cmd tea.Cmd
	a.m, cmd = a.m.quit()
	return a, cmd
}

// step looks at the screen and presses Enter when it is time.
func (a Auto) step() (tea.Model, tea.Cmd) {
	now := a.m.c.now()
	p := a.m.autoPlan()
	if p.key != a.plan.key {
		a.since, a.presses = now, 0
	}
	a.plan = p
	enter := func() (tea.Model, tea.Cmd) {
		if a.o.OnStep != nil {
			a.o.OnStep(a.m.screen, a.m.Render())
		}
		a.pressed = now
		a.presses++
		k := tea.KeyPressMsg{Code: tea.KeyEnter}
		return a, tea.Batch(func() tea.Msg { return autoKeyMsg{key: k} }, autoTick())
	}
	waited := now.Sub(a.since) >= a.o.Pause && now.Sub(a.pressed) >= a.o.Pause
	switch p.act {
	case actDone:
		if a.res == nil {
			a.res, a.doneAt = a.m.result.res, now
			if a.o.OnStep != nil {
				a.o.OnStep(a.m.screen, a.m.Render())
			}
		}
		if now.Sub(a.doneAt) >= a.o.Linger {
			return a.quit()
		}
	case actStuck:
		a.err = p.err
		return a.quit()
	case actRetry:
		if waited {
			if a.failures >= autoRetries {
				a.err = p.err
				return a.quit()
			}
			a.failures++
			return enter()
		}
	case actEnter:
		if waited {
			if a.presses >= autoPresses {
				a.err = fmt.Errorf("%w (screen %d)", ErrAutoStuck, a.m.screen)
				return a.quit()
			}
			return enter()
		}
	case actCapture:
		after := a.o.Pause
		if a.m.c.opts.Detector != nil && a.presses == 0 {
			after = a.o.CaptureAfter
		}
		if now.Sub(a.since) >= after && now.Sub(a.pressed) >= a.o.Pause {
			if a.presses >= autoCaptures {
				a.err = fmt.Errorf("%w: the challenge's frames were not captured", ErrAutoStuck)
				return a.quit()
			}
			return enter()
		}
	}
	return a, autoTick()
}

// autoPlan reads the screen for the walker: what Enter would do now.
func (m Model) autoPlan() autoPlan {
	c := m.c
	switch {
	case m.crashed:
		return autoPlan{act: actStuck, key: "crash", err: ErrAutoCrashed}
	case m.confirm || m.pinAsk || m.showHelp || c.width < MinWidth || c.height < MinHeight:
		return autoPlan{act: actWait, key: "modal"}
	}
	retry := func(name string, f *failure) autoPlan {
		if !f.retryable && f.action == "" {
			return autoPlan{act: actStuck, key: name + "/fail", err: f.err}
		}
		return autoPlan{act: actRetry, key: fmt.Sprintf("%s/fail/%p", name, f), err: f.err}
	}
	switch m.screen {
	case ScreenOpen:
		o := m.open
		switch {
		case o.fail != nil:
			return retry("open", o.fail)
		case o.busy || o.scanID != 0:
			return autoPlan{act: actWait, key: "open/busy"}
		}
		return autoPlan{act: actEnter, key: "open"}
	case ScreenSession:
		s := m.session
		switch {
		case s.fail != nil:
			return retry("session", s.fail)
		case s.busy:
			return autoPlan{act: actWait, key: "session/busy"}
		}
		return autoPlan{act: actEnter, key: "session"}
	case ScreenDocument:
		d := m.document
		switch {
		case d.fail != nil:
			return retry("document", d.fail)
		case d.busy != "":
			return autoPlan{act: actWait, key: "document/busy"}
		case !d.have && d.fileMode:
			// a path cannot be typed with Enter
			return autoPlan{act: actStuck, key: "document/file", err: fmt.Errorf("%w: the document needs a file path", ErrAutoStuck)}
		case !d.have && !d.hasFrm:
			return autoPlan{act: actWait, key: "document/camera"}
		case !d.have:
			return autoPlan{act: actEnter, key: "document/capture"}
		case d.reading() || d.q.photoPending:
			// the readings and the photo's checks (the size check comes
			// with the MRZ's outline) are part of what the operator sees,
			// and the readings pre-fill the check's form
			return autoPlan{act: actWait, key: "document/reading"}
		case d.stage == docForm && d.form.blocked():
			return autoPlan{act: actStuck, key: "document/form/refused",
				err: fmt.Errorf("%w: the check's fields need typing", ErrAutoStuck)}
		case d.stage == docForm && d.form.failed != nil:
			return autoPlan{act: actRetry, key: fmt.Sprintf("document/form/fail/%d", d.form.tries), err: d.form.failed}
		case d.stage == docForm:
			return autoPlan{act: actEnter, key: "document/form"}
		case d.stage == docOutcome:
			return autoPlan{act: actEnter, key: "document/outcome"}
		}
		return autoPlan{act: actEnter, key: "document/captured"}
	case ScreenLiveness:
		l := m.liveness
		switch {
		case l.fail != nil:
			return retry("liveness", l.fail)
		case l.starting:
			return autoPlan{act: actWait, key: "liveness/starting"}
		case l.expired:
			return autoPlan{act: actEnter, key: fmt.Sprintf("liveness/%d/expired", l.attempt)}
		case l.complete():
			return autoPlan{act: actEnter, key: fmt.Sprintf("liveness/%d/done", l.attempt)}
		}
		// one key while the challenge is active: the time left to the
		// auto-capture runs from when it became active
		key := fmt.Sprintf("liveness/%d/%d", l.attempt, l.active)
		if l.capturing || l.src == nil || l.view == "" {
			return autoPlan{act: actWait, key: key}
		}
		return autoPlan{act: actCapture, key: key}
	case ScreenSubmit:
		s := m.submit
		if s.fail != nil {
			return retry("submit", s.fail)
		}
		return autoPlan{act: actWait, key: "submit"}
	case ScreenResult:
		if m.result.res == nil {
			return autoPlan{act: actStuck, key: "result", err: ErrAutoStuck}
		}
		return autoPlan{act: actDone, key: "result"}
	}
	return autoPlan{act: actWait, key: "unknown"}
}
