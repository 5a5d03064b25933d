package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Exit codes of every kycterm command.
const (
	// ExitOK: done, or the verification passed.
	ExitOK = 0
	// ExitFailed: completed, but not passed, or a check failed.
	ExitFailed = 1
	// ExitUsage: bad flags or arguments, or a bad configuration.
	ExitUsage = 2
	// ExitAPI: the API answered with an error, or the network failed.
	ExitAPI = 3
	// ExitInput: the camera, a recording or an input file failed.
	ExitInput = 4
	// ExitInterrupted: stopped by Ctrl-C or SIGTERM (128 + SIGINT, as
	// shells report it).
	ExitInterrupted = 130
)

// ExitError carries the exit code a command ends with. Err is printed to
// stderr; a nil Err prints nothing (the command already said what happened,
// e.g. a "not passed" result).
type ExitError struct {
	Code int
	Err  error
}

// Error returns the message of Err.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns Err.
func (e *ExitError) Unwrap() error { return e.Err }

// UsageError marks err as a usage or configuration problem (exit 2).
func UsageError(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// APIError marks err as an API or network failure (exit 3).
func APIError(err error) error { return &ExitError{Code: ExitAPI, Err: err} }

// InputError marks err as a capture or input failure (exit 4).
func InputError(err error) error { return &ExitError{Code: ExitInput, Err: err} }

// Failed ends a command with exit 1; err may be nil when the command has
// already printed the outcome.
func Failed(err error) error { return &ExitError{Code: ExitFailed, Err: err} }

// ExitCode maps the error a command returned to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if e, ok := errors.AsType[*ExitError](err); ok {
		return e.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	if isCobraUsage(err) {
		return ExitUsage
	}
	return ExitFailed
}

// isCobraUsage recognises the errors cobra makes itself for an unknown
// command; flag and argument errors are wrapped as UsageError where cobra
// lets us (SetFlagErrorFunc, wrapped Args).
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "required flag"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
