package ui

import (
	"image"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kycterm/kycterm/capture/document/quality"
	"github.com/kycterm/kycterm/ui/i18n"
)

// TestQualityKeysTranslated checks every check's advice is in both
// catalogs (TestEveryKeyTranslated cannot see computed keys).
func TestQualityKeysTranslated(t *testing.T) {
	for _, lang := range i18n.Langs() {
		tr, err := i18n.New(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []quality.Check{quality.CheckBlur, quality.CheckGlare, quality.CheckDark, quality.CheckBright, quality.CheckSmall} {
			t.Run(lang+"/"+string(c), func(t *testing.T) {
				if !tr.Has(qualityKey(c)) {
					t.Fatalf("%s lacks %q", lang, qualityKey(c))
				}
			})
		}
	}
}

// fixedJudge reports the given failed checks for every picture and counts
// its calls.
func fixedJudge(calls *atomic.Int64, failed ...quality.Check) DocumentQualityFunc {
	return func(image.Image, *[4]image.Point) (quality.Report, error) {
		calls.Add(1)
		return quality.Report{Failed: failed}, nil
	}
}

func TestDocumentQuality(t *testing.T) {
	t.Run("a good steady picture is captured by itself", func(t *testing.T) {
		var calls atomic.Int64
		o := fakeOptions(newFakeService())
		o.DocumentQuality = fixedJudge(&calls)
		m := toDocument(t, newModel(t, o, 100, 30))
		m = send(t, m, nil, when(func(m Model) bool {
			d := m.document
			return d.have && d.busy == "" && d.q.photo != nil && (d.ocr != nil || d.ocrErr != nil)
		}))
		if !m.sess.HasDocument() {
			t.Fatal("auto-capture did not hand the picture to the session")
		}
		if v := plain(m); !strings.Contains(v, "Photo quality is good") {
			t.Errorf("view lacks the all-clear:\n%s", v)
		}
	})
	t.Run("glare keeps the camera open and says what to do", func(t *testing.T) {
		var calls atomic.Int64
		o := fakeOptions(newFakeService())
		o.DocumentQuality = fixedJudge(&calls, quality.CheckGlare)
		m := toDocument(t, newModel(t, o, 100, 30))
		m = send(t, m, nil, when(func(m Model) bool { return calls.Load() >= 12 && m.document.q.live != nil }))
		if m.document.have || m.document.busy == "capture" {
			t.Fatal("a picture with glare was captured by itself")
		}
		if v := plain(m); !strings.Contains(v, "tilt the passport") {
			t.Errorf("view lacks the glare advice:\n%s", v)
		}
		// the capture key always works
		m = send(t, m, keyPress("enter"), when(func(m Model) bool {
			return m.document.have && m.document.q.photo != nil
		}))
		if v := plain(m); !strings.Contains(v, "tilt the passport") {
			t.Errorf("captured view lacks the glare advice:\n%s", v)
		}
	})
	t.Run("a judgement of the photo retaken is dropped", func(t *testing.T) {
		var calls atomic.Int64
		o := fakeOptions(newFakeService())
		o.DocumentQuality = fixedJudge(&calls, quality.CheckGlare)
		m := toDocument(t, newModel(t, o, 100, 30))
		m = send(t, m, keyPress("enter"), when(func(m Model) bool {
			return m.document.have && m.document.q.photo != nil
		}))
		old := m.document.q.photoID
		m = send(t, m, keyPress("r"), when(func(m Model) bool { return !m.document.have }))
		if m.document.q.photoID != 0 {
			t.Errorf("retake kept the photo's judgement id %d", m.document.q.photoID)
		}
		m = send(t, m, photoQualityMsg{id: old, rep: quality.Report{Failed: []quality.Check{quality.CheckGlare}}}, nil)
		if m.document.q.photo != nil {
			t.Error("the retaken photo's judgement was kept")
		}
	})
	t.Run("without the hook nothing is judged", func(t *testing.T) {
		m := captureDocument(t, newModel(t, fakeOptions(newFakeService()), 100, 30))
		if m.document.q.photo != nil || m.document.q.live != nil {
			t.Fatal("judged without a hook")
		}
	})
}
