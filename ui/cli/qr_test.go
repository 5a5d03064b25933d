package cli

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const qrTestUUID = "0b6f7c1e-3a52-4d7e-9c1a-2f4e5d6c7b8a"

// writeQRPNG writes a PNG of a QR code holding content into dir.
func writeQRPNG(t *testing.T, dir, content string) string {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(content, gozxing.BarcodeFormat_QR_CODE, 200, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if !m.Get(x, y) {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "qr.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQRCmd(t *testing.T) {
	dir := t.TempDir()
	link := writeQRPNG(t, t.TempDir(), "https://amlkyc.tech/kyc/"+qrTestUUID)
	other := writeQRPNG(t, t.TempDir(), "hello")
	text := filepath.Join(dir, "note.txt")
	if err := os.WriteFile(text, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		out  string
		code int
	}{
		{name: "link", args: []string{link}, out: qrTestUUID + "\n"},
		{name: "no uuid", args: []string{other}, code: ExitInput},
		{name: "not an image", args: []string{text}, code: ExitInput},
		{name: "missing file", args: []string{filepath.Join(dir, "none.png")}, code: ExitInput},
		{name: "no args", args: nil, code: ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			cmd := newQRCmd(&App{})
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs(tc.args)
			err := cmd.Execute()
			if tc.code == 0 {
				if err != nil || out.String() != tc.out {
					t.Fatalf("qr %v = %q, %v; want %q", tc.args, out.String(), err, tc.out)
				}
				return
			}
			if tc.code == ExitUsage {
				if err == nil {
					t.Fatalf("qr %v: no error, want a usage error", tc.args)
				}
				return
			}
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != tc.code {
				t.Fatalf("qr %v: error %v, want exit %d", tc.args, err, tc.code)
			}
			if !strings.Contains(err.Error(), tc.args[0]) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}
