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
// load a file), show it, read it (the service's OCR and the local reader)
// and send the check.
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
	have      bool
	thumbID   int
	thumb     string
	busy      string // what is running, "" when idle
	ocr       *api.RecognizeResponse
	ocrErr    error
	local     *LocalDocument
	localErr  error
	checked   bool
	fail      *failure
	checkNote string
	q         docQuality
}

// documentSetMsg: the document image is held by the session.
type documentSetMsg struct {
	img image.Image
	err error
}

// recognizedMsg carries the service's OCR of the document.
type recognizedMsg struct {
	res *api.RecognizeResponse
	err error
}

// localReadMsg carries the local reader's result.
type localReadMsg struct {
	res LocalDocument
	err error
}

// checkedMsg carries the result of the document check.
type checkedMsg struct{ err error }

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

// recognizeDocument runs the service's OCR.
func recognizeDocument(ctx context.Context, s *flow.Session) tea.Cmd {
	return func() tea.Msg {
		res, err := s.Recognize(ctx)
		return recognizedMsg{res: res, err: err}
	}
}

// readDocumentLocally runs the local reader hook.
func readDocumentLocally(ctx context.Context, r DocumentReader, img image.Image) tea.Cmd {
	return func() tea.Msg {
		res, err := r.ReadDocument(ctx, img)
		return localReadMsg{res: res, err: err}
	}
}

// checkDocument sends the fields read from the document.
func checkDocument(ctx context.Context, s *flow.Session, req api.CheckRequest) tea.Cmd {
	return func() tea.Msg {
		_, err := s.Check(ctx, req)
		return checkedMsg{err: err}
	}
}

// checkRequest builds the check from what was read: the local reader's
// fields first, the service's OCR for the rest. ok is false when the
// required name and date of birth are not all known.
func (m documentModel) checkRequest() (api.CheckRequest, bool) {
	get := func(k string) string {
		if m.local != nil {
			if v := strings.TrimSpace(m.local.Fields[k]); v != "" {
				return v
			}
		}
		if m.ocr != nil {
			if v, ok := m.ocr.Data[k].(string); ok {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	req := api.CheckRequest{
		FirstName: get("firstName"), LastName: get("lastName"), DOB: get("dob"),
		Patronymic: get("patronymic"), Number: get("number"), Seria: get("seria"),
		DocumentNumber: get("document_number"), PassportDate: get("passport_date"),
		Citizenship: get("citizenship"),
	}
	return req, req.FirstName != "" && req.LastName != "" && req.DOB != ""
}

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
		m.have, m.ocr, m.ocrErr, m.local, m.localErr, m.checked, m.checkNote = true, nil, nil, nil, nil, false, ""
		m.thumbID = m.c.nextID()
		cols, rows := m.thumbSize()
		m.busy = "ocr"
		cmds := []tea.Cmd{renderImage(m.thumbID, msg.img, cols, rows, m.c.mode), recognizeDocument(m.c.ctx, m.sess)}
		if m.c.opts.DocumentReader != nil {
			cmds = append(cmds, readDocumentLocally(m.c.ctx, m.c.opts.DocumentReader, msg.img))
		}
		m, judge := m.judgeCaptured(msg.img)
		cmds = append(cmds, judge)
		m, stop := m.stop()
		return m, tea.Batch(append(cmds, stop)...)
	case thumbMsg:
		if msg.id == m.thumbID {
			m.thumb = msg.view
		}
		return m, nil
	case recognizedMsg:
		if m.busy == "ocr" {
			m.busy = ""
		}
		m.ocr, m.ocrErr = msg.res, msg.err
		return m, nil
	case localReadMsg:
		if msg.err != nil {
			m.localErr = msg.err
			return m, nil
		}
		m.local = &msg.res
		return m, nil
	case checkedMsg:
		m.busy = ""
		if msg.err != nil {
			m.fail = &failure{err: msg.err, retryable: true}
			return m, nil
		}
		m.checked = true
		return m, func() tea.Msg { return documentDoneMsg{} }
	case tea.KeyPressMsg:
		if m.busy != "" && m.busy != "ocr" {
			return m, nil
		}
		if m.fail != nil {
			switch {
			case key.Matches(msg, k.Enter) && m.fail.retryable:
				m.fail = nil
				if m.have {
					req, _ := m.checkRequest()
					m.busy = "check"
					return m, checkDocument(m.c.ctx, m.sess, req)
				}
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
		if m.fileMode {
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func (m documentModel) updateCaptured(msg tea.KeyPressMsg) (documentModel, tea.Cmd) {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Retake), key.Matches(msg, k.Back):
		m.have, m.thumb, m.ocr, m.ocrErr, m.local, m.busy = false, "", nil, nil, nil, ""
		if m.fileMode {
			return m, m.path.Focus()
		}
		return m.Init()
	case key.Matches(msg, k.OCR):
		m.busy = "ocr"
		return m, recognizeDocument(m.c.ctx, m.sess)
	case key.Matches(msg, k.Enter):
		if m.busy == "ocr" {
			return m, nil
		}
		req, ok := m.checkRequest()
		if !ok {
			// Nothing to check with: the flow goes on, the check is the
			// service's optional step (see ui/flow/doc.go).
			return m, func() tea.Msg { return documentDoneMsg{} }
		}
		m.busy = "check"
		return m, checkDocument(m.c.ctx, m.sess, req)
	}
	return m, nil
}

func (m documentModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	var short []key.Binding
	switch {
	case m.have:
		enter.SetHelp("enter", m.c.t("doc.key.continue"))
		short = []key.Binding{enter, k.Retake, k.OCR}
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
	b.WriteString(s.Title.Render(c.t("doc.title")) + "  " + s.Muted.Render(c.name("doc.", docType)+" · "+strings.ToUpper(country)) + "\n\n")
	if m.fail != nil {
		b.WriteString(errorView(c, m.fail, c.width-4))
		return b.String()
	}
	if m.have {
		b.WriteString(m.capturedView())
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
				lines[i] = fmt.Sprintf("  %-16s %s", truncate(k, 16), truncate(fmt.Sprint(m.ocr.Data[k]), 30))
			}
			info.WriteString(fitLines(c, lines, m.fieldLines()))
			if len(keys) == 0 {
				info.WriteString(s.Muted.Render("  "+c.t("doc.ocr.nofields")) + "\n")
			}
		}
		for _, w := range m.ocr.Warnings {
			info.WriteString(s.Warning.Render("  ! "+truncate(w, 40)) + "\n")
		}
	}
	if m.local != nil {
		info.WriteString(s.Label.Render(c.t("doc.local")) + " " + s.Value.Render(fmt.Sprintf("%.2f", m.local.Confidence)) + "\n")
		info.WriteString(m.localFieldLines(m.fieldLines()))
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
	if m.busy == "" {
		if _, ok := m.checkRequest(); ok {
			info.WriteString("\n" + c.t("doc.next.check") + "\n")
		} else {
			info.WriteString("\n" + c.t("doc.next.nocheck") + "\n")
		}
	} else if m.busy == "check" {
		info.WriteString("\n" + s.Muted.Render(c.t("doc.checking")) + "\n")
	}
	thumb := m.thumb
	if thumb == "" {
		thumb = s.Muted.Render(c.t("busy"))
	}
	cols, _ := m.thumbSize()
	return joinColumns(thumb, lipgloss.NewStyle().Width(max(m.c.width-cols-6, 20)).Render(info.String()), 2)
}
