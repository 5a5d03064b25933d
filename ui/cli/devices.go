package cli

import "github.com/spf13/cobra"

// newDevicesCmd builds `kycterm devices`. Stub until capture lands; its
// owner replaces this file.
func newDevicesCmd(app *App) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:     "devices",
		Short:   "List cameras with their formats, sizes and rates",
		Example: "  kycterm devices\n  kycterm devices --json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("devices")
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}
