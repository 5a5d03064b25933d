package ui

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kycterm/kycterm/api"
)

// resultModel is screen 6: the outcome, the combined score and every
// score of the breakdown; the customer view shows the outcome only.
type resultModel struct {
	c        *common
	res      *api.VerifyResponse
	customer bool
}

func newResultModel(c *common, res *api.VerifyResponse) resultModel {
	return resultModel{c: c, res: res}
}

// Update handles the result screen.
func (m resultModel) Update(msg tea.Msg) (resultModel, tea.Cmd) {
	k := m.c.keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Enter):
			return m, func() tea.Msg { return nextCustomerMsg{} }
		case key.Matches(msg, k.View):
			m.customer = !m.customer
		}
	}
	return m, nil
}

func (m resultModel) help() bindings {
	k := m.c.keys
	enter := k.Enter
	enter.SetHelp("enter", m.c.t("result.key.next"))
	view := k.View
	if m.customer {
		view.SetHelp("v", m.c.t("result.key.operator"))
	} else {
		view.SetHelp("v", m.c.t("result.key.customer"))
	}
	short := []key.Binding{enter, view, k.Help}
	return bindings{short: short, full: [][]key.Binding{short, {k.Quit}}}
}

// scoreBar draws v in [0,1] as a bar of n cells, the number beside it.
func scoreBar(s Styles, v float64, n int) string {
	f := min(max(v, 0), 1)
	full := int(f*float64(n) + 0.5)
	num := fmt.Sprintf(" %.2f", v)
	if v > 1 && v == float64(int64(v)) {
		num = fmt.Sprintf(" %d", int64(v)) // a count, not a score
	}
	return s.BarFull.Render(strings.Repeat("█", full)) + s.BarEmpty.Render(strings.Repeat("░", n-full)) + num
}

// View draws the result screen.
func (m resultModel) View() string {
	c, s := m.c, m.c.styles
	var b strings.Builder
	outcome := s.Passed.Render("✓ " + c.t("result.passed"))
	if !m.res.Passed {
		outcome = s.NotPassed.Render("✗ " + c.t("result.notpassed"))
	}
	if m.customer {
		msg := c.t("result.customer.passed")
		if !m.res.Passed {
			msg = c.t("result.customer.notpassed")
		}
		body := lipgloss.JoinVertical(lipgloss.Center, outcome, "", msg)
		return lipgloss.Place(max(c.width-2, 10), max(c.bodyHeight()-1, 5), lipgloss.Center, lipgloss.Center, body)
	}
	b.WriteString(s.Title.Render(c.t("result.title")) + "  " + s.Muted.Render(c.t("result.operator")) + "\n")
	b.WriteString(outcome + "\n")
	barW := min(max(c.width-50, 10), 40)
	b.WriteString(fmt.Sprintf("%-24s %s\n", c.t("result.combined"), scoreBar(s, m.res.Score, barW)))
	for _, sc := range m.res.Details.Scores() {
		b.WriteString(fmt.Sprintf("%-24s %s\n", truncate(c.name("score.", sc.Name), 24), scoreBar(s, sc.Value, barW)))
	}
	// Keys that are not numbers are shown as the server sent them.
	numeric := map[string]bool{}
	for _, sc := range m.res.Details.Scores() {
		numeric[sc.Name] = true
	}
	for _, k := range slices.Sorted(maps.Keys(m.res.Details.All)) {
		if numeric[k] {
			continue
		}
		raw := compactJSON(m.res.Details.All[k])
		b.WriteString(fmt.Sprintf("%-24s %s\n", truncate(c.name("score.", k), 24), s.Muted.Render(truncate(raw, max(c.width-28, 10)))))
	}
	return b.String()
}

// compactJSON renders a raw JSON value on one line.
func compactJSON(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(raw)
	}
	return string(out)
}
