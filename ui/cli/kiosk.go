package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/document/qr"
	"github.com/kycterm/kycterm/capture/document/quality"
	"github.com/kycterm/kycterm/capture/v4l2"
	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui"
	"github.com/kycterm/kycterm/ui/flow"
)

// kioskFlags are the kiosk's own flags.
type kioskFlags struct {
	device     string
	recording  string
	noAnalysis bool
}

// newKioskCmd builds `kycterm kiosk`, also run when no command is given.
func newKioskCmd(app *App) *cobra.Command {
	var o kioskFlags
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKiosk(cmd.Context(), app, o)
		},
	}
	cmd.Flags().StringVar(&o.device, "device", "", "camera `device` (default camera.device, else the first camera)")
	cmd.Flags().StringVar(&o.recording, "recording", "", "replay a recording `DIR` instead of a camera")
	cmd.Flags().BoolVar(&o.noAnalysis, "no-analysis", false, "no local face analysis: the operator captures every frame")
	return cmd
}

// runKiosk runs the TUI against the configured service and camera.
func runKiosk(ctx context.Context, app *App, o kioskFlags) error {
	if err := needTerminal(app); err != nil {
		return err
	}
	client, err := api.New(app.Config.APIConfig(app.Build.Version, app.Logger))
	if err != nil {
		return UsageError(err)
	}
	camera, err := kioskCamera(app, o)
	if err != nil {
		return err
	}
	opts := tuiOptions(app)
	opts.Context = ctx
	opts.Service = client
	opts.Camera = camera
	opts.CameraByLabel = o.recording != ""
	if err := withDocumentReader(&opts); err != nil {
		return err
	}
	closeAnalysis, err := withFaceAnalysis(&opts, o.noAnalysis)
	if err != nil {
		return err
	}
	defer closeAnalysis()
	return runTUI(ctx, app, opts)
}

// withFaceAnalysis installs the local face analysis and its challenge
// detector (auto-capture) in opts, unless off; the returned func releases
// the models.
func withFaceAnalysis(opts *ui.Options, off bool) (func(), error) {
	an, err := newFaceAnalyzer(off)
	if err != nil {
		return nil, InputError(err)
	}
	if an == nil {
		return func() {}, nil
	}
	opts.Analyzer = an
	opts.Detector = flow.NewChallengeDetector()
	return an.Close, nil
}

// withDocumentReader installs the local MRZ reader in opts, and the
// invitation QR reader the open screen's "scan QR" uses.
func withDocumentReader(opts *ui.Options) error {
	opts.QR = qr.Read
	r, err := newMRZDocumentReader()
	if err != nil {
		return InputError(err)
	}
	opts.DocumentReader = r
	return nil
}

// kioskCamera chooses the kiosk's frames: a recording replayed like a
// camera, or the V4L2 camera.
func kioskCamera(app *App, o kioskFlags) (ui.CameraFunc, error) {
	if o.recording != "" {
		dir := o.recording
		// Opened once here so a bad folder fails before the TUI starts.
		src, err := capture.OpenDir(dir, capture.ReplayOptions{})
		if err != nil {
			return nil, InputError(err)
		}
		_ = src.Close()
		return func(label string) (capture.Source, error) {
			return capture.OpenDir(dir, capture.ReplayOptions{Pace: capture.RealTime, Loop: true, Label: label})
		}, nil
	}
	// --device, else camera.device / format / size, as record and verify
	cfg, err := cameraConfig(app, o.device, "", "")
	if err != nil {
		return nil, UsageError(err)
	}
	return func(string) (capture.Source, error) {
		cam, err := v4l2.Open(cfg)
		if err != nil {
			return nil, err
		}
		return cam, nil
	}, nil
}

// tuiOptions maps the configuration onto the TUI's options.
func tuiOptions(app *App) ui.Options {
	c := app.Config
	docType, country := documentDefaults(c, "", "")
	return ui.Options{
		Flow:         FlowOptions(c),
		Lang:         c.UI.Lang,
		DocumentType: docType,
		Country:      country,
		CanManage:    c.APIKey != "",
		Kiosk: ui.KioskOptions{
			Enabled:   c.Kiosk.Enabled,
			IdleReset: time.Duration(c.Kiosk.IdleResetSeconds) * time.Second,
			PINHash:   c.Kiosk.OperatorPINHash,
		},
		DocumentQuality: documentQuality(qualityThresholds(c.Document.Quality)),
	}
}

// qualityThresholds converts the configured document.quality section.
func qualityThresholds(q config.DocumentQuality) quality.Thresholds {
	return quality.Thresholds{
		MinSharpness: float64(q.MinSharpness),
		MaxGlare:     float64(q.MaxGlarePermille) / 1000,
		MinLuma:      float64(q.MinLuma),
		MaxLuma:      float64(q.MaxLuma),
		MinDocWidth:  float64(q.MinWidthPercent) / 100,
	}
}

// documentQuality is the TUI's document photo check with thresholds t.
// With the MRZ's outline (the local reader's) the glare is measured on the
// data page and the document's size in the frame is checked; without it
// (a live camera frame, no reading yet) the document area is the
// picture's centre and the size check is skipped.
func documentQuality(t quality.Thresholds) ui.DocumentQualityFunc {
	return func(img image.Image, mrz *[4]image.Point) (quality.Report, error) { return quality.Assess(img, mrz, t) }
}

// needTerminal refuses to draw a full-screen interface into a pipe.
func needTerminal(app *App) error {
	in, okIn := app.Stdin.(*os.File)
	out, okOut := app.Stdout.(*os.File)
	if !okIn || !okOut || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return UsageError(errors.New("the kiosk needs a terminal; for scripts use `kycterm verify` or `kycterm demo --headless`"))
	}
	return nil
}

// runTUI runs the kiosk's program until the operator quits.
func runTUI(ctx context.Context, app *App, opts ui.Options) error {
	m, err := ui.New(opts)
	if err != nil {
		return UsageError(err)
	}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(app.Stdin), tea.WithOutput(app.Stdout))
	_, err = p.Run()
	if ctx.Err() != nil {
		// stopped by a signal: exit as interrupted
		return ctx.Err()
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("kiosk: %w", err)
	}
	return nil
}
