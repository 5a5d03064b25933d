package cli

import "github.com/spf13/cobra"

// newAnalyzeCmd builds `kycterm analyze`. Stub until local face analysis
// lands; its owner replaces this file.
func newAnalyzeCmd(app *App) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:     "analyze IMAGE...",
		Short:   "Find faces and measure pose, blendshapes and liveness in images",
		Example: "  kycterm analyze face.jpg\n  kycterm analyze frames/*.jpg --json",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("analyze")
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}
