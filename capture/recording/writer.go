package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ErrNotEmpty reports that the output folder of a recording already holds
// files: a recording is never written over or mixed with other files.
var ErrNotEmpty = errors.New("folder is not empty")

// ErrClosed reports a write to a Writer after Close.
var ErrClosed = errors.New("recording already closed")

// JPEGQuality is the quality Writer.AddImage encodes frames with.
const JPEGQuality = 90

// Writer writes a recording folder: frames as they come, then the manifest on
// Close. Until Close succeeds the folder has no manifest and is not a
// recording. A Writer is not safe for concurrent use.
type Writer struct {
	dir    string
	m      Manifest
	closed bool
	buf    bytes.Buffer
}

// Create makes dir (mode 0700) for a new recording of cam. dir may exist
// only if it is an empty folder; its mode is then set to 0700. Parent folders
// are not created.
func Create(dir string, cam Camera) (*Writer, error) {
	err := os.Mkdir(dir, 0o700)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrExist):
		entries, rerr := os.ReadDir(dir)
		if rerr != nil {
			return nil, fmt.Errorf("create recording %s: %w", dir, rerr)
		}
		if len(entries) > 0 {
			return nil, fmt.Errorf("create recording %s: %w: choose a new folder", dir, ErrNotEmpty)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create recording %s: %w", dir, err)
		}
	default:
		return nil, fmt.Errorf("create recording %s: %w", dir, err)
	}
	return &Writer{dir: dir, m: Manifest{
		Format:  FormatName,
		Version: Version,
		Created: time.Now().UTC().Format(time.RFC3339),
		Camera:  cam,
	}}, nil
}

// Dir returns the recording's folder.
func (w *Writer) Dir() string { return w.dir }

// Len returns the number of frames written so far.
func (w *Writer) Len() int { return len(w.m.Frames) }

// FrameInfo is what the manifest records about a frame besides its file.
type FrameInfo struct {
	// T is the time since the start of the recording; frames must be added
	// in non-decreasing T.
	T time.Duration
	// ChallengeIndex is the challenge on screen, or -1 for none.
	ChallengeIndex int
	// Label names what the frame shows (e.g. "blink"), or "".
	Label string
}

// AddJPEG writes one frame given as a complete JPEG file (with its Huffman
// tables: insert them first for camera MJPEG that lacks them).
func (w *Writer) AddJPEG(data []byte, info FrameInfo) error {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return fmt.Errorf("add frame %d: not a JPEG (no SOI marker)", len(w.m.Frames))
	}
	return w.add(data, info)
}

// AddImage encodes img as JPEG (quality JPEGQuality) and writes it as one frame.
func (w *Writer) AddImage(img image.Image, info FrameInfo) error {
	w.buf.Reset()
	if err := jpeg.Encode(&w.buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return fmt.Errorf("add frame %d: encode jpeg: %w", len(w.m.Frames), err)
	}
	return w.add(w.buf.Bytes(), info)
}

func (w *Writer) add(data []byte, info FrameInfo) error {
	n := len(w.m.Frames)
	if w.closed {
		return fmt.Errorf("add frame %d: %w", n, ErrClosed)
	}
	if n >= MaxFrames {
		return fmt.Errorf("add frame %d: a recording holds at most %d frames", n, MaxFrames)
	}
	f := Frame{File: fmt.Sprintf("%06d.jpg", n), T: info.T.Seconds(), Label: info.Label}
	if n > 0 && f.T < w.m.Frames[n-1].T {
		return fmt.Errorf("add frame %d: time goes backwards", n)
	}
	if info.ChallengeIndex >= 0 {
		ci := info.ChallengeIndex
		f.ChallengeIndex = &ci
	}
	if err := writeNew(filepath.Join(w.dir, f.File), data); err != nil {
		return fmt.Errorf("add frame %d: %w", n, err)
	}
	w.m.Frames = append(w.m.Frames, f)
	return nil
}

// Close validates and writes manifest.json, which makes the folder a
// recording. A recording with no frames is an error.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if err := w.m.Validate(); err != nil {
		return fmt.Errorf("close recording %s: %w", w.dir, err)
	}
	data, err := json.MarshalIndent(&w.m, "", "  ")
	if err != nil {
		return fmt.Errorf("close recording %s: %w", w.dir, err)
	}
	data = append(data, '\n')
	if err := writeNew(filepath.Join(w.dir, ManifestFile), data); err != nil {
		return fmt.Errorf("close recording %s: %w", w.dir, err)
	}
	return nil
}

// writeNew creates name (mode 0600, failing if it exists) and writes data.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, bytes.NewReader(data)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
