package doctor

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/kycterm/kycterm/config"
)

// dateServer answers every request with status and a Date header offset
// from the real clock by skew (no Date header when omit).
func dateServer(t *testing.T, status int, skew time.Duration, omit bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if omit {
			w.Header()["Date"] = nil
		} else {
			w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func envFor(url string) Env {
	c := config.Default()
	c.BaseURL = url
	return Env{Config: c, HTTPClient: &http.Client{}, Timeout: 20 * time.Second}
}

func TestProbeService(t *testing.T) {
	// A closed port: listen, note the address, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	tests := []struct {
		name        string
		url         string
		service     Status
		clock       Status
		serviceText string
		clockText   string
	}{
		{"reachable, clock in sync", dateServer(t, 200, 0, false).URL, OK, OK, "answered HTTP 200", "within 1s"},
		{"reachable, 404 is still reachable", dateServer(t, 404, 0, false).URL, OK, OK, "HTTP 404", ""},
		{"server error", dateServer(t, 503, 0, false).URL, Warn, OK, "HTTP 503", ""},
		{"server 20s ahead", dateServer(t, 200, 20*time.Second, false).URL, OK, Warn, "", "ahead of ours"},
		{"server 2m behind", dateServer(t, 200, -2*time.Minute, false).URL, OK, Fail, "", "behind ours"},
		{"no Date header", dateServer(t, 200, 0, true).URL, OK, Warn, "", "no Date header"},
		{"unreachable", closed, Fail, Warn, "connection refused", "not checked"},
		{"bad URL", "::", Fail, Warn, "not usable", "not checked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ProbeService(context.Background(), envFor(tc.url))
			s, c := p.Result(), p.ClockResult()
			if s.Status != tc.service || !strings.Contains(s.Detail, tc.serviceText) {
				t.Errorf("service = %v %q, want %v containing %q", s.Status, s.Detail, tc.service, tc.serviceText)
			}
			if c.Status != tc.clock || !strings.Contains(c.Detail, tc.clockText) {
				t.Errorf("clock = %v %q, want %v containing %q", c.Status, c.Detail, tc.clock, tc.clockText)
			}
			if (s.Status != OK) != (s.Fix != "") {
				t.Errorf("service fix %q does not match status %v", s.Fix, s.Status)
			}
		})
	}
}

func TestProbeTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	t.Run("unknown CA fails with the ca_file fix", func(t *testing.T) {
		p := ProbeService(context.Background(), envFor(srv.URL))
		r := p.Result()
		if r.Status != Fail || !strings.HasPrefix(r.Detail, "TLS:") || !strings.Contains(r.Fix, "ca_file") {
			t.Errorf("got %v %q %q", r.Status, r.Detail, r.Fix)
		}
	})
	t.Run("trusted CA reports the TLS version", func(t *testing.T) {
		env := envFor(srv.URL)
		env.HTTPClient = srv.Client()
		r := ProbeService(context.Background(), env).Result()
		if r.Status != OK || !strings.Contains(r.Detail, "TLS 1.") {
			t.Errorf("got %v %q", r.Status, r.Detail)
		}
	})
}

type fakeResolver struct {
	addrs []string
	err   error
}

func (f fakeResolver) LookupHost(context.Context, string) ([]string, error) { return f.addrs, f.err }

func TestProbeDNS(t *testing.T) {
	env := envFor("https://kyc.invalid")
	env.Resolver = fakeResolver{err: &net.DNSError{Err: "no such host", Name: "kyc.invalid", IsNotFound: true}}
	r := ProbeService(context.Background(), env).Result()
	if r.Status != Fail || !strings.HasPrefix(r.Detail, "DNS:") {
		t.Errorf("got %v %q", r.Status, r.Detail)
	}
}

func TestProbeTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	env := envFor(srv.URL)
	env.Timeout = 50 * time.Millisecond
	r := ProbeService(context.Background(), env).Result()
	if r.Status != Fail || !strings.Contains(r.Detail, "no answer in time") {
		t.Errorf("got %v %q", r.Status, r.Detail)
	}
}

type fakeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (f fakeInfo) Mode() fs.FileMode { return f.mode }

func TestCheckConfig(t *testing.T) {
	insecure := &config.Error{Pos: "/c.yaml", Msg: "holds api_key but is readable by group or others (mode 0644); run: chmod 600 /c.yaml", Err: config.ErrInsecureFile}
	tests := []struct {
		name   string
		path   string
		mode   fs.FileMode
		err    error
		status Status
		text   string
	}{
		{"defaults", "", 0, nil, OK, "built-in defaults"},
		{"private file", "/c.yaml", 0o600, nil, OK, "mode 0600"},
		{"readable file without key", "/c.yaml", 0o644, nil, Warn, "readable by others"},
		{"bad permissions with key", "/c.yaml", 0o644, insecure, Fail, "chmod 600 /c.yaml"},
		{"invalid value", "/c.yaml", 0o600, errors.Join(&config.Error{Pos: "/c.yaml:3", Key: "ui.lang", Msg: "bad", Err: config.ErrInvalid}, &config.Error{Pos: "/c.yaml:4", Key: "log.level", Msg: "bad", Err: config.ErrInvalid}), Fail, "/c.yaml:3: ui.lang: bad; /c.yaml:4: log.level: bad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{Config: config.Default(), ConfigPath: tc.path, ConfigErr: tc.err,
				Stat: func(string) (fs.FileInfo, error) { return fakeInfo{mode: tc.mode}, nil }}
			r := CheckConfig(env)
			if r.Status != tc.status || !strings.Contains(r.Detail+" "+r.Fix, tc.text) {
				t.Errorf("got %v %q %q", r.Status, r.Detail, r.Fix)
			}
			if strings.Contains(r.Detail, "\n") {
				t.Errorf("detail spans lines: %q", r.Detail)
			}
		})
	}
}

func TestCheckCameras(t *testing.T) {
	tests := []struct {
		name   string
		list   func() ([]string, error)
		open   func(context.Context, string) error
		status Status
		text   string
	}{
		{"none", func() ([]string, error) { return nil, nil }, nil, Warn, "no cameras found"},
		{"listed, not opened", func() ([]string, error) { return []string{"/dev/video0"}, nil }, nil, OK, "not checked"},
		{"all open", func() ([]string, error) { return []string{"/dev/video0"}, nil }, func(context.Context, string) error { return nil }, OK, "opens: /dev/video0"},
		{"busy", func() ([]string, error) { return []string{"/dev/video0"}, nil }, func(context.Context, string) error { return errors.New("device busy") }, Fail, "device busy"},
		{"list fails", func() ([]string, error) { return nil, errors.New("permission denied") }, nil, Warn, "permission denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckCameras(context.Background(), Env{ListCameras: tc.list, OpenCamera: tc.open})
			if r.Status != tc.status || !strings.Contains(r.Detail, tc.text) {
				t.Errorf("got %v %q", r.Status, r.Detail)
			}
		})
	}
}

func TestCheckTerminal(t *testing.T) {
	size := func(w, h int) func() (int, int, error) { return func() (int, int, error) { return w, h, nil } }
	tests := []struct {
		name    string
		size    func() (int, int, error)
		profile colorprofile.Profile
		status  Status
	}{
		{"big and colourful", size(120, 40), colorprofile.TrueColor, OK},
		{"too small", size(60, 20), colorprofile.TrueColor, Warn},
		{"no colour", size(80, 24), colorprofile.Ascii, Warn},
		{"not a terminal", nil, colorprofile.NoTTY, Warn},
		{"size fails", func() (int, int, error) { return 0, 0, errors.New("inappropriate ioctl") }, colorprofile.ANSI, Warn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckTerminal(Env{TerminalSize: tc.size, ColorProfile: tc.profile})
			if r.Status != tc.status {
				t.Errorf("got %v %q", r.Status, r.Detail)
			}
		})
	}
}

func TestCheckLog(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, nil, 0o600)
	open := filepath.Join(dir, "open.log")
	os.WriteFile(open, nil, 0o644)
	os.Chmod(open, 0o644)
	tests := []struct {
		name   string
		path   string
		status Status
	}{
		{"new file", filepath.Join(dir, "state", "k.log"), OK},
		{"under a regular file", filepath.Join(file, "k.log"), Fail},
		{"readable by others", open, Warn},
		{"no path", "", Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckLog(Env{LogPath: tc.path})
			if r.Status != tc.status {
				t.Errorf("got %v %q", r.Status, r.Detail)
			}
		})
	}
}

func TestRunAndPrint(t *testing.T) {
	env := envFor(dateServer(t, 200, 0, false).URL)
	env.ListCameras = func() ([]string, error) { return []string{"/dev/video0"}, nil }
	env.TerminalSize = func() (int, int, error) { return 100, 30, nil }
	env.ColorProfile = colorprofile.ANSI256
	env.LogPath = filepath.Join(t.TempDir(), "k.log")
	env.Config.APIKey = "7500|SECRET"
	rs := Run(context.Background(), env)
	if Failed(rs) {
		t.Errorf("a healthy setup failed: %+v", rs)
	}
	var buf bytes.Buffer
	if err := Print(&buf, rs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "\n"); n != len(rs) {
		t.Errorf("%d lines for %d checks:\n%s", n, len(rs), out)
	}
	if strings.Contains(out, "SECRET") {
		t.Errorf("key printed:\n%s", out)
	}
	for _, name := range []string{"config", "service", "clock", "api key", "cameras", "terminal", "log"} {
		if !strings.Contains(out, "ok    "+name) {
			t.Errorf("no ok line for %s:\n%s", name, out)
		}
	}
	if !Failed(append(rs, Result{Status: Fail})) {
		t.Error("Failed missed a failure")
	}
}
