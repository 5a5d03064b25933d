package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kycterm/kycterm/capture/document/mrz/synth"
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

func TestMRZImage(t *testing.T) {
	dir := t.TempDir()
	rr, err := synth.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 2))
	d, _ := synth.Preset("camera", rng)
	page, err := rr.Render(synth.SpecimenTD3(), synth.Options{Degradation: d}, rng)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, img image.Image) string {
		p := filepath.Join(dir, name)
		var buf bytes.Buffer
		if strings.HasSuffix(name, ".png") {
			err = png.Encode(&buf, img)
		} else {
			err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	passport := write("passport.jpg", page)
	blank := write("blank.png", image.NewGray(image.Rect(0, 0, 640, 480)))
	notImage := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(notImage, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runMRZ(t, "", "--image", passport)
	if code != ExitOK || !strings.Contains(out, "L898902C36UTO7408122F1204159ZE184226B<<<<<10") ||
		!strings.Contains(out, "Read from "+passport+", confidence") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runMRZ(t, "", "--image", passport, "--json")
	var got struct {
		Lines      []string `json:"lines"`
		Valid      bool     `json:"valid"`
		Confidence *float64 `json:"confidence"`
		Image      string   `json:"image"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != ExitOK || !got.Valid ||
		got.Confidence == nil || *got.Confidence <= 0.5 || got.Image != passport || len(got.Lines) != 2 {
		t.Errorf("exit %d, JSON %+v (%v)", code, got, err)
	}
	for _, tc := range []struct{ name, file, stderr string }{
		{"no MRZ", blank, "no machine-readable zone"},
		{"not an image", notImage, "not a JPEG or PNG"},
		{"missing", filepath.Join(dir, "missing.jpg"), "missing.jpg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runMRZ(t, "", "--image", tc.file)
			if code != ExitInput || !strings.Contains(strings.ToLower(errOut), strings.ToLower(tc.stderr)) {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
		})
	}
}
