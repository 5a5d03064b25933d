package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func TestParseValid(t *testing.T) {
	src := `# a kiosk
base_url: https://kyc.example.com/prefix
api_key: "7500|abcdef"
auth_header: X-API-Key
auth_scheme: ""
timeouts:
  request: 5s
  upload: 3m
camera:
  device: /dev/video2
  format: mjpeg
liveness:
  frames_per_challenge: 5
document:
  country: ru
ui:
  lang: ru
kiosk:
  idle_reset_seconds: 0
log:
  format: text
  level: debug
`
	c, err := Parse([]byte(src), "k.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"base_url", c.BaseURL, "https://kyc.example.com/prefix"},
		{"api_key", c.APIKey, "7500|abcdef"},
		{"auth_header", c.AuthHeader, "X-API-Key"},
		{"auth_scheme", c.AuthScheme, ""},
		{"timeouts.request", c.Timeouts.Request.Std(), 5 * time.Second},
		{"timeouts.upload", c.Timeouts.Upload.Std(), 3 * time.Minute},
		{"camera.device", c.Camera.Device, "/dev/video2"},
		{"camera.width default kept", c.Camera.Width, 640},
		{"camera.format", c.Camera.Format, "mjpeg"},
		{"liveness.frames_per_challenge", c.Liveness.FramesPerChallenge, 5},
		{"liveness.jpeg_quality default kept", c.Liveness.JPEGQuality, 85},
		{"document.type default kept", c.Document.Type, "passport"},
		{"document.country", c.Document.Country, "ru"},
		{"ui.lang", c.UI.Lang, "ru"},
		{"kiosk.idle_reset_seconds", c.Kiosk.IdleResetSeconds, 0},
		{"log.format", c.Log.Format, "text"},
		{"origin of camera.device", c.Origin("camera.device"), "k.yaml:10"},
		{"origin of an unset key", c.Origin("camera.width"), "default"},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		c, err := Parse([]byte(src), "e.yaml")
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if c.BaseURL != DefaultBaseURL {
			t.Errorf("Parse(%q) lost the defaults", src)
		}
	}
}

// TestParseMalformed checks every class of bad file: each error names the
// file, the line and the key, and wraps the right sentinel.
func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []string // substrings of the error
		sentinel error
	}{
		{"unknown top key", "base_url: https://a.example\n\n\n\n\n\ncamra: x\n", []string{`c.yaml:7: unknown key "camra"`}, ErrUnknownKey},
		{"unknown nested key", "camera:\n  devce: /dev/video0\n", []string{`c.yaml:2: unknown key "camera.devce"`}, ErrUnknownKey},
		{"several unknown keys, all reported", "a: 1\nb: 2\n", []string{`c.yaml:1: unknown key "a"`, `c.yaml:2: unknown key "b"`}, ErrUnknownKey},
		{"int for a string", "ui:\n  lang: 5\n", []string{"c.yaml:2: ui.lang:", "want text"}, ErrInvalid},
		{"string for an int", "camera:\n  width: wide\n", []string{"c.yaml:2: camera.width:", "whole number"}, ErrInvalid},
		{"float for an int", "camera:\n  width: 640.5\n", []string{"camera.width", "whole number"}, ErrInvalid},
		{"int overflow", "camera:\n  width: 99999999999999999999\n", []string{"camera.width"}, ErrInvalid},
		{"string for a bool", "insecure_http: maybe\n", []string{"c.yaml:1: insecure_http:", "true or false"}, ErrInvalid},
		{"int for a duration", "timeouts:\n  request: 30\n", []string{"c.yaml:2: timeouts.request:", "duration"}, ErrInvalid},
		{"bad duration", "timeouts:\n  upload: soon\n", []string{"c.yaml:2: timeouts.upload:", "duration"}, ErrInvalid},
		{"list for a scalar", "base_url: [a, b]\n", []string{"c.yaml:1: base_url:", "single value"}, ErrInvalid},
		{"scalar for a section", "camera: yes\n", []string{"c.yaml:1: camera:", "mapping"}, ErrInvalid},
		{"top level list", "- a\n- b\n", []string{"c.yaml:1:", "top level must be a mapping"}, ErrInvalid},
		{"duplicate key", "ui:\n  lang: en\n  lang: ru\n", []string{"c.yaml:3:", `"ui.lang" given twice (first at line 2)`}, ErrInvalid},
		{"syntax error", "camera:\n  device: [\n", []string{"c.yaml:"}, ErrInvalid},
		{"two documents", "ui:\n  lang: en\n---\nui:\n  lang: ru\n", []string{"c.yaml:", "more than one YAML document"}, ErrInvalid},
		{"secret not echoed", "api_key: [secret-value]\n", []string{"api_key"}, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src), "c.yaml")
			if err == nil {
				t.Fatal("Parse accepted a malformed file")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %q is not %v", err, tc.sentinel)
			}
			if strings.Contains(err.Error(), "secret-value") {
				t.Errorf("error %q echoes the secret", err)
			}
		})
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"bad URL", func(c *Config) { c.BaseURL = "::nope" }, "base_url:"},
		{"ftp URL", func(c *Config) { c.BaseURL = "ftp://a.example" }, "base_url:"},
		{"no host", func(c *Config) { c.BaseURL = "https://" }, "has no host"},
		{"plain http remote", func(c *Config) { c.BaseURL = "http://kyc.example.com" }, "plain http"},
		{"user info", func(c *Config) { c.BaseURL = "https://u:p@kyc.example.com" }, "user name"},
		{"query", func(c *Config) { c.BaseURL = "https://kyc.example.com/?a=1" }, "query"},
		{"key with newline", func(c *Config) { c.APIKey = "7500|abc\n" }, "api_key:"},
		{"header with space", func(c *Config) { c.AuthHeader = "X API" }, "auth_header:"},
		{"scheme with colon", func(c *Config) { c.AuthScheme = "Bear:er" }, "auth_scheme:"},
		{"negative request timeout", func(c *Config) { c.Timeouts.Request = Duration(-time.Second) }, "timeouts.request:"},
		{"zero upload timeout", func(c *Config) { c.Timeouts.Upload = 0 }, "timeouts.upload:"},
		{"tiny body cap", func(c *Config) { c.MaxResponseBytes = 10 }, "max_response_bytes:"},
		{"attempts", func(c *Config) { c.MaxAttempts = 0 }, "max_attempts:"},
		{"camera format", func(c *Config) { c.Camera.Format = "h264" }, "camera.format:"},
		{"camera width", func(c *Config) { c.Camera.Width = -1 }, "camera.width:"},
		{"frames", func(c *Config) { c.Liveness.FramesPerChallenge = 0 }, "liveness.frames_per_challenge:"},
		{"quality", func(c *Config) { c.Liveness.JPEGQuality = 101 }, "liveness.jpeg_quality:"},
		{"frame width", func(c *Config) { c.Liveness.MaxFrameWidth = 10 }, "liveness.max_frame_width:"},
		{"doc type", func(c *Config) { c.Document.Type = "Passport!" }, "document.type:"},
		{"country upper", func(c *Config) { c.Document.Country = "RU" }, "document.country:"},
		{"country long", func(c *Config) { c.Document.Country = "rus" }, "document.country:"},
		{"doc sharpness", func(c *Config) { c.Document.Quality.MinSharpness = -1 }, "document.quality.min_sharpness:"},
		{"doc glare", func(c *Config) { c.Document.Quality.MaxGlarePermille = 1001 }, "document.quality.max_glare_permille:"},
		{"doc min luma", func(c *Config) { c.Document.Quality.MinLuma = -3 }, "document.quality.min_luma:"},
		{"doc luma inverted", func(c *Config) { c.Document.Quality.MaxLuma = 50 }, "document.quality.max_luma:"},
		{"doc width", func(c *Config) { c.Document.Quality.MinWidthPercent = 120 }, "document.quality.min_width_percent:"},
		{"lang", func(c *Config) { c.UI.Lang = "de" }, "ui.lang:"},
		{"idle", func(c *Config) { c.Kiosk.IdleResetSeconds = -5 }, "kiosk.idle_reset_seconds:"},
		{"pin hash", func(c *Config) { c.Kiosk.OperatorPINHash = "1234" }, "kiosk.operator_pin_hash:"},
		{"kiosk without pin", func(c *Config) { c.Kiosk.Enabled = true }, "kiosk.operator_pin_hash:"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format:"},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, "log.level:"},
		{"log size", func(c *Config) { c.Log.MaxSizeMB = 0 }, "log.max_size_mb:"},
		{"log backups", func(c *Config) { c.Log.MaxBackups = -1 }, "log.max_backups:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			if !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %q, want it to name %q", err, tc.want)
			}
		})
	}
}

func TestValidateAllowsLoopbackHTTP(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.1.2.3"} {
		c := Default()
		c.BaseURL = u
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	c := Default()
	c.BaseURL, c.InsecureHTTP = "http://kyc.lan", true
	if err := c.Validate(); err != nil {
		t.Errorf("insecure_http: %v", err)
	}
}

func TestValidateReportsAllWithPositions(t *testing.T) {
	c, err := Parse([]byte("ui:\n  lang: de\nlog:\n  level: loud\n"), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{`f.yaml:2: ui.lang: "de" is not a supported language (use en or ru)`, `f.yaml:4: log.level: "loud"`}
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d: %q", len(lines), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want[i])
		}
	}
}

func TestApplyEnv(t *testing.T) {
	env := map[string]string{
		"AMLKYC_API_KEY":          "7500|k",
		"AMLKYC_BASE_URL":         "http://127.0.0.1:9999",
		"AMLKYC_AUTH_HEADER":      "X-API-Key",
		"AMLKYC_AUTH_SCHEME":      "none",
		"KYCTERM_CAMERA_DEVICE":   "/dev/video3",
		"KYCTERM_CAMERA_WIDTH":    "1280",
		"KYCTERM_TIMEOUTS_UPLOAD": "10s",
		"KYCTERM_KIOSK_ENABLED":   "false",
		"KYCTERM_UI_LANG":         "",
	}
	c := Default()
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.APIKey != "7500|k" || c.BaseURL != "http://127.0.0.1:9999" || c.AuthHeader != "X-API-Key" || c.AuthScheme != "" {
		t.Errorf("AMLKYC_* not applied: %+v", c)
	}
	if c.Camera.Device != "/dev/video3" || c.Camera.Width != 1280 || c.Timeouts.Upload.Std() != 10*time.Second {
		t.Errorf("KYCTERM_* not applied: %+v", c)
	}
	if c.UI.Lang != "en" {
		t.Errorf("an empty variable changed ui.lang to %q", c.UI.Lang)
	}
	if got := c.Origin("camera.device"); got != "$KYCTERM_CAMERA_DEVICE" {
		t.Errorf("origin = %q", got)
	}
}

func TestApplyEnvErrors(t *testing.T) {
	env := map[string]string{"KYCTERM_CAMERA_WIDTH": "wide", "KYCTERM_KIOSK_ENABLED": "perhaps", "AMLKYC_API_KEY": "x"}
	c := Default()
	err := c.ApplyEnv(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"$KYCTERM_CAMERA_WIDTH: camera.width:", "$KYCTERM_KIOSK_ENABLED: kiosk.enabled:"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

func TestSet(t *testing.T) {
	c := Default()
	if err := c.Set("ui.lang", "ru", "--lang"); err != nil {
		t.Fatal(err)
	}
	if c.UI.Lang != "ru" || c.Origin("ui.lang") != "--lang" {
		t.Errorf("Set did not apply: %q from %q", c.UI.Lang, c.Origin("ui.lang"))
	}
	if err := c.Set("ui.colour", "x", "--colour"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	if err := c.Set("api_key", "", "--key"); err != nil {
		t.Errorf("empty api key: %v", err)
	}
	// Copies do not share later changes.
	d := c
	if err := d.Set("ui.lang", "en", "--lang2"); err != nil {
		t.Fatal(err)
	}
	if c.Origin("ui.lang") != "--lang" {
		t.Errorf("a copy's Set changed the original's origin")
	}
}

func TestRedacted(t *testing.T) {
	c := Default()
	c.APIKey = "7500|topsecretkey"
	c.Kiosk.OperatorPINHash = "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"
	b, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, "topsecretkey") || strings.Contains(s, "pbkdf2") {
		t.Errorf("secrets in output:\n%s", s)
	}
	if !strings.Contains(s, "api_key: '[redacted]'") {
		t.Errorf("api_key not shown as redacted:\n%s", s)
	}
	if c.APIKey != "7500|topsecretkey" {
		t.Error("Redacted changed the original")
	}
	// Output parses back into a config with the same non-secret values.
	back, err := Parse(b, "out.yaml")
	if err != nil {
		t.Fatalf("printed config does not parse: %v", err)
	}
	if back.Timeouts != c.Timeouts || back.Camera != c.Camera {
		t.Errorf("round trip changed values")
	}
}

func writeFile(t *testing.T, dir, body string, mode fs.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadPermissions(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		mode    fs.FileMode
		wantErr bool
	}{
		{"key, private", "api_key: '7500|k'\n", 0o600, false},
		{"key, group readable", "api_key: '7500|k'\n", 0o640, true},
		{"key, world readable", "api_key: '7500|k'\n", 0o644, true},
		{"no key, world readable", "ui:\n  lang: ru\n", 0o644, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.body, tc.mode)
			_, err := Load(p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Load: %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				if !errors.Is(err, ErrInsecureFile) || !strings.Contains(err.Error(), "chmod 600 "+p) {
					t.Errorf("error %q lacks the chmod", err)
				}
				if strings.Contains(err.Error(), "7500|k") {
					t.Errorf("error %q leaks the key", err)
				}
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	p := writeFile(t, t.TempDir(), "# "+strings.Repeat("x", maxFileBytes)+"\n", 0o600)
	if _, err := Load(p); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Load(large) = %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"xdg", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/kycterm/config.yaml"},
		{"home", map[string]string{"HOME": "/h"}, "/h/.config/kycterm/config.yaml"},
		{"relative xdg ignored", map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/h"}, "/h/.config/kycterm/config.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tc.env[k] })
			if err != nil || got != tc.want {
				t.Errorf("DefaultPath = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := DefaultPath(func(string) string { return "" }); err == nil {
		t.Error("no HOME: want an error")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/kycterm/config.yaml": "/etc/kycterm/config.yaml",
		"/tmp/my config.yaml":      "'/tmp/my config.yaml'",
		"/tmp/it's.yaml":           `'/tmp/it'\''s.yaml'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLoad feeds arbitrary bytes to the parser: it must never panic, and a
// config it accepts must print and parse back.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"", "base_url: https://a.example\n", "camera:\n  width: 1\n", "a: &x {b: *x}\n",
		"ui: {lang: ru}\n", "- 1\n", "timeouts:\n  request: 1s\n", "kiosk:\n  enabled: true\n",
		"x: !!binary aGVsbG8=\n", "camera: &c\n  width: 320\nlog: *c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err != nil {
			return
		}
		_ = c.Validate()
		out, err := c.YAML()
		if err != nil {
			t.Fatalf("YAML of an accepted config: %v", err)
		}
		if _, err := Parse(out, "again.yaml"); err != nil && c.APIKey == "" && c.Kiosk.OperatorPINHash == "" {
			t.Fatalf("printed config does not parse back: %v\n%s", err, out)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	src := []byte("base_url: https://kyc.example.com\ncamera:\n  device: /dev/video0\n  width: 1280\n  height: 720\nui:\n  lang: ru\nlog:\n  level: debug\n")
	for b.Loop() {
		if _, err := Parse(src, "b.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
