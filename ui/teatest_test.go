package ui

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kycterm/kycterm/api/sandbox/mrzreader"
	"github.com/kycterm/kycterm/ui/flow"
)

// programOutput follows a teatest program's output as one stream: the
// renderer writes only what changed, so each wait searches from where the
// previous one matched.
type programOutput struct {
	t    *testing.T
	tm   *teatest.TestModel
	all  []byte
	mark int
}

// wait reads the output until it shows what; with enter it presses Enter
// every few polls meanwhile.
func (p *programOutput) wait(what string, enter bool) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for n := 0; time.Now().Before(deadline); n++ {
		b, err := io.ReadAll(p.tm.Output())
		if err != nil {
			p.t.Fatal(err)
		}
		p.all = append(p.all, b...)
		if i := bytes.Index(p.all[p.mark:], []byte(what)); i >= 0 {
			p.mark += i + len(what)
			return
		}
		if enter && n%5 == 4 {
			p.tm.Send(keyPress("enter"))
		}
		time.Sleep(40 * time.Millisecond)
	}
	p.t.Fatalf("%q never shown; output since the last step:\n%q", what, p.all[p.mark:])
}

// retype clears the focused field and types v.
func (p *programOutput) retype(v string) {
	for range 40 {
		p.tm.Send(keyPress("backspace"))
	}
	for _, r := range v {
		p.tm.Send(keyPress(string(r)))
	}
}

// TestProgramDocumentCheck runs the kiosk as a program against the real
// sandbox, whose check compares the fields with the demo passport's MRZ:
// the operator changes the last name and sends, the sandbox's mismatch is
// shown with the field named; e brings the form back, the name is put
// right and sent again, and the check matches.
func TestProgramDocumentCheck(t *testing.T) {
	reader, err := mrzreader.New()
	if err != nil {
		t.Fatal(err)
	}
	o := sandboxOptionsWith(t, reader)
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	p := &programOutput{t: t, tm: tm}
	p.wait("Open a verification", false)
	tm.Send(keyPress("enter"))
	p.wait("Issuing country", false)
	tm.Send(keyPress("enter"))
	p.wait("photo page", false)
	p.wait("Document captured", true)
	p.wait("opens the fields read", false)
	tm.Send(keyPress("enter"))
	p.wait("Confirm the fields", false)
	p.retype("ERIKSEN")
	tm.Send(keyPress("enter"))
	p.wait("found differences: Last name", false)
	tm.Send(keyPress("e"))
	p.wait("(≠: the readings differ)", false)
	p.retype("eriksson")
	tm.Send(keyPress("enter"))
	p.wait("the fields match the document", false)
	tm.Send(keyPress("enter"))
	p.wait("Challenges", false)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if final.screen != ScreenLiveness {
		t.Fatalf("ended on screen %d", final.screen)
	}
	// the sandbox recorded the match of the fields sent last
	if got := flow.ParseCheckOutcome(final.sess.Params().Steps); got.Status != flow.CheckMatch {
		t.Errorf("the session's check: %v %v", got.Status, got.Mismatch)
	}
}

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
