package cli

import "github.com/spf13/cobra"

// newVerifyCmd builds `kycterm verify`: a headless verification. Stub until
// the flow lands; its owner replaces this file.
func newVerifyCmd(app *App) *cobra.Command {
	var o struct {
		uuid, recording, device, passport string
		documentType, country             string
		json                              bool
	}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run a verification headless from recorded frames",
		Long: `Starts the verification's session, starts the liveness check, maps the
recorded frames to the server's challenges, sends the verify request and
prints the result. Exit 0 passed, 1 not passed, 2 usage, 3 API, 4 input.
--recording takes a recording or a folder of <challengeIndex>-<n>.jpg frames.`,
		Example: `  kycterm verify --uuid 6f1c…-… --recording ./frames --passport passport.jpg --country ru
  kycterm verify --uuid 6f1c…-… --recording ./frames --passport p.png --json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_ = app
			return notAvailable("verify")
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.uuid, "uuid", "", "verification `UUID`")
	f.StringVar(&o.recording, "recording", "", "recording or frame folder `DIR`")
	f.StringVar(&o.device, "device", "", "capture from camera `DEV` instead of a recording")
	f.StringVar(&o.passport, "passport", "", "document photo `FILE` (JPEG or PNG)")
	f.StringVar(&o.documentType, "document-type", "", "document type (default document.type, passport)")
	f.StringVar(&o.country, "country", "", "issuing country, ISO 3166 alpha-2 (default document.country)")
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	return cmd
}
