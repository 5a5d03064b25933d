package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatingWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "k.log")
	w, err := NewRotatingWriter(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 39) + "\n") // 40 bytes: two fit in 100
	for i := range 7 {
		if _, err := w.Write(line); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// 7 writes, 2 per file: k.log has 1, .1 and .2 have 2 each, .3 never.
	tests := []struct {
		name string
		size int64
	}{
		{"k.log", 40}, {"k.log.1", 80}, {"k.log.2", 80},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := os.Stat(filepath.Join(dir, "sub", tc.name))
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() != tc.size {
				t.Errorf("size %d, want %d", st.Size(), tc.size)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode %04o, want 0600", st.Mode().Perm())
			}
		})
	}
	if _, err := os.Stat(path + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a third backup exists: %v", err)
	}
	st, err := os.Stat(filepath.Join(dir, "sub"))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode: %v %v", st.Mode(), err)
	}
	if _, err := w.Write(line); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

func TestRotatingWriterNoBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.log")
	w, err := NewRotatingWriter(path, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, s := range []string{"aaaaaaaa\n", "bbbbbbbb\n"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if string(b) != "bbbbbbbb\n" {
		t.Errorf("file = %q", b)
	}
	if _, err := os.Stat(path + ".1"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup made with max_backups 0")
	}
}

func TestRotatingWriterTightensMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.log")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := NewRotatingWriter(path, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
}

func TestRedaction(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			log := New(&buf, format, slog.LevelDebug)
			log.Info("call",
				"api_key", "7500|SECRETKEY",
				"challengeToken", "tok.SECRETTOKEN",
				slog.Group("headers", "Authorization", "Bearer SECRETBEARER"),
				slog.Group("token", "value", "SECRETGROUP"),
				"operator_pin", "SECRETPIN",
				"mapping", "kept",
				"uuid", "0b7e…",
			)
			out := buf.String()
			if strings.Contains(out, "SECRET") {
				t.Errorf("secret in log: %s", out)
			}
			if !strings.Contains(out, "kept") || !strings.Contains(out, RedactedValue) {
				t.Errorf("log lost plain attributes or shows no redaction: %s", out)
			}
			if format == "json" {
				var m map[string]any
				if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "kycterm.log")
	log, c, err := Open(Options{Path: path, Format: "text", Level: "warn", MaxBytes: 1 << 20, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown", "n", 1)
	c.Close()
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "hidden") || !strings.Contains(string(b), "shown") {
		t.Errorf("level not applied: %q", b)
	}
	for _, o := range []Options{{Path: path, Format: "xml"}, {Path: path, Level: "loud"}} {
		if _, _, err := Open(o); !errors.Is(err, ErrBadOption) {
			t.Errorf("Open(%+v) = %v", o, err)
		}
	}
}

func TestOpenUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere; use a path under a regular file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o600)
		if _, _, err := Open(Options{Path: filepath.Join(f, "k.log")}); err == nil {
			t.Error("opened a log under a regular file")
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if _, _, err := Open(Options{Path: filepath.Join(dir, "k.log")}); err == nil {
		t.Error("opened a log in a read-only directory")
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}
	got, _ := DefaultPath(func(k string) string { return env[k] })
	if got != "/s/kycterm/kycterm.log" {
		t.Errorf("xdg: %q", got)
	}
	delete(env, "XDG_STATE_HOME")
	got, _ = DefaultPath(func(k string) string { return env[k] })
	if got != "/h/.local/state/kycterm/kycterm.log" {
		t.Errorf("home: %q", got)
	}
}

func BenchmarkLogJSON(b *testing.B) {
	path := filepath.Join(b.TempDir(), "k.log")
	log, c, err := Open(Options{Path: path, Format: "json", Level: "info", MaxBytes: 1 << 20, MaxBackups: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	i := 0
	for b.Loop() {
		i++
		log.Info("request", "method", "POST", "path", "/webapi/kyc/user/{uuid}/liveness/verify", "status", 200, "api_key", "x", "n", fmt.Sprint(i))
	}
}
