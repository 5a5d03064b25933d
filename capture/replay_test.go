package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kycterm/kycterm/capture/recording"
)

// fakeClock advances only when a replay waits on it, so RealTime replays
// run instantly and deterministically.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func pattern(w, h int, shade uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), shade, 255})
		}
	}
	return img
}

func flat(w, h int, level uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = level
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeRecording writes a recording of n frames 40 ms apart; frame i shows
// shade i*20, challenge i/2, label "c<i/2>".
func writeRecording(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rec")
	w, err := recording.Create(dir, recording.Camera{Format: "MJPG", Width: 16, Height: 12})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		info := recording.FrameInfo{T: time.Duration(i) * 40 * time.Millisecond, ChallengeIndex: i / 2, Label: "c" + string(rune('0'+i/2))}
		if err := w.AddImage(pattern(16, 12, uint8(i*20)), info); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func drain(t *testing.T, src Source) []Frame {
	t.Helper()
	ctx := context.Background()
	var out []Frame
	for {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d frames: %v", len(out), err)
		}
		out = append(out, f)
		if len(out) > 1000 {
			t.Fatal("source does not end")
		}
	}
}

func TestOpenDirRecordingFast(t *testing.T) {
	dir := writeRecording(t, 5)
	clk := newFakeClock()
	src, err := OpenDir(dir, ReplayOptions{Pace: AsFastAsPossible, Clock: clk})
	if err != nil {
		t.Fatalf("OpenDir: %v", err)
	}
	defer src.Close()
	if _, err := src.Next(context.Background()); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("Next before Start = %v, want ErrNotStarted", err)
	}
	if _, ok := src.Latest(); ok {
		t.Fatal("Latest before any frame reported a frame")
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	frames := drain(t, src)
	if len(frames) != 5 {
		t.Fatalf("%d frames, want 5", len(frames))
	}
	start := clk.Now()
	for i, f := range frames {
		if f.Seq != uint64(i) || f.ChallengeIndex != i/2 || f.Label != "c"+string(rune('0'+i/2)) {
			t.Errorf("frame %d: seq %d challenge %d label %q", i, f.Seq, f.ChallengeIndex, f.Label)
		}
		if got, want := f.Wall.Sub(start), time.Duration(i)*40*time.Millisecond; got != want {
			t.Errorf("frame %d at %v, want %v", i, got, want)
		}
		if f.Image.Bounds().Dx() != 16 {
			t.Errorf("frame %d size %v", i, f.Image.Bounds())
		}
		// The blue channel carries the shade; JPEG keeps it within a few levels.
		_, _, b, _ := f.Image.At(8, 6).RGBA()
		if d := int(b>>8) - i*20; d < -12 || d > 12 {
			t.Errorf("frame %d blue %d, want about %d", i, b>>8, i*20)
		}
	}
	if f, ok := src.Latest(); !ok || f.Seq != 4 {
		t.Errorf("Latest = %d, %v; want frame 4", f.Seq, ok)
	}
	if st := src.(StatsReporter).Stats(); st.Delivered != 5 || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestReplayLoop(t *testing.T) {
	dir := writeRecording(t, 3)
	clk := newFakeClock()
	src, err := OpenDir(dir, ReplayOptions{Pace: AsFastAsPossible, Loop: true, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var prev time.Time
	for i := range 7 {
		f, err := src.Next(context.Background())
		if err != nil {
			t.Fatalf("Next %d: %v", i, err)
		}
		if f.Seq != uint64(i) || f.ChallengeIndex != (i%3)/2 {
			t.Errorf("frame %d: seq %d challenge %d", i, f.Seq, f.ChallengeIndex)
		}
		if i > 0 && !f.Mono.After(prev) {
			t.Errorf("frame %d time %v not after %v", i, f.Mono, prev)
		}
		prev = f.Mono
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close = %v, want ErrClosed", err)
	}
}

func TestReplayRealTime(t *testing.T) {
	dir := writeRecording(t, 6)
	clk := newFakeClock()
	start := clk.Now()
	src, err := OpenDir(dir, ReplayOptions{Clock: clk, RingSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	frames := drain(t, src)
	if len(frames) == 0 {
		t.Fatal("no frames")
	}
	for i := 1; i < len(frames); i++ {
		if frames[i].Seq <= frames[i-1].Seq {
			t.Errorf("frames out of order: %d after %d", frames[i].Seq, frames[i-1].Seq)
		}
	}
	last := frames[len(frames)-1]
	if last.Seq != 5 {
		t.Errorf("last frame %d, want 5 (the newest is never dropped)", last.Seq)
	}
	// The fake clock moved exactly to the last frame's time.
	if got := clk.Now().Sub(start); got != 200*time.Millisecond {
		t.Errorf("clock advanced %v, want 200ms", got)
	}
	st := src.(StatsReporter).Stats()
	if st.Produced != 6 || st.Delivered+st.Dropped != 6 || st.Delivered != uint64(len(frames)) {
		t.Errorf("stats %+v with %d frames delivered", st, len(frames))
	}
}

func TestReplayRealTimeClose(t *testing.T) {
	dir := writeRecording(t, 3)
	src, err := OpenDir(dir, ReplayOptions{Loop: true, Clock: SystemClock{}, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Close must stop the producer even while it waits for a frame's time.
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close = %v", err)
	}
}

func TestOpenDirPlainFolder(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"1-0.png":    encodePNG(t, flat(8, 8, 160)),
		"0-10.jpg":   encodeJPEG(t, flat(8, 8, 100)),
		"0-2.jpeg":   encodeJPEG(t, flat(8, 8, 40)),
		"10-1.png":   encodePNG(t, flat(8, 8, 220)),
		"notes.txt":  []byte("ignored"),
		".hidden.jp": nil,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src, err := OpenDir(dir, ReplayOptions{Pace: AsFastAsPossible, Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenDir: %v", err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	frames := drain(t, src)
	wantCI := []int{0, 0, 1, 10}
	wantShade := []int{40, 100, 160, 220}
	if len(frames) != len(wantCI) {
		t.Fatalf("%d frames, want %d", len(frames), len(wantCI))
	}
	for i, f := range frames {
		_, _, b, _ := f.Image.At(4, 4).RGBA()
		if f.ChallengeIndex != wantCI[i] || abs(int(b>>8)-wantShade[i]) > 10 {
			t.Errorf("frame %d: challenge %d shade %d, want %d %d", i, f.ChallengeIndex, b>>8, wantCI[i], wantShade[i])
		}
		if got := f.Wall.Sub(frames[0].Wall); got != time.Duration(i)*50*time.Millisecond {
			t.Errorf("frame %d at %v", i, got)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestOpenDirErrors(t *testing.T) {
	good := encodeJPEG(t, pattern(8, 8, 0))
	manifest := func(files ...string) []byte {
		var b strings.Builder
		b.WriteString(`{"format":"kycterm-recording","version":1,"camera":{},"frames":[`)
		for i, f := range files {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"file":"` + f + `","t":` + string(rune('0'+i)) + `}`)
		}
		b.WriteString("]}")
		return []byte(b.String())
	}
	tests := []struct {
		name  string
		files map[string][]byte
		want  string // in the error of OpenDir, or of Next when wantNext
		next  bool
	}{
		{"empty folder", map[string][]byte{}, "no frames named", false},
		{"bad frame name", map[string][]byte{"a-b.jpg": good}, "a-b.jpg", false},
		{"frame name without dash", map[string][]byte{"12.jpg": good}, "12.jpg", false},
		{"bad manifest", map[string][]byte{"manifest.json": []byte("{")}, "manifest.json", false},
		{"missing frame", map[string][]byte{"manifest.json": manifest("a.jpg", "b.jpg"), "a.jpg": good}, "b.jpg is missing", false},
		{"corrupt frame", map[string][]byte{"manifest.json": manifest("a.jpg", "b.jpg"), "a.jpg": good, "b.jpg": good[:len(good)/2]}, "b.jpg", true},
		{"not an image", map[string][]byte{"manifest.json": manifest("a.jpg"), "a.jpg": []byte("GIF89a....")}, "a.jpg", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			src, err := OpenDir(dir, ReplayOptions{Pace: AsFastAsPossible})
			if !tc.next {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("OpenDir = %v, want error naming %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenDir: %v", err)
			}
			defer src.Close()
			if err := src.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err = src.Next(context.Background()); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !(errors.Is(err, ErrCorruptFrame) || errors.Is(err, ErrUnsupportedImage)) {
				t.Fatalf("Next = %v, want a decode error naming %q", err, tc.want)
			}
		})
	}
	if _, err := OpenDir(filepath.Join(t.TempDir(), "nope"), ReplayOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenDir of a missing folder = %v", err)
	}
}

func TestOpenRecordingFS(t *testing.T) {
	fsys := fstest.MapFS{
		"demo/manifest.json": {Data: []byte(`{"format":"kycterm-recording","version":1,"camera":{"card":"x"},"frames":[
			{"file":"0.jpg","t":0,"challengeIndex":0,"label":"blink"},{"file":"1.png","t":0.5}]}`)},
		"demo/0.jpg": {Data: encodeJPEG(t, pattern(10, 10, 0))},
		"demo/1.png": {Data: encodePNG(t, pattern(10, 10, 0))},
	}
	src, err := OpenRecordingFS(fsys, "demo", ReplayOptions{Pace: AsFastAsPossible})
	if err != nil {
		t.Fatalf("OpenRecordingFS: %v", err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	frames := drain(t, src)
	if len(frames) != 2 || frames[0].Label != "blink" || frames[0].ChallengeIndex != 0 || frames[1].ChallengeIndex != -1 {
		t.Fatalf("frames %+v", frames)
	}
	if _, err := OpenRecordingFS(fsys, "../demo", ReplayOptions{}); err == nil {
		t.Error("OpenRecordingFS accepted an invalid path")
	}
	if _, err := OpenRecordingFS(fsys, "other", ReplayOptions{}); err == nil {
		t.Error("OpenRecordingFS accepted a missing folder")
	}
}

// hugePNG returns a PNG header claiming w×h pixels, with valid CRCs.
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestOpenImage(t *testing.T) {
	dir := t.TempDir()
	good := encodeJPEG(t, pattern(20, 10, 50))
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		path    string
		wantErr error
	}{
		{"jpeg", write("ok.jpg", good), nil},
		{"png", write("ok.png", encodePNG(t, pattern(20, 10, 50))), nil},
		{"text file", write("doc.txt", []byte("hello, this is no image")), ErrUnsupportedImage},
		{"gif", write("x.gif", []byte("GIF89a\x01\x00\x01\x00")), ErrUnsupportedImage},
		{"empty", write("empty.jpg", nil), ErrUnsupportedImage},
		{"truncated jpeg", write("cut.jpg", good[:len(good)-200]), ErrCorruptFrame},
		{"truncated png", write("cut.png", encodePNG(t, pattern(20, 10, 50))[:60]), ErrCorruptFrame},
		{"too many pixels", write("huge.png", hugePNG(20000, 20000)), ErrImageTooLarge},
		{"missing", filepath.Join(dir, "nope.jpg"), os.ErrNotExist},
		{"folder", dir, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := OpenImage(tc.path)
			if tc.name == "folder" {
				if err == nil {
					t.Fatal("OpenImage accepted a folder")
				}
				return
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("OpenImage = %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.path) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenImage: %v", err)
			}
			defer src.Close()
			if err := src.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			frames := drain(t, src)
			if len(frames) != 1 || frames[0].Image.Bounds() != image.Rect(0, 0, 20, 10) || frames[0].ChallengeIndex != -1 {
				t.Fatalf("frames %+v", frames)
			}
		})
	}
}

func TestParseFrameName(t *testing.T) {
	tests := []struct {
		name   string
		ci, n  int
		wantOK bool
	}{
		{"0-0.jpg", 0, 0, true},
		{"3-12.png", 3, 12, true},
		{"07-001.JPEG", 7, 1, true},
		{"-1.jpg", 0, 0, false},
		{"1-.jpg", 0, 0, false},
		{"1-2-3.jpg", 0, 0, false},
		{"a-1.jpg", 0, 0, false},
		{"+1-2.jpg", 0, 0, false},
		{"1-2.gif", 0, 0, false},
		{"1234567890-1.jpg", 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ci, n, err := ParseFrameName(tc.name)
			if (err == nil) != tc.wantOK {
				t.Fatalf("ParseFrameName(%q) error %v, want ok=%v", tc.name, err, tc.wantOK)
			}
			if tc.wantOK && (ci != tc.ci || n != tc.n) {
				t.Errorf("got %d, %d", ci, n)
			}
			if !tc.wantOK && !errors.Is(err, ErrBadFrameName) {
				t.Errorf("error %v does not wrap ErrBadFrameName", err)
			}
		})
	}
}

func FuzzDecodeImage(f *testing.F) {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, pattern(8, 8, 1), nil)
	f.Add(b.Bytes())
	b.Reset()
	_ = png.Encode(&b, pattern(8, 8, 1))
	f.Add(b.Bytes())
	f.Add(hugePNG(1<<20, 1<<20))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, _, err := DecodeImage("fuzz", data)
		if err == nil && img == nil {
			t.Fatal("nil image without error")
		}
		if err != nil && !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}
