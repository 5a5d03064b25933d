// Package vmtest holds what the capture tests on real kernel drivers share:
// the test picture the v4l2loopback feeder sends and the tests compare
// against, and the feeder's V4L2 output setup. The tests themselves run in a
// QEMU virtual machine started by the script capture/vmtest/run; see
// docs/recording.md.
package vmtest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/sys/unix"

	"github.com/kycterm/kycterm/capture/internal/v4l2abi"
	"github.com/kycterm/kycterm/capture/mjpeg"
)

// SharedDir returns the shared data folder: $KYCTERM_SHARED, else ../shared
// beside the repository (repoRoot is the repository's root folder).
func SharedDir(repoRoot string) string {
	if d := os.Getenv("KYCTERM_SHARED"); d != "" {
		return d
	}
	return filepath.Join(repoRoot, "..", "shared")
}

// Portrait loads a PNG or JPEG and scales it to w×h (bilinear, covering the
// frame and cropping the excess), the picture the feeder sends.
func Portrait(path string, w, h int) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load portrait: %w", err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("load portrait %s: %w", path, err)
	}
	return Scale(src, w, h), nil
}

// Scale resizes src to cover w×h (bilinear), cropping what overflows
// equally on both sides.
func Scale(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	scale := max(float64(w)/float64(sb.Dx()), float64(h)/float64(sb.Dy()))
	cw := min(int(float64(w)/scale+0.5), sb.Dx())
	ch := min(int(float64(h)/scale+0.5), sb.Dy())
	crop := image.Rect(0, 0, cw, ch).Add(sb.Min).Add(image.Pt((sb.Dx()-cw)/2, (sb.Dy()-ch)/2))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	return dst
}

// Frames encodes img as a JPEG frame with its Huffman tables and the same
// frame with them stripped, as many USB cameras send MJPEG.
func Frames(img image.Image, quality int) (withDHT, stripped []byte, err error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, nil, fmt.Errorf("encode frame: %w", err)
	}
	stripped, err = mjpeg.StripDHT(b.Bytes())
	if err != nil {
		return nil, nil, err
	}
	return b.Bytes(), stripped, nil
}

// Prepare scales the picture at imgPath to w×h and writes it as the JPEG
// frame to send (quality q) and as a lossless PNG reference.
func Prepare(imgPath string, w, h, q int, jpegPath, refPath string) error {
	pic, err := Portrait(imgPath, w, h)
	if err != nil {
		return err
	}
	withDHT, _, err := Frames(pic, q)
	if err != nil {
		return err
	}
	if err := os.WriteFile(jpegPath, withDHT, 0o644); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, pic); err != nil {
		return err
	}
	return os.WriteFile(refPath, b.Bytes(), 0o644)
}

// LoadPNG decodes a PNG file.
func LoadPNG(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return img, nil
}

// MeanAbsDiff returns the mean absolute difference per channel (R, G, B,
// 0–255) between two images of the same size, sampled every step pixels in
// both directions (1 compares every pixel).
func MeanAbsDiff(a, b image.Image, step int) (float64, error) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 0, fmt.Errorf("sizes differ: %v and %v", a.Bounds().Size(), b.Bounds().Size())
	}
	step = max(step, 1)
	ab, bb := a.Bounds(), b.Bounds()
	var sum float64
	n := 0
	for y := 0; y < ab.Dy(); y += step {
		for x := 0; x < ab.Dx(); x += step {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			sum += absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			n += 3
		}
	}
	return sum / float64(n), nil
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a-b) / 257
	}
	return float64(b-a) / 257
}

// ErrNotOutput reports a device that refused the output format.
var ErrNotOutput = errors.New("device refused the MJPEG output format")

// OpenOutput opens a v4l2loopback device for writing and sets its OUTPUT
// format to MJPEG at w×h with room for frames of up to maxFrame bytes.
// Each write() on the returned file is then one frame.
func OpenOutput(dev string, w, h, maxFrame int) (*os.File, error) {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open output %s: %w", dev, err)
	}
	fmtv := v4l2abi.Format{Type: v4l2abi.BufTypeVideoOutput, Pix: v4l2abi.PixFormat{
		Width: uint32(w), Height: uint32(h), PixelFormat: v4l2abi.PixFmtMJPEG, Field: v4l2abi.FieldNone,
		SizeImage: uint32(maxFrame), ColorSpace: v4l2abi.ColorspaceJPEG,
	}}
	if err := v4l2abi.SetFormat(int(f.Fd()), &fmtv); err != nil {
		f.Close()
		return nil, fmt.Errorf("open output %s: %w: %w", dev, ErrNotOutput, err)
	}
	return f, nil
}

// PressControl finds the control called name on dev (in any control class)
// and sets it to value; for a button control, value 1 presses it.
func PressControl(dev, name string, value int32) error {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("press control %q: %w", name, err)
	}
	defer f.Close()
	q := v4l2abi.QueryCtrl{ID: v4l2abi.CtrlFlagNextCtrl}
	for {
		err := v4l2abi.QueryControl(int(f.Fd()), &q)
		if errors.Is(err, unix.EINVAL) {
			// The enumeration ran past the last control.
			return fmt.Errorf("press control: %s has no control %q", dev, name)
		}
		if err != nil {
			return fmt.Errorf("press control %q on %s: %w", name, dev, err)
		}
		if string(bytes.TrimRight(q.Name[:], "\x00")) == name {
			break
		}
		q = v4l2abi.QueryCtrl{ID: q.ID | v4l2abi.CtrlFlagNextCtrl}
	}
	if err := v4l2abi.SetControl(int(f.Fd()), &v4l2abi.Control{ID: q.ID, Value: value}); err != nil {
		return fmt.Errorf("set control %q on %s: %w", name, dev, err)
	}
	return nil
}
