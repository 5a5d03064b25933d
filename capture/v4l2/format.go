// Package v4l2 reads Linux V4L2 cameras (/dev/video*) as a capture.Source,
// through github.com/blackjack/webcam.
//
// Open picks a pixel format the package can convert, preferring what costs
// least to move and decode: MJPEG (what most USB cameras send at 720p),
// then YUYV, NV12, YU12 (I420) and grey. It asks for the configured size
// (default 1280×720, then 640×480) and reports the size the driver actually
// applied, which may differ. Frames are copied out of the driver's mmap
// buffers at once, so a few buffers (4) suffice and the camera never waits
// for the consumer: the newest frames sit in a small capture.Ring and stale
// ones are dropped and counted.
//
// A frame wait that times out is a missed frame, not an error; several in a
// row become the transient event capture.ErrStopped. An unplugged camera
// becomes capture.ErrDisconnected and is reopened when it comes back.
// Undecodable MJPEG frames are skipped and counted (Stats.Corrupt).
package v4l2

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kycterm/kycterm/capture"
)

// Pixel formats the package converts, as V4L2 four-character codes.
const (
	FourCCMJPG = "MJPG"
	FourCCJPEG = "JPEG" // some cameras label MJPEG so
	FourCCYUYV = "YUYV"
	FourCCNV12 = "NV12"
	FourCCYU12 = "YU12" // planar 4:2:0, I420
	FourCCGREY = "GREY"
)

// preference is the order Open tries formats in.
func preference() []string {
	return []string{FourCCMJPG, FourCCJPEG, FourCCYUYV, FourCCNV12, FourCCYU12, FourCCGREY}
}

// Supported reports whether the package can convert frames of fourcc.
func Supported(fourcc string) bool { return slices.Contains(preference(), fourcc) }

// FourCC turns a V4L2 pixel format code into its four characters, with
// "-BE" for the big-endian variants (bit 31 set) and "?" for bytes that are
// not printable.
func FourCC(code uint32) string {
	suffix := ""
	if code&(1<<31) != 0 {
		code &^= 1 << 31
		suffix = "-BE"
	}
	b := []byte{byte(code), byte(code >> 8), byte(code >> 16), byte(code >> 24)}
	for i, c := range b {
		if (c < 0x20 && c != 0) || c > 0x7e {
			b[i] = '?'
		}
	}
	return strings.TrimRight(string(b), " \x00") + suffix
}

// Code turns four characters into a V4L2 pixel format code.
func Code(fourcc string) uint32 {
	var b [4]byte
	copy(b[:], fourcc+"    ")
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// ParseFormat maps a user's format name (mjpeg, yuyv, nv12, yu12|i420|yuv420,
// grey|gray, or a four-character code) to a four-character code.
func ParseFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "mjpeg", "mjpg":
		return FourCCMJPG, nil
	case "jpeg":
		return FourCCJPEG, nil
	case "yuyv", "yuy2":
		return FourCCYUYV, nil
	case "nv12":
		return FourCCNV12, nil
	case "yu12", "i420", "yuv420":
		return FourCCYU12, nil
	case "grey", "gray", "y8":
		return FourCCGREY, nil
	}
	return "", fmt.Errorf("%w: unknown format %q (use mjpeg, yuyv, nv12, yuv420 or grey)", capture.ErrUnsupportedFormat, s)
}

// Size is a frame size in pixels.
type Size struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// String returns "WxH".
func (s Size) String() string { return fmt.Sprintf("%dx%d", s.Width, s.Height) }

// ParseSize parses "WxH".
func ParseSize(s string) (Size, error) {
	var z Size
	if s == "" {
		return z, nil
	}
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	var w, h int
	if ok {
		_, err1 := fmt.Sscanf(a, "%d", &w)
		_, err2 := fmt.Sscanf(b, "%d", &h)
		ok = err1 == nil && err2 == nil && fmt.Sprint(w) == a && fmt.Sprint(h) == b
	}
	if !ok || w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 {
		return z, fmt.Errorf("bad size %q: want WIDTHxHEIGHT, e.g. 1280x720", s)
	}
	return Size{w, h}, nil
}

// SizeRange is a frame size a format offers: a discrete size (Min == Max)
// or a stepwise range.
type SizeRange struct {
	Min  Size `json:"min"`
	Max  Size `json:"max"`
	Step Size `json:"step,omitzero"`
	// Rates lists the frame rates (frames per second) offered at a discrete
	// size, highest first, when the driver says.
	Rates []float64 `json:"rates,omitempty"`
}

// Discrete reports whether the range is a single size.
func (r SizeRange) Discrete() bool { return r.Min == r.Max }

// Contains reports whether the range offers s.
func (r SizeRange) Contains(s Size) bool {
	if s.Width < r.Min.Width || s.Width > r.Max.Width || s.Height < r.Min.Height || s.Height > r.Max.Height {
		return false
	}
	if r.Step.Width > 1 && (s.Width-r.Min.Width)%r.Step.Width != 0 {
		return false
	}
	if r.Step.Height > 1 && (s.Height-r.Min.Height)%r.Step.Height != 0 {
		return false
	}
	return true
}

// String returns "WxH" or "WxH–WxH".
func (r SizeRange) String() string {
	if r.Discrete() {
		return r.Min.String()
	}
	return r.Min.String() + "–" + r.Max.String()
}

// Format is a pixel format a device offers.
type Format struct {
	FourCC      string      `json:"fourcc"`
	Description string      `json:"description,omitempty"`
	Supported   bool        `json:"supported"`
	Sizes       []SizeRange `json:"sizes,omitempty"`
}

// Request is what the caller wants; zero fields mean "choose".
type Request struct {
	// FourCC forces a pixel format (see ParseFormat); "" picks by preference.
	FourCC string
	// Size forces a frame size; zero tries DefaultSizes in order.
	Size Size
}

// DefaultSizes returns the sizes tried in order when none is configured:
// 1280×720, then 640×480.
func DefaultSizes() []Size { return []Size{{1280, 720}, {640, 480}} }

// Choice is the format and size Choose picked.
type Choice struct {
	FourCC string
	Size   Size
}

// Choose picks a format and size among what a device offers. With no
// configured format it takes the first of MJPEG, YUYV, NV12, YU12, GREY that
// offers the wanted size (default 1280×720, then 640×480); when none offers
// those sizes it takes the preferred format at its offered size closest to
// 1280×720. An explicit format or size the device does not offer is an error
// wrapping capture.ErrUnsupportedFormat that lists what it offers.
func Choose(offered []Format, req Request) (Choice, error) {
	byCC := map[string]Format{}
	for _, f := range offered {
		byCC[f.FourCC] = f
	}
	order := preference()
	if req.FourCC != "" {
		if !Supported(req.FourCC) {
			return Choice{}, fmt.Errorf("%w: kycterm cannot convert %s", capture.ErrUnsupportedFormat, req.FourCC)
		}
		if _, ok := byCC[req.FourCC]; !ok {
			return Choice{}, fmt.Errorf("%w: the camera does not offer %s; it offers %s", capture.ErrUnsupportedFormat, req.FourCC, Describe(offered))
		}
		order = []string{req.FourCC}
	}
	sizes := DefaultSizes()
	if req.Size != (Size{}) {
		sizes = []Size{req.Size}
	}
	for _, s := range sizes {
		for _, cc := range order {
			f, ok := byCC[cc]
			if !ok {
				continue
			}
			for _, r := range f.Sizes {
				if r.Contains(s) {
					return Choice{cc, s}, nil
				}
			}
			if len(f.Sizes) == 0 {
				// The driver lists no sizes (some do not implement
				// ENUM_FRAMESIZES): ask, and report what it applies.
				return Choice{cc, s}, nil
			}
		}
	}
	if req.Size != (Size{}) {
		return Choice{}, fmt.Errorf("%w: no format offers %v; the camera offers %s", capture.ErrUnsupportedFormat, req.Size, Describe(offered))
	}
	target := DefaultSizes()[0]
	for _, cc := range order {
		f, ok := byCC[cc]
		if !ok {
			continue
		}
		best, bestD := Size{}, -1
		for _, r := range f.Sizes {
			s := clampSize(r, target)
			d := abs(s.Width*s.Height - target.Width*target.Height)
			if bestD < 0 || d < bestD {
				best, bestD = s, d
			}
		}
		if bestD >= 0 {
			return Choice{cc, best}, nil
		}
	}
	return Choice{}, fmt.Errorf("%w: the camera offers %s; kycterm reads MJPG, YUYV, NV12, YU12 and GREY", capture.ErrUnsupportedFormat, Describe(offered))
}

func clampSize(r SizeRange, t Size) Size {
	s := t
	s.Width = min(max(s.Width, r.Min.Width), r.Max.Width)
	s.Height = min(max(s.Height, r.Min.Height), r.Max.Height)
	if r.Step.Width > 1 {
		s.Width -= (s.Width - r.Min.Width) % r.Step.Width
	}
	if r.Step.Height > 1 {
		s.Height -= (s.Height - r.Min.Height) % r.Step.Height
	}
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Describe lists formats and their sizes for an error message: the formats
// kycterm reads, those with the same sizes grouped, then the others by name,
// e.g. "YUYV, NV12 (640x480, 1280x720); also BA81, RGB3 (not readable)";
// "nothing" for none.
func Describe(formats []Format) string {
	if len(formats) == 0 {
		return "nothing"
	}
	var groups []string
	var sizesOf []string
	var others []string
	for _, f := range formats {
		if !Supported(f.FourCC) {
			others = append(others, f.FourCC)
			continue
		}
		var sizes []string
		for _, r := range f.Sizes {
			sizes = append(sizes, r.String())
		}
		if len(sizes) > 8 {
			sizes = append(sizes[:8], "…")
		}
		key := strings.Join(sizes, ", ")
		if i := slices.Index(sizesOf, key); i >= 0 {
			groups[i] += ", " + f.FourCC
			continue
		}
		groups = append(groups, f.FourCC)
		sizesOf = append(sizesOf, key)
	}
	parts := make([]string, 0, len(groups)+1)
	for i, g := range groups {
		if sizesOf[i] != "" {
			g += " (" + sizesOf[i] + ")"
		}
		parts = append(parts, g)
	}
	if len(others) > 0 {
		if len(others) > 12 {
			others = append(others[:12], fmt.Sprintf("and %d more", len(others)-12))
		}
		parts = append(parts, "also "+strings.Join(others, ", ")+" (not readable by kycterm)")
	}
	return strings.Join(parts, "; ")
}
