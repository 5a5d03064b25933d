package cli

import "github.com/spf13/cobra"

// newKioskCmd builds `kycterm kiosk`, also run when no command is given.
// It is a stub until the TUI lands.
func newKioskCmd(app *App) *cobra.Command {
	var o struct {
		device    string
		recording string
	}
	cmd := &cobra.Command{
		Use:   "kiosk",
		Short: "Run the operator's verification kiosk (the default command)",
		Long: `Runs the full-screen kiosk: scan the verification's UUID, photograph
the document, run the liveness challenges with the webcam, send the
verification and show the result. It is what kycterm runs when no
command is given.`,
		Example: `  kycterm kiosk
  kycterm kiosk --device /dev/video2 --lang ru
  kycterm kiosk --recording ./session-01`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("kiosk")
		},
	}
	cmd.Flags().StringVar(&o.device, "device", "", "camera device (default camera.device, else the first camera)")
	cmd.Flags().StringVar(&o.recording, "recording", "", "replay the recording in DIR instead of a camera")
	return cmd
}
