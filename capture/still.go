package capture

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"

	"github.com/kycterm/kycterm/capture/mjpeg"
)

// Size limits for image files, so a hostile or mistaken file cannot exhaust
// memory: MaxImageBytes for the file, MaxImagePixels for the decoded picture.
const (
	MaxImageBytes  = 32 << 20
	MaxImagePixels = 50_000_000
)

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

// readImageFile reads an image file of at most MaxImageBytes from fsys
// (or the OS file system when fsys is nil). name is shown in errors.
func readImageFile(fsys fs.FS, p, name string) ([]byte, error) {
	var f fs.File
	var err error
	if fsys == nil {
		f, err = os.Open(p)
	} else {
		f, err = fsys.Open(p)
	}
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open image %s: not a regular file", name)
	}
	if st.Size() > MaxImageBytes {
		return nil, fmt.Errorf("open image %s: %w: %d bytes, limit %d", name, ErrImageTooLarge, st.Size(), MaxImageBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	if len(data) > MaxImageBytes {
		return nil, fmt.Errorf("read image %s: %w: over %d bytes", name, ErrImageTooLarge, MaxImageBytes)
	}
	return data, nil
}

// DecodeImage decodes a JPEG or PNG file's bytes, checking the picture's
// size before decoding it. JPEG frames without Huffman tables (camera MJPEG)
// are accepted. name is shown in errors, which wrap ErrUnsupportedImage,
// ErrImageTooLarge or ErrCorruptFrame.
func DecodeImage(name string, data []byte) (image.Image, string, error) {
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		var dec mjpeg.Decoder
		cfgData, _, err := mjpeg.InsertDHT(nil, data)
		if err != nil {
			return nil, "", fmt.Errorf("decode image %s: %w: %v", name, ErrCorruptFrame, err)
		}
		if err := checkConfig(name, cfgData, "jpeg"); err != nil {
			return nil, "", err
		}
		img, err := dec.Decode(cfgData)
		if err != nil {
			return nil, "", fmt.Errorf("decode image %s: %w: %v", name, ErrCorruptFrame, describe(err))
		}
		return img, "jpeg", nil
	case bytes.HasPrefix(data, pngMagic):
		if err := checkConfig(name, data, "png"); err != nil {
			return nil, "", err
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, "", fmt.Errorf("decode image %s: %w: %v", name, ErrCorruptFrame, describe(err))
		}
		return img, "png", nil
	}
	return nil, "", fmt.Errorf("decode image %s: %w", name, ErrUnsupportedImage)
}

func checkConfig(name string, data []byte, kind string) error {
	var cfg image.Config
	var err error
	if kind == "png" {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return fmt.Errorf("decode image %s: %w: %v", name, ErrCorruptFrame, describe(err))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("decode image %s: %w: empty picture", name, ErrCorruptFrame)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return fmt.Errorf("decode image %s: %w: %dx%d pixels, limit %d", name, ErrImageTooLarge, cfg.Width, cfg.Height, MaxImagePixels)
	}
	return nil
}

func describe(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "truncated file"
	}
	return err.Error()
}
