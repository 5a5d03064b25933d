// Package logging sets up kycterm's log/slog logger: to a file only (the
// terminal belongs to the TUI), JSON or text, rotated by size, with
// attributes that look like secrets redacted before they are written.
package logging

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
)

// ErrBadOption reports an unknown format or level.
var ErrBadOption = errors.New("bad logging option")

// Options configure Open.
type Options struct {
	// Path is the log file; its directory is created 0700, the file 0600.
	Path string
	// Format is "json" or "text".
	Format string
	// Level is "debug", "info", "warn" or "error".
	Level string
	// MaxBytes rotates the file when a write would take it past this size.
	MaxBytes int64
	// MaxBackups is how many rotated files (.1 … .N) are kept.
	MaxBackups int
}

// DefaultPath returns $XDG_STATE_HOME/kycterm/kycterm.log, or
// ~/.local/state/kycterm/kycterm.log when XDG_STATE_HOME is unset.
func DefaultPath(env func(string) string) (string, error) {
	if d := env("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kycterm", "kycterm.log"), nil
	}
	home := env("HOME")
	if home == "" {
		return "", errors.New("log path: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "kycterm", "kycterm.log"), nil
}

// ParseLevel maps a level name to its slog.Level.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%w: level %q", ErrBadOption, s)
}

// Open creates the logger writing to o.Path. The returned closer closes the
// file; call it when the program ends.
func Open(o Options) (*slog.Logger, io.Closer, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, nil, err
	}
	if o.Format != "json" && o.Format != "text" && o.Format != "" {
		return nil, nil, fmt.Errorf("%w: format %q", ErrBadOption, o.Format)
	}
	w, err := NewRotatingWriter(o.Path, o.MaxBytes, o.MaxBackups)
	if err != nil {
		return nil, nil, err
	}
	return New(w, o.Format, level), w, nil
}

// New returns a logger writing to w in format ("json" or "text") at level,
// with secrets redacted.
func New(w io.Writer, format string, level slog.Leveler) *slog.Logger {
	ho := &slog.HandlerOptions{Level: level, ReplaceAttr: ReplaceAttr}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, ho))
	}
	return slog.New(slog.NewJSONHandler(w, ho))
}

// Discard returns a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// RedactedValue replaces the value of a secret attribute.
const RedactedValue = "[redacted]"

// IsSensitive reports whether an attribute named key holds a secret.
func IsSensitive(key string) bool {
	k := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	for _, s := range [...]string{"api_key", "apikey", "token", "authorization", "password", "passwd", "secret", "cookie"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	// "pin" only as a word of its own: "operator_pin" yes, "mapping" no.
	for _, part := range strings.FieldsFunc(k, func(r rune) bool { return r == '_' || r == '.' }) {
		if part == "pin" {
			return true
		}
	}
	return false
}

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr that redacts attributes
// named like secrets (api_key, token, authorization…), also inside groups
// so named.
func ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if IsSensitive(a.Key) {
		return slog.String(a.Key, RedactedValue)
	}
	for _, g := range groups {
		if IsSensitive(g) {
			return slog.String(a.Key, RedactedValue)
		}
	}
	return a
}
