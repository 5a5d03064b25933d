package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles are the kiosk's lipgloss styles. Colours degrade with the
// terminal (256 colours, 16, none with NO_COLOR): meaning is always also
// carried by words and symbols, never by colour alone.
type Styles struct {
	App       lipgloss.Style
	Title     lipgloss.Style
	Steps     lipgloss.Style
	StepNow   lipgloss.Style
	Banner    lipgloss.Style
	Body      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	Selected  lipgloss.Style
	Error     lipgloss.Style
	ErrorBox  lipgloss.Style
	Warning   lipgloss.Style
	OK        lipgloss.Style
	Big       lipgloss.Style
	Passed    lipgloss.Style
	NotPassed lipgloss.Style
	Box       lipgloss.Style
	Dialog    lipgloss.Style
	BarFull   lipgloss.Style
	BarEmpty  lipgloss.Style
}

// DefaultStyles returns the kiosk's styles.
func DefaultStyles() Styles {
	accent := lipgloss.Color("#7D56F4")
	green := lipgloss.Color("#2E9E5B")
	red := lipgloss.Color("#D0413E")
	amber := lipgloss.Color("#D79B00")
	grey := lipgloss.Color("#8A8A8A")
	return Styles{
		App:       lipgloss.NewStyle(),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Steps:     lipgloss.NewStyle().Foreground(grey),
		StepNow:   lipgloss.NewStyle().Bold(true).Underline(true),
		Banner:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#000000")).Background(amber),
		Body:      lipgloss.NewStyle().PaddingLeft(1),
		Label:     lipgloss.NewStyle().Foreground(grey),
		Value:     lipgloss.NewStyle().Bold(true),
		Muted:     lipgloss.NewStyle().Foreground(grey),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		Error:     lipgloss.NewStyle().Bold(true).Foreground(red),
		ErrorBox:  lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(red).Padding(0, 1),
		Warning:   lipgloss.NewStyle().Foreground(amber),
		OK:        lipgloss.NewStyle().Foreground(green),
		Big:       lipgloss.NewStyle().Bold(true).Border(lipgloss.ThickBorder()).Padding(0, 2),
		Passed:    lipgloss.NewStyle().Bold(true).Foreground(green).Border(lipgloss.DoubleBorder()).BorderForeground(green).Padding(1, 4),
		NotPassed: lipgloss.NewStyle().Bold(true).Foreground(red).Border(lipgloss.DoubleBorder()).BorderForeground(red).Padding(1, 4),
		Box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(grey).Padding(0, 1),
		Dialog:    lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(1, 2),
		BarFull:   lipgloss.NewStyle().Foreground(accent),
		BarEmpty:  lipgloss.NewStyle().Foreground(grey),
	}
}
