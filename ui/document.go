package ui

import (
	"context"
	"fmt"
	"image"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui/flow"
)

// documentModel is screen 3: photograph the document with the camera (or
// load a file), show it, read it (the service's OCR and the local reader),
// let the operator confirm the check's fields in a form, send the check
// and show its outcome. Enter walks it: capture, open the form, send,
// go on to liveness.
type documentModel struct {
	c    *common
	sess *flow.Session

	fileMode bool
	path     textinput.Model

	// camera
	srcID   int
	src     capture.Source
	preview *Preview
	view    string
	frame   capture.Frame
	hasFrm  bool

	// captured document
	have     bool
	img      image.Image // the captured photo, judged again once the MRZ is located
	thumbID  int         // the captured photo's: its readings and check carry it
	thumb    string
	busy     string // what is running, "" when idle
	ocr      *api.RecognizeResponse
	ocrErr   error
	local    *LocalDocument
	localErr error
	fail     *failure
	q        docQuality

	// after the capture: the readings, the check's form, its outcome
	stage   docStage
	form    *checkForm
	sent    api.CheckRequest
	outcome flow.CheckOutcome
}

// docStage is where the document screen is once the photo is captured.
// The form and the outcome are part of step 3, so the step indicator
// stays on the document; the screen's title names the part.
type docStage int

const (
	// docRead shows the photo, its quality and the readings compared.
	docRead docStage = iota
	// docForm is the check's fields to confirm or correct.
	docForm
	// docOutcome is what the service answered to the check.
	docOutcome
)

// documentSetMsg: the document image is held by the session.
type documentSetMsg struct {
	img image.Image
	err error
}

// recognizedMsg carries the service's OCR of the photo id.
type recognizedMsg struct {
	id  int
	res *api.RecognizeResponse
	err error
}

// localReadMsg carries the local reader's result for the photo id.
type localReadMsg struct {
	id  int
	res LocalDocument
	err error
}

// checkedMsg carries the answer to the check of the photo id.
type checkedMsg struct {
	id  int
	req api.CheckRequest
	p   api.Params
	err error
}

func newDocumentModel(c *common) documentModel {
	ti := textinput.New()
	ti.Placeholder = c.t("doc.path.hint")
	ti.CharLimit = 1024
	ti.SetWidth(50)
	m := documentModel{c: c, path: ti, preview: &Preview{}}
	m.fileMode = c.opts.Camera == nil && c.opts.DocumentCamera == nil
	if m.fileMode {
		m.path.Focus()
	}
	return m
}

// documentOpener returns what the document is photographed with.
func (m documentModel) documentOpener() func() (capture.Source, error) {
	if m.c.opts.DocumentCamera != nil {
		return m.c.opts.DocumentCamera
	}
	if m.c.opts.Camera != nil {
		return func() (capture.Source, error) { return m.c.opts.Camera("") }
	}
	return nil
}

// Init opens the camera unless the document comes from a file.
func (m documentModel) Init() (documentModel, tea.Cmd) {
	if m.fileMode || m.have {
		return m, nil
	}
	m.srcID = m.c.nextID()
	// a frame of an earlier source may still be rendering in its command
	m.preview = &Preview{}
	m.q = m.q.restartLive()
	return m, m.c.openSource(m.srcID, m.documentOpener())
}

// stop closes the camera.
func (m documentModel) stop() (documentModel, tea.Cmd) {
	src := m.src
	m.src, m.srcID, m.hasFrm, m.view = nil, 0, false, ""
	return m, m.c.closeSource(src)
}

// setDocumentImage gives the captured frame to the session.
func setDocumentImage(s *flow.Session, img image.Image) tea.Cmd {
	return func() tea.Msg {
		return documentSetMsg{img: img, err: s.SetDocumentImage(img)}
	}
}

// loadDocumentFile reads and decodes a document photo file.
func loadDocumentFile(ctx context.Context, s *flow.Session, path string) tea.Cmd {
	return func() tea.Msg {
		src, err := capture.OpenImage(path)
		if err != nil {
			return documentSetMsg{err: err}
		}
		defer src.Close()
		if err := src.Start(ctx); err != nil {
			return documentSetMsg{err: err}
		}
		f, err := src.Next(ctx)
		if err != nil {
			return documentSetMsg{err: fmt.Errorf("read %s: %w", path, err)}
		}
		return documentSetMsg{img: f.Image, err: s.SetDocumentImage(f.Image)}
	}
}

// recognizeDocument runs the service's OCR on photo id.
func recognizeDocument(ctx context.Context, s *flow.Session, id int) tea.Cmd {
	return func() tea.Msg {
		res, err := s.Recognize(ctx)
		return recognizedMsg{id: id, res: res, err: err}
	}
}

// readDocumentLocally runs the local reader hook on photo id.
func readDocumentLocally(ctx context.Context, r DocumentReader, id int, img image.Image) tea.Cmd {
	return func() tea.Msg {
		res, err := r.ReadDocument(ctx, img)
		return localReadMsg{id: id, res: res, err: err}
	}
}

// checkDocument sends the fields the operator confirmed for photo id.
func checkDocument(ctx context.Context, s *flow.Session, id int, req api.CheckRequest) tea.Cmd {
	return func() tea.Msg {
		p, err := s.Check(ctx, req)
		return checkedMsg{id: id, req: req, p: p, err: err}
	}
}

// localFields are the local reader's fields, nil without a reading.
func (m documentModel) localFields() map[string]string {
	if m.local == nil {
		return nil
	}
	return m.local.Fields
}

// serviceFields are the service's OCR fields, nil without a reading.
func (m documentModel) serviceFields() map[string]any {
	if m.ocr == nil {
		return nil
	}
	return m.ocr.Data
}

// readAnything tells whether either reader found a field.
func (m documentModel) readAnything() bool {
	return len(flow.CompareDocument(m.localFields(), m.serviceFields())) > 0
}

// reading tells whether a reading of the photo is still to come.
func (m documentModel) reading() bool {
	return m.busy == "ocr" || m.c.opts.DocumentReader != nil && m.local == nil && m.localErr == nil
}

// openForm shows the check's form, built from the readings the first time
// (and again after a new reading, unless the operator edited it).
func (m documentModel) openForm() (documentModel, tea.Cmd) {
	if m.form == nil {
		_, country := m.sess.DocumentInfo()
		m.form = newCheckForm(m.c, m.localFields(), m.serviceFields(), country)
	}
	m.stage = docForm
	return m, m.form.fields[m.form.focus].input.Focus()
}

// sendCheck validates the form and sends the check.
func (m documentModel) sendCheck() (documentModel, tea.Cmd) {
	req, ok, cmd := m.form.validate(m.c)
	if !ok {
		return m, cmd
	}
	m.busy = "check"
	return m, checkDocument(m.c.ctx, m.sess, m.thumbID, req)
}

// skipCheck goes on to liveness without the check: it is the service's
// optional step (see ui/flow/doc.go).
func skipCheck() tea.Msg { return documentDoneMsg{} }

func (m documentModel) thumbSize() (int, int) {
	return max(m.c.width/3, 16), max(m.c.bodyHeight()-6, 4)
}

func (m documentModel) previewSize() (int, int) {
	return max(m.c.width/2, 16), max(m.c.bodyHeight()-5, 4)
}

// Update handles the document screen.
func (m documentModel) Update(msg tea.Msg) (documentModel, tea.Cmd) {
	k := m.c.keys
	if m, cmd, ok := m.updateQuality(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case sourceOpenedMsg:
		if msg.id != m.srcID {
			return m, m.c.closeSource(msg.src)
		}
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			m.srcID = 0
			return m, nil
		}
		m.src = msg.src
		return m, tickFrame(m.srcID, 0)
	case frameTickMsg:
		if msg.id != m.srcID || m.src == nil {
			return m, nil
		}
		cols, rows := m.previewSize()
		return m, readFrame(previewJob{id: m.srcID, src: m.src, preview: m.preview, lastSeq: m.frame.Seq, have: m.hasFrm,
			cols: cols, rows: rows, mode: m.c.mode})
	case frameMsg:
		if msg.id != m.srcID {
			return m, nil
		}
		if msg.ok {
			m.frame, m.hasFrm, m.view = msg.frame, true, msg.preview
		}
		m, judge := m.judgeFrame()
		return m, tea.Batch(tickFrame(m.srcID, m.c.frameInterval()), judge)
	case documentSetMsg:
		m.busy = ""
		if msg.err != nil {
			m.fail = &failure{err: msg.err}
			return m, nil
		}
		m.have, m.img, m.ocr, m.ocrErr, m.local, m.localErr = true, msg.img, nil, nil, nil, nil
		m.stage, m.form, m.sent, m.outcome = docRead, nil, api.CheckRequest{}, flow.CheckOutcome{}
		m.thumbID = m.c.nextID()
		cols, rows := m.thumbSize()
		m.busy = "ocr"
		cmds := []tea.Cmd{renderImage(m.thumbID, msg.img, cols, rows, m.c.mode), recognizeDocument(m.c.ctx, m.sess, m.thumbID)}
		if m.c.opts.DocumentReader != nil {
			cmds = append(cmds, readDocumentLocally(m.c.ctx, m.c.opts.DocumentReader, m.thumbID, msg.img))
		}
		m, judge := m.judgeCaptured(nil)
		cmds = append(cmds, judge)
		m, stop := m.stop()
		return m, tea.Batch(append(cmds, stop)...)
	case thumbMsg:
		if msg.id == m.thumbID {
			m.thumb = msg.view
		}
		return m, nil
	case recognizedMsg:
		if msg.id != m.thumbID || !m.have {
			return m, nil
		}
		if m.busy == "ocr" {
			m.busy = ""
		}
		m.ocr, m.ocrErr = msg.res, msg.err
		return m, m.refreshForm()
	case localReadMsg:
		if msg.id != m.thumbID || !m.have {
			return m, nil
		}
		if msg.err != nil {
			m.localErr = msg.err
			return m, nil
		}
		m.local = &msg.res
		refresh := m.refreshForm()
		// the MRZ's outline tells how large the document is in the photo
		m, judge := m.judgeCaptured(msg.res.MRZ)
		return m, tea.Batch(refresh, judge)
	case checkedMsg:
		if msg.id != m.thumbID || m.busy != "check" {
			return m, nil
		}
		m.busy = ""
		if msg.err != nil {
			return m, m.form.refused(msg.err)
		}
		m.sent, m.outcome, m.stage = msg.req, flow.ParseCheckOutcome(msg.p.Steps), docOutcome
		m.form.fields[m.form.focus].input.Blur()
		return m, nil
	case tea.KeyPressMsg:
		if m.busy != "" && m.busy != "ocr" {
			return m, nil
		}
		if m.fail != nil {
			switch {
			case key.Matches(msg, k.Enter) && m.fail.retryable:
				m.fail = nil
				return m.Init()
			case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
				m.fail = nil
				if !m.have && !m.fileMode && m.src == nil && m.srcID == 0 {
					// the camera failed: the document can still come from a file
					m.fileMode = true
					return m, m.path.Focus()
				}
			}
			return m, nil
		}
		if m.have {
			return m.updateCaptured(msg)
		}
		switch {
		case key.Matches(msg, k.Tab) && m.documentOpener() != nil:
			m.fileMode = !m.fileMode
			if m.fileMode {
				m, stop := m.stop()
				return m, tea.Batch(stop, m.path.Focus())
			}
			m.path.Blur()
			return m.Init()
		case key.Matches(msg, k.Back):
			m, stop := m.stop()
			return m, tea.Batch(stop, func() tea.Msg { return backMsg{} })
		}
		if m.fileMode {
			if key.Matches(msg, k.Enter) {
				p := strings.TrimSpace(m.path.Value())
				if p == "" {
					return m, nil
				}
				m.busy = "load"
				return m, loadDocumentFile(m.c.ctx, m.sess, p)
			}
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return m, cmd
		}
		if (key.Matches(msg, k.Enter) || key.Matches(msg, k.Capture)) && m.hasFrm {
			m.busy = "capture"
			return m, setDocumentImage(m.sess, m.frame.Image)
		}
	case tea.PasteMsg:
		if m.have && m.stage == docForm && m.busy == "" {
			return m, m.form.update(k, msg)
		}
		if m.fileMode && !m.have {
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

// refreshForm builds a form the operator has not changed again from the
// newest readings: on the photo it is dropped (built when opened), on the
// form (opened with e during a reading) it is rebuilt in place, keeping
// the focus.
func (m *documentModel) refreshForm() tea.Cmd {
	if m.form == nil || m.form.edited || m.busy == "check" {
		return nil
	}
	switch m.stage {
	case docRead:
		m.form = nil
	case docForm:
		focus := m.form.focus
		_, country := m.sess.DocumentInfo()
		m.form = newCheckForm(m.c, m.localFields(), m.serviceFields(), country)
		return m.form.move(min(focus, len(m.form.fields)-1))
	}
	return nil
}

// updateCaptured handles the keys once the photo is captured.
func (m documentModel) updateCaptured(msg tea.KeyPressMsg) (documentModel, tea.Cmd) {
	k := m.c.keys
	switch m.stage {
	case docForm:
		switch {
		case key.Matches(msg, k.Enter):
			return m.sendCheck()
		case key.Matches(msg, k.Back):
			m.form.fields[m.form.focus].input.Blur()
			m.stage = docRead
			return m, nil
		}
		return m, m.form.update(k, msg)
	case docOutcome:
		switch {
		case key.Matches(msg, k.Enter):
			return m, skipCheck
		case key.Matches(msg, k.Edit):
			return m.openForm()
		case key.Matches(msg, k.Back):
			m.stage = docRead
			return m, nil
		case key.Matches(msg, k.Retake):
			return m.retake()
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Retake), key.Matches(msg, k.Back):
		return m.retake()
	case key.Matches(msg, k.OCR):
		m.busy = "ocr"
		return m, recognizeDocument(m.c.ctx, m.sess, m.thumbID)
	case key.Matches(msg, k.Skip):
		return m, skipCheck
	case key.Matches(msg, k.Edit):
		// during a reading the form fills in when it lands (refreshForm)
		return m.openForm()
	case m.reading():
		// Enter confirms the readings: wait for them
		return m, nil
	case key.Matches(msg, k.Enter):
		if !m.readAnything() && m.form == nil {
			// Nothing to pre-fill: Enter goes on; e types the fields.
			return m, skipCheck
		}
		return m.openForm()
	}
	return m, nil
}

// retake drops the captured photo, its readings and the form.
func (m documentModel) retake() (documentModel, tea.Cmd) {
	m.have, m.img, m.thumb, m.ocr, m.ocrErr, m.local, m.localErr, m.busy = false, nil, "", nil, nil, nil, nil, ""
	m.stage, m.form, m.sent, m.outcome = docRead, nil, api.CheckRequest{}, flow.CheckOutcome{}
	m.q.photo, m.q.photoPending, m.q.photoID = nil, false, 0
	if m.fileMode {
		return m, m.path.Focus()
	}
	return m.Init()
}

func (m documentModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	var short []key.Binding
	switch {
	case m.have && m.stage == docForm:
		enter.SetHelp("enter", m.c.t("doc.key.send"))
		tab := k.Tab
		tab.SetHelp("tab", m.c.t("doc.key.next"))
		short = []key.Binding{enter, tab, k.BackTab}
	case m.have && m.stage == docOutcome:
		enter.SetHelp("enter", m.c.t("doc.key.liveness"))
		short = []key.Binding{enter, k.Edit, k.Retake}
	case m.have && m.reading():
		short = []key.Binding{k.Edit, k.Skip, k.Retake}
	case m.have && !m.readAnything() && m.form == nil:
		enter.SetHelp("enter", m.c.t("doc.key.liveness"))
		short = []key.Binding{enter, k.Edit, k.Retake, k.OCR}
	case m.have:
		enter.SetHelp("enter", m.c.t("doc.key.confirm"))
		short = []key.Binding{enter, k.Skip, k.Retake, k.OCR}
	case m.fileMode:
		enter.SetHelp("enter", m.c.t("doc.key.load"))
		short = []key.Binding{enter}
	default:
		enter.SetHelp("enter", m.c.t("doc.key.capture"))
		short = []key.Binding{enter, k.Capture}
	}
	if !m.have && m.documentOpener() != nil {
		short = append(short, k.Tab)
	}
	short = append(short, k.Back, k.Help)
	return bindings{short: short, full: [][]key.Binding{short, {k.Restart, k.Quit}}}
}

// View draws the document screen.
func (m documentModel) View() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	docType, country := m.sess.DocumentInfo()
	b.WriteString(s.Title.Render(c.t("doc.title")) + "  " + s.Muted.Render(c.name("doc.", docType)+" · "+strings.ToUpper(country)))
	switch {
	case m.have && m.stage == docForm:
		b.WriteString(s.Steps.Render(" › ") + s.StepNow.Render(c.t("doc.form.title")))
	case m.have && m.stage == docOutcome:
		b.WriteString(s.Steps.Render(" › ") + s.StepNow.Render(c.t("doc.outcome.title")))
	}
	b.WriteString("\n\n")
	if m.fail != nil {
		b.WriteString(errorView(c, m.fail, c.width-4))
		return b.String()
	}
	if m.have {
		switch m.stage {
		case docForm:
			b.WriteString(m.form.view(c, c.width-2))
			if m.busy == "check" {
				b.WriteString("\n" + s.Muted.Render(c.t("doc.checking")) + "\n")
			}
		case docOutcome:
			b.WriteString(m.outcomeView())
		default:
			b.WriteString(m.capturedView())
		}
		return b.String()
	}
	if m.fileMode {
		b.WriteString(c.t("doc.path.prompt") + "\n")
		b.WriteString(m.path.View() + "\n")
		if m.busy != "" {
			b.WriteString(s.Muted.Render(c.t("busy")) + "\n")
		}
		return b.String()
	}
	b.WriteString(c.t("doc.camera.prompt") + "\n")
	if m.view == "" {
		b.WriteString(s.Muted.Render(c.t("camera.starting")) + "\n")
	} else {
		b.WriteString(m.view + "\n")
	}
	b.WriteString(qualityLines(c, m.q.live))
	if m.busy != "" {
		b.WriteString(s.Muted.Render(c.t("busy")) + "\n")
	}
	return b.String()
}

// fieldLines is how many lines the read fields may take: what the body
// leaves after the title, the captured and confidence lines, warnings,
// the summary and the next step (which wraps on a narrow terminal).
func (m documentModel) fieldLines() int {
	return max(m.c.bodyHeight()-15, 3)
}

// infoWidth is the width of the captured view's column right of the photo.
func (m documentModel) infoWidth() int {
	cols, _ := m.thumbSize()
	return max(m.c.width-cols-6, 20)
}

func (m documentModel) capturedView() string {
	c, s := m.c, m.c.styles
	var info strings.Builder
	info.WriteString(s.OK.Render("✓ "+c.t("doc.captured")) + capturedQuality(c, m.q.photo) + "\n")
	switch {
	case m.busy == "ocr":
		info.WriteString(s.Muted.Render(c.t("doc.ocr.running")) + "\n")
	case m.ocrErr != nil:
		reason, _ := explain(c, m.ocrErr)
		info.WriteString(s.Warning.Render(c.t("doc.ocr.failed", reason)) + "\n")
	case m.ocr != nil:
		info.WriteString(s.Label.Render(c.t("doc.ocr.confidence")) + " " + s.Value.Render(fmt.Sprintf("%.2f", m.ocr.Confidence)) + "\n")
		// With a local reading the fields are listed once, compared.
		if m.local == nil {
			keys := slices.Sorted(maps.Keys(m.ocr.Data))
			lines := make([]string, len(keys))
			for i, k := range keys {
				v := fmt.Sprint(m.ocr.Data[k])
				lines[i] = fmt.Sprintf("  %-16s %s", truncate(api.CleanText(k, len(k)), 16), truncate(api.CleanText(v, len(v)), 30))
			}
			info.WriteString(fitLines(c, lines, m.fieldLines()))
			if len(keys) == 0 {
				info.WriteString(s.Muted.Render("  "+c.t("doc.ocr.nofields")) + "\n")
			}
		}
		for _, w := range m.ocr.Warnings {
			info.WriteString(s.Warning.Render("  ! "+truncate(api.CleanText(w, len(w)), 40)) + "\n")
		}
	}
	if m.local != nil {
		info.WriteString(s.Label.Render(c.t("doc.local")) + " " + s.Value.Render(fmt.Sprintf("%.2f", m.local.Confidence)) + "\n")
		info.WriteString(m.localFieldLines(m.fieldLines(), m.infoWidth()))
		for _, w := range m.local.Warnings {
			if m.ocr != nil && slices.Contains(m.ocr.Warnings, w) {
				continue // said once, above
			}
			info.WriteString(s.Warning.Render("  ! "+truncate(w, 40)) + "\n")
		}
	} else if m.localErr != nil {
		reason, _ := explain(c, m.localErr)
		info.WriteString(s.Warning.Render(c.t("doc.local.failed", reason)) + "\n")
	}
	switch {
	case m.reading():
	case m.form != nil && m.form.edited:
		info.WriteString("\n" + c.t("doc.next.edited") + "\n")
	case m.readAnything():
		info.WriteString("\n" + c.t("doc.next.check") + "\n")
	default:
		info.WriteString("\n" + c.t("doc.next.nocheck") + "\n")
	}
	thumb := m.thumb
	if thumb == "" {
		thumb = s.Muted.Render(c.t("busy"))
	}
	return joinColumns(thumb, lipgloss.NewStyle().Width(m.infoWidth()).Render(info.String()), 2)
}

// outcomeView draws the check's answer: match, mismatch with the fields
// named, recorded, or no outcome at all; then the fields sent, the
// mismatched ones marked.
func (m documentModel) outcomeView() string {
	c, s := m.c, m.c.styles
	wrap := lipgloss.NewStyle().Width(c.width - 2)
	var b strings.Builder
	switch m.outcome.Status {
	case flow.CheckMatch:
		b.WriteString(s.OK.Render("✓ "+c.t("doc.outcome.match")) + "\n")
	case flow.CheckMismatch:
		// the form's order, then names the form does not know
		var names []string
		for _, f := range flow.CheckFields() {
			if slices.Contains(m.outcome.Mismatch, f.Name) {
				names = append(names, fieldLabel(c, f.Name))
			}
		}
		for _, n := range m.outcome.Mismatch {
			if _, known := flow.LookupCheckField(n); !known {
				names = append(names, n)
			}
		}
		line := c.t("doc.outcome.mismatch")
		if len(names) > 0 {
			line += ": " + strings.Join(names, ", ")
		}
		b.WriteString(wrap.Render(s.Warning.Render("≠ "+line)) + "\n")
		b.WriteString(wrap.Render(c.t("doc.outcome.mismatch.next")) + "\n")
	case flow.CheckRecorded:
		b.WriteString(wrap.Render(s.Value.Render("• "+c.t("doc.outcome.recorded"))) + "\n")
	default:
		b.WriteString(wrap.Render(s.Value.Render("• "+c.t("doc.outcome.none"))) + "\n")
	}
	b.WriteString("\n" + s.Label.Render(c.t("doc.outcome.sent")) + "\n")
	for _, f := range flow.CheckFields() {
		v := f.Value(m.sent)
		if v == "" {
			continue
		}
		line := fmt.Sprintf("%-18s %s", truncate(fieldLabel(c, f.Name), 18), truncate(v, max(c.width-26, 10)))
		if slices.Contains(m.outcome.Mismatch, f.Name) {
			b.WriteString(s.Warning.Render("≠ "+line) + "\n")
			continue
		}
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("\n" + wrap.Render(c.t("doc.outcome.next")) + "\n")
	return b.String()
}
