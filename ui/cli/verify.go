package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/api"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/v4l2"
	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/ui/flow"
	"github.com/kycterm/kycterm/ui/i18n"
)

// newVerifyCmd builds `kycterm verify`: a whole verification run headless
// from recorded frames, through the same flow the TUI drives.
func newVerifyCmd(app *App) *cobra.Command {
	var o struct {
		uuid, recording, passport string
		device                    string
		window                    time.Duration
		documentType, country     string
		json, noAnalysis          bool
	}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run a verification headless from recorded frames",
		Long: `Starts the verification's session, starts the liveness check, maps the
recorded frames to the server's challenges, uploads the document and one
frame per challenge, sends the verify request and prints the result.

Each frame sent is analysed locally first (face mesh, head pose,
blendshapes, anti-spoofing), as the browser client does; --no-analysis
sends the frames alone.

--device captures live from a camera: each challenge's instruction is
printed, and its frames are taken when the local analysis sees it done or
when --window runs out.

--recording takes a recording (a folder with manifest.json, see
docs/recording.md), whose frames are matched to challenges by their
label, or a plain folder of frames named <challengeIndex>-<n>.jpg|png.

Exit codes: 0 passed, 1 completed but not passed, 2 usage or
configuration error, 3 API or network error, 4 capture or input error.`,
		Example: `  kycterm verify --uuid 0b7e8a56-8f0e-4c4a-9c11-2f6f0d0e1a2b \
      --recording ./frames --passport passport.jpg --country ru
  kycterm verify --uuid 0b7e8a56-8f0e-4c4a-9c11-2f6f0d0e1a2b \
      --recording ./frames --passport p.png --base-url http://127.0.0.1:8080 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.uuid == "" || o.passport == "" || (o.recording == "") == (o.device == "") {
				return UsageError(errors.New("--uuid, --passport and one of --recording or --device are required"))
			}
			if !api.ValidUUID(o.uuid) {
				return UsageError(fmt.Errorf("--uuid %q is not a verification UUID", o.uuid))
			}
			docType, country := documentDefaults(app.Config, o.documentType, o.country)
			if country == "" {
				return UsageError(errors.New("--country is required (or set document.country in the config)"))
			}
			doc, err := capture.ReadImageBytes(o.passport)
			if err != nil {
				return InputError(fmt.Errorf("document photo: %w", err))
			}
			var src capture.Source
			if o.device != "" {
				cfg, err := cameraConfig(app, o.device, "", "")
				if err != nil {
					return UsageError(err)
				}
				if src, err = v4l2.Open(cfg); err != nil {
					return InputError(err)
				}
			} else if src, err = capture.OpenDir(o.recording, capture.ReplayOptions{Pace: capture.AsFastAsPossible}); err != nil {
				return InputError(err)
			}
			client, err := api.New(app.Config.APIConfig(app.Build.Version, app.Logger))
			if err != nil {
				return UsageError(err)
			}
			an, err := newFaceAnalyzer(o.noAnalysis)
			if err != nil {
				return InputError(err)
			}
			h := flow.Headless{
				UUID:         o.uuid,
				DocumentName: o.passport,
				Document:     doc,
				DocumentType: docType,
				Country:      country,
				Frames:       src,
			}
			if an != nil {
				defer an.Close()
				h.Analyzer = an
			}
			if o.device != "" {
				h.Live = liveCapture(app, h.Analyzer, o.window)
			}
			res, err := flow.RunHeadless(cmd.Context(), client, h, FlowOptions(app.Config))
			if err != nil {
				return flowExit(err)
			}
			return printResult(app, res, o.json)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.uuid, "uuid", "", "verification `UUID`")
	f.StringVar(&o.recording, "recording", "", "recording or frame folder `DIR`")
	f.StringVar(&o.device, "device", "", "capture live from camera `DEV` instead of a recording")
	f.DurationVar(&o.window, "window", 6*time.Second, "with --device: time each challenge may take")
	f.StringVar(&o.passport, "passport", "", "document photo `FILE` (JPEG or PNG)")
	f.StringVar(&o.documentType, "document-type", "", "document type (default document.type, passport)")
	f.StringVar(&o.country, "country", "", "issuing country, ISO 3166 alpha-2 (default document.country)")
	f.BoolVar(&o.json, "json", false, "print the verify response as JSON")
	f.BoolVar(&o.noAnalysis, "no-analysis", false, "send the frames without local face analysis")
	return cmd
}

// liveCapture prints each challenge's instruction to stderr and how it
// ended, for a headless capture from a camera.
func liveCapture(app *App, an flow.Analyzer, window time.Duration) *flow.Live {
	cat, err := i18n.New(app.Config.UI.Lang)
	if err != nil {
		cat, _ = i18n.New("en")
	}
	l := &flow.Live{
		Analyzer: an,
		Window:   window,
		Prompt: func(i int, c api.Challenge) {
			fmt.Fprintf(app.Stderr, "challenge %d: %s — %s\n", i+1, c.Type, challengeHint(cat, c.Type))
		},
		Done: func(_ int, c api.Challenge, seen bool) {
			if seen {
				fmt.Fprintf(app.Stderr, "  %s seen\n", c.Type)
			} else {
				fmt.Fprintf(app.Stderr, "  %s not seen locally; frames sent for the service to judge\n", c.Type)
			}
		},
	}
	if an != nil {
		l.Detector = flow.NewChallengeDetector()
	}
	return l
}

// challengeHint is the instruction for a challenge in the configured
// language, from the TUI's catalog (the subject's own left and right).
func challengeHint(cat *i18n.Catalog, name string) string {
	if key := "challenge." + name; cat.Has(key) {
		return cat.T(key)
	}
	return cat.T("challenge.unknown", name)
}

// FlowOptions maps the configuration onto the flow's settings.
func FlowOptions(c config.Config) flow.Options {
	o := flow.DefaultOptions()
	o.FramesPerChallenge = c.Liveness.FramesPerChallenge
	o.JPEGQuality = c.Liveness.JPEGQuality
	o.MaxFrameWidth = c.Liveness.MaxFrameWidth
	o.MaxFrameHeight = c.Liveness.MaxFrameHeight
	return o
}

// documentDefaults fills the document type and country from the
// configuration where the flags leave them empty.
func documentDefaults(c config.Config, docType, country string) (string, string) {
	if docType == "" {
		docType = c.Document.Type
	}
	if country == "" {
		country = c.Document.Country
	}
	return docType, strings.ToLower(country)
}

// flowExit gives a failed flow its exit code: the service's or the
// network's failures 3, bad flags or restrictions 2, frames and files 4.
func flowExit(err error) error {
	var apiErr *api.Error
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &apiErr), errors.Is(err, api.ErrTransport), errors.Is(err, api.ErrBadResponse):
		return APIError(err)
	case errors.Is(err, api.ErrInvalidUUID), errors.Is(err, flow.ErrNotAllowed), errors.Is(err, api.ErrConfig):
		return UsageError(err)
	default:
		return InputError(err)
	}
}
