package cli

import "github.com/spf13/cobra"

// newDoctorCmd builds `kycterm doctor`.
func newDoctorCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:         "doctor",
		Short:       "Check the configuration, the service, the clock, cameras and terminal",
		Example:     "  kycterm doctor\n  kycterm doctor --base-url http://127.0.0.1:8080",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annConfig: "optional"},
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("doctor")
		},
	}
}
