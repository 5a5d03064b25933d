package v4l2

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blackjack/webcam"
	"golang.org/x/sys/unix"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/internal/v4l2abi"
)

// Device describes a V4L2 video capture device.
type Device struct {
	// Path is the device node, e.g. "/dev/video0".
	Path string `json:"path"`
	// Card is the driver's name for the device, e.g. "HD Webcam C270".
	Card string `json:"card,omitempty"`
	// Bus is the driver's bus info, e.g. "usb-0000:00:14.0-1".
	Bus string `json:"bus,omitempty"`
	// Formats lists the pixel formats offered, convertible ones first.
	Formats []Format `json:"formats,omitempty"`
	// Error says why the device could not be read (e.g. permission
	// denied); the other fields are then empty.
	Error string `json:"error,omitempty"`
}

// List enumerates the video capture devices /dev/video*, in numeric order.
// Nodes that are not capture devices (metadata nodes of UVC cameras, video
// outputs) are left out; a device that cannot be opened is listed with its
// Error set. No devices is not an error.
func List() ([]Device, error) {
	return listGlob("/dev/video*")
}

func listGlob(pattern string) ([]Device, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("list cameras: %w", err)
	}
	slices.SortFunc(paths, func(a, b string) int {
		na, ea := strconv.Atoi(strings.TrimLeftFunc(filepath.Base(a), func(r rune) bool { return r < '0' || r > '9' }))
		nb, eb := strconv.Atoi(strings.TrimLeftFunc(filepath.Base(b), func(r rune) bool { return r < '0' || r > '9' }))
		if ea == nil && eb == nil && na != nb {
			return na - nb
		}
		return strings.Compare(a, b)
	})
	devs := []Device{}
	for _, p := range paths {
		d, err := Probe(p)
		switch {
		case err == nil:
			devs = append(devs, d)
		case errors.Is(err, capture.ErrNoDevice):
			// Not a capture node (or gone since the glob): not a camera.
		default:
			devs = append(devs, Device{Path: p, Error: err.Error()})
		}
	}
	return devs, nil
}

// Probe opens path and describes the device: card, bus, and every pixel
// format with its sizes and, for discrete sizes, frame rates.
func Probe(path string) (Device, error) {
	cam, err := webcam.Open(path)
	if err != nil {
		return Device{}, classify(path, err)
	}
	defer cam.Close()
	return describe(path, cam), nil
}

func describe(path string, cam *webcam.Webcam) Device {
	d := Device{Path: path}
	d.Card, _ = cam.GetName()
	d.Bus, _ = cam.GetBusInfo()
	codes := cam.GetSupportedFormats()
	for code, desc := range codes {
		f := Format{FourCC: FourCC(uint32(code)), Description: desc}
		f.Supported = Supported(f.FourCC)
		type key struct{ min, max, step Size }
		seen := map[key]bool{}
		for _, fs := range cam.GetSupportedFrameSizes(code) {
			r := SizeRange{
				Min:  Size{int(fs.MinWidth), int(fs.MinHeight)},
				Max:  Size{int(fs.MaxWidth), int(fs.MaxHeight)},
				Step: Size{int(fs.StepWidth), int(fs.StepHeight)},
			}
			if r.Max.Width == 0 || seen[key{r.Min, r.Max, r.Step}] {
				continue
			}
			seen[key{r.Min, r.Max, r.Step}] = true
			if r.Discrete() {
				for _, fr := range cam.GetSupportedFramerates(code, fs.MinWidth, fs.MinHeight) {
					r.Rates = appendRate(r.Rates, fr.MinNumerator, fr.MinDenominator)
					r.Rates = appendRate(r.Rates, fr.MaxNumerator, fr.MaxDenominator)
				}
				slices.Sort(r.Rates)
				slices.Reverse(r.Rates)
				r.Rates = slices.Compact(r.Rates)
			}
			f.Sizes = append(f.Sizes, r)
		}
		slices.SortFunc(f.Sizes, func(a, b SizeRange) int {
			return a.Max.Width*a.Max.Height - b.Max.Width*b.Max.Height
		})
		d.Formats = append(d.Formats, f)
	}
	rank := func(cc string) int {
		if i := slices.Index(preference(), cc); i >= 0 {
			return i
		}
		return len(preference())
	}
	slices.SortFunc(d.Formats, func(a, b Format) int {
		if ra, rb := rank(a.FourCC), rank(b.FourCC); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.FourCC, b.FourCC)
	})
	return d
}

// appendRate adds the frame rate of a frame interval num/den seconds.
func appendRate(rates []float64, num, den uint32) []float64 {
	if num == 0 || den == 0 {
		return rates
	}
	fps := float64(den) / float64(num)
	return append(rates, float64(int(fps*100+0.5))/100)
}

// classify turns an error opening or configuring path into one wrapping a
// capture sentinel with a plain-language message saying what to do.
func classify(path string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENXIO) || errors.Is(err, unix.ENODEV):
		return fmt.Errorf("open camera %s: %w (%w): check the device path; `kycterm devices` lists cameras", path, capture.ErrNoDevice, err)
	case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
		return fmt.Errorf("open camera %s: %w (%w): add your user to the video group (sudo usermod -aG video $USER) and log in again", path, capture.ErrPermission, err)
	case errors.Is(err, unix.EBUSY) || strings.Contains(msg, unix.EBUSY.Error()):
		return fmt.Errorf("open camera %s: %w: another program is using it; close that program and try again", path, capture.ErrDeviceBusy)
	case strings.Contains(msg, "Not a video capture device") || strings.Contains(msg, "does not support the streaming"):
		return fmt.Errorf("open camera %s: %w: not a video capture device (%v)", path, capture.ErrNoDevice, err)
	}
	return fmt.Errorf("open camera %s: %w", path, err)
}

// applied reads the capture format in force on path: blackjack/webcam's
// SetImageFormat returns the requested size, not the one the driver
// applied, and not the bytes per line.
func applied(path string) (fourcc string, size Size, stride int, err error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", Size{}, 0, err
	}
	defer unix.Close(fd)
	f := v4l2abi.Format{Type: v4l2abi.BufTypeVideoCapture}
	if err := v4l2abi.GetFormat(fd, &f); err != nil {
		return "", Size{}, 0, err
	}
	return FourCC(f.Pix.PixelFormat), Size{int(f.Pix.Width), int(f.Pix.Height)}, int(f.Pix.BytesPerLine), nil
}

// exists reports whether the device node is present again after an unplug.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
