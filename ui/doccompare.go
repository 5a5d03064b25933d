package ui

import (
	"fmt"
	"strings"

	"github.com/kycterm/kycterm/ui/flow"
)

// localFieldLines renders the local reader's fields. When the service's
// OCR read the same image, each field is compared with it
// (flow.CompareDocument): a disagreement is flagged with the service's
// value next to the local one, and a summary line counts them.
func (m documentModel) localFieldLines() string {
	c, s := m.c, m.c.styles
	var service map[string]any
	if m.ocr != nil {
		service = m.ocr.Data
	}
	var b strings.Builder
	differ := 0
	for _, f := range flow.CompareDocument(m.local.Fields, service) {
		switch f.Agreement {
		case flow.ServiceOnly:
			continue
		case flow.Disagree:
			differ++
			b.WriteString(s.Warning.Render(fmt.Sprintf("≠ %-16s %s  %s %s", truncate(f.Field, 16),
				truncate(f.Local, 24), c.t("doc.cmp.service"), truncate(f.Service, 24))) + "\n")
		case flow.Agree:
			b.WriteString(fmt.Sprintf("= %-16s %s\n", truncate(f.Field, 16), truncate(f.Local, 30)))
		default:
			b.WriteString(fmt.Sprintf("  %-16s %s\n", truncate(f.Field, 16), truncate(f.Local, 30)))
		}
	}
	if m.ocr != nil && len(m.ocr.Data) > 0 {
		if differ > 0 {
			b.WriteString(s.Warning.Render(c.t("doc.cmp.differ", differ)) + "\n")
		} else {
			b.WriteString(s.OK.Render(c.t("doc.cmp.agree")) + "\n")
		}
	}
	return b.String()
}
