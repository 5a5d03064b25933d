package cli

import "github.com/spf13/cobra"

// newDemoCmd builds `kycterm demo`: the offline demo against an in-process
// sandbox. Stub until it lands; its owner replaces this file.
func newDemoCmd(app *App) *cobra.Command {
	var o struct {
		camera, recording string
		auto, json        bool
	}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the whole product offline against a local sandbox",
		Long: `Starts the sandbox in-process on a free loopback port, creates a
verification and runs it with bundled frames and a specimen passport.
Scores are computed locally by the sandbox.`,
		Example: `  kycterm demo
  kycterm demo --auto --json
  kycterm demo --camera /dev/video0`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("demo")
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.camera, "camera", "", "use camera `DEV` instead of the bundled recording")
	f.StringVar(&o.recording, "recording", "", "use the recording in `DIR`")
	f.BoolVar(&o.auto, "auto", false, "walk the flow by itself")
	f.BoolVar(&o.json, "json", false, "with --auto: print the verify response as JSON")
	return cmd
}
