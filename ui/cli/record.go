package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// newRecordCmd builds `kycterm record`. Stub until capture lands; its owner
// replaces this file.
func newRecordCmd(app *App) *cobra.Command {
	var o struct {
		device, out, size, format string
		frames                    int
		seconds                   time.Duration
	}
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Record camera frames to a folder for replay",
		Long: `Writes a recording that --recording replays. Recordings hold biometric
data: the folder is made 0700 and its files 0600.`,
		Example: "  kycterm record --device /dev/video0 --out ./rec --seconds 10s\n  kycterm record --out ./rec --frames 60 --size 640x480 --format mjpeg",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("record")
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.device, "device", "", "camera `device` (default camera.device)")
	f.StringVar(&o.out, "out", "", "output `DIR` (must not exist or be empty)")
	f.IntVar(&o.frames, "frames", 0, "stop after N frames")
	f.DurationVar(&o.seconds, "seconds", 0, "stop after this long")
	f.StringVar(&o.size, "size", "", "capture size `WxH`")
	f.StringVar(&o.format, "format", "", "pixel format: mjpeg or yuyv")
	return cmd
}
