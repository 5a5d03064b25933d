package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSandboxCommand runs `kycterm sandbox` on a free port, talks to it,
// and stops it as a signal would (its context ends): exit 0.
func TestSandboxCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "cfg"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
	}
	pr, pw := io.Pipe()
	var stderr strings.Builder
	app := &App{Build: BuildInfo{Version: "test"}, Stdout: pw, Stderr: &stderr,
		Env: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, app, []string{"sandbox", "--addr", "127.0.0.1:0", "--api-key", "7500|test-key",
			"--state", filepath.Join(dir, "sandbox.json")})
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	var base, key string
	for lines.Scan() && (base == "" || key == "") {
		line := lines.Text()
		if u, ok := strings.CutPrefix(line, "AMLKYC sandbox listening on "); ok {
			base = u
		}
		if k, ok := strings.CutPrefix(line, "API key: "); ok {
			key = k
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || key != "7500|test-key" {
		t.Fatalf("banner: base %q key %q; stderr %s", base, key, stderr.String())
	}

	for _, c := range []struct {
		hdr  string
		want int
	}{{"", 401}, {"Bearer 7500|test-key", 200}} {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/webapi/kyc", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.hdr != "" {
			req.Header.Set("Authorization", c.hdr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("auth %q: %d, want %d", c.hdr, resp.StatusCode, c.want)
		}
	}

	cancel()
	select {
	case got := <-code:
		if got != ExitOK {
			t.Fatalf("exit %d after a graceful stop; stderr %s", got, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("sandbox did not stop")
	}
}

func TestSandboxCommandBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"rate above one", []string{"sandbox", "--fail-rate", "2"}},
		{"rates add above one", []string{"sandbox", "--fail-rate", "0.6", "--slow-rate", "0.6"}},
		{"not a duration", []string{"sandbox", "--latency", "soon"}},
		{"bad address", []string{"sandbox", "--addr", "127.0.0.1:notaport"}},
		{"unknown face matcher", []string{"sandbox", "--face-matcher", "eigenfaces"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var out, errOut strings.Builder
			app := &App{Build: BuildInfo{Version: "test"}, Stdout: &out, Stderr: &errOut,
				Env: func(k string) string {
					return map[string]string{"XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir}[k]
				}}
			if got := Run(context.Background(), app, tc.args); got != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", got, ExitUsage, errOut.String())
			}
		})
	}
}
