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
frame sizes and highest frame rate of each size (--json has every rate).
Formats kycterm cannot read are named on one line. A device that cannot be
opened is listed with the reason.`,
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
		var others []string
		for _, f := range d.Formats {
			if !f.Supported {
				others = append(others, f.FourCC)
				continue
			}
			fmt.Fprintf(w, "  %-4s  %-24s %s\n", f.FourCC, truncate(f.Description, 24), sizeList(f.Sizes))
		}
		if len(others) > 0 {
			fmt.Fprintf(w, "  not readable by kycterm: %s\n", strings.Join(others, " "))
		}
	}
}

func sizeList(sizes []v4l2.SizeRange) string {
	if len(sizes) == 0 {
		return "(sizes not listed)"
	}
	parts := make([]string, 0, len(sizes))
	for _, s := range sizes {
		p := s.String()
		if len(s.Rates) > 0 { // highest first
			p += "@" + strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", s.Rates[0]), "0"), ".")
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
