package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/kycterm/kycterm/ui/i18n"
)

// KeyMap is every key binding of the kiosk. Enter is the primary action of
// every screen, Space captures, Esc goes back one step.
type KeyMap struct {
	Enter   key.Binding
	Capture key.Binding
	Back    key.Binding
	Help    key.Binding
	Quit    key.Binding
	Up      key.Binding
	Down    key.Binding
	Left    key.Binding
	Right   key.Binding
	Tab     key.Binding
	BackTab key.Binding
	Retake  key.Binding
	Edit    key.Binding
	Skip    key.Binding
	Mirror  key.Binding
	View    key.Binding
	Restart key.Binding
	Scan    key.Binding
	OCR     key.Binding
	Refresh key.Binding
}

// DefaultKeyMap returns the kiosk's bindings with help in the catalog's
// language.
func DefaultKeyMap(tr *i18n.Catalog) KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, tr.T(desc)))
	}
	return KeyMap{
		Enter:   b("enter", "key.enter", "enter"),
		Capture: b("space", "key.capture", "space"),
		Back:    b("esc", "key.back", "esc"),
		Help:    b("?", "key.help", "?", "f1"),
		Quit:    b("ctrl+c", "key.quit", "ctrl+c"),
		Up:      b("↑", "key.up", "up"),
		Down:    b("↓", "key.down", "down"),
		Left:    b("←", "key.left", "left"),
		Right:   b("→", "key.right", "right"),
		Tab:     b("tab", "key.tab", "tab"),
		BackTab: b("shift+tab", "key.backtab", "shift+tab"),
		Retake:  b("r", "key.retake", "r", "ctrl+r"),
		Edit:    b("e", "key.edit", "e"),
		Skip:    b("s", "key.skip", "s"),
		Mirror:  b("m", "key.mirror", "m", "ctrl+t"),
		View:    b("v", "key.view", "v", "ctrl+v"),
		Restart: b("ctrl+x", "key.restart", "ctrl+x"),
		Scan:    b("ctrl+s", "key.scan", "ctrl+s"),
		OCR:     b("ctrl+o", "key.ocr", "ctrl+o"),
		Refresh: b("ctrl+l", "key.refresh", "ctrl+l"),
	}
}

// bindings is a screen's help: the short line and the full columns.
type bindings struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (b bindings) ShortHelp() []key.Binding { return b.short }

// FullHelp implements help.KeyMap.
func (b bindings) FullHelp() [][]key.Binding { return b.full }
