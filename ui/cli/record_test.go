package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kycterm/kycterm/capture/v4l2"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Env: func(string) string { return "" }}
	code = Run(context.Background(), app, args)
	return code, out.String(), errOut.String()
}

func TestRecordUsage(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "rec")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no out", []string{"record", "--frames", "3"}, ExitUsage, "--out"},
		{"no stop", []string{"record", "--out", missing}, ExitUsage, "--frames N or --seconds S"},
		{"bad seconds", []string{"record", "--out", missing, "--seconds", "soon"}, ExitUsage, "--seconds"},
		{"bad size", []string{"record", "--out", missing, "--frames", "1", "--size", "big"}, ExitUsage, "bad size"},
		{"bad format", []string{"record", "--out", missing, "--frames", "1", "--format", "h264"}, ExitUsage, "unknown format"},
		{"non-empty out", []string{"record", "--device", "/dev/video-none", "--out", full, "--frames", "1"}, ExitUsage, "not empty"},
		{"no such device", []string{"record", "--device", "/dev/video-none", "--out", missing, "--frames", "1"}, ExitInput, "no such camera device"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a failed record left %s behind (%v)", missing, err)
	}
}

func TestParseSeconds(t *testing.T) {
	for in, ok := range map[string]bool{"10": true, "2.5": true, "1m": true, "0": false, "-1": false, "abc": false, "48h": false} {
		if _, err := parseSeconds(in); (err == nil) != ok {
			t.Errorf("parseSeconds(%q) error %v", in, err)
		}
	}
}

func TestPrintDevices(t *testing.T) {
	var b bytes.Buffer
	printDevices(&b, nil)
	if b.String() != "no cameras found\n" {
		t.Errorf("no devices: %q", b.String())
	}
	b.Reset()
	printDevices(&b, []v4l2.Device{
		{Path: "/dev/video0", Card: "vivid", Bus: "platform:vivid-000", Formats: []v4l2.Format{
			{FourCC: "YUYV", Description: "YUYV 4:2:2", Supported: true, Sizes: []v4l2.SizeRange{
				{Min: v4l2.Size{Width: 640, Height: 480}, Max: v4l2.Size{Width: 640, Height: 480}, Rates: []float64{30, 14.99}}}},
			{FourCC: "BA81", Description: "8-bit Bayer BGBG/GRGR"},
			{FourCC: "GREY", Description: "8-bit Greyscale", Supported: true},
		}},
		{Path: "/dev/video2", Error: "open camera /dev/video2: permission denied"},
	})
	out := b.String()
	for _, want := range []string{"/dev/video0  vivid  (platform:vivid-000)", "  YUYV  YUYV 4:2:2", "640x480@30\n", "not readable by kycterm: BA81\n", "GREY  8-bit Greyscale          (sizes not listed)", "/dev/video2  cannot be read: open camera /dev/video2: permission denied"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestDevicesNone(t *testing.T) {
	if m, _ := filepath.Glob("/dev/video*"); len(m) > 0 {
		t.Skip("this machine has cameras")
	}
	code, stdout, _ := runCmd(t, "devices")
	if code != ExitOK || stdout != "no cameras found\n" {
		t.Errorf("devices: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runCmd(t, "devices", "--json")
	if code != ExitOK || !strings.Contains(stdout, `"devices": []`) {
		t.Errorf("devices --json: exit %d, %q", code, stdout)
	}
}
