package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/mjpeg"
	"github.com/kycterm/kycterm/capture/recording"
	"github.com/kycterm/kycterm/capture/v4l2"
)

// recordOptions are the flags of `kycterm record`.
type recordOptions struct {
	device, out, size, format, seconds string
	frames                             int
}

// newRecordCmd builds `kycterm record`: camera frames into a recording
// folder (docs/recording.md) that --recording replays.
func newRecordCmd(app *App) *cobra.Command {
	var o recordOptions
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Record camera frames to a folder for replay",
		Long: `Writes a recording (manifest.json and JPEG frames, see docs/recording.md)
that --recording replays. Recordings hold biometric data: the folder is made
0700 and its files 0600, and an existing non-empty folder is refused.
Ctrl-C stops early and keeps what was recorded.`,
		Example: "  kycterm record --device /dev/video0 --out ./rec --seconds 10\n  kycterm record --out ./rec --frames 60 --size 640x480 --format mjpeg",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRecord(cmd.Context(), app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.device, "device", "", "camera `DEV` (default camera.device, else the first camera)")
	f.StringVar(&o.out, "out", "", "output `DIR` (must not exist or be empty)")
	f.IntVar(&o.frames, "frames", 0, "stop after `N` frames")
	f.StringVar(&o.seconds, "seconds", "", "stop after `S` seconds (e.g. 10 or 2.5s)")
	f.StringVar(&o.size, "size", "", "capture size `WxH` (default camera.width x camera.height)")
	f.StringVar(&o.format, "format", "", "pixel format: mjpeg or yuyv (default camera.format)")
	return cmd
}

// parseSeconds reads "10", "2.5" or a Go duration such as "1m".
func parseSeconds(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v <= 0 || v > 86400 {
			return 0, fmt.Errorf("--seconds %s: want a time between 0 and 86400 seconds", s)
		}
		return time.Duration(v * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 24*time.Hour {
		return 0, fmt.Errorf("--seconds %s: want seconds such as 10 or 2.5s", s)
	}
	return d, nil
}

// recordConfig turns the flags and the configuration into a camera config
// and the time limit.
func recordConfig(app *App, o recordOptions) (v4l2.Config, time.Duration, error) {
	if o.out == "" {
		return v4l2.Config{}, 0, errors.New("give the output folder with --out DIR")
	}
	if o.frames < 0 {
		return v4l2.Config{}, 0, errors.New("--frames must be positive")
	}
	limit, err := parseSeconds(o.seconds)
	if err != nil {
		return v4l2.Config{}, 0, err
	}
	if o.frames == 0 && limit == 0 {
		return v4l2.Config{}, 0, errors.New("say when to stop: --frames N or --seconds S")
	}
	cfg, err := cameraConfig(app, o.device, o.format, o.size)
	return cfg, limit, err
}

// cameraConfig is the camera the flags and the configuration name: the
// flag where given, else camera.device / camera.format / camera.width and
// height.
func cameraConfig(app *App, device, format, size string) (v4l2.Config, error) {
	var cfg v4l2.Config
	cfg.Device = device
	if cfg.Device == "" {
		cfg.Device = app.Config.Camera.Device
	}
	if format == "" && app.Config.Camera.Format != "auto" {
		format = app.Config.Camera.Format
	}
	if format != "" {
		if _, err := v4l2.ParseFormat(format); err != nil {
			return cfg, err
		}
	}
	cfg.Format = format
	if size != "" {
		s, err := v4l2.ParseSize(size)
		if err != nil {
			return cfg, err
		}
		cfg.Size = s
	} else if c := app.Config.Camera; c.Width > 0 && c.Height > 0 {
		cfg.Size = v4l2.Size{Width: c.Width, Height: c.Height}
	}
	return cfg, nil
}

func runRecord(ctx context.Context, app *App, o recordOptions) error {
	cfg, limit, err := recordConfig(app, o)
	if err != nil {
		return UsageError(err)
	}
	// Refuse a used folder before the camera turns on.
	if entries, err := os.ReadDir(o.out); err == nil && len(entries) > 0 {
		return UsageError(fmt.Errorf("record: %s: %w: choose a new folder", o.out, recording.ErrNotEmpty))
	}
	cam, err := v4l2.Open(cfg)
	if err != nil {
		return InputError(err)
	}
	defer cam.Close()
	info := cam.Info()
	w, err := recording.Create(o.out, recording.Camera{
		Device: info.Device, Card: info.Card, Bus: info.Bus, Format: info.FourCC,
		Width: info.Size.Width, Height: info.Size.Height,
	})
	if err != nil {
		if errors.Is(err, recording.ErrNotEmpty) {
			return UsageError(err)
		}
		return InputError(err)
	}
	fmt.Fprintf(app.Stderr, "warning: recordings hold biometric data (faces). %s is readable by you only; delete it when no longer needed.\n", o.out)
	fmt.Fprintf(app.Stderr, "recording %s (%s) %s %v to %s\n", info.Device, info.Card, info.FourCC, info.Size, o.out)

	recCtx := ctx
	if limit > 0 {
		var cancel context.CancelFunc
		recCtx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	if err := cam.Start(recCtx); err != nil {
		return InputError(err)
	}
	n, capErr := recordFrames(recCtx, cam, w, o.frames)
	if n == 0 {
		os.RemoveAll(o.out) // nothing but an empty folder was written
		if capErr == nil {
			capErr = errors.New("no frames arrived")
		}
		return InputError(fmt.Errorf("record: %w", capErr))
	}
	if err := w.Close(); err != nil {
		return InputError(err)
	}
	st := cam.Stats()
	fmt.Fprintf(app.Stderr, "recorded %d frames to %s (dropped %d, corrupt %d)\n", n, o.out, st.Dropped, st.Corrupt)
	if capErr != nil {
		return InputError(fmt.Errorf("record: stopped after %d frames: %w", n, capErr))
	}
	return nil
}

// recordFrames writes frames until max frames (0: no limit) or ctx ends;
// the end of ctx is not an error.
func recordFrames(ctx context.Context, cam *v4l2.Camera, w *recording.Writer, max int) (int, error) {
	var first time.Time
	var buf []byte
	for max == 0 || w.Len() < max {
		f, err := cam.Next(ctx)
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, capture.ErrClosed) && ctx.Err() != nil:
			return w.Len(), nil
		case errors.Is(err, capture.ErrStopped):
			return w.Len(), err
		case capture.IsTransient(err):
			continue // unplugged: the camera reopens it
		case err != nil:
			return w.Len(), err
		}
		if first.IsZero() {
			first = f.Mono
		}
		info := recording.FrameInfo{T: f.Mono.Sub(first), ChallengeIndex: -1}
		if strings.EqualFold(f.Format, v4l2.FourCCMJPG) || strings.EqualFold(f.Format, v4l2.FourCCJPEG) {
			// Keep the camera's JPEG as it is, made standard with its
			// Huffman tables: no second lossy encoding.
			if buf, _, err = mjpeg.InsertDHT(buf, f.Raw); err != nil {
				continue
			}
			err = w.AddJPEG(buf, info)
		} else {
			err = w.AddImage(f.Image, info)
		}
		if err != nil {
			return w.Len(), err
		}
	}
	return w.Len(), nil
}
