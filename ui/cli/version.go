package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newVersionCmd builds `kycterm version`.
func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:         "version",
		Short:       "Print the version, commit and Go version",
		Example:     "  kycterm version",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annSkipSetup: "true"},
		RunE: func(*cobra.Command, []string) error {
			commit := app.Build.Commit
			if commit == "" {
				commit = "unknown"
			}
			_, err := fmt.Fprintf(app.Stdout, "kycterm %s\ncommit  %s\ngo      %s\n", app.Build.Version, commit, app.Build.GoVersion)
			return err
		},
	}
}
