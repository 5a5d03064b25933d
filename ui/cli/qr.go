package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/qr"
)

// newQRCmd builds `kycterm qr`: it prints the verification UUID held by
// the QR code in an image file; exit 4 when the file is unreadable or holds
// no QR code with a UUID.
func newQRCmd(app *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "qr FILE",
		Short: "Print the verification UUID found in a QR code image",
		Long: `Reads the QR code of a customer's invitation from a JPEG or PNG
file (a photo or a screenshot) and prints the verification UUID it
holds, whether the code holds the verification link or the bare UUID.

Exit codes: 0 a UUID was found, 2 usage error, 4 the file is missing,
not a JPEG or PNG, damaged or too large, or holds no QR code with a
verification UUID.`,
		Example:     "  kycterm qr invitation.png\n  kycterm qr invitation.jpg --json",
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{annSkipSetup: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := readQRFile(args[0])
			if err != nil {
				return InputError(err)
			}
			if !asJSON {
				_, err = fmt.Fprintln(cmd.OutOrStdout(), id)
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(struct {
				File string `json:"file"`
				UUID string `json:"uuid"`
			}{args[0], id}); err != nil {
				return fmt.Errorf("print QR result: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = app
	return cmd
}

// readQRFile decodes the JPEG or PNG file at path and reads the UUID of its
// QR code; errors name the file.
func readQRFile(path string) (string, error) {
	img, _, err := capture.ReadImageFile(path)
	if err != nil {
		return "", err
	}
	id, err := qr.Read(img)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return id, nil
}
