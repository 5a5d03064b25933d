package cli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kycterm": func() {
			build := BuildInfo{Version: "1.2.3-test", Commit: "0123456789abcdef0123", GoVersion: "go1.test"}
			app := &App{Build: build, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Env: os.Getenv}
			os.Exit(Run(context.Background(), app, os.Args[1:]))
		},
	})
}

// TestScripts runs the CLI behaviour scripts in testdata/script. Each gets
// $SERVER, a local HTTP server with a true Date header, and $SKEWED, one
// whose clock is two minutes fast; config and state live under $WORK.
func TestScripts(t *testing.T) {
	serve := func(skew time.Duration) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"message":"AMLKYC"}`))
		}))
	}
	good, skewed := serve(0), serve(2*time.Minute)
	t.Cleanup(good.Close)
	t.Cleanup(skewed.Close)
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			e.Setenv("SERVER", good.URL)
			e.Setenv("SKEWED", skewed.URL)
			e.Setenv("XDG_CONFIG_HOME", filepath.Join(e.WorkDir, "cfg"))
			e.Setenv("XDG_STATE_HOME", filepath.Join(e.WorkDir, "state"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
		},
	})
}

// cmdExitCode runs `exitcode N prog args…` and fails unless prog exits N;
// its output is kept for stdout/stderr checks like exec's.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		ee, ok := errors.AsType[*exec.ExitError](err)
		if !ok {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Logf("stdout:\n%s\nstderr:\n%s", ts.ReadFile("stdout"), ts.ReadFile("stderr"))
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
