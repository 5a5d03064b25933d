package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runAnalyze runs `kycterm analyze args…` in-process.
func runAnalyze(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Env: func(string) string { return "" }}
	code = Run(context.Background(), app, append([]string{"analyze"}, args...))
	return code, out.String(), errOut.String()
}

// analyzeFixtures writes a face image (the face package's portrait), a
// faceless gradient PNG and a corrupt file into a temporary directory.
func analyzeFixtures(t *testing.T) (portrait, blank, corrupt string) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "capture", "face", "testdata", "portrait.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	portrait = filepath.Join(dir, "portrait.jpg")
	blank = filepath.Join(dir, "blank.png")
	corrupt = filepath.Join(dir, "corrupt.jpg")
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{portrait: data, blank: buf.Bytes(), corrupt: append([]byte{0xFF, 0xD8, 0xFF}, "not really"...)} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return portrait, blank, corrupt
}

func TestAnalyzeCommand(t *testing.T) {
	portrait, blank, corrupt := analyzeFixtures(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  []string
	}{
		{"text", []string{portrait}, ExitOK, []string{"1 face", "head pose", "yaw", "eyeBlinkLeft", "anti-spoofing", "guidance: too_far"}},
		{"no face", []string{blank}, ExitOK, []string{"no face found", "guidance: no_face"}},
		{"unreadable", []string{corrupt}, ExitInput, []string{"unreadable"}},
		{"missing", []string{filepath.Join(t.TempDir(), "none.jpg")}, ExitInput, []string{"unreadable"}},
		{"one bad of two", []string{portrait, corrupt}, ExitInput, []string{"1 face", "unreadable"}},
		{"no arguments", nil, ExitUsage, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runAnalyze(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			for _, s := range tc.out {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestAnalyzeJSON(t *testing.T) {
	portrait, blank, _ := analyzeFixtures(t)
	code, out, errOut := runAnalyze(t, "--json", "--landmarks", portrait, blank)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Images []struct {
			File      string   `json:"file"`
			FaceFound bool     `json:"faceFound"`
			Guidance  []string `json:"guidance"`
			Faces     []struct {
				Box          struct{ X, Y, W, H int } `json:"box"`
				Score        float64                  `json:"score"`
				HeadPose     struct{ Yaw, Pitch, Roll float64 }
				Blendshapes  map[string]float64 `json:"blendshapes"`
				AntiSpoofing *float64           `json:"antiSpoofing"`
				Liveness     *float64           `json:"liveness"`
				Landmarks    []struct{ X, Y, Z float64 }
			} `json:"faces"`
		} `json:"images"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	if len(got.Images) != 2 {
		t.Fatalf("%d images", len(got.Images))
	}
	p, b := got.Images[0], got.Images[1]
	if !p.FaceFound || len(p.Faces) != 1 || b.FaceFound || len(b.Faces) != 0 {
		t.Fatalf("faces: portrait %v/%d, blank %v/%d", p.FaceFound, len(p.Faces), b.FaceFound, len(b.Faces))
	}
	f := p.Faces[0]
	if f.Box.W < 50 || f.Score < 0.5 || f.AntiSpoofing == nil || f.Liveness == nil || len(f.Landmarks) != 468 {
		t.Errorf("face %+v", f)
	}
	for _, k := range []string{"eyeBlinkLeft", "eyeBlinkRight", "mouthSmileLeft", "mouthSmileRight", "jawOpen", "browInnerUp"} {
		if _, ok := f.Blendshapes[k]; !ok {
			t.Errorf("blendshape %s missing", k)
		}
	}
	for _, l := range f.Landmarks {
		if l.X < 0 || l.X > 1 || l.Y < 0 || l.Y > 1 {
			t.Fatalf("landmark %+v not normalised", l)
		}
	}
	if len(b.Guidance) == 0 || b.Guidance[0] != "no_face" {
		t.Errorf("blank guidance %v", b.Guidance)
	}
}
