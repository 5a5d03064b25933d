package cli

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/api/sandbox/mrzreader"
)

// sandboxFlags are the flags of `kycterm sandbox`.
type sandboxFlags struct {
	addr, state, key        string
	authHeader, authScheme  string
	tokenTTL                time.Duration
	maxBody                 int64
	objectChallenges        bool
	latency, jitter         time.Duration
	failRate, resetRate     float64
	malformedRate, slowRate float64
	faultMethods            []string
	faultLimit              int
	seed                    uint64
	faceMatcher             string
}

// newSandboxCmd builds `kycterm sandbox`: the local AMLKYC server of
// package sandbox, in the foreground until SIGINT or SIGTERM.
func newSandboxCmd(app *App) *cobra.Command {
	var o sandboxFlags
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local, contract-faithful AMLKYC API server",
		Long: `Runs the eleven KYC endpoints of the AMLKYC API locally, in memory, for
demos, tests and integrators, and prints the base URL and the demo API key.
Create and list need the key (Authorization: Bearer KEY or X-API-Key: KEY);
the /webapi/kyc/user/{uuid} family needs none.

Scores are computed by the sandbox from what a request carries (see the
package documentation of api/sandbox). faceMatchScore comes from local face
matching (the mobilefacenet model, see docs/face-analysis.md) unless
--face-matcher histogram picks the sandbox's picture-similarity heuristic,
which is not face recognition; details.faceMatcher names the one that ran.
$KYCTERM_SANDBOX_FACE_MATCHER sets the default (also for kycterm demo).

With --state the verification records (never images or personal data) are
kept in FILE across restarts. The fault flags inject failures for testing
clients, drawn from a random source seeded by --seed. Ctrl-C stops the
server gracefully.`,
		Example: `  kycterm sandbox --addr 127.0.0.1:8080
  kycterm sandbox --state ./sandbox.json --api-key '7500|demo'
  kycterm sandbox --latency 200ms --fail-rate 0.1 --seed 42
  kycterm sandbox --face-matcher histogram`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(cmd, app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen `address` (port 0 picks a free one)")
	f.StringVar(&o.state, "state", "", "keep verification records in `FILE` across restarts")
	f.StringVar(&o.key, "api-key", "", "API `key` to accept (default: a random demo key, printed)")
	f.StringVar(&o.key, "key", "", "same as --api-key")
	_ = f.MarkHidden("key")
	f.StringVar(&o.authHeader, "auth-header", "", "one more `header` that may carry the key")
	f.StringVar(&o.authScheme, "auth-scheme", "", "`scheme` before the key in --auth-header (empty: the bare key)")
	f.DurationVar(&o.tokenTTL, "token-ttl", sandbox.DefaultTokenTTL, "life of a challenge token (timeoutSeconds)")
	f.Int64Var(&o.maxBody, "max-body", sandbox.DefaultMaxBodyBytes, "largest request body in `bytes` (413 beyond)")
	f.BoolVar(&o.objectChallenges, "object-challenges", false, `send challenges as {"type", "instruction"} objects`)
	f.DurationVar(&o.latency, "latency", 0, "added latency per request")
	f.DurationVar(&o.jitter, "latency-jitter", 0, "random extra latency up to this")
	f.Float64Var(&o.failRate, "fail-rate", 0, "share of requests answered 500/502/503 (0–1)")
	f.Float64Var(&o.failRate, "error-rate", 0, "same as --fail-rate")
	_ = f.MarkHidden("error-rate")
	f.Float64Var(&o.resetRate, "reset-rate", 0, "share of answers whose connection is reset mid-body (0–1)")
	f.Float64Var(&o.malformedRate, "malformed-rate", 0, "share of answers cut to malformed JSON (0–1)")
	f.Float64Var(&o.slowRate, "slow-rate", 0, "share of answers trickled out slowly (0–1)")
	f.StringSliceVar(&o.faultMethods, "fault-methods", nil, "inject faults only into these `methods` (e.g. GET)")
	f.IntVar(&o.faultLimit, "fault-limit", 0, "inject at most this many failures (0: no limit)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the fault injection")
	f.StringVar(&o.faceMatcher, "face-matcher", defaultFaceMatcher(app),
		"faceMatchScore from `local` face matching (mobilefacenet) or the histogram heuristic")
	return cmd
}

func runSandbox(cmd *cobra.Command, app *App, o sandboxFlags) error {
	fm, err := newFaceMatcher(cmd.Context(), o.faceMatcher)
	if err != nil {
		return err
	}
	dr, err := mrzreader.New()
	if err != nil {
		return err
	}
	srv, err := sandbox.New(sandbox.Options{
		FaceMatcher:      fm,
		DocumentReader:   dr,
		APIKey:           o.key,
		AuthHeader:       o.authHeader,
		AuthScheme:       o.authScheme,
		StatePath:        o.state,
		TokenTTL:         o.tokenTTL,
		MaxBodyBytes:     o.maxBody,
		ObjectChallenges: o.objectChallenges,
		Logger:           app.Logger,
		Faults: sandbox.Faults{
			Seed:          o.seed,
			Latency:       o.latency,
			LatencyJitter: o.jitter,
			FailRate:      o.failRate,
			ResetRate:     o.resetRate,
			MalformedRate: o.malformedRate,
			SlowRate:      o.slowRate,
			Methods:       o.faultMethods,
			Limit:         o.faultLimit,
		},
	})
	switch {
	case errors.Is(err, sandbox.ErrOptions):
		return UsageError(err)
	case err != nil:
		return UsageError(fmt.Errorf("sandbox: %w", err))
	}
	ctx := cmd.Context()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return UsageError(fmt.Errorf("sandbox: %w", err))
	}
	base := sandbox.BaseURL(ln.Addr())
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "AMLKYC sandbox listening on %s\n", base)
	// The demo key is the sandbox's own, made for printing.
	fmt.Fprintf(out, "API key: %s\n", srv.APIKey())
	fmt.Fprintf(out, "Use it with: AMLKYC_BASE_URL=%s AMLKYC_API_KEY='%s' kycterm ...\n", base, srv.APIKey())
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil && !api.IsLoopbackHost(host) {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning: the sandbox speaks plain HTTP and is reachable beyond this machine")
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	if err := srv.Serve(ctx, ln); err != nil {
		return UsageError(err)
	}
	fmt.Fprintln(out, "sandbox stopped")
	return nil
}
