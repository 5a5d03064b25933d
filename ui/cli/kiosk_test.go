package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/config"
)

func TestTUIOptions(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*config.Config)
		check func(*testing.T, config.Config)
	}{
		{name: "defaults", edit: func(*config.Config) {}, check: func(t *testing.T, c config.Config) {
			o := tuiOptions(&App{Config: c})
			if o.Lang != "en" || o.DocumentType != "passport" || o.CanManage || o.Kiosk.Enabled || o.Flow.FramesPerChallenge != 3 {
				t.Errorf("options %+v", o)
			}
		}},
		{name: "configured", edit: func(c *config.Config) {
			c.UI.Lang = "ru"
			c.Document.Country = "KZ"
			c.APIKey = "7500|abcdefghijklmnopqrstuvwxyz0123456789ABCD"
			c.Kiosk = config.Kiosk{Enabled: true, IdleResetSeconds: 90, OperatorPINHash: "h"}
			c.Liveness.FramesPerChallenge = 5
		}, check: func(t *testing.T, c config.Config) {
			o := tuiOptions(&App{Config: c})
			if o.Lang != "ru" || o.Country != "kz" || !o.CanManage || o.Flow.FramesPerChallenge != 5 {
				t.Errorf("options %+v", o)
			}
			if !o.Kiosk.Enabled || o.Kiosk.IdleReset != 90*time.Second || o.Kiosk.PINHash != "h" {
				t.Errorf("kiosk %+v", o.Kiosk)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := config.Default()
			tc.edit(&c)
			tc.check(t, c)
		})
	}
}

func TestKioskCameraRecording(t *testing.T) {
	app := &App{Config: config.Default()}
	if _, err := kioskCamera(app, kioskFlags{recording: t.TempDir()}); ExitCode(err) != ExitInput {
		t.Errorf("empty recording folder: %v (exit %d)", err, ExitCode(err))
	}
	if _, err := kioskCamera(app, kioskFlags{recording: "/no/such/folder"}); ExitCode(err) != ExitInput {
		t.Errorf("missing folder: %v", err)
	}
	cam, err := kioskCamera(app, kioskFlags{recording: "../../assets/demo/recording"})
	if err != nil {
		t.Fatal(err)
	}
	src, err := cam("blink")
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	if _, err := cam("nod"); !errors.Is(err, capture.ErrNoFrames) {
		t.Errorf("a challenge the recording lacks: %v", err)
	}
}

func TestKioskNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{{}, {"kiosk"}, {"demo"}} {
		t.Run(strings.Join(append([]string{"kycterm"}, args...), " "), func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := run(t, map[string]string{"XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir}, args...)
			if code != ExitUsage || !strings.Contains(stderr, "needs a terminal") {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
		})
	}
}
