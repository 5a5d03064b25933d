package cli

import "github.com/spf13/cobra"

// newMRZCmd builds `kycterm mrz`. Stub until passport scanning lands; its
// owner replaces this file.
func newMRZCmd(app *App) *cobra.Command {
	var o struct {
		image string
		json  bool
	}
	cmd := &cobra.Command{
		Use:     "mrz [LINE1 LINE2 [LINE3]]",
		Short:   "Parse and validate a machine-readable zone",
		Example: "  kycterm mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'\n  kycterm mrz --image passport.jpg --json",
		Args:    cobra.MaximumNArgs(3),
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("mrz")
		},
	}
	cmd.Flags().StringVar(&o.image, "image", "", "read the MRZ from an image `FILE`")
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}
