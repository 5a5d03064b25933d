// Package cli is kycterm's command line: the cobra command tree, run through
// charm.land/fang for styled help and errors, completions and a man page.
//
// Every command is built by a newXCmd(app *App) function, one file per
// command, and registered in NewRootCommand. The App is shared: the root's
// PersistentPreRunE loads the configuration and opens the log file once,
// then the command reads them from the App. Commands end with an
// *ExitError (UsageError, APIError, InputError, Failed) to choose their
// exit code; see the Exit constants.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

// NewRootCommand builds the whole command tree around app.
func NewRootCommand(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "kycterm",
		Short: "A terminal KYC kiosk for the AMLKYC service",
		Long: `kycterm runs identity verifications against the AMLKYC service from a
terminal: a webcam liveness check and a passport photo, sent to the
service's KYC API. With no command it starts the kiosk.

Exit codes: 0 ok or passed, 1 completed but not passed (or a check
failed), 2 usage or configuration error, 3 API or network error,
4 camera or input error.`,
		Example: `  # start the kiosk (the default command)
  kycterm

  # try everything offline against a local sandbox
  kycterm demo

  # check the setup
  kycterm doctor`,
		Args: cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return app.setup(cmd)
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&app.flags.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/kycterm/config.yaml)")
	pf.StringVar(&app.flags.baseURL, "base-url", "", "service base URL (default https://amlkyc.tech)")
	pf.StringVar(&app.flags.lang, "lang", "", "interface language: en or ru")
	pf.StringVar(&app.flags.logFile, "log-file", "", "log file (default $XDG_STATE_HOME/kycterm/kycterm.log)")
	pf.StringVar(&app.flags.logFormat, "log-format", "", "log format: json or text")
	pf.StringVar(&app.flags.logLevel, "log-level", "", "log level: debug, info, warn or error")

	kiosk := newKioskCmd(app)
	root.RunE = kiosk.RunE
	root.AddCommand(
		kiosk,
		newDemoCmd(app),
		newSandboxCmd(app),
		newVerifyCmd(app),
		newDevicesCmd(app),
		newRecordCmd(app),
		newMRZCmd(app),
		newQRCmd(app),
		newAnalyzeCmd(app),
		newConfigCmd(app),
		newVersionCmd(app),
		newDoctorCmd(app),
	)
	markUsageErrors(root)
	return root
}

// markUsageErrors makes flag and argument errors of every command exit 2.
func markUsageErrors(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError(err) })
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return UsageError(err)
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

// Run executes the command line args (without the program name) and
// returns the process exit code.
func Run(ctx context.Context, app *App, args []string) int {
	defer app.Close()
	root := NewRootCommand(app)
	root.SetArgs(args)
	if app.Stdin != nil {
		root.SetIn(app.Stdin)
	}
	if app.Stdout != nil {
		root.SetOut(app.Stdout)
	}
	if app.Stderr != nil {
		root.SetErr(app.Stderr)
	}
	app.Stdout, app.Stderr = root.OutOrStdout(), root.ErrOrStderr()
	err := fang.Execute(ctx, root,
		fang.WithVersion(app.Build.Version),
		fang.WithCommit(app.Build.Commit),
		fang.WithErrorHandler(errorHandler(app.Stderr)),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
	)
	return ExitCode(err)
}

// errorHandler prints an error: styled on a terminal (fang's header), plain
// "kycterm: …" otherwise, and nothing for an ExitError without a message,
// whose command has already said what happened. Unlike fang's default it
// never re-cases or wraps the text: messages hold paths and commands to
// copy (chmod 600 …).
func errorHandler(stderr io.Writer) fang.ErrorHandler {
	return func(w io.Writer, styles fang.Styles, err error) {
		if e, ok := errors.AsType[*ExitError](err); ok && e.Err == nil {
			return
		}
		msg := err.Error()
		if errors.Is(err, context.Canceled) {
			msg = "interrupted"
		}
		if isTerminal(stderr) {
			fmt.Fprintln(w, styles.ErrorHeader.String())
			fmt.Fprintln(w, styles.ErrorText.UnsetWidth().UnsetTransform().Render(msg))
		} else {
			fmt.Fprintln(w, "kycterm: "+msg)
		}
		if ExitCode(err) == ExitUsage && isCobraUsage(err) {
			fmt.Fprintln(w, "Try --help for usage.")
		}
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
