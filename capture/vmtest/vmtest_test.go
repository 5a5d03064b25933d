package vmtest

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/kycterm/kycterm/capture/mjpeg"
)

func TestScaleAndDiff(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := uint8(0)
			if x >= 20 {
				c = 200
			}
			src.Set(x, y, color.RGBA{c, c, c, 255})
		}
	}
	// Covering 30×30 from 40×20 scales by 1.5 and crops the sides.
	dst := Scale(src, 30, 30)
	if dst.Bounds() != image.Rect(0, 0, 30, 30) {
		t.Fatalf("bounds %v", dst.Bounds())
	}
	if l, r := dst.RGBAAt(2, 15).R, dst.RGBAAt(27, 15).R; l != 0 || r != 200 {
		t.Errorf("left %d right %d, want 0 and 200", l, r)
	}
	if d, err := MeanAbsDiff(dst, dst, 1); err != nil || d != 0 {
		t.Errorf("diff with itself %v %v", d, err)
	}
	flat := image.NewRGBA(dst.Bounds())
	d, err := MeanAbsDiff(dst, flat, 1)
	if err != nil || d < 90 || d > 110 {
		t.Errorf("diff with black %v %v, want about 100", d, err)
	}
	if _, err := MeanAbsDiff(dst, src, 1); err == nil {
		t.Error("MeanAbsDiff accepted images of different sizes")
	}
}

func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	frame, ref := filepath.Join(dir, "frame.jpg"), filepath.Join(dir, "ref.png")
	if err := Prepare(in, 32, 24, 90, frame, ref); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(frame)
	if err != nil {
		t.Fatal(err)
	}
	if has, err := mjpeg.HasDHT(data); err != nil || !has {
		t.Errorf("frame has DHT %v, %v", has, err)
	}
	img, err := LoadPNG(ref)
	if err != nil || img.Bounds() != image.Rect(0, 0, 32, 24) {
		t.Fatalf("reference %v %v", img, err)
	}
	if err := Prepare(filepath.Join(dir, "none.png"), 32, 24, 90, frame, ref); err == nil {
		t.Error("Prepare of a missing picture succeeded")
	}
	if _, err := OpenOutput(in, 32, 24, 1000); err == nil {
		t.Error("OpenOutput of a plain file succeeded")
	}
}

// TestDeviceErrors runs the device helpers on paths that are not
// v4l2loopback or vivid devices: each must fail with the cause kept.
func TestDeviceErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "video99")
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"output on a missing device", func() error { _, err := OpenOutput(missing, 640, 480, 1<<20); return err }, fs.ErrNotExist},
		{"output on a non-device", func() error { _, err := OpenOutput(os.DevNull, 640, 480, 1<<20); return err }, ErrNotOutput},
		{"output on a non-device keeps errno", func() error { _, err := OpenOutput(os.DevNull, 640, 480, 1<<20); return err }, unix.ENOTTY},
		{"control on a missing device", func() error { return PressControl(missing, "Disconnect", 1) }, fs.ErrNotExist},
		{"control on a non-device", func() error { return PressControl(os.DevNull, "Disconnect", 1) }, unix.ENOTTY},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}
