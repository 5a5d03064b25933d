package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kycterm/kycterm/config"
	"github.com/kycterm/kycterm/config/logging"
)

// BuildInfo identifies the binary.
type BuildInfo struct {
	// Version is set with -ldflags "-X main.version=…", else taken from
	// the module's build info.
	Version string
	// Commit is the VCS revision, when known.
	Commit string
	// GoVersion is the toolchain the binary was built with.
	GoVersion string
}

// ReadBuildInfo fills in what the linker flags left empty from the
// binary's embedded build information.
func ReadBuildInfo(version, commit string) BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && b.Commit == "" {
				b.Commit = s.Value
			}
		}
		if info.GoVersion != "" {
			b.GoVersion = info.GoVersion
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

// App is what every command works with. The caller of Run fills in Build,
// the streams and Env; the root command's PersistentPreRunE fills in the
// rest once, before any command runs, from the config file, the environment
// and the global flags. Commands receive the *App when they are built and
// read it when they run.
type App struct {
	// Build identifies the binary.
	Build BuildInfo
	// Stdin, Stdout and Stderr are the command's streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Env reads the environment (os.Getenv in main, a map in tests).
	Env func(string) string

	// Config is the effective configuration, validated.
	Config config.Config
	// ConfigPath is the file the configuration came from; empty when only
	// defaults, environment and flags were used.
	ConfigPath string
	// ConfigErr is the configuration's problem for commands that run with
	// a broken configuration (doctor); other commands stop with exit 2.
	ConfigErr error
	// Logger writes to the log file (never to the terminal).
	Logger *slog.Logger
	// LogPath is the log file; LogErr says why it could not be opened.
	LogPath string
	LogErr  error

	flags   globalFlags
	closers []io.Closer
}

// globalFlags are the persistent flags of the root command.
type globalFlags struct {
	configPath string
	baseURL    string
	lang       string
	logFile    string
	logFormat  string
	logLevel   string
}

// annotation keys of commands.
const (
	// annConfig "optional": the command runs with a broken configuration
	// and reports ConfigErr itself.
	annConfig = "kycterm/config"
	// annSkipSetup "true": the command needs neither config nor log.
	annSkipSetup = "kycterm/skip-setup"
)

// setup builds the App's configuration and logger for cmd.
func (a *App) setup(cmd *cobra.Command) error {
	if a.Env == nil {
		a.Env = func(string) string { return "" }
	}
	if a.Logger == nil {
		a.Logger = logging.Discard()
	}
	if skipSetup(cmd) {
		return nil
	}
	cfg, err := a.loadConfig(cmd)
	a.Config = cfg
	a.openLog()
	if err != nil {
		if cmd.Annotations[annConfig] == "optional" {
			a.ConfigErr = err
			return nil
		}
		return UsageError(err)
	}
	if a.LogErr != nil {
		fmt.Fprintf(a.Stderr, "kycterm: warning: logging is off: %v\n", a.LogErr)
	}
	a.Logger.Debug("start", "command", cmd.CommandPath(), "version", a.Build.Version, "config", a.ConfigPath)
	return nil
}

// skipSetup is true for the commands cobra and fang add themselves.
func skipSetup(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[annSkipSetup] == "true" {
			return true
		}
		switch c.Name() {
		case "completion", "man", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "help":
			return true
		}
	}
	return false
}

// loadConfig layers defaults, file, environment and flags, then validates.
// On error it still returns the best configuration it could make, so a
// tolerant command sees the user's settings where they were readable.
func (a *App) loadConfig(cmd *cobra.Command) (config.Config, error) {
	path := a.flags.configPath
	explicit := cmd.Flags().Changed("config") && path != ""
	if !explicit {
		p, err := config.DefaultPath(a.Env)
		if err != nil {
			// No HOME (a bare service or test environment): no file to read.
			p = ""
		}
		path = p
	}
	cfg, err := config.Default(), error(nil)
	if path != "" {
		cfg, err = config.Load(path)
	}
	switch {
	case path == "":
	case err == nil:
		a.ConfigPath = path
	case !explicit && errors.Is(err, fs.ErrNotExist):
		cfg = config.Default()
	case errors.Is(err, fs.ErrNotExist):
		return config.Default(), fmt.Errorf("config file %s does not exist", path)
	default:
		a.ConfigPath = path
		return config.Default(), err
	}
	var errs []error
	if err := cfg.ApplyEnv(a.Env); err != nil {
		errs = append(errs, err)
	}
	for _, f := range []struct{ flag, key, val string }{
		{"base-url", "base_url", a.flags.baseURL},
		{"lang", "ui.lang", a.flags.lang},
		{"log-file", "log.file", a.flags.logFile},
		{"log-format", "log.format", a.flags.logFormat},
		{"log-level", "log.level", a.flags.logLevel},
	} {
		if cmd.Flags().Changed(f.flag) {
			if err := cfg.Set(f.key, f.val, "--"+f.flag); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) == 0 {
		if err := cfg.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

// openLog opens the log file the configuration names, or the default one.
func (a *App) openLog() {
	path := a.Config.Log.File
	if path == "" {
		p, err := logging.DefaultPath(a.Env)
		if err != nil {
			a.LogErr = err
			return
		}
		path = p
	}
	a.LogPath = path
	logger, closer, err := logging.Open(logging.Options{
		Path:       path,
		Format:     a.Config.Log.Format,
		Level:      a.Config.Log.Level,
		MaxBytes:   int64(a.Config.Log.MaxSizeMB) << 20,
		MaxBackups: a.Config.Log.MaxBackups,
	})
	if err != nil {
		a.LogErr = err
		return
	}
	a.Logger = logger
	a.closers = append(a.closers, closer)
}

// Close releases what setup opened (the log file).
func (a *App) Close() error {
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c.Close())
	}
	a.closers = nil
	return errors.Join(errs...)
}
