package cli

import (
	"context"
	"fmt"
	"io/fs"

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

// newDemoCmd builds `kycterm demo`: the whole product offline, against the
// sandbox started in-process, with the bundled recording and document.
func newDemoCmd(app *App) *cobra.Command {
	var o struct {
		camera, recording string
		auto, json        bool
		headless          bool
		noAnalysis        bool
	}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the whole product offline against a local sandbox",
		Long: `Starts the sandbox in-process on a free loopback port, creates a
verification and runs the kiosk's TUI on it with the bundled recording as
the camera and the bundled document photo (press Enter to walk through).
With --headless it runs the verification unattended and prints the
result. Scores are computed locally by the sandbox.
Needs no camera, no network, no account and no configuration.`,
		Example: `  kycterm demo
  kycterm demo --lang ru
  kycterm demo --headless --json
  kycterm demo --recording ./my-recording`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.camera != "" {
				return notAvailable("demo --camera")
			}
			if o.auto {
				return notAvailable("demo --auto")
			}
			if o.headless || o.json {
				return runHeadlessDemo(cmd.Context(), app, o.recording, o.json, o.noAnalysis)
			}
			return runDemoTUI(cmd.Context(), app, o.recording, o.noAnalysis)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.headless, "headless", false, "run without the TUI and print the result")
	f.BoolVar(&o.noAnalysis, "no-analysis", false, "no local face analysis (the TUI then captures every frame with Enter)")
	f.StringVar(&o.camera, "camera", "", "use camera `DEV` instead of the bundled recording")
	f.StringVar(&o.recording, "recording", "", "use the recording in `DIR`")
	f.BoolVar(&o.auto, "auto", false, "walk the flow by itself")
	f.BoolVar(&o.json, "json", false, "print the verify response as JSON")
	return cmd
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
func startDemo(ctx context.Context, app *App) (*demoEnv, error) {
	fm, err := demoFaceMatcher(ctx, app)
	if err != nil {
		return nil, err
	}
	sb, err := sandbox.New(sandbox.Options{Logger: app.Logger, FaceMatcher: fm})
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

// runDemoTUI runs the kiosk's TUI against the demo sandbox, with the
// bundled (or given) recording as the camera and the bundled document
// photo in front of the document camera.
func runDemoTUI(ctx context.Context, app *App, recordingDir string, noAnalysis bool) error {
	if err := needTerminal(app); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env, err := startDemo(ctx, app)
	if err != nil {
		return err
	}
	demo := assets.Demo()
	live := capture.ReplayOptions{Pace: capture.RealTime, Loop: true}
	if recordingDir != "" {
		if _, err := capture.OpenDir(recordingDir, capture.ReplayOptions{}); err != nil {
			return InputError(err)
		}
	}
	opts := tuiOptions(app)
	opts.Context = ctx
	opts.Service = env.client
	opts.Demo = true
	opts.CanManage = true
	opts.UUID = env.uuid
	opts.DocumentType, opts.Country = demoDocument(app)
	opts.Kiosk = ui.KioskOptions{}
	opts.CameraByLabel = true
	opts.Camera = func(label string) (capture.Source, error) {
		o := live
		o.Label = label
		if recordingDir != "" {
			return capture.OpenDir(recordingDir, o)
		}
		return capture.OpenRecordingFS(demo, "recording", o)
	}
	opts.DocumentCamera = func() (capture.Source, error) {
		return capture.OpenImageFS(demo, "passport.jpg", live)
	}
	if err := withDocumentReader(&opts); err != nil {
		return err
	}
	closeAnalysis, err := withFaceAnalysis(&opts, noAnalysis)
	if err != nil {
		return err
	}
	defer closeAnalysis()
	return runTUI(ctx, app, opts)
}

// runHeadlessDemo verifies the bundled (or given) recording against an
// in-process sandbox and prints the result.
func runHeadlessDemo(ctx context.Context, app *App, recordingDir string, asJSON, noAnalysis bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env, err := startDemo(ctx, app)
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
