package ui_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTmuxDemo builds the kycterm binary and runs `kycterm demo` in a
// real terminal (tmux) at 80×24 and 120×40, walking the whole flow with
// Enter alone and checking every screen with capture-pane. It needs tmux
// and runs only when KYCTERM_E2E is set (.ci/steps/tui-e2e.sh sets it).
func TestTmuxDemo(t *testing.T) {
	tmux, bin, dir := tmuxSetup(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			runTmuxDemo(t, tmux, bin, dir, size[0], size[1])
		})
	}
}

// TestTmuxDemoAuto runs `kycterm demo --auto` in tmux: the TUI walks
// itself to the result screen and the command exits 0 (passed).
func TestTmuxDemoAuto(t *testing.T) {
	tmux, bin, dir := tmuxSetup(t)
	sock := filepath.Join(dir, "tmux-auto")
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	env := fmt.Sprintf("env -i PATH=%s HOME=%s XDG_CONFIG_HOME=%s/cfg XDG_STATE_HOME=%s/state TERM=xterm-256color COLORTERM=truecolor",
		os.Getenv("PATH"), home, home, home)
	tm("new-session", "-d", "-s", "kyc", "-x", "80", "-y", "24",
		fmt.Sprintf("%s %s demo --auto; echo kycterm-exited-$?; sleep 60", env, bin))
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })
	// no key is sent: every screen must come by itself
	var seen []string
	deadline := time.Now().Add(60 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = tm("capture-pane", "-p", "-t", "kyc")
		for _, w := range []string{"Session", "photo page", "Confirm the fields", "the fields match the document", "Challenges", "Combined score", "kycterm-exited-"} {
			if strings.Contains(s, w) && (len(seen) == 0 || seen[len(seen)-1] != w) {
				seen = append(seen, w)
			}
		}
		if strings.Contains(s, "kycterm-exited-") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(s, "kycterm-exited-0") {
		t.Fatalf("demo --auto did not exit 0; screens seen %q; the pane:\n%s", seen, s)
	}
	if !strings.Contains(strings.Join(seen, ","), "Combined score") {
		t.Errorf("the result screen was never shown: %q", seen)
	}
	// the document check's form and outcome were walked with Enter
	if !strings.Contains(strings.Join(seen, ","), "Confirm the fields,the fields match the document,Challenges") {
		t.Errorf("the check's form and outcome were not shown in turn: %q", seen)
	}
	// after the TUI, the result stays printed on the terminal
	if !strings.Contains(s, "PASSED") || !strings.Contains(s, "livenessScore") {
		t.Errorf("no result printed after the TUI:\n%s", s)
	}
}

func runTmuxDemo(t *testing.T, tmux, bin, dir string, w, h int) {
	sock := filepath.Join(dir, fmt.Sprintf("tmux-%d", w))
	home := filepath.Join(dir, fmt.Sprintf("home-%d", w))
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	tm := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	env := fmt.Sprintf("env -i PATH=%s HOME=%s XDG_CONFIG_HOME=%s/cfg XDG_STATE_HOME=%s/state TERM=xterm-256color COLORTERM=truecolor",
		os.Getenv("PATH"), home, home, home)
	// The shell stays after kycterm ends so its exit shows in the pane.
	tm("new-session", "-d", "-s", "kyc", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		fmt.Sprintf("%s %s demo; echo kycterm-exited-$?; sleep 60", env, bin))
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })

	screen := func() string { return tm("capture-pane", "-p", "-t", "kyc") }
	// waitFor polls the pane until it shows all of want. While the pane
	// shows one of enterWhen's |-separated texts it presses Enter between
	// polls: the captures, which the face analysis may also make by itself.
	waitFor := func(step, enterWhen string, want ...string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		var s string
		for n := 0; time.Now().Before(deadline); n++ {
			s = screen()
			ok := true
			for _, w := range want {
				if !strings.Contains(s, w) {
					ok = false
					break
				}
			}
			if ok {
				return s
			}
			if strings.Contains(s, "kycterm-exited") || strings.Contains(s, "goroutine ") {
				break
			}
			if enterWhen != "" && n%3 == 2 {
				for _, w := range strings.Split(enterWhen, "|") {
					if strings.Contains(s, w) {
						tm("send-keys", "-t", "kyc", "Enter")
						break
					}
				}
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("%s: the screen never showed %q; it shows:\n%s", step, want, s)
		return ""
	}
	enter := func() { tm("send-keys", "-t", "kyc", "Enter") }

	s := waitFor("open", "", "Open a verification", "DEMO")
	if !regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(s) {
		t.Fatalf("the demo's verification is not offered:\n%s", s)
	}
	enter()
	waitFor("session", "", "Session", "Issuing country", "Document type")
	enter()
	waitFor("document", "", "photo page", "▀")
	enter()
	waitFor("document captured", "", "Document captured", "opens the fields read")
	enter()
	// the check's form, pre-filled from the MRZ; Enter sends it
	waitFor("check form", "", "Confirm the fields", "ERIKSSON", "1974-08-12")
	enter()
	// the sandbox compares the fields with the passport's MRZ
	waitFor("check outcome", "", "the fields match the document", "Fields sent")
	enter()
	s = waitFor("liveness", "", "Challenges", "frames", "mirror")
	if !strings.Contains(s, "of 3") {
		t.Errorf("no challenge progress:\n%s", s)
	}
	// The face analysis captures each challenge once it sees the movement;
	// like an operator, the walk presses Enter on a challenge only when it
	// has waited patience for it (the frames Enter takes need not show the
	// movement: on a loaded machine the analysis may lag the picture), and
	// Enter sends once all are done.
	s = walkLiveness(t, screen, enter, 8*time.Second)
	// the bundled demo passes, with every score a bar and a number
	if !strings.Contains(s, "✓ PASSED") || strings.Contains(s, "NOT PASSED") {
		t.Errorf("the demo did not pass:\n%s", s)
	}
	for _, name := range []string{"Liveness", "Face match", "Anti-spoofing"} {
		if !regexp.MustCompile(regexp.QuoteMeta(name) + `[^\n]*[█░]+ [01]\.\d\d`).MatchString(s) {
			t.Errorf("%s has no bar and number:\n%s", name, s)
		}
	}
	if !regexp.MustCompile(`Combined score\s+[█░]+ [01]\.\d\d`).MatchString(s) {
		t.Errorf("the combined score has no bar and number:\n%s", s)
	}
	enter()
	waitFor("next customer", "", "Open a verification")
	tm("send-keys", "-t", "kyc", "C-c")
	waitFor("quit", "", "kycterm-exited-0")
}

// challengeNo finds the liveness screen's "challenge N of M".
var challengeNo = regexp.MustCompile(`challenge \d+ of \d+`)

// walkLiveness waits for the result screen while the liveness challenges
// run: Enter sends once every challenge is captured, and captures a
// challenge the analysis has not captured after patience.
func walkLiveness(t *testing.T, screen func() string, enter func(), patience time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var s, shown string
	since := time.Now()
	for time.Now().Before(deadline) {
		s = screen()
		switch {
		case strings.Contains(s, "Combined score") && strings.Contains(s, "Anti-spoofing"):
			return s
		case strings.Contains(s, "kycterm-exited"), strings.Contains(s, "goroutine "):
			t.Fatalf("liveness: the program ended:\n%s", s)
		case strings.Contains(s, "All challenges captured"):
			enter()
		case strings.Contains(s, "frames now"):
			if c := challengeNo.FindString(s); c != shown {
				shown, since = c, time.Now()
			} else if time.Since(since) > patience {
				enter()
				since = time.Now()
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("liveness and submit: no result; the screen shows:\n%s", s)
	return ""
}

// tmuxSetup skips unless KYCTERM_E2E is set and tmux is installed, and
// builds the kycterm binary as CI does (CGO_ENABLED=0) into a temporary
// folder: it returns tmux's path, the binary's and the folder.
func tmuxSetup(t *testing.T) (tmux, bin, dir string) {
	t.Helper()
	if os.Getenv("KYCTERM_E2E") == "" {
		t.Skip("end-to-end test in tmux: set KYCTERM_E2E=1 to run it (.ci/steps/tui-e2e.sh does)")
	}
	var err error
	tmux, err = exec.LookPath("tmux")
	if err != nil {
		t.Skip("end-to-end test in tmux: tmux is not installed (apt-get install tmux)")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "kycterm")
	build := exec.Command("go", "build", "-o", bin, "github.com/kycterm/kycterm")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return tmux, bin, dir
}
