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
// has; a summary line counts the disagreements. At most maxLines lines
// are shown, the known fields first; the rest are counted. The name column
// is as wide as the longest name (at most 16); a disagreement too wide for
// width puts the service's value on a line of its own.
func (m documentModel) localFieldLines(maxLines, width int) string {
	c, s := m.c, m.c.styles
	cmp := flow.CompareDocument(m.local.Fields, m.serviceFields())
	nameW := 0
	for _, f := range cmp {
		nameW = min(16, max(nameW, len([]rune(f.Field))))
	}
	var lines []string
	differ := 0
	for _, f := range cmp {
		name := fmt.Sprintf("%-*s", nameW, truncate(f.Field, nameW))
		switch f.Agreement {
		case flow.ServiceOnly:
			lines = append(lines, s.Muted.Render(fmt.Sprintf("  %s %s  (%s)", name,
				truncate(f.Service, 24), strings.TrimSuffix(c.t("doc.cmp.service"), ":"))))
		case flow.Disagree:
			differ++
			local := fmt.Sprintf("≠ %s %s", name, truncate(f.Local, 24))
			service := c.t("doc.cmp.service") + " " + truncate(f.Service, 24)
			if len([]rune(local))+2+len([]rune(service)) > width {
				lines = append(lines, s.Warning.Render(local), s.Warning.Render(strings.Repeat(" ", nameW+3)+service))
				continue
			}
			lines = append(lines, s.Warning.Render(local+"  "+service))
		case flow.Agree:
			lines = append(lines, fmt.Sprintf("= %s %s", name, truncate(f.Local, 30)))
		default:
			lines = append(lines, fmt.Sprintf("  %s %s", name, truncate(f.Local, 30)))
		}
	}
	var b strings.Builder
	b.WriteString(fitLines(c, lines, maxLines))
	if len(m.serviceFields()) > 0 {
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
