package v4l2

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blackjack/webcam"
	"golang.org/x/sys/unix"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/mjpeg"
)

// step is one scripted result of a fake stream: a frame, a timeout, or an
// error from the wait or the dequeue.
type step struct {
	frame   []byte
	timeout bool
	waitErr error
	getErr  error
}

type fakeStream struct {
	mu       sync.Mutex
	steps    []step
	cur      step
	closed   bool
	released int
}

func (s *fakeStream) WaitForFrame(uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.steps) == 0 {
		s.mu.Unlock()
		time.Sleep(time.Millisecond) // idle: an endless run of timeouts, slowly
		s.mu.Lock()
		return &webcam.Timeout{}
	}
	s.cur, s.steps = s.steps[0], s.steps[1:]
	if s.cur.timeout {
		return &webcam.Timeout{}
	}
	return s.cur.waitErr
}

func (s *fakeStream) GetFrame() ([]byte, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.getErr != nil {
		return nil, 0, s.cur.getErr
	}
	return s.cur.frame, 0, nil
}

func (s *fakeStream) ReleaseFrame(uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released++
	return nil
}

func (s *fakeStream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// fakeOpener hands out the scripted streams in order and fails after them.
type fakeOpener struct {
	mu      sync.Mutex
	streams []*fakeStream
	info    Info
	opened  int
}

func (o *fakeOpener) open(Config) (stream, Info, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.opened >= len(o.streams) {
		return nil, Info{}, capture.ErrNoDevice
	}
	s := o.streams[o.opened]
	o.opened++
	return s, o.info, nil
}

func jpegFrame(t testing.TB, w, h int, level uint8, strip bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = level, level, level, 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if !strip {
		return b.Bytes()
	}
	s, err := mjpeg.StripDHT(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nextFrame(t *testing.T, cam *Camera) (capture.Frame, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cam.Next(ctx)
}

func TestCameraMJPEGEvents(t *testing.T) {
	good := jpegFrame(t, 32, 16, 200, true)
	first := &fakeStream{steps: []step{
		{frame: good},
		{frame: []byte{0xFF, 0xD8, 0xFF, 0xDB, 0x00}}, // corrupt: skipped
		{timeout: true}, {timeout: true}, {timeout: true}, // → stopped
		{frame: jpegFrame(t, 32, 16, 100, false)},
		{waitErr: unix.ENODEV}, // unplugged
	}}
	second := &fakeStream{steps: []step{{frame: jpegFrame(t, 32, 16, 50, true)}}}
	op := &fakeOpener{streams: []*fakeStream{first, second}, info: Info{Device: "/dev/video7", FourCC: FourCCMJPG, Size: Size{32, 16}}}
	cam, err := openWith(Config{Device: "/dev/video7", StopAfter: 3, ReopenInterval: time.Millisecond, RingSize: 8}, op.open)
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	if _, err := nextFrame(t, cam); !errors.Is(err, capture.ErrNotStarted) {
		t.Fatalf("Next before Start = %v", err)
	}
	if err := cam.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		level uint8
		event error
	}{{level: 200}, {event: capture.ErrStopped}, {level: 100}, {event: capture.ErrDisconnected}, {level: 50}}
	for i, w := range want {
		f, err := nextFrame(t, cam)
		if w.event != nil {
			if !errors.Is(err, w.event) || !capture.IsTransient(err) {
				t.Fatalf("item %d = %v, want event %v", i, err, w.event)
			}
			continue
		}
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		r, _, _, _ := f.Image.At(5, 5).RGBA()
		if d := int(r>>8) - int(w.level); d < -3 || d > 3 || f.Format != FourCCMJPG || f.Raw == nil {
			t.Errorf("item %d: level %d format %q, want %d MJPG", i, r>>8, f.Format, w.level)
		}
	}
	st := cam.Stats()
	if st.Corrupt != 1 || st.Missed < 3 || st.Reopens != 1 || st.Delivered != 3 {
		t.Errorf("stats %+v", st)
	}
	if f, ok := cam.Latest(); !ok || f.Image == nil {
		t.Error("Latest has no decoded frame")
	}
	if err := cam.Close(); err != nil {
		t.Fatal(err)
	}
	if !first.closed || !second.closed {
		t.Error("streams not closed")
	}
	if _, err := cam.Next(context.Background()); !errors.Is(err, capture.ErrClosed) {
		t.Errorf("Next after Close = %v", err)
	}
}

func yuyv(w, h int, y, cb, cr byte) []byte {
	buf := make([]byte, 2*w*h)
	for i := 0; i < len(buf); i += 4 {
		buf[i], buf[i+1], buf[i+2], buf[i+3] = y, cb, y, cr
	}
	return buf
}

func TestCameraRawFormats(t *testing.T) {
	tests := []struct {
		name   string
		fourcc string
		gray   bool
		frame  []byte
		check  func(t *testing.T, img image.Image)
	}{
		{"yuyv colour", FourCCYUYV, false, yuyv(8, 4, 120, 90, 160), func(t *testing.T, img image.Image) {
			c := img.(*image.YCbCr).YCbCrAt(3, 2)
			if c != (color.YCbCr{Y: 120, Cb: 90, Cr: 160}) {
				t.Errorf("pixel %v", c)
			}
		}},
		{"yuyv grey fast path", FourCCYUYV, true, yuyv(8, 4, 77, 90, 160), func(t *testing.T, img image.Image) {
			if g := img.(*image.Gray).GrayAt(7, 3).Y; g != 77 {
				t.Errorf("grey %d", g)
			}
		}},
		{"grey", FourCCGREY, false, bytes.Repeat([]byte{33}, 32), func(t *testing.T, img image.Image) {
			if g := img.(*image.Gray).GrayAt(1, 1).Y; g != 33 {
				t.Errorf("grey %d", g)
			}
		}},
		{"nv12 to luma", FourCCNV12, true, append(bytes.Repeat([]byte{44}, 32), bytes.Repeat([]byte{128}, 16)...), func(t *testing.T, img image.Image) {
			if g := img.(*image.Gray).GrayAt(2, 2).Y; g != 44 {
				t.Errorf("grey %d", g)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			short := tc.frame[:len(tc.frame)/3]
			s := &fakeStream{steps: []step{{frame: short}, {frame: tc.frame}}}
			op := &fakeOpener{streams: []*fakeStream{s}, info: Info{FourCC: tc.fourcc, Size: Size{8, 4}}}
			cam, err := openWith(Config{Gray: tc.gray}, op.open)
			if err != nil {
				t.Fatal(err)
			}
			defer cam.Close()
			if err := cam.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			f, err := nextFrame(t, cam)
			if err != nil {
				t.Fatal(err)
			}
			if f.Image.Bounds() != image.Rect(0, 0, 8, 4) {
				t.Fatalf("bounds %v", f.Image.Bounds())
			}
			tc.check(t, f.Image)
			if st := cam.Stats(); st.Corrupt != 1 {
				t.Errorf("short frame not counted as corrupt: %+v", st)
			}
			// The frame must not alias the driver's buffer.
			for i := range tc.frame {
				tc.frame[i] = 0
			}
			tc.check(t, f.Image)
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
		text string
	}{
		{"missing", unix.ENOENT, capture.ErrNoDevice, "kycterm devices"},
		{"permission", unix.EACCES, capture.ErrPermission, "video group"},
		{"busy errno", unix.EBUSY, capture.ErrDeviceBusy, "another program"},
		{"busy text", errors.New("Failed to map request buffers: device or resource busy"), capture.ErrDeviceBusy, "/dev/video3"},
		{"not capture", errors.New("Not a video capture device"), capture.ErrNoDevice, "not a video capture device"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := classify("/dev/video3", tc.err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("classify = %v, want %v", err, tc.want)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(tc.text)) || !bytes.Contains([]byte(err.Error()), []byte("/dev/video3")) {
				t.Errorf("message %q lacks %q or the device", err, tc.text)
			}
		})
	}
}

func TestOpenMissingDevice(t *testing.T) {
	_, err := Open(Config{Device: "/dev/video-kycterm-none"})
	if !errors.Is(err, capture.ErrNoDevice) {
		t.Fatalf("Open = %v, want ErrNoDevice", err)
	}
	devs, err := listGlob(t.TempDir() + "/video*")
	if err != nil || len(devs) != 0 {
		t.Fatalf("listGlob of an empty folder = %v, %v", devs, err)
	}
}

func TestOpenFirstCameraNone(t *testing.T) {
	if devs, _ := List(); len(devs) > 0 {
		t.Skip("this machine has cameras")
	}
	_, err := Open(Config{})
	if !errors.Is(err, capture.ErrNoDevice) || !strings.Contains(err.Error(), "no cameras found") {
		t.Fatalf("Open with no device and no cameras = %v", err)
	}
}

// loopStream delivers the same frame forever, as fast as it is asked.
type loopStream struct{ frame []byte }

func (s loopStream) WaitForFrame(uint32) error         { return nil }
func (s loopStream) GetFrame() ([]byte, uint32, error) { return s.frame, 0, nil }
func (s loopStream) ReleaseFrame(uint32) error         { return nil }
func (s loopStream) Close() error                      { return nil }

// BenchmarkCameraNext measures the pipeline per delivered frame: copy out of
// the (fake) driver buffer, ring, and decode or conversion.
func BenchmarkCameraNext(b *testing.B) {
	for _, tc := range []struct {
		name   string
		fourcc string
		frame  func() []byte
	}{
		{"MJPEG-640x480-no-DHT", FourCCMJPG, func() []byte { return jpegFrame(b, 640, 480, 128, true) }},
		{"YUYV-640x480", FourCCYUYV, func() []byte { return yuyv(640, 480, 100, 128, 128) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			frame := tc.frame()
			open := func(Config) (stream, Info, error) {
				return loopStream{frame}, Info{FourCC: tc.fourcc, Size: Size{640, 480}}, nil
			}
			cam, err := openWith(Config{}, open)
			if err != nil {
				b.Fatal(err)
			}
			defer cam.Close()
			if err := cam.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if _, err := cam.Next(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
