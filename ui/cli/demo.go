package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/api/sandbox"
	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/ui"
	"github.com/kycterm/kycterm/ui/flow"
)

// demoBanner is said before every demo run: nothing here is the real service.
const demoBanner = "DEMO: a local sandbox on this machine computes these scores; nothing is sent to AMLKYC."

// demoFlags are the demo's flags.
type demoFlags struct {
	camera, recording string
	auto, json        bool
	headless          bool
	noAnalysis        bool
}

// newDemoCmd builds `kycterm demo`: the whole product offline, against the
// sandbox started in-process, with the bundled recording and document.
func newDemoCmd(app *App) *cobra.Command {
	var o demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the whole product offline against a local sandbox",
		Long: `Starts the sandbox in-process on a free loopback port, creates a
verification and runs the kiosk's TUI on it with the bundled recording as
the camera and the bundled document photo (press Enter to walk through).
With --auto the TUI walks itself, a short pause on every screen, and the
command exits 0 when the verification passed, 1 when not; with --auto
--json it draws nothing (no terminal needed: the same TUI runs without
output) and prints the verify response as JSON. With --headless it runs
the verification without the TUI and prints the result. With --camera
the frames and the document come from a real camera. Scores are computed
locally by the sandbox.
Needs no camera, no network, no account and no configuration.`,
		Example: `  kycterm demo
  kycterm demo --auto
  kycterm demo --auto --json
  kycterm demo --camera /dev/video0
  kycterm demo --lang ru
  kycterm demo --headless --json
  kycterm demo --recording ./my-recording`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), app, demoRun{flags: o})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.headless, "headless", false, "run without the TUI and print the result")
	f.BoolVar(&o.noAnalysis, "no-analysis", false, "no local face analysis (the TUI then captures every frame with Enter)")
	f.StringVar(&o.camera, "camera", "", "use camera `DEV` (e.g. /dev/video0) instead of the bundled recording and passport")
	f.StringVar(&o.recording, "recording", "", "use the recording in `DIR`")
	f.BoolVar(&o.auto, "auto", false, "walk the TUI by itself; exit 0 passed, 1 not passed")
	f.BoolVar(&o.json, "json", false, "print the verify response as JSON (with --auto: draw nothing)")
	return cmd
}

// demoRun is one run of the demo: its flags, and what tests replace.
type demoRun struct {
	flags demoFlags
	// sandbox are the sandbox's options (Rand: the challenges drawn);
	// Logger and FaceMatcher are set by the demo.
	sandbox sandbox.Options
	// recording and document replace the bundled ones: a folder holding
	// "recording" and a document photo file name.
	recording fs.FS
	document  fs.FS
	// auto paces --auto; zero values take ui's defaults.
	auto ui.AutoOptions
}

// runDemo runs the demo in the form the flags ask for.
func runDemo(ctx context.Context, app *App, r demoRun) error {
	o := r.flags
	switch {
	case o.camera != "" && o.recording != "":
		return UsageError(errors.New("demo: --camera and --recording exclude each other"))
	case o.camera != "" && o.headless:
		return UsageError(errors.New("demo: --headless replays a recording; use --camera with the TUI"))
	case o.auto && o.headless:
		return UsageError(errors.New("demo: --auto walks the TUI; --headless runs without it: choose one"))
	}
	if o.headless || (o.json && !o.auto) {
		return runHeadlessDemo(ctx, app, o.recording, o.json, o.noAnalysis)
	}
	drawn := true
	if o.auto {
		// --auto --json, or no terminal: the same TUI runs undrawn
		drawn = !o.json && needTerminal(app) == nil
	} else if err := needTerminal(app); err != nil {
		return err
	}
	return runDemoTUI(ctx, app, r, drawn)
}

// demoEnv is what both forms of the demo run against: the sandbox started
// in-process on a loopback port, a client for it and a new verification.
type demoEnv struct {
	baseURL string
	client  *api.Client
	uuid    string
}

// startDemo starts the sandbox (it stops when ctx ends), makes a client
// for it and creates the demo's verification.
func startDemo(ctx context.Context, app *App, so sandbox.Options) (*demoEnv, error) {
	fm, err := demoFaceMatcher(ctx, app)
	if err != nil {
		return nil, err
	}
	so.Logger, so.FaceMatcher = app.Logger, fm
	if err := withSandboxDocumentReader(&so); err != nil {
		return nil, err
	}
	sb, err := sandbox.New(so)
	if err != nil {
		return nil, fmt.Errorf("demo sandbox: %w", err)
	}
	baseURL, err := sb.Start(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo sandbox: %w", err)
	}
	cfg := app.Config
	cfg.BaseURL, cfg.APIKey, cfg.AuthHeader, cfg.AuthScheme = baseURL, sb.APIKey(), "Authorization", "Bearer"
	cfg.CAFile, cfg.InsecureHTTP = "", false
	client, err := api.New(cfg.APIConfig(app.Build.Version, app.Logger))
	if err != nil {
		return nil, fmt.Errorf("demo client: %w", err)
	}
	created, err := client.CreateVerification(ctx, api.CreateVerificationRequest{Email: "demo.customer@example.com"})
	if err != nil {
		return nil, APIError(fmt.Errorf("demo: create verification: %w", err))
	}
	return &demoEnv{baseURL: baseURL, client: client, uuid: created.Item.UUID}, nil
}

// demoDocument is the demo's document country: the configured one, else ru.
func demoDocument(app *App) (docType, country string) {
	docType, country = documentDefaults(app.Config, "", "")
	if country == "" {
		country = "ru"
	}
	return docType, country
}

// demoCameras sets the TUI's cameras: the bundled (or given) recording,
// replayed per challenge, with the bundled passport in front of the
// document camera; or, with --camera, the real camera for both, opened
// once here so that a missing device fails before the TUI starts.
func demoCameras(app *App, r demoRun, opts *ui.Options) error {
	if dev := r.flags.camera; dev != "" {
		camera, err := kioskCamera(app, kioskFlags{device: dev})
		if err != nil {
			return err
		}
		src, err := camera("")
		if err != nil {
			return InputError(fmt.Errorf("demo camera %s: %w", dev, err))
		}
		_ = src.Close()
		opts.Camera, opts.CameraByLabel = camera, false
		return nil
	}
	live := capture.ReplayOptions{Pace: capture.RealTime, Loop: true}
	rec, doc := r.recording, r.document
	if rec == nil {
		rec = assets.Demo()
	}
	if doc == nil {
		doc = assets.Demo()
	}
	dir := r.flags.recording
	if dir != "" {
		if _, err := capture.OpenDir(dir, capture.ReplayOptions{}); err != nil {
			return InputError(err)
		}
	} else if _, err := capture.OpenRecordingFS(rec, "recording", capture.ReplayOptions{}); err != nil {
		return InputError(fmt.Errorf("demo recording: %w", err))
	}
	opts.CameraByLabel = true
	opts.Camera = func(label string) (capture.Source, error) {
		o := live
		o.Label = label
		if dir != "" {
			return capture.OpenDir(dir, o)
		}
		return capture.OpenRecordingFS(rec, "recording", o)
	}
	opts.DocumentCamera = func() (capture.Source, error) {
		return capture.OpenImageFS(doc, "passport.jpg", live)
	}
	return nil
}

// runDemoTUI runs the kiosk's TUI against the demo sandbox: walked by the
// operator, or with --auto by itself (drawn on the terminal, or undrawn).
func runDemoTUI(ctx context.Context, app *App, r demoRun, drawn bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env, err := startDemo(ctx, app, r.sandbox)
	if err != nil {
		return err
	}
	opts := tuiOptions(app)
	opts.Context = ctx
	opts.Service = env.client
	opts.Demo = true
	opts.CanManage = true
	opts.UUID = env.uuid
	opts.DocumentType, opts.Country = demoDocument(app)
	opts.Kiosk = ui.KioskOptions{}
	if err := demoCameras(app, r, &opts); err != nil {
		return err
	}
	if err := withDocumentReader(&opts); err != nil {
		return err
	}
	closeAnalysis, err := withFaceAnalysis(&opts, r.flags.noAnalysis)
	if err != nil {
		return err
	}
	defer closeAnalysis()
	if !r.flags.auto {
		return runTUI(ctx, app, opts)
	}
	return runAuto(ctx, app, opts, r, drawn)
}

// runAuto runs the self-walking TUI and reports its result: drawn on the
// terminal (then the result table is printed), or undrawn, with no input
// and its output discarded (--auto --json, or no terminal). Either way the
// verdict comes from the TUI's own flow: its screens, keys and calls.
func runAuto(ctx context.Context, app *App, opts ui.Options, r demoRun, drawn bool) error {
	pace := r.auto
	if !drawn {
		// nobody watches: no pauses to follow the screens by
		pace.Pause = cmp.Or(pace.Pause, 100*time.Millisecond)
		pace.Linger = cmp.Or(pace.Linger, time.Millisecond)
	}
	a, err := ui.NewAuto(opts, pace)
	if err != nil {
		return UsageError(err)
	}
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if drawn {
		popts = append(popts, tea.WithInput(app.Stdin), tea.WithOutput(app.Stdout))
	} else {
		popts = append(popts, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
	}
	final, err := tea.NewProgram(a, popts...).Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("demo: %w", err)
	}
	done, ok := final.(ui.Auto)
	if !ok {
		return fmt.Errorf("demo: %w", ui.ErrAutoStuck)
	}
	if err := done.Err(); err != nil {
		if errors.Is(err, ui.ErrAutoStuck) || errors.Is(err, ui.ErrAutoCrashed) {
			return Failed(fmt.Errorf("demo: %w", err))
		}
		return flowExit(fmt.Errorf("demo: %w", err))
	}
	res := done.Result()
	if res == nil {
		// the operator quit before the result
		return context.Canceled
	}
	if !r.flags.json {
		fmt.Fprintln(app.Stdout, demoBanner)
	}
	return printResult(app, res, r.flags.json)
}

// runHeadlessDemo verifies the bundled (or given) recording against an
// in-process sandbox and prints the result.
func runHeadlessDemo(ctx context.Context, app *App, recordingDir string, asJSON, noAnalysis bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env, err := startDemo(ctx, app, sandbox.Options{})
	if err != nil {
		return err
	}
	demo := assets.Demo()
	var src capture.Source
	replay := capture.ReplayOptions{Pace: capture.AsFastAsPossible}
	if recordingDir != "" {
		src, err = capture.OpenDir(recordingDir, replay)
	} else {
		src, err = capture.OpenRecordingFS(demo, "recording", replay)
	}
	if err != nil {
		return InputError(err)
	}
	doc, err := fs.ReadFile(demo, "passport.jpg")
	if err != nil {
		return InputError(fmt.Errorf("demo document: %w", err))
	}
	docType, country := demoDocument(app)
	if !asJSON {
		fmt.Fprintln(app.Stdout, demoBanner)
		fmt.Fprintf(app.Stdout, "sandbox %s, verification %s\n", env.baseURL, env.uuid)
	}
	an, err := newFaceAnalyzer(noAnalysis)
	if err != nil {
		return InputError(err)
	}
	h := flow.Headless{
		UUID:         env.uuid,
		DocumentName: "passport.jpg",
		Document:     doc,
		DocumentType: docType,
		Country:      country,
		Frames:       src,
		Progress: func(e flow.Event) {
			if !asJSON && e.Total == 0 {
				fmt.Fprintf(app.Stdout, "  %s\n", e.Step)
			}
		},
	}
	if an != nil {
		defer an.Close()
		h.Analyzer = an
	}
	res, err := flow.RunHeadless(ctx, env.client, h, FlowOptions(app.Config))
	if err != nil {
		return flowExit(err)
	}
	return printResult(app, res, asJSON)
}
