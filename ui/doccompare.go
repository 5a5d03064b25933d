package ui

import (
	"fmt"
	"strings"

	"github.com/kycterm/kycterm/ui/flow"
)

// localFieldLines renders the local reader's fields. When the service's
// OCR read the same image, each field is compared with it
// (flow.CompareDocument) in one list: "=" where both agree, "≠" with the
// service's value next to the local one, and the fields only one reader
// has; a summary line counts the disagreements. At most max field lines
// are shown, the known fields first; the rest are counted.
func (m documentModel) localFieldLines(max int) string {
	c, s := m.c, m.c.styles
	var service map[string]any
	if m.ocr != nil {
		service = m.ocr.Data
	}
	var lines []string
	differ := 0
	for _, f := range flow.CompareDocument(m.local.Fields, service) {
		switch f.Agreement {
		case flow.ServiceOnly:
			lines = append(lines, s.Muted.Render(fmt.Sprintf("  %-16s %s  (%s)", truncate(f.Field, 16),
				truncate(f.Service, 24), strings.TrimSuffix(c.t("doc.cmp.service"), ":"))))
		case flow.Disagree:
			differ++
			lines = append(lines, s.Warning.Render(fmt.Sprintf("≠ %-16s %s  %s %s", truncate(f.Field, 16),
				truncate(f.Local, 24), c.t("doc.cmp.service"), truncate(f.Service, 24))))
		case flow.Agree:
			lines = append(lines, fmt.Sprintf("= %-16s %s", truncate(f.Field, 16), truncate(f.Local, 30)))
		default:
			lines = append(lines, fmt.Sprintf("  %-16s %s", truncate(f.Field, 16), truncate(f.Local, 30)))
		}
	}
	var b strings.Builder
	b.WriteString(fitLines(c, lines, max))
	if m.ocr != nil && len(m.ocr.Data) > 0 {
		if differ > 0 {
			b.WriteString(s.Warning.Render(c.t("doc.cmp.differ", differ)) + "\n")
		} else {
			b.WriteString(s.OK.Render(c.t("doc.cmp.agree")) + "\n")
		}
	}
	return b.String()
}

// fitLines joins lines, keeping at most max of them and counting the rest
// on a last line, so a short terminal still shows the screen's next step.
func fitLines(c *common, lines []string, max int) string {
	var b strings.Builder
	if len(lines) > max {
		keep := max - 1
		if keep < 1 {
			keep = 1
		}
		for _, l := range lines[:keep] {
			b.WriteString(l + "\n")
		}
		b.WriteString(c.styles.Muted.Render("  "+c.t("doc.fields.more", len(lines)-keep)) + "\n")
		return b.String()
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}
