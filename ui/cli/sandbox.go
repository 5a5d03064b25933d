package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// newSandboxCmd builds `kycterm sandbox`: a local AMLKYC server. Stub until
// the sandbox lands; its owner replaces this file.
func newSandboxCmd(app *App) *cobra.Command {
	var o struct {
		addr, state, key        string
		latency                 time.Duration
		errorRate, resetRate    float64
		malformedRate, slowRate float64
		seed                    int64
	}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local, contract-faithful AMLKYC API server",
		Long: `Runs the eleven KYC endpoints of the AMLKYC API locally, in memory, for
demos, tests and integrators. Prints the base URL and the demo API key.`,
		Example: `  kycterm sandbox --addr 127.0.0.1:8080
  kycterm sandbox --state ./sandbox.json --key 7500|demo
  kycterm sandbox --latency 200ms --error-rate 0.1 --seed 42`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("sandbox")
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen `address`")
	f.StringVar(&o.state, "state", "", "persist state in `FILE` across restarts")
	f.StringVar(&o.key, "key", "", "API `key` to accept (default: a random demo key, printed)")
	f.DurationVar(&o.latency, "latency", 0, "added latency per request")
	f.Float64Var(&o.errorRate, "error-rate", 0, "share of requests answered 500/502/503 (0–1)")
	f.Float64Var(&o.resetRate, "reset-rate", 0, "share of responses cut mid-body (0–1)")
	f.Float64Var(&o.malformedRate, "malformed-rate", 0, "share of responses with malformed JSON (0–1)")
	f.Float64Var(&o.slowRate, "slow-rate", 0, "share of responses sent slowly (0–1)")
	f.Int64Var(&o.seed, "seed", 1, "seed of the fault injection")
	return cmd
}
