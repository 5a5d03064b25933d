package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/config"
)

// newConfigCmd builds `kycterm config` and its hash-pin subcommand.
func newConfigCmd(app *App) *cobra.Command {
	var origins bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, secrets redacted",
		Long: `Prints the configuration kycterm would use, after the config file, the
environment and the flags, as YAML with secrets redacted, and the file it
came from. With --origins each key is followed by where its value came from.

Environment: AMLKYC_API_KEY, AMLKYC_BASE_URL, AMLKYC_AUTH_HEADER,
AMLKYC_AUTH_SCHEME, and KYCTERM_<KEY> for every other key (dots become
underscores: KYCTERM_CAMERA_DEVICE, KYCTERM_UI_LANG, KYCTERM_LOG_LEVEL).`,
		Example: `  kycterm config
  kycterm config --config ./kiosk.yaml --origins
  AMLKYC_BASE_URL=http://127.0.0.1:8080 kycterm config`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return printConfig(app, origins)
		},
	}
	cmd.Flags().BoolVar(&origins, "origins", false, "show where each value came from")
	cmd.AddCommand(newHashPINCmd(app))
	return cmd
}

func printConfig(app *App, origins bool) error {
	src := app.ConfigPath
	if src == "" {
		src = "none (built-in defaults)"
	}
	if _, err := fmt.Fprintf(app.Stdout, "# config file: %s\n", src); err != nil {
		return err
	}
	b, err := app.Config.YAML()
	if err != nil {
		return err
	}
	if _, err := app.Stdout.Write(b); err != nil {
		return err
	}
	if !origins {
		return nil
	}
	fmt.Fprintln(app.Stdout, "# origins:")
	for _, k := range config.Keys() {
		fmt.Fprintf(app.Stdout, "#   %-32s %s\n", k, app.Config.Origin(k))
	}
	return nil
}

// newHashPINCmd builds `kycterm config hash-pin`.
func newHashPINCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "hash-pin",
		Short: "Read an operator PIN from stdin and print its hash for kiosk.operator_pin_hash",
		Long: `Reads a PIN (4 to 12 digits) from the first line of standard input and
prints a salted PBKDF2-SHA256 hash to put under kiosk.operator_pin_hash.
The PIN itself is never printed or logged.`,
		Example:     "  kycterm config hash-pin < pin.txt\n  read -rs PIN && echo \"$PIN\" | kycterm config hash-pin",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{annSkipSetup: "true"},
		RunE: func(*cobra.Command, []string) error {
			pin, err := readLine(app.Stdin)
			if err != nil {
				return InputError(fmt.Errorf("read pin: %w", err))
			}
			h, err := config.HashPIN(pin)
			if err != nil {
				return UsageError(err)
			}
			_, err = fmt.Fprintln(app.Stdout, h)
			return err
		},
	}
}

// readLine reads one line (at most 256 bytes) without its line ending.
func readLine(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("no standard input")
	}
	line, err := bufio.NewReaderSize(io.LimitReader(r, 256), 256).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("empty input")
	}
	return line, nil
}
