package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hugeJPEG is a real JPEG whose frame header claims w×h pixels.
func hugeJPEG(t testing.TB, w, h uint16) []byte {
	t.Helper()
	data := encodeJPEG(t, pattern(16, 16, 9))
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no baseline frame header")
	}
	out := bytes.Clone(data)
	// SOF0: marker, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

// TestReadImageFile runs every kind of file a user may pass as a document
// photo or QR picture: only JPEG and PNG decode; anything else is an error
// that names the file and says what is wrong.
func TestReadImageFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jpg := encodeJPEG(t, pattern(40, 30, 50))
	pngData := encodePNG(t, pattern(40, 30, 50))
	oversize := write("oversize.jpg", jpegMagic)
	if err := os.Truncate(oversize, MaxImageBytes+1); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "photos.jpg"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		kind    string // decoded kind when it succeeds
		wantErr error  // sentinel wrapped, nil for "any error"
		says    string // part of the message besides the file name
	}{
		{name: "jpeg", path: write("photo.jpg", jpg), kind: "jpeg"},
		{name: "png", path: write("photo.png", pngData), kind: "png"},
		{name: "png named .jpg", path: write("really-png.jpg", pngData), kind: "png"},
		{name: "gif", path: write("x.gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00")), wantErr: ErrUnsupportedImage, says: "GIF"},
		{name: "webp", path: write("x.webp", []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00")), wantErr: ErrUnsupportedImage, says: "WebP"},
		{name: "bmp", path: write("x.bmp", append([]byte("BM"), make([]byte, 60)...)), wantErr: ErrUnsupportedImage, says: "BMP"},
		{name: "tiff", path: write("x.tif", []byte("II*\x00\x08\x00\x00\x00")), wantErr: ErrUnsupportedImage, says: "TIFF"},
		{name: "heic", path: write("x.heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00")), wantErr: ErrUnsupportedImage, says: "HEIF"},
		{name: "pdf", path: write("scan.pdf", []byte("%PDF-1.7\n")), wantErr: ErrUnsupportedImage, says: "PDF"},
		{name: "text", path: write("notes.jpg", []byte("passport number: see the photo\n")), wantErr: ErrUnsupportedImage, says: "text file"},
		{name: "binary junk", path: write("junk.png", []byte{0, 1, 2, 3, 0xfe}), wantErr: ErrUnsupportedImage, says: "unknown file type"},
		{name: "zero bytes", path: write("empty.jpg", nil), wantErr: ErrUnsupportedImage, says: "empty"},
		{name: "jpeg magic only", path: write("magic.jpg", jpegMagic), wantErr: ErrCorruptFrame, says: "truncated"},
		{name: "truncated jpeg header", path: write("head.jpg", jpg[:100]), wantErr: ErrCorruptFrame, says: "truncated"},
		{name: "truncated jpeg data", path: write("half.jpg", jpg[:len(jpg)*2/3]), wantErr: ErrCorruptFrame, says: "truncated"},
		{name: "truncated png header", path: write("head.png", pngData[:20]), wantErr: ErrCorruptFrame, says: "truncated"},
		{name: "truncated png data", path: write("half.png", pngData[:len(pngData)-30]), wantErr: ErrCorruptFrame, says: "truncated"},
		{name: "png bad checksum", path: write("crc.png", append(bytes.Clone(pngData[:29]), append([]byte{0, 0, 0, 0}, pngData[33:]...)...)), wantErr: ErrCorruptFrame, says: "checksum"},
		{name: "png claiming 20000x20000", path: write("bomb.png", hugePNG(20000, 20000)), wantErr: ErrImageTooLarge, says: "20000x20000"},
		{name: "png claiming 1x60000000", path: write("long.png", hugePNG(1, 60_000_000)), wantErr: ErrImageTooLarge, says: "1x60000000"},
		{name: "jpeg claiming 65000x65000", path: write("bomb.jpg", hugeJPEG(t, 65000, 65000)), wantErr: ErrImageTooLarge, says: "65000x65000"},
		{name: "file over the byte limit", path: oversize, wantErr: ErrImageTooLarge, says: "bytes"},
		{name: "directory", path: filepath.Join(dir, "photos.jpg"), says: "is a directory"},
		{name: "missing", path: filepath.Join(dir, "nope.jpg"), wantErr: fs.ErrNotExist, says: "no such file"},
		{name: "device", path: os.DevNull, says: "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, kind, err := ReadImageFile(tc.path)
			if tc.kind != "" {
				if err != nil || kind != tc.kind || img.Bounds() != image.Rect(0, 0, 40, 30) {
					t.Fatalf("ReadImageFile = %v, %q, %v; want a 40x30 %s picture", img, kind, err, tc.kind)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadImageFile accepted %s", tc.name)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %q does not wrap %q", err, tc.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.path) {
				t.Errorf("error %q does not name the file", msg)
			}
			if strings.Count(msg, tc.path) > 1 {
				t.Errorf("error %q names the file twice", msg)
			}
			if !strings.Contains(msg, tc.says) {
				t.Errorf("error %q does not say %q", msg, tc.says)
			}
		})
	}
}

// failingFS serves one regular file whose reads fail with err.
type failingFS struct{ err error }

func (f failingFS) Open(name string) (fs.File, error) {
	if name != "scan.jpg" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return failingFile(f), nil
}

type failingFile struct{ err error }

func (failingFile) Stat() (fs.FileInfo, error) { return failingInfo{}, nil }
func (f failingFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: "scan.jpg", Err: f.err}
}
func (failingFile) Close() error { return nil }

type failingInfo struct{}

func (failingInfo) Name() string       { return "scan.jpg" }
func (failingInfo) Size() int64        { return 100 }
func (failingInfo) Mode() fs.FileMode  { return 0o600 }
func (failingInfo) ModTime() time.Time { return time.Time{} }
func (failingInfo) IsDir() bool        { return false }
func (failingInfo) Sys() any           { return nil }

// TestReadImageFileOSErrors: errors of the file system, not of the file's
// contents, name the file and wrap the operating system's error, as
// ReadImageFile's doc says: fs.ErrPermission, ENOTDIR, a read's EIO.
func TestReadImageFileOSErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(file, encodeJPEG(t, pattern(8, 8, 50)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("parent is a file", func(t *testing.T) {
		p := filepath.Join(file, "x.jpg")
		_, _, err := ReadImageFile(p)
		if !errors.Is(err, syscall.ENOTDIR) || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v: want ENOTDIR naming %s", err, p)
		}
	})
	t.Run("permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads any file")
		}
		if err := os.Chmod(file, 0); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadImageFile(file)
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), file) {
			t.Errorf("error %v: want fs.ErrPermission naming %s", err, file)
		}
	})
	t.Run("read error", func(t *testing.T) {
		_, err := readImageFile(failingFS{syscall.EIO}, "scan.jpg", "scan.jpg")
		if !errors.Is(err, syscall.EIO) || err.Error() != "read image scan.jpg: input/output error" {
			t.Errorf("error %v: want EIO, the file named once", err)
		}
	})
}

// TestReadImageBytes: the file checks of ReadImageFile without decoding.
func TestReadImageBytes(t *testing.T) {
	dir := t.TempDir()
	jpg := encodeJPEG(t, pattern(8, 8, 50))
	photo := filepath.Join(dir, "photo.jpg")
	text := filepath.Join(dir, "notes.jpg")
	big := filepath.Join(dir, "big.jpg")
	for p, data := range map[string][]byte{photo: jpg, text: []byte("not decoded\n"), big: nil} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(big, MaxImageBytes+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    []byte
		wantErr error
		says    string
	}{
		{name: "jpeg", path: photo, want: jpg},
		{name: "text, not decoded", path: text, want: []byte("not decoded\n")},
		{name: "too large", path: big, wantErr: ErrImageTooLarge, says: "bytes"},
		{name: "missing", path: filepath.Join(dir, "nope.jpg"), wantErr: fs.ErrNotExist, says: "no such file"},
		{name: "directory", path: dir, says: "is a directory"},
		{name: "device", path: os.DevNull, says: "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadImageBytes(tc.path)
			if tc.want != nil {
				if err != nil || !bytes.Equal(got, tc.want) {
					t.Fatalf("ReadImageBytes = %d bytes, %v; want the file's %d bytes", len(got), err, len(tc.want))
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadImageBytes accepted %s", tc.name)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %q does not wrap %q", err, tc.wantErr)
			}
			if msg := err.Error(); strings.Count(msg, tc.path) != 1 || !strings.Contains(msg, tc.says) {
				t.Errorf("error %q: want %s named once and %q", msg, tc.path, tc.says)
			}
		})
	}
}
