// Package recording defines kycterm's recorded-session format and writes it.
//
// A recording is a folder holding manifest.json and one image file per
// frame (JPEG as written by Writer; PNG is accepted when read). The manifest
// names the format and its version, describes the camera the frames came
// from and lists the frames in order with their time from the start of the
// recording and, optionally, the index and name of the liveness challenge
// that was on screen. docs/recording.md is the format's specification.
//
// Recordings hold biometric data (faces). Writer creates the folder 0700 and
// every file 0600, and refuses to write into a folder that is not empty.
package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strings"
	"unicode"
)

// FormatName is the value of the manifest's "format" field.
const FormatName = "kycterm-recording"

// Version is the manifest format version this package writes and reads.
// A reader refuses a higher version: it cannot know what changed.
const Version = 1

// ManifestFile is the manifest's file name inside a recording folder.
const ManifestFile = "manifest.json"

// Limits on what a manifest may hold, so a hostile file cannot make a reader
// allocate without bound.
const (
	// MaxManifestBytes is the largest manifest accepted.
	MaxManifestBytes = 8 << 20
	// MaxFrames is the largest number of frames in one recording.
	MaxFrames = 100_000
	// MaxLabelLen is the longest frame label, in bytes.
	MaxLabelLen = 64
	// MaxFileNameLen is the longest frame file name, in bytes.
	MaxFileNameLen = 128
	// MaxSeconds is the largest frame time, in seconds (one day).
	MaxSeconds = 86_400
)

// ErrBadManifest reports a manifest that cannot be used; the wrapped message
// says which field is wrong.
var ErrBadManifest = errors.New("bad recording manifest")

// Manifest is the content of manifest.json.
type Manifest struct {
	// Format is always FormatName.
	Format string `json:"format"`
	// Version is the format version (Version).
	Version int `json:"version"`
	// Created is when the recording was made (RFC 3339, UTC), if known.
	Created string `json:"created,omitempty"`
	// Camera describes the device the frames came from.
	Camera Camera `json:"camera"`
	// Frames lists the frames in playback order.
	Frames []Frame `json:"frames"`
}

// Camera describes the capture device of a recording. Every field is
// informational; zero values mean unknown.
type Camera struct {
	// Device is the device path, e.g. "/dev/video0".
	Device string `json:"device,omitempty"`
	// Card is the driver's card name, e.g. "HD Webcam C270".
	Card string `json:"card,omitempty"`
	// Bus is the driver's bus info, e.g. "usb-0000:00:14.0-1".
	Bus string `json:"bus,omitempty"`
	// Format is the pixel format captured ("MJPG", "YUYV"…).
	Format string `json:"format,omitempty"`
	// Width and Height are the frame size the driver applied.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// FPS is the nominal frame rate, if known.
	FPS float64 `json:"fps,omitempty"`
}

// Frame is one entry of the manifest's frame list.
type Frame struct {
	// File is the frame's file name in the recording folder (no directory).
	File string `json:"file"`
	// T is the capture time in seconds from the start of the recording.
	T float64 `json:"t"`
	// ChallengeIndex is the index of the liveness challenge on screen when
	// the frame was taken, or nil when none was.
	ChallengeIndex *int `json:"challengeIndex,omitempty"`
	// Label names what the frame shows, e.g. the challenge "blink".
	Label string `json:"label,omitempty"`
}

// Parse reads and validates a manifest. Every error wraps ErrBadManifest and
// names the offending field or frame.
func Parse(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrBadManifest, err)
	}
	if len(data) > MaxManifestBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrBadManifest, MaxManifestBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: not valid JSON: %v", ErrBadManifest, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrBadManifest)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks a manifest the way Parse does.
func (m *Manifest) Validate() error {
	if m.Format != FormatName {
		return fmt.Errorf("%w: format is %q, want %q", ErrBadManifest, m.Format, FormatName)
	}
	if m.Version < 1 {
		return fmt.Errorf("%w: version %d is not a valid version", ErrBadManifest, m.Version)
	}
	if m.Version > Version {
		return fmt.Errorf("%w: version %d is newer than this program reads (%d): update kycterm", ErrBadManifest, m.Version, Version)
	}
	if m.Camera.Width < 0 || m.Camera.Height < 0 || m.Camera.Width > 1<<15 || m.Camera.Height > 1<<15 {
		return fmt.Errorf("%w: camera size %dx%d out of range", ErrBadManifest, m.Camera.Width, m.Camera.Height)
	}
	if math.IsNaN(m.Camera.FPS) || m.Camera.FPS < 0 || m.Camera.FPS > 1000 {
		return fmt.Errorf("%w: camera fps out of range", ErrBadManifest)
	}
	if len(m.Frames) == 0 {
		return fmt.Errorf("%w: no frames", ErrBadManifest)
	}
	if len(m.Frames) > MaxFrames {
		return fmt.Errorf("%w: %d frames, more than %d", ErrBadManifest, len(m.Frames), MaxFrames)
	}
	seen := make(map[string]int, len(m.Frames))
	prev := 0.0
	for i, f := range m.Frames {
		if err := ValidFileName(f.File); err != nil {
			return fmt.Errorf("%w: frame %d: %v", ErrBadManifest, i, err)
		}
		if j, dup := seen[f.File]; dup {
			return fmt.Errorf("%w: frame %d: file %q already used by frame %d", ErrBadManifest, i, f.File, j)
		}
		seen[f.File] = i
		if math.IsNaN(f.T) || math.IsInf(f.T, 0) || f.T < 0 || f.T > MaxSeconds {
			return fmt.Errorf("%w: frame %d (%s): time t out of range", ErrBadManifest, i, f.File)
		}
		if f.T < prev {
			return fmt.Errorf("%w: frame %d (%s): time t goes backwards", ErrBadManifest, i, f.File)
		}
		prev = f.T
		if f.ChallengeIndex != nil && (*f.ChallengeIndex < 0 || *f.ChallengeIndex > 1000) {
			return fmt.Errorf("%w: frame %d (%s): challengeIndex %d out of range", ErrBadManifest, i, f.File, *f.ChallengeIndex)
		}
		if err := validLabel(f.Label); err != nil {
			return fmt.Errorf("%w: frame %d (%s): %v", ErrBadManifest, i, f.File, err)
		}
	}
	return nil
}

// ValidFileName reports whether name can be a frame file: a plain file name
// (no directory, not hidden) ending in .jpg, .jpeg or .png.
func ValidFileName(name string) error {
	switch {
	case name == "":
		return errors.New("empty file name")
	case len(name) > MaxFileNameLen:
		return fmt.Errorf("file name longer than %d bytes", MaxFileNameLen)
	case strings.ContainsAny(name, "/\\\x00") || name != path.Clean(name):
		return fmt.Errorf("file name %q is not a plain file name", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("file name %q is hidden or a relative path", name)
	case name == ManifestFile:
		return fmt.Errorf("file name %q is the manifest", name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("file name %q has a non-printable character", name)
		}
	}
	if ImageType(name) == "" {
		return fmt.Errorf("file %q is not .jpg, .jpeg or .png", name)
	}
	return nil
}

// ImageType returns "jpeg" or "png" from a file name's extension, or "" for
// anything else.
func ImageType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return "jpeg"
	case ".png":
		return "png"
	}
	return ""
}

func validLabel(s string) error {
	if len(s) > MaxLabelLen {
		return fmt.Errorf("label longer than %d bytes", MaxLabelLen)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return errors.New("label has a non-printable character")
		}
	}
	return nil
}
