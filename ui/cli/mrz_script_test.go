package cli

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kycterm/kycterm/capture/document/mrz/synth"
)

// TestDocumentScripts runs the scripts of testdata/document: `kycterm mrz
// --image` and `kycterm qr` on images the scripts generate (mrzpage,
// qrimage) and on broken files, with golden outputs.
func TestDocumentScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "document"),
		Setup: func(e *testscript.Env) error {
			e.Setenv("XDG_CONFIG_HOME", filepath.Join(e.WorkDir, "cfg"))
			e.Setenv("XDG_STATE_HOME", filepath.Join(e.WorkDir, "state"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
			"mrzpage":  cmdMRZPage,
			"qrimage":  cmdQRImage,
		},
	})
}

// cmdMRZPage renders `mrzpage FILE PRESET DPI LINE…`: a synthetic data
// page with the given MRZ lines and synth degradation preset, seeded,
// written as PNG or JPEG (quality 90) by FILE's extension.
func cmdMRZPage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 5 {
		ts.Fatalf("usage: mrzpage FILE PRESET DPI LINE1 LINE2 [LINE3]")
	}
	rng := rand.New(rand.NewPCG(6, 9))
	d, err := synth.Preset(args[1], rng)
	ts.Check(err)
	dpi, err := strconv.ParseFloat(args[2], 64)
	ts.Check(err)
	rr, err := synth.NewRenderer()
	ts.Check(err)
	page, err := rr.Render(args[3:], synth.Options{DPI: dpi, Degradation: d}, rng)
	ts.Check(err)
	writeScriptImage(ts, args[0], page)
}

// cmdQRImage writes `qrimage FILE CONTENT`: a QR code of CONTENT on a
// white 400×300 picture, PNG or JPEG by FILE's extension.
func cmdQRImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: qrimage FILE CONTENT")
	}
	m, err := qrcode.NewQRCodeWriter().Encode(args[1], gozxing.BarcodeFormat_QR_CODE, 200, 200, nil)
	ts.Check(err)
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if m.Get(x, y) {
				img.SetGray(100+x, 50+y, color.Gray{})
			}
		}
	}
	writeScriptImage(ts, args[0], img)
}

func writeScriptImage(ts *testscript.TestScript, name string, img image.Image) {
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".png") {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(name), buf.Bytes(), 0o600))
}

// TestImageFileErrors feeds `kycterm mrz --image` and `kycterm qr` every
// kind of file that is not a usable JPEG or PNG: each must exit 4 with an
// error naming the file, print nothing on stdout, and never panic.
func TestImageFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var jb, pb bytes.Buffer
	small := image.NewGray(image.Rect(0, 0, 64, 48))
	if err := jpeg.Encode(&jb, small, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pb, small); err != nil {
		t.Fatal(err)
	}
	jpg, pngData := jb.Bytes(), pb.Bytes()
	// a PNG header claiming 30000×30000 pixels (IHDR with a valid CRC)
	ihdr := []byte("IHDR\x00\x00\x75\x30\x00\x00\x75\x30\x08\x02\x00\x00\x00")
	bomb := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	bomb = binary.BigEndian.AppendUint32(bomb, crc32.ChecksumIEEE(ihdr))
	if err := os.Mkdir(filepath.Join(dir, "scans"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, says string }{
		{"gif", write("a.gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00")), "GIF"},
		{"webp", write("a.webp", []byte("RIFF\x1a\x00\x00\x00WEBPVP8L")), "WebP"},
		{"bmp", write("a.bmp", append([]byte("BM"), make([]byte, 60)...)), "BMP"},
		{"text", write("a.txt", []byte("hello\n")), "text file"},
		{"zero bytes", write("zero.jpg", nil), "empty"},
		{"truncated jpeg", write("cut.jpg", jpg[:len(jpg)/2]), "truncated"},
		{"truncated png", write("cut.png", pngData[:len(pngData)/2]), "truncated"},
		{"huge dimensions", write("bomb.png", bomb), "30000x30000"},
		{"directory", filepath.Join(dir, "scans"), "directory"},
		{"missing", filepath.Join(dir, "missing.jpg"), "no such file"},
	}
	for _, cmd := range [][]string{{"mrz", "--image"}, {"mrz", "--json", "--image"}, {"qr"}, {"qr", "--json"}} {
		for _, tc := range tests {
			t.Run(strings.Join(cmd, " ")+" "+tc.name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Env: func(string) string { return "" }}
				code := Run(t.Context(), app, append(append([]string{}, cmd...), tc.path))
				if code != ExitInput {
					t.Errorf("exit %d, want %d; stderr %q", code, ExitInput, errOut.String())
				}
				if !strings.Contains(errOut.String(), tc.path) || !strings.Contains(errOut.String(), tc.says) {
					t.Errorf("stderr %q does not name the file and say %q", errOut.String(), tc.says)
				}
				if out.Len() != 0 {
					t.Errorf("stdout %q, want nothing", out.String())
				}
			})
		}
	}
}
