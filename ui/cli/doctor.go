package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/capture/v4l2"
	"github.com/kycterm/kycterm/ui/cli/doctor"
)

// newDoctorCmd builds `kycterm doctor`.
func newDoctorCmd(app *App) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the configuration, the service, the clock, cameras, terminal and log",
		Long: `Runs each check and prints one line per check: ok, warn or fail, and
what to do. Checks: the configuration and its file's permissions; the
service (DNS, TLS, HTTP status and round-trip time of one GET of the base
URL); clock skew against the server's Date header (warn over 5 s, fail
over 60 s); the API key; cameras; the terminal's size and colours; the
log file. Exits 0 when nothing fails, 1 otherwise.`,
		Example:     "  kycterm doctor\n  kycterm doctor --base-url http://127.0.0.1:8080 --timeout 2s",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annConfig: "optional"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			env := doctorEnv(app, timeout)
			rs := doctor.Run(cmd.Context(), env)
			if err := doctor.Print(app.Stdout, rs); err != nil {
				return err
			}
			if doctor.Failed(rs) {
				return Failed(nil)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "bound of the network probe")
	return cmd
}

// doctorEnv wires the checks to the real system.
func doctorEnv(app *App, timeout time.Duration) doctor.Env {
	env := doctor.Env{
		Config:       app.Config,
		ConfigPath:   app.ConfigPath,
		ConfigErr:    app.ConfigErr,
		Resolver:     net.DefaultResolver,
		Timeout:      timeout,
		UserAgent:    "kycterm/" + app.Build.Version,
		ListCameras:  listCameras,
		OpenCamera:   openCamera,
		LogPath:      app.LogPath,
		LogErr:       app.LogErr,
		ColorProfile: colorprofile.Detect(app.Stdout, environ(app.Env)),
	}
	client, err := probeClient(app.Config.CAFile)
	if err != nil {
		env.ConfigErr = errors.Join(env.ConfigErr, err)
	}
	env.HTTPClient = client
	if f, ok := app.Stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
		env.TerminalSize = func() (int, int, error) { return term.GetSize(f.Fd()) }
	}
	return env
}

// listCameras lists the V4L2 capture devices (metadata nodes of UVC
// cameras left out); one that cannot be opened is still listed, so that
// openCamera reports why.
func listCameras() ([]string, error) {
	devs, err := v4l2.List()
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(devs))
	for i, d := range devs {
		paths[i] = d.Path
	}
	return paths, nil
}

// openCamera opens dev and reads its capabilities and formats, without
// streaming: busy, unplugged or forbidden devices fail here.
func openCamera(_ context.Context, dev string) error {
	_, err := v4l2.Probe(dev)
	return err
}

// probeClient is an HTTP client for the doctor's probe: the system roots
// plus ca_file, the proxy environment, no cookies, and no redirects (a 3xx
// answer shows the service is reachable; following it would time another
// host).
func probeClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return &http.Client{Transport: tr, CheckRedirect: noRedirect}, fmt.Errorf("ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return &http.Client{Transport: tr, CheckRedirect: noRedirect}, fmt.Errorf("ca_file %s: no PEM certificates in it", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, CheckRedirect: noRedirect}, nil
}

// environ lists the variables colour detection reads.
func environ(env func(string) string) []string {
	var out []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TTY_FORCE", "TERM_PROGRAM", "TMUX", "WT_SESSION", "ConEmuANSI", "ANSICON"} {
		if v := env(k); v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}
