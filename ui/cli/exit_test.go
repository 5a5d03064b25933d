package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"charm.land/fang/v2"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"usage", UsageError(errors.New("x")), ExitUsage},
		{"api", APIError(errors.New("x")), ExitAPI},
		{"input", InputError(errors.New("x")), ExitInput},
		{"failed without message", Failed(nil), ExitFailed},
		{"wrapped exit error", fmt.Errorf("verify: %w", APIError(errors.New("503"))), ExitAPI},
		{"interrupted", fmt.Errorf("start session: %w", context.Canceled), ExitInterrupted},
		{"cobra unknown command", errors.New(`unknown command "x" for "kycterm"`), ExitUsage},
		{"cobra unknown flag", errors.New("unknown flag: --x"), ExitUsage},
		{"plain error", errors.New("something broke"), ExitFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitCode(tc.err); got != tc.want {
				t.Errorf("ExitCode = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestErrorHandler(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"silent", Failed(nil), ""},
		{"plain, not re-cased", InputError(errors.New("open /tmp/My File: no such file")), "kycterm: open /tmp/My File: no such file\n"},
		{"usage hint", UsageError(errors.New("unknown flag: --x")), "kycterm: unknown flag: --x\nTry --help for usage.\n"},
		{"interrupted", context.Canceled, "kycterm: interrupted\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			errorHandler(&buf)(&buf, fang.Styles{}, tc.err)
			if buf.String() != tc.want {
				t.Errorf("printed %q, want %q", buf.String(), tc.want)
			}
		})
	}
}

// run runs kycterm in-process with env and returns the code and streams.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Build: BuildInfo{Version: "t"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Env: func(k string) string { return env[k] }}
	code := Run(context.Background(), app, args)
	return code, out.String(), errb.String()
}

func TestSetup(t *testing.T) {
	dir := t.TempDir()
	base := map[string]string{"XDG_CONFIG_HOME": dir + "/cfg", "XDG_STATE_HOME": dir + "/state"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		stdout   string
		stderr   string
		noStderr bool
	}{
		{"defaults", base, []string{"config"}, ExitOK, "lang: en", "", true},
		{"flag after command", base, []string{"config", "--lang", "ru"}, ExitOK, "lang: ru", "", true},
		{"env", with("KYCTERM_UI_LANG", "ru"), []string{"config"}, ExitOK, "lang: ru", "", true},
		{"flag beats env", with("KYCTERM_UI_LANG", "ru"), []string{"--lang", "en", "config"}, ExitOK, "lang: en", "", true},
		{"bad env stops config", with("KYCTERM_UI_LANG", "de"), []string{"config"}, ExitUsage, "", "$KYCTERM_UI_LANG: ui.lang", false},
		{"bad env does not stop doctor", with("KYCTERM_UI_LANG", "de"), []string{"doctor", "--base-url", "http://127.0.0.1:1", "--timeout", "1s"}, ExitFailed, "fail  config    $KYCTERM_UI_LANG: ui.lang", "", true},
		{"no HOME: defaults, log warning", map[string]string{}, []string{"config"}, ExitOK, "lang: en", "logging is off", false},
		{"explicit missing config", base, []string{"--config", dir + "/nope.yaml", "config"}, ExitUsage, "", "does not exist", false},
		{"version without setup", map[string]string{"KYCTERM_UI_LANG": "de"}, []string{"version"}, ExitOK, "kycterm t", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out)
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut)
			}
			if tc.noStderr && errOut != "" {
				t.Errorf("unexpected stderr: %s", errOut)
			}
		})
	}
}

func TestLogFileWritten(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir, "AMLKYC_API_KEY": "7500|SECRETKEY"}
	if code, _, errOut := run(t, env, "--log-level", "debug", "--log-format", "text", "config"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := readFile(dir + "/kycterm/kycterm.log")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b, "command=\"kycterm config\"") || strings.Contains(b, "SECRETKEY") {
		t.Errorf("log = %q", b)
	}
}

func readFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	return string(b), err
}
