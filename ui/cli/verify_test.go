package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
)

const verifyTestKey = "7500|abcdefghijklmnopqrstuvwxyz0123456789ABCD"

// verifyEnv is a sandbox behind a handler that can rewrite verify
// requests on their way in, as a tampering client or a broken proxy would.
type verifyEnv struct {
	url       string
	uuid      string
	recording string
	passport  string
	// mutate, when set, rewrites the verify request's JSON body.
	mutate atomic.Pointer[func(map[string]any)]
	// skew moves the sandbox's clock forward.
	skew atomic.Int64
}

func newVerifyEnv(t *testing.T) *verifyEnv {
	t.Helper()
	env := &verifyEnv{}
	sb, err := sandbox.New(sandbox.Options{
		APIKey: verifyTestKey,
		Clock:  func() time.Time { return time.Now().Add(time.Duration(env.skew.Load())) },
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := env.mutate.Load(); m != nil && strings.HasSuffix(r.URL.Path, "/liveness/verify") {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Errorf("decode verify body: %v", err)
			}
			(*m)(body)
			b, _ := json.Marshal(body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env.url = srv.URL
	c, err := api.New(api.Config{BaseURL: srv.URL, APIKey: verifyTestKey})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.CreateVerification(context.Background(), api.CreateVerificationRequest{Email: "qa@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	env.uuid = res.Item.UUID

	dir := t.TempDir()
	env.recording = filepath.Join(dir, "recording")
	rec, err := fs.Sub(assets.Demo(), "recording")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(env.recording, rec); err != nil {
		t.Fatal(err)
	}
	doc, err := fs.ReadFile(assets.Demo(), "passport.jpg")
	if err != nil {
		t.Fatal(err)
	}
	env.passport = filepath.Join(dir, "passport.jpg")
	if err := os.WriteFile(env.passport, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return env
}

// run runs kycterm with args and returns its exit code and output.
func (env *verifyEnv) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	state := t.TempDir()
	app := &App{
		Build: BuildInfo{Version: "test"}, Stdout: &out, Stderr: &errb,
		Env: func(k string) string {
			switch k {
			case "XDG_CONFIG_HOME", "XDG_STATE_HOME":
				return state
			}
			return ""
		},
	}
	code = Run(context.Background(), app, args)
	return code, out.String(), errb.String()
}

func TestVerifyCommand(t *testing.T) {
	env := newVerifyEnv(t)
	missingDoc := filepath.Join(t.TempDir(), "nope.jpg")
	base := func(uuid string) []string {
		return []string{"verify", "--base-url", env.url, "--uuid", uuid,
			"--recording", env.recording, "--passport", env.passport, "--country", "ru"}
	}
	tests := []struct {
		name     string
		args     []string
		mutate   func(map[string]any)
		skew     time.Duration
		wantCode int
		wantOut  string
		wantErr  string
	}{
		// Nothing is measured locally without face analysis, so the
		// sandbox's honest answer is "not passed": exit 1.
		{name: "completes with a breakdown", args: base(env.uuid), wantCode: ExitFailed, wantOut: "livenessScore"},
		{name: "json", args: append(base(env.uuid), "--json"), wantCode: ExitFailed, wantOut: `"details"`},
		{name: "wrong uuid", args: base("0b7e8a56-8f0e-4c4a-9c11-2f6f0d0e1a2b"), wantCode: ExitAPI, wantErr: "not found"},
		{name: "not a uuid", args: base("12345"), wantCode: ExitUsage, wantErr: "not a verification UUID"},
		{name: "tampered token", args: base(env.uuid), wantCode: ExitAPI, wantErr: "token is invalid",
			mutate: func(b map[string]any) { b["challengeToken"] = b["challengeToken"].(string) + "x" }},
		{name: "expired token", args: base(env.uuid), wantCode: ExitAPI, wantErr: "expired",
			skew: 10 * time.Minute},
		{name: "missing field", args: base(env.uuid), wantCode: ExitAPI, wantErr: "country",
			mutate: func(b map[string]any) { delete(b, "country") }},
		{name: "missing recording", args: append(base(env.uuid), "--recording", filepath.Join(t.TempDir(), "none")),
			wantCode: ExitInput, wantErr: "none"},
		{name: "passport not an image", args: append(base(env.uuid), "--passport", filepath.Join(env.recording, "manifest.json")),
			wantCode: ExitInput, wantErr: "manifest.json"},
		{name: "passport missing", args: append(base(env.uuid), "--passport", missingDoc),
			wantCode: ExitInput, wantErr: "open image " + missingDoc + ": no such file or directory"},
		{name: "passport a directory", args: append(base(env.uuid), "--passport", env.recording),
			wantCode: ExitInput, wantErr: "open image " + env.recording + ": is a directory, not an image file"},
		{name: "missing flags", args: []string{"verify", "--uuid", env.uuid}, wantCode: ExitUsage, wantErr: "required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.mutate != nil {
				env.mutate.Store(&tc.mutate)
				defer env.mutate.Store(nil)
			}
			// The clock jumps only once liveness has started, so the
			// session and the token are issued at the true time.
			if tc.skew != 0 {
				m := func(map[string]any) { env.skew.Store(int64(tc.skew)) }
				env.mutate.Store(&m)
				defer func() { env.mutate.Store(nil); env.skew.Store(0) }()
			}
			code, out, errOut := env.run(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, out, errOut)
			}
			if tc.wantOut != "" && !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if tc.wantErr != "" && !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
			if strings.Contains(out+errOut, verifyTestKey) {
				t.Error("the API key reached the output")
			}
		})
	}
}
