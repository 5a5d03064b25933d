package ui

import (
	"image"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kycterm/kycterm/capture/document/quality"
)

// DocumentQualityFunc judges a document photo (a camera frame or a loaded
// file): sharpness, glare, exposure, and the document's size in the frame
// when mrz, the machine-readable zone's outline in img's coordinates, is
// known (nil when not). Installed in Options.DocumentQuality; nil turns
// the checks and the camera's auto-capture off.
type DocumentQualityFunc func(img image.Image, mrz *[4]image.Point) (quality.Report, error)

// docQuality is the document screen's quality state: the live camera
// frames' checks and steadiness (for auto-capture) and the captured
// photo's checks.
type docQuality struct {
	steady  *quality.Steady
	judging bool // a live frame is being judged
	live    *quality.Report
	photo   *quality.Report
	photoID int
	// photoThumb is the captured photo (documentModel.thumbID) judged.
	photoThumb int
	// photoPending is set while the captured photo is being judged.
	photoPending bool
}

// liveQualityMsg carries a live frame's checks and whether the picture has
// been steady.
type liveQualityMsg struct {
	id     int
	img    image.Image
	rep    quality.Report
	err    error
	steady bool
}

// photoQualityMsg carries the captured photo's checks.
type photoQualityMsg struct {
	id  int
	rep quality.Report
	err error
}

// judgeLiveFrame checks a camera frame and feeds it to the steadiness
// tracker; one runs at a time (docQuality.judging), so the tracker is
// never shared.
func judgeLiveFrame(id int, judge DocumentQualityFunc, steady *quality.Steady, img image.Image, at time.Time) tea.Cmd {
	return func() tea.Msg {
		rep, err := judge(img, nil)
		return liveQualityMsg{id: id, img: img, rep: rep, err: err, steady: steady.Add(img, at)}
	}
}

// judgePhoto checks the captured photo, with the MRZ's outline when known.
func judgePhoto(id int, judge DocumentQualityFunc, img image.Image, mrz *[4]image.Point) tea.Cmd {
	return func() tea.Msg {
		rep, err := judge(img, mrz)
		return photoQualityMsg{id: id, rep: rep, err: err}
	}
}

// autoCaptureReady tells whether a live frame is good enough to capture
// without the key: sharp, glare-free, well exposed and steady. The
// document's size is not known before the MRZ is read.
func autoCaptureReady(msg liveQualityMsg) bool {
	return msg.err == nil && msg.steady && msg.rep.OK()
}

// qualityLines renders a report's failed checks as operator advice, or
// the all-clear.
func qualityLines(c *common, rep *quality.Report) string {
	if rep == nil {
		return ""
	}
	s := c.styles
	if rep.OK() {
		return s.OK.Render("✓ "+c.t("doc.quality.ok")) + "\n"
	}
	var b strings.Builder
	for _, f := range rep.Failed {
		b.WriteString(s.Warning.Render("! "+c.t(qualityKey(f))) + "\n")
	}
	return b.String()
}

// restartLive forgets the live frames' checks, for a newly opened camera.
func (q docQuality) restartLive() docQuality {
	q.steady, q.judging, q.live = quality.NewSteady(), false, nil
	return q
}

// judgeFrame starts judging the newest camera frame unless the checks are
// off, one is already running, or the document is being captured.
func (m documentModel) judgeFrame() (documentModel, tea.Cmd) {
	judge := m.c.opts.DocumentQuality
	if judge == nil || m.q.judging || m.q.steady == nil || m.busy != "" || m.have || m.fileMode || !m.hasFrm {
		return m, nil
	}
	m.q.judging = true
	at := m.frame.Mono
	if at.IsZero() {
		at = m.frame.Wall
	}
	return m, judgeLiveFrame(m.srcID, judge, m.q.steady, m.frame.Image, at)
}

// judgeCaptured starts judging the captured photo: at once without the
// MRZ's outline (mrz nil), and again once the local reading locates the
// MRZ, which adds the size check. Only the newest judgement is kept.
func (m documentModel) judgeCaptured(mrz *[4]image.Point) (documentModel, tea.Cmd) {
	judge := m.c.opts.DocumentQuality
	if judge == nil || m.img == nil || (mrz == nil && m.q.photoID != 0 && m.q.photoThumb == m.thumbID) {
		return m, nil
	}
	if mrz == nil {
		m.q.photo = nil
	}
	m.q.photoID, m.q.photoThumb, m.q.photoPending = m.c.nextID(), m.thumbID, true
	return m, judgePhoto(m.q.photoID, judge, m.img, mrz)
}

// updateQuality handles the quality messages; handled is false for others.
// A live frame that is sharp, glare-free, well exposed and steady is
// captured as if the capture key had been pressed.
func (m documentModel) updateQuality(msg tea.Msg) (_ documentModel, _ tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case liveQualityMsg:
		if msg.id != m.srcID {
			return m, nil, true
		}
		m.q.judging = false
		if msg.err == nil {
			m.q.live = &msg.rep
		}
		if autoCaptureReady(msg) && m.busy == "" && !m.have && !m.fileMode && m.fail == nil {
			m.busy = "capture"
			return m, setDocumentImage(m.sess, msg.img), true
		}
		return m, nil, true
	case photoQualityMsg:
		if msg.id != m.q.photoID {
			return m, nil, true
		}
		m.q.photoPending = false
		if msg.err == nil {
			m.q.photo = &msg.rep
		}
		return m, nil, true
	}
	return m, nil, false
}

// qualityKey is the catalog key of a failed check's advice.
func qualityKey(c quality.Check) string { return "doc.quality." + string(c) }

// capturedQuality renders the captured photo's checks after the "captured"
// line: the all-clear on that line, or one line of advice per failed
// check, and the blank line that follows.
func capturedQuality(c *common, rep *quality.Report) string {
	if rep != nil && rep.OK() {
		return c.styles.OK.Render(" · "+c.t("doc.quality.ok")) + "\n"
	}
	return "\n" + qualityLines(c, rep)
}
