package cli

import "github.com/spf13/cobra"

// newQRCmd builds `kycterm qr`. Stub until QR reading lands; its owner
// replaces this file.
func newQRCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "qr FILE",
		Short:   "Print the verification UUID found in a QR code image",
		Example: "  kycterm qr invitation.png",
		Args:    cobra.ExactArgs(1),
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("qr")
		},
	}
}
