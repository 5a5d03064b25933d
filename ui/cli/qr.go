package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/qr"
)

// maxQRFile bounds the image file `kycterm qr` reads.
const maxQRFile = 32 << 20

// newQRCmd builds `kycterm qr`: it prints the verification UUID held by
// the QR code in an image file; exit 4 when the file is unreadable or holds
// no QR code with a UUID.
func newQRCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "qr FILE",
		Short:   "Print the verification UUID found in a QR code image",
		Example: "  kycterm qr invitation.png",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := readQRFile(args[0])
			if err != nil {
				return InputError(err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), id)
			_ = app
			return err
		},
	}
}

// readQRFile decodes the JPEG or PNG file at path and reads the UUID of its
// QR code; errors name the file.
func readQRFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if st.Size() > maxQRFile {
		return "", fmt.Errorf("read %s: %w", path, capture.ErrImageTooLarge)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	img, _, err := capture.DecodeImage(path, data)
	if err != nil {
		return "", err
	}
	id, err := qr.Read(img)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return id, nil
}
