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
	jpegEOI   = []byte{0xFF, 0xD9}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	pngIEND   = []byte("\x00\x00\x00\x00IEND\xaeB`\x82")
)

// ReadImageFile reads and decodes the JPEG or PNG file at path, as a
// document photo or a QR code picture is given on the command line, and
// returns the picture and its kind ("jpeg" or "png"). The file's size and
// the picture's dimensions are checked before decoding. Every error names
// the file once and is one of: ErrUnsupportedImage, ErrImageTooLarge or
// ErrCorruptFrame wrapped (the file's contents or size); a path that is a
// directory or not a regular file (a device, a pipe), said in words; or
// the operating system's error of stat, open or read wrapped, such as
// fs.ErrNotExist, fs.ErrPermission, syscall.ENOTDIR or syscall.EIO.
func ReadImageFile(path string) (image.Image, string, error) {
	data, err := readImageFile(nil, path, path)
	if err != nil {
		return nil, "", err
	}
	return DecodeImage(path, data)
}

// ReadImageBytes reads the file at path with ReadImageFile's checks (a
// regular file of at most MaxImageBytes, stat before open) and returns its
// bytes undecoded, for callers that send the file on as it is. Its errors
// are ReadImageFile's before decoding: they name the file and wrap
// ErrImageTooLarge or the operating system's error, or say the path is a
// directory or not a regular file.
func ReadImageBytes(path string) ([]byte, error) {
	return readImageFile(nil, path, path)
}

// readImageFile reads an image file of at most MaxImageBytes from fsys
// (or the OS file system when fsys is nil). name is shown in errors.
func readImageFile(fsys fs.FS, p, name string) ([]byte, error) {
	// Stat before opening: opening a named pipe would block.
	var st fs.FileInfo
	var err error
	if fsys == nil {
		st, err = os.Stat(p)
	} else {
		st, err = fs.Stat(fsys, p)
	}
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", name, pathErr(err))
	}
	if err := checkStat(st, name); err != nil {
		return nil, err
	}
	var f fs.File
	if fsys == nil {
		f, err = os.Open(p)
	} else {
		f, err = fsys.Open(p)
	}
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", name, pathErr(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("open image %s: %w", name, pathErr(err))
	}
	if err := checkStat(st, name); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, pathErr(err))
	}
	if len(data) > MaxImageBytes {
		return nil, fmt.Errorf("read image %s: %w: over %d bytes", name, ErrImageTooLarge, MaxImageBytes)
	}
	return data, nil
}

// checkStat accepts a regular file of at most MaxImageBytes.
func checkStat(st fs.FileInfo, name string) error {
	switch {
	case st.IsDir():
		return fmt.Errorf("open image %s: is a directory, not an image file", name)
	case !st.Mode().IsRegular():
		return fmt.Errorf("open image %s: not a regular file", name)
	case st.Size() > MaxImageBytes:
		return fmt.Errorf("open image %s: %w: %d bytes, limit %d", name, ErrImageTooLarge, st.Size(), MaxImageBytes)
	}
	return nil
}

// pathErr drops the *fs.PathError wrapper, whose text would repeat the
// path the caller's message already names.
func pathErr(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
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
			return nil, "", corrupt(name, data, "jpeg", err)
		}
		if err := checkConfig(name, cfgData, "jpeg"); err != nil {
			return nil, "", err
		}
		img, err := dec.Decode(cfgData)
		if err != nil {
			return nil, "", corrupt(name, data, "jpeg", err)
		}
		return img, "jpeg", nil
	case bytes.HasPrefix(data, pngMagic):
		if err := checkConfig(name, data, "png"); err != nil {
			return nil, "", err
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, "", corrupt(name, data, "png", err)
		}
		return img, "png", nil
	}
	return nil, "", fmt.Errorf("decode image %s: %w (%s)", name, ErrUnsupportedImage, sniff(data))
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
		return corrupt(name, data, kind, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("decode image %s: %w: empty picture", name, ErrCorruptFrame)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return fmt.Errorf("decode image %s: %w: %dx%d pixels, limit %d", name, ErrImageTooLarge, cfg.Width, cfg.Height, MaxImagePixels)
	}
	return nil
}

// corrupt wraps a decoder's failure in ErrCorruptFrame, saying "truncated
// file" when the data ends early: an unexpected end of the data, or a file
// without its end marker (JPEG's EOI, PNG's IEND chunk).
func corrupt(name string, data []byte, kind string, err error) error {
	end := pngIEND
	if kind == "jpeg" {
		end = jpegEOI
	}
	detail := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		!bytes.HasSuffix(bytes.TrimRight(data, "\x00"), end) {
		detail = "truncated file"
	}
	return fmt.Errorf("decode image %s: %w: %s", name, ErrCorruptFrame, detail)
}

// sniff names what a file that is neither JPEG nor PNG seems to be, for
// the error message.
func sniff(data []byte) string {
	has := func(off int, magic string) bool {
		return len(data) >= off+len(magic) && string(data[off:off+len(magic)]) == magic
	}
	switch {
	case len(data) == 0:
		return "the file is empty"
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "it is a GIF image"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "it is a WebP image"
	case has(0, "BM"):
		return "it is a BMP image"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "it is a TIFF image"
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftypmif1"), has(4, "ftypavif"):
		return "it is a HEIF/AVIF image"
	case has(0, "%PDF-"):
		return "it is a PDF document"
	case bytes.HasPrefix(data, jpegMagic[:2]):
		return "a damaged JPEG header"
	case looksLikeText(data):
		return "it is a text file"
	}
	return "unknown file type"
}

// looksLikeText reports whether the file's start has no control
// characters other than white space.
func looksLikeText(data []byte) bool {
	for _, c := range data[:min(len(data), 512)] {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
		if c == 0x7f {
			return false
		}
	}
	return true
}
