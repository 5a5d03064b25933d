package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runMRZ runs `kycterm mrz args…` in-process and returns the exit code and
// the two streams.
func runMRZ(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Env: func(string) string { return "" }}
	code = Run(context.Background(), app, append([]string{"mrz"}, args...))
	return code, out.String(), errOut.String()
}

func TestMRZExitCodes(t *testing.T) {
	const l1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"valid", "", []string{l1, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}, ExitOK},
		{"repaired", "", []string{l1, "L898902C36UTO74O8122F1204159ZE184226B<<<<<10"}, ExitOK},
		{"check fails", "", []string{l1, "L898902C36UTO7408122F1204158ZE184226B<<<<<10"}, ExitFailed},
		{"json check fails", "", []string{"--json", l1, "L898902C36UTO7408122F1204158ZE184226B<<<<<10"}, ExitFailed},
		{"stdin", l1 + "\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n", []string{"-"}, ExitOK},
		{"not an MRZ", "", []string{"P<UTO", "L898"}, ExitInput},
		{"empty stdin", "", []string{"-"}, ExitInput},
		{"bad character", "", []string{strings.Replace(l1, "ANNA", "AN.A", 1), "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}, ExitInput},
		{"no input", "", nil, ExitUsage},
		{"too many lines", "", []string{"a", "b", "c", "d"}, ExitUsage},
		{"lines and image", "", []string{"--image", "x.png", l1}, ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMRZ(t, tc.stdin, tc.args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, out, errOut)
			}
			if strings.Contains(errOut, "ERIKSSON") {
				t.Errorf("stderr leaks MRZ data: %s", errOut)
			}
		})
	}
}
