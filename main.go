// Command kycterm is a terminal KYC kiosk for the AMLKYC service. See the
// README and `kycterm --help`.
package main

import (
	"context"
	"os"

	"github.com/kycterm/kycterm/ui/cli"
)

// version and commit are set at build time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=$(git rev-parse HEAD)"
//
// They are package variables only because -X can set nothing else.
var (
	version string
	commit  string
)

func main() {
	app := &cli.App{
		Build:  cli.ReadBuildInfo(version, commit),
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Env:    os.Getenv,
	}
	os.Exit(cli.Run(context.Background(), app, os.Args[1:]))
}
