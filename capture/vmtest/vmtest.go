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
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"

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

// Scale resizes src to cover w×h (bilinear), cropping what overflows.
func Scale(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	scale := max(float64(w)/float64(sb.Dx()), float64(h)/float64(sb.Dy()))
	offX := (float64(sb.Dx())*scale - float64(w)) / 2
	offY := (float64(sb.Dy())*scale - float64(h)) / 2
	rgba := image.NewRGBA(sb)
	for y := sb.Min.Y; y < sb.Max.Y; y++ {
		for x := sb.Min.X; x < sb.Max.X; x++ {
			r, g, b, a := src.At(x, y).RGBA()
			i := rgba.PixOffset(x, y)
			rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), uint8(a>>8)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		sy := (float64(y)+0.5+offY)/scale - 0.5
		y0 := clamp(int(sy), 0, sb.Dy()-1)
		y1 := clamp(y0+1, 0, sb.Dy()-1)
		fy := sy - float64(y0)
		for x := 0; x < w; x++ {
			sx := (float64(x)+0.5+offX)/scale - 0.5
			x0 := clamp(int(sx), 0, sb.Dx()-1)
			x1 := clamp(x0+1, 0, sb.Dx()-1)
			fx := sx - float64(x0)
			for c := 0; c < 4; c++ {
				p := func(xx, yy int) float64 {
					return float64(rgba.Pix[rgba.PixOffset(sb.Min.X+xx, sb.Min.Y+yy)+c])
				}
				v := (p(x0, y0)*(1-fx)+p(x1, y0)*fx)*(1-fy) + (p(x0, y1)*(1-fx)+p(x1, y1)*fx)*fy
				dst.Pix[dst.PixOffset(x, y)+c] = uint8(clamp(int(v+0.5), 0, 255))
			}
		}
	}
	return dst
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

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

// pixFormat and v4lFormat mirror struct v4l2_pix_format and struct
// v4l2_format on 64-bit Linux (208 bytes).
type pixFormat struct {
	Width, Height, PixelFormat, Field, BytesPerLine, SizeImage uint32
	ColorSpace, Priv, Flags, YCbCrEnc, Quantization, XferFunc  uint32
}

type v4lFormat struct {
	Type uint32
	_    uint32
	Pix  pixFormat
	_    [200 - unsafe.Sizeof(pixFormat{})]byte
}

const (
	bufTypeVideoOutput = 2
	vidiocSFmt         = 0xc0d05605 // _IOWR('V', 5, struct v4l2_format)
	pixFmtMJPG         = 0x47504a4d
	fieldNone          = 1
	colorspaceJPEG     = 7
)

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
	fmtv := v4lFormat{Type: bufTypeVideoOutput, Pix: pixFormat{
		Width: uint32(w), Height: uint32(h), PixelFormat: pixFmtMJPG, Field: fieldNone,
		SizeImage: uint32(maxFrame), ColorSpace: colorspaceJPEG,
	}}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), vidiocSFmt, uintptr(unsafe.Pointer(&fmtv))); e != 0 {
		f.Close()
		return nil, fmt.Errorf("open output %s: %w: %w", dev, ErrNotOutput, e)
	}
	return f, nil
}

// queryCtrl is struct v4l2_queryctrl (68 bytes).
type queryCtrl struct {
	ID, Type                             uint32
	Name                                 [32]byte
	Minimum, Maximum, Step, DefaultValue int32
	Flags                                uint32
	_                                    [2]uint32
}

const (
	vidiocQueryCtrl  = 0xc0445624 // _IOWR('V', 36, struct v4l2_queryctrl)
	vidiocSCtrl      = 0xc008561c // _IOWR('V', 28, struct v4l2_control)
	ctrlFlagNextCtrl = 0x80000000
)

// PressControl finds the control called name on dev (in any control class)
// and sets it to value; for a button control, value 1 presses it.
func PressControl(dev, name string, value int32) error {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	q := queryCtrl{ID: ctrlFlagNextCtrl}
	for {
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), vidiocQueryCtrl, uintptr(unsafe.Pointer(&q))); e != 0 {
			return fmt.Errorf("%s has no control %q", dev, name)
		}
		if string(bytes.TrimRight(q.Name[:], "\x00")) == name {
			break
		}
		q = queryCtrl{ID: q.ID | ctrlFlagNextCtrl}
	}
	ctl := struct {
		ID    uint32
		Value int32
	}{q.ID, value}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), vidiocSCtrl, uintptr(unsafe.Pointer(&ctl))); e != 0 {
		return fmt.Errorf("set control %q on %s: %w", name, dev, e)
	}
	return nil
}
