// Package doctor checks that a kycterm installation can work: a valid and
// private configuration, a reachable AMLKYC service with a sane clock, an
// API key where one is needed, cameras, a capable terminal and a writable
// log file. Each check gives one Result: ok, warn or fail, with what to do.
//
// Everything a check touches (HTTP, DNS, the clock, the camera list, the
// terminal) comes in through Env, so tests run the checks against httptest
// servers and fakes.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/kycterm/kycterm/config"
)

// Status is a check's verdict.
type Status int

// Verdicts, in increasing gravity.
const (
	OK Status = iota
	Warn
	Fail
)

// String returns "ok", "warn" or "fail".
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warn"
	default:
		return "fail"
	}
}

// Result is the outcome of one check.
type Result struct {
	// Name names the check ("config", "service"…).
	Name string
	// Status is the verdict.
	Status Status
	// Detail says what was found.
	Detail string
	// Fix says what to do; empty when there is nothing to do.
	Fix string
}

// Skew thresholds against the server's Date header: liveness tokens and
// frame timestamps are checked against the server's clock.
const (
	SkewWarn = 5 * time.Second
	SkewFail = 60 * time.Second
)

// MinWidth and MinHeight are the smallest terminal the kiosk lays out in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Resolver looks up host names (net.DefaultResolver in production).
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// Env is what the checks look at and through.
type Env struct {
	// Config is the effective configuration; ConfigPath its file ("" for
	// none) and ConfigErr what was wrong with it.
	Config     config.Config
	ConfigPath string
	ConfigErr  error
	// Stat reads a file's mode (os.Stat when nil).
	Stat func(path string) (fs.FileInfo, error)
	// HTTPClient makes the probe request; it should honour ca_file and the
	// proxy environment.
	HTTPClient *http.Client
	// Resolver resolves the service's host; nil skips the DNS step.
	Resolver Resolver
	// Now is the local clock (time.Now when nil).
	Now func() time.Time
	// Timeout bounds the whole network probe (5s when zero).
	Timeout time.Duration
	// UserAgent is sent with the probe.
	UserAgent string
	// ListCameras lists camera device nodes (ListVideoDevices when nil).
	ListCameras func() ([]string, error)
	// OpenCamera, when set, tries to open a device (the CLI uses
	// capture/v4l2.Probe); when nil, cameras are only listed.
	OpenCamera func(ctx context.Context, dev string) error
	// TerminalSize returns the size of the terminal the kiosk will draw on,
	// or an error when the output is not a terminal.
	TerminalSize func() (width, height int, err error)
	// ColorProfile is the colour depth detected for that terminal.
	ColorProfile colorprofile.Profile
	// LogPath is the log file; LogErr why it could not be opened.
	LogPath string
	LogErr  error
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e Env) stat(path string) (fs.FileInfo, error) {
	if e.Stat != nil {
		return e.Stat(path)
	}
	return os.Stat(path)
}

// Run performs every check in order.
func Run(ctx context.Context, env Env) []Result {
	out := []Result{CheckConfig(env)}
	p := ProbeService(ctx, env)
	out = append(out, p.Result(), p.ClockResult(), CheckAPIKey(env),
		CheckCameras(ctx, env), CheckTerminal(env), CheckLog(env))
	return out
}

// Failed reports whether any result failed.
func Failed(rs []Result) bool {
	for _, r := range rs {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// Print writes one line per result: status, name, detail and the fix.
func Print(w io.Writer, rs []Result) error {
	for _, r := range rs {
		line := fmt.Sprintf("%-4s  %-9s %s", r.Status, r.Name, r.Detail)
		if r.Fix != "" {
			line += " — " + r.Fix
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return fmt.Errorf("print results: %w", err)
		}
	}
	return nil
}

// oneLine joins a multi-line error into one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}

// CheckConfig reports whether the configuration is valid and its file
// private enough.
func CheckConfig(env Env) Result {
	r := Result{Name: "config"}
	where := env.ConfigPath
	if where == "" {
		where = "no file, built-in defaults"
	}
	if env.ConfigErr != nil {
		r.Status, r.Detail = Fail, oneLine(env.ConfigErr)
		var e *config.Error
		switch {
		case errors.Is(env.ConfigErr, config.ErrInsecureFile):
			r.Fix = "run the chmod above: the file holds the API key"
		case errors.As(env.ConfigErr, &e):
			r.Fix = "correct the key named above (see kycterm config --help)"
		default:
			r.Fix = "fix the file or pass another with --config"
		}
		return r
	}
	r.Detail = "valid (" + where + ")"
	if env.ConfigPath == "" {
		return r
	}
	st, err := env.stat(env.ConfigPath)
	if err != nil {
		r.Status, r.Detail, r.Fix = Warn, fmt.Sprintf("cannot read the mode of %s: %v", env.ConfigPath, err), "check the file"
		return r
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		r.Status = Warn
		r.Detail = fmt.Sprintf("valid, but %s is readable by others (mode %04o)", env.ConfigPath, perm)
		r.Fix = "run chmod 600 " + env.ConfigPath + " before it holds an API key"
		return r
	}
	r.Detail = fmt.Sprintf("valid, mode %04o (%s)", st.Mode().Perm(), env.ConfigPath)
	return r
}

// CheckAPIKey says whether merchant calls are possible.
func CheckAPIKey(env Env) Result {
	r := Result{Name: "api key"}
	if env.Config.APIKey == "" {
		r.Status = Warn
		r.Detail = "not set: verifications can be run by UUID, but not created or listed"
		r.Fix = "set AMLKYC_API_KEY or api_key in the config file, if this kiosk creates verifications"
		return r
	}
	r.Detail = "set (from " + env.Config.Origin("api_key") + "), sent as " + env.Config.AuthHeader
	return r
}

// ListVideoDevices lists /dev/video* nodes, the V4L2 capture and metadata
// devices.
func ListVideoDevices() ([]string, error) {
	m, err := filepath.Glob("/dev/video*")
	if err != nil {
		return nil, fmt.Errorf("list cameras: %w", err)
	}
	return m, nil
}

// CheckCameras lists the cameras and, when Env.OpenCamera is set, opens
// each.
func CheckCameras(ctx context.Context, env Env) Result {
	r := Result{Name: "cameras"}
	list := env.ListCameras
	if list == nil {
		list = ListVideoDevices
	}
	devs, err := list()
	if err != nil {
		r.Status, r.Detail, r.Fix = Warn, oneLine(err), "check /dev permissions"
		return r
	}
	if len(devs) == 0 {
		r.Status, r.Detail = Warn, "no cameras found"
		r.Fix = "plug in a USB camera (and check the user is in the video group), or use --recording DIR"
		return r
	}
	if env.OpenCamera == nil {
		r.Detail = fmt.Sprintf("%s (opening not checked in this build)", strings.Join(devs, ", "))
		return r
	}
	var good, bad []string
	for _, d := range devs {
		if err := env.OpenCamera(ctx, d); err != nil {
			bad = append(bad, fmt.Sprintf("%s: %s", d, oneLine(err)))
		} else {
			good = append(good, d)
		}
	}
	switch {
	case len(good) == 0:
		r.Status, r.Detail = Fail, "no camera opens: "+strings.Join(bad, "; ")
		r.Fix = "close other programs using the camera and check the user is in the video group"
	case len(bad) > 0:
		r.Detail = "opens: " + strings.Join(good, ", ") + "; not: " + strings.Join(bad, "; ")
	default:
		r.Detail = "opens: " + strings.Join(good, ", ")
	}
	return r
}

// CheckTerminal reports the terminal's size and colour depth.
func CheckTerminal(env Env) Result {
	r := Result{Name: "terminal"}
	if env.TerminalSize == nil {
		r.Status, r.Detail, r.Fix = Warn, "output is not a terminal", "run the kiosk in a terminal"
		return r
	}
	w, h, err := env.TerminalSize()
	if err != nil {
		r.Status, r.Detail, r.Fix = Warn, "output is not a terminal", "run the kiosk in a terminal"
		return r
	}
	r.Detail = fmt.Sprintf("%d×%d, colour %s", w, h, env.ColorProfile)
	if w < MinWidth || h < MinHeight {
		r.Status = Warn
		r.Fix = fmt.Sprintf("enlarge the terminal to at least %d×%d", MinWidth, MinHeight)
		return r
	}
	if env.ColorProfile < colorprofile.ANSI {
		r.Status = Warn
		r.Fix = "use a terminal with colour (TERM=xterm-256color) for the kiosk's guidance"
	}
	return r
}

// CheckLog reports whether the log file can be written.
func CheckLog(env Env) Result {
	r := Result{Name: "log"}
	if env.LogPath == "" {
		r.Status, r.Detail = Fail, "no log file path"
		if env.LogErr != nil {
			r.Detail = oneLine(env.LogErr)
		}
		r.Fix = "set log.file, or XDG_STATE_HOME or HOME"
		return r
	}
	if err := os.MkdirAll(filepath.Dir(env.LogPath), 0o700); err != nil {
		r.Status, r.Detail, r.Fix = Fail, oneLine(err), "set log.file to a writable path"
		return r
	}
	f, err := os.OpenFile(env.LogPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		r.Status, r.Detail, r.Fix = Fail, oneLine(err), "set log.file to a writable path, or fix its directory's permissions"
		return r
	}
	st, err := f.Stat()
	f.Close()
	if err == nil && st.Mode().Perm()&0o077 != 0 {
		r.Status = Warn
		r.Detail = fmt.Sprintf("%s is writable but readable by others (mode %04o)", env.LogPath, st.Mode().Perm())
		r.Fix = "run chmod 600 " + env.LogPath
		return r
	}
	r.Detail = "writable (" + env.LogPath + ")"
	return r
}
