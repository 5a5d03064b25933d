package ui

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestProgramWholeFlow runs the kiosk as a program (teatest) against the
// in-process sandbox with the bundled recording as the camera, walking
// the whole flow with Enter alone to the result screen.
func TestProgramWholeFlow(t *testing.T) {
	o := sandboxOptions(t)
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	// The renderer writes only what changed, so the output is searched as
	// one stream, each wait from where the previous one matched.
	var all []byte
	mark := 0
	wait := func(what string, enter bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for n := 0; time.Now().Before(deadline); n++ {
			b, err := io.ReadAll(tm.Output())
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
			if i := bytes.Index(all[mark:], []byte(what)); i >= 0 {
				mark += i + len(what)
				return
			}
			// keep pressing Enter until the screen shows what we wait for
			if enter && n%5 == 4 {
				tm.Send(keyPress("enter"))
			}
			time.Sleep(40 * time.Millisecond)
		}
		t.Fatalf("%q never shown; output since the last step:\n%q", what, all[mark:])
	}
	wait("Open a verification", false)
	tm.Send(keyPress("enter"))
	wait("Issuing country", false)
	tm.Send(keyPress("enter"))
	wait("photo page", false)
	wait("Document captured", true)
	wait("to liveness", false)
	tm.Send(keyPress("enter"))
	wait("Challenges", false)
	wait("All challenges captured", true)
	tm.Send(keyPress("enter"))
	wait("Combined score", false)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if final.screen != ScreenResult || final.result.res == nil {
		t.Fatalf("ended on screen %d", final.screen)
	}
	if len(final.result.res.Details.Scores()) < 3 {
		t.Errorf("scores %v", final.result.res.Details.Scores())
	}
}
