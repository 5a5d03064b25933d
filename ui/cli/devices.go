package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/capture/v4l2"
)

// newDevicesCmd builds `kycterm devices`: the cameras, their pixel formats,
// frame sizes and rates.
func newDevicesCmd(app *App) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "List cameras with their formats, sizes and rates",
		Long: `Lists the V4L2 video capture devices (/dev/video*) with the pixel formats,
frame sizes and frame rates each offers. Formats kycterm can read are marked
with *. A device that cannot be opened is listed with the reason.`,
		Example: "  kycterm devices\n  kycterm devices --json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			devs, err := v4l2.List()
			if err != nil {
				return InputError(err)
			}
			if jsonOut {
				enc := json.NewEncoder(app.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Devices []v4l2.Device `json:"devices"`
				}{devs})
			}
			printDevices(app.Stdout, devs)
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

// printDevices writes the human-readable device table.
func printDevices(w io.Writer, devs []v4l2.Device) {
	if len(devs) == 0 {
		fmt.Fprintln(w, "no cameras found")
		return
	}
	for i, d := range devs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if d.Error != "" {
			fmt.Fprintf(w, "%s  cannot be read: %s\n", d.Path, d.Error)
			continue
		}
		fmt.Fprintf(w, "%s  %s", d.Path, d.Card)
		if d.Bus != "" {
			fmt.Fprintf(w, "  (%s)", d.Bus)
		}
		fmt.Fprintln(w)
		for _, f := range d.Formats {
			mark := " "
			if f.Supported {
				mark = "*"
			}
			fmt.Fprintf(w, "  %s %-4s  %-28s %s\n", mark, f.FourCC, truncate(f.Description, 28), sizeList(f.Sizes))
		}
	}
	fmt.Fprintln(w, "\n* kycterm can read this format")
}

func sizeList(sizes []v4l2.SizeRange) string {
	if len(sizes) == 0 {
		return "(sizes not listed)"
	}
	parts := make([]string, 0, len(sizes))
	for _, s := range sizes {
		p := s.String()
		if len(s.Rates) > 0 {
			rates := make([]string, 0, len(s.Rates))
			for _, r := range s.Rates {
				rates = append(rates, strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", r), "0"), "."))
			}
			p += "@" + strings.Join(rates, "/")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
