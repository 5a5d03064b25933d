package v4l2

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blackjack/webcam"
	"golang.org/x/sys/unix"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/mjpeg"
	"github.com/kycterm/kycterm/capture/yuv"
)

// Config says which camera to open and how.
type Config struct {
	// Device is the device node; "" means the first camera List finds.
	Device string
	// Format forces a pixel format (see ParseFormat); "" chooses.
	Format string
	// Size forces a frame size; zero tries 1280×720, then 640×480.
	Size Size
	// Buffers is the number of driver buffers; 0 means 4.
	Buffers int
	// FrameTimeout is how long a wait for a frame may take before the frame
	// counts as missed; 0 means 1 s. It is rounded up to whole seconds.
	FrameTimeout time.Duration
	// StopAfter is the number of missed frames in a row that make the
	// event capture.ErrStopped; 0 means 3.
	StopAfter int
	// ReopenInterval is how often a disconnected camera is looked for;
	// 0 means 1 s.
	ReopenInterval time.Duration
	// RingSize is the number of frames kept for a slow consumer; 0 means 4.
	RingSize int
	// Gray delivers luma-only frames (*image.Gray), the fast path for
	// analysis that needs no colour.
	Gray bool
}

func (c Config) withDefaults() Config {
	if c.Buffers <= 0 {
		c.Buffers = 4
	}
	if c.FrameTimeout <= 0 {
		c.FrameTimeout = time.Second
	}
	if c.StopAfter <= 0 {
		c.StopAfter = 3
	}
	if c.ReopenInterval <= 0 {
		c.ReopenInterval = time.Second
	}
	if c.RingSize <= 0 {
		c.RingSize = 4
	}
	return c
}

// Info describes an open camera and the format in force.
type Info struct {
	Device string
	Card   string
	Bus    string
	// FourCC and Size are what the driver applied, which may differ from
	// what was asked; Stride is its bytes per line (0 for MJPEG).
	FourCC string
	Size   Size
	Stride int
	// Offered lists every format the device offers.
	Offered []Format
}

// stream is the part of *webcam.Webcam the capture loop uses; tests fake it.
type stream interface {
	WaitForFrame(timeoutSeconds uint32) error
	GetFrame() ([]byte, uint32, error)
	ReleaseFrame(index uint32) error
	Close() error
}

type openFunc func(Config) (stream, Info, error)

// Camera is a V4L2 camera as a capture.Source. It also implements
// capture.StatsReporter.
type Camera struct {
	cfg  Config
	open openFunc
	ring *capture.Ring

	mu      sync.Mutex // guards info, st, started, closed, cancel
	info    Info
	st      stream
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{}

	decMu    sync.Mutex // guards dec, lastGood
	dec      mjpeg.Decoder
	lastGood capture.Frame
	hasGood  bool

	seq     uint64
	corrupt atomic.Uint64
	skipped atomic.Uint64 // corrupt frames the ring delivered to Next
	missed  atomic.Uint64
	reopens atomic.Uint64
}

// Open opens the camera, chooses and sets its format and starts streaming
// into a few driver buffers. Errors wrap capture.ErrNoDevice,
// capture.ErrPermission, capture.ErrDeviceBusy or
// capture.ErrUnsupportedFormat with a message saying what to do.
func Open(cfg Config) (*Camera, error) {
	return openWith(cfg, openWebcam)
}

func openWith(cfg Config, open openFunc) (*Camera, error) {
	cfg = cfg.withDefaults()
	st, info, err := open(cfg)
	if err != nil {
		return nil, err
	}
	if info.Device != "" {
		cfg.Device = info.Device // reopen the same device after an unplug
	}
	return &Camera{cfg: cfg, open: open, ring: capture.NewRing(cfg.RingSize), info: info, st: st}, nil
}

func openWebcam(cfg Config) (stream, Info, error) {
	if cfg.Device == "" {
		dev, err := firstCamera()
		if err != nil {
			return nil, Info{}, err
		}
		cfg.Device = dev
	}
	cc, err := ParseFormat(cfg.Format)
	if err != nil {
		return nil, Info{}, fmt.Errorf("open camera %s: %w", cfg.Device, err)
	}
	cam, err := webcam.Open(cfg.Device)
	if err != nil {
		return nil, Info{}, classify(cfg.Device, err)
	}
	ok := false
	defer func() {
		if !ok {
			cam.Close()
		}
	}()
	d := describe(cfg.Device, cam)
	choice, err := Choose(d.Formats, Request{FourCC: cc, Size: cfg.Size})
	if err != nil {
		return nil, Info{}, fmt.Errorf("open camera %s (%s): %w", cfg.Device, d.Card, err)
	}
	if _, _, _, err := cam.SetImageFormat(webcam.PixelFormat(Code(choice.FourCC)), uint32(choice.Size.Width), uint32(choice.Size.Height)); err != nil {
		return nil, Info{}, classify(cfg.Device, fmt.Errorf("set format %s %v: %w", choice.FourCC, choice.Size, err))
	}
	info := Info{Device: cfg.Device, Card: d.Card, Bus: d.Bus, FourCC: choice.FourCC, Size: choice.Size, Offered: d.Formats}
	if fcc, size, stride, err := applied(cfg.Device); err == nil {
		info.FourCC, info.Size, info.Stride = fcc, size, stride
	}
	if !Supported(info.FourCC) {
		return nil, Info{}, fmt.Errorf("open camera %s: %w: asked for %s, the driver applied %s", cfg.Device, capture.ErrUnsupportedFormat, choice.FourCC, info.FourCC)
	}
	if err := cam.SetBufferCount(uint32(cfg.Buffers)); err != nil {
		return nil, Info{}, fmt.Errorf("open camera %s: %w", cfg.Device, err)
	}
	if err := cam.StartStreaming(); err != nil {
		return nil, Info{}, classify(cfg.Device, fmt.Errorf("start streaming: %w", err))
	}
	ok = true
	return cam, info, nil
}

// firstCamera returns the first capture device that opens.
func firstCamera() (string, error) {
	devs, err := List()
	if err != nil {
		return "", err
	}
	var reasons []string
	for _, d := range devs {
		if d.Error == "" {
			return d.Path, nil
		}
		reasons = append(reasons, d.Error)
	}
	if len(reasons) > 0 {
		return "", fmt.Errorf("open camera: no camera opens: %s", strings.Join(reasons, "; "))
	}
	return "", fmt.Errorf("open camera: %w: no cameras found (plug one in, or use --recording DIR)", capture.ErrNoDevice)
}

// Info returns the device and the format in force.
func (c *Camera) Info() Info {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info
}

// Start implements capture.Source: it starts the capture loop.
func (c *Camera) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return capture.ErrClosed
	}
	if c.started {
		return errors.New("start camera: already started")
	}
	c.started = true
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	go c.run(ctx)
	return nil
}

func (c *Camera) run(ctx context.Context) {
	defer close(c.done)
	defer c.ring.Close(capture.ErrClosed)
	defer func() {
		c.mu.Lock()
		if c.st != nil {
			c.st.Close()
			c.st = nil
		}
		c.mu.Unlock()
	}()
	waitSec := uint32((c.cfg.FrameTimeout + time.Second - 1) / time.Second)
	inARow := 0
	for ctx.Err() == nil {
		c.mu.Lock()
		st := c.st
		c.mu.Unlock()
		if st == nil {
			if !c.reopen(ctx) {
				return
			}
			inARow = 0
			continue
		}
		err := st.WaitForFrame(waitSec)
		var timeout *webcam.Timeout
		switch {
		case errors.As(err, &timeout):
			c.missed.Add(1)
			inARow++
			if inARow == c.cfg.StopAfter {
				c.ring.Event(fmt.Errorf("camera %s: %w (no frame for %v)", c.cfg.Device, capture.ErrStopped, time.Duration(inARow)*c.cfg.FrameTimeout))
			}
			continue
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			c.disconnect(err)
			continue
		}
		buf, idx, err := st.GetFrame()
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			c.disconnect(err)
			continue
		}
		f, ferr := c.copyFrame(buf)
		if err := st.ReleaseFrame(idx); err != nil {
			c.disconnect(err)
		}
		if ferr != nil {
			c.corrupt.Add(1)
			continue
		}
		inARow = 0
		c.ring.Push(f)
	}
}

// disconnect drops the stream after an error that means the device is gone
// (or unusable) and tells the consumer once.
func (c *Camera) disconnect(cause error) {
	c.mu.Lock()
	if c.st != nil {
		c.st.Close()
		c.st = nil
	}
	c.mu.Unlock()
	_ = cause // errno text adds nothing for the operator
	c.ring.Event(fmt.Errorf("camera %s: %w: waiting for it to come back", c.cfg.Device, capture.ErrDisconnected))
}

// reopen waits for the device to come back and reopens it; false when ctx
// ended first.
func (c *Camera) reopen(ctx context.Context) bool {
	t := time.NewTicker(c.cfg.ReopenInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		st, info, err := c.open(c.cfg)
		if err != nil {
			continue
		}
		c.mu.Lock()
		c.st, c.info = st, info
		c.mu.Unlock()
		c.reopens.Add(1)
		return true
	}
}

// copyFrame copies a frame out of the driver's buffer. MJPEG stays
// compressed (Next decodes it, so frames dropped unread cost no decoding);
// raw formats are converted straight from the buffer into the image, which
// is the one copy they need.
func (c *Camera) copyFrame(buf []byte) (capture.Frame, error) {
	now := time.Now()
	c.mu.Lock()
	info := c.info
	c.mu.Unlock()
	f := capture.Frame{Seq: c.seq, Mono: now, Wall: now.Round(0), Format: info.FourCC, ChallengeIndex: -1}
	if len(buf) == 0 {
		return f, fmt.Errorf("%w: empty buffer", capture.ErrCorruptFrame)
	}
	w, h := info.Size.Width, info.Size.Height
	var err error
	switch info.FourCC {
	case FourCCMJPG, FourCCJPEG:
		f.Raw = bytes.Clone(buf)
	case FourCCYUYV:
		stride := strideOr(info.Stride, 2*w)
		if c.cfg.Gray {
			f.Image, err = yuv.YUYVGray(buf, w, h, stride)
		} else {
			f.Image, err = yuv.YUYVToYCbCr(buf, w, h, stride)
		}
	case FourCCNV12:
		f.Raw = bytes.Clone(buf)
		f.Image, err = yuv.NV12ToYCbCr(f.Raw, w, h, strideOr(info.Stride, w))
	case FourCCYU12:
		f.Raw = bytes.Clone(buf)
		f.Image, err = yuv.I420ToYCbCr(f.Raw, w, h, strideOr(info.Stride, w))
	case FourCCGREY:
		f.Raw = bytes.Clone(buf)
		f.Image, err = yuv.GreyToGray(f.Raw, w, h, strideOr(info.Stride, w))
	default:
		err = fmt.Errorf("%w: %s", capture.ErrUnsupportedFormat, info.FourCC)
	}
	if err != nil {
		return f, fmt.Errorf("%w: %v", capture.ErrCorruptFrame, err)
	}
	if c.cfg.Gray && f.Image != nil {
		f.Image = yuv.Luma(f.Image)
	}
	c.seq++
	return f, nil
}

func strideOr(stride, min int) int {
	if stride >= min {
		return stride
	}
	return min
}

// Next implements capture.Source. Besides frames it returns the transient
// events capture.ErrStopped and capture.ErrDisconnected (see
// capture.IsTransient); call it again after them. Frames that do not decode
// are skipped and counted.
func (c *Camera) Next(ctx context.Context) (capture.Frame, error) {
	c.mu.Lock()
	started, closed := c.started, c.closed
	c.mu.Unlock()
	if closed {
		return capture.Frame{}, capture.ErrClosed
	}
	if !started {
		return capture.Frame{}, capture.ErrNotStarted
	}
	for {
		f, err := c.ring.Next(ctx)
		if err != nil {
			return f, err
		}
		if f, ok := c.decode(f, true); ok {
			return f, nil
		}
	}
}

// decode fills in the image of an MJPEG frame; false for a corrupt frame,
// which is counted when count is set.
func (c *Camera) decode(f capture.Frame, count bool) (capture.Frame, bool) {
	c.decMu.Lock()
	defer c.decMu.Unlock()
	if f.Image == nil {
		if c.hasGood && c.lastGood.Seq == f.Seq {
			return c.lastGood, true
		}
		img, err := c.dec.Decode(f.Raw)
		if err != nil {
			if count {
				c.corrupt.Add(1)
				c.skipped.Add(1)
			}
			return f, false
		}
		if c.cfg.Gray {
			img = yuv.Luma(img)
		}
		f.Image = img
	}
	if !c.hasGood || f.Seq >= c.lastGood.Seq {
		c.lastGood, c.hasGood = f, true
	}
	return f, true
}

// Latest implements capture.Source: the newest frame captured, decoded;
// when the newest does not decode, the newest that did.
func (c *Camera) Latest() (capture.Frame, bool) {
	f, ok := c.ring.Latest()
	if !ok {
		return f, false
	}
	if f, ok := c.decode(f, false); ok {
		return f, true
	}
	c.decMu.Lock()
	defer c.decMu.Unlock()
	return c.lastGood, c.hasGood
}

// Stats implements capture.StatsReporter.
func (c *Camera) Stats() capture.Stats {
	s := c.ring.Stats()
	s.Delivered -= min(s.Delivered, c.skipped.Load())
	s.Corrupt = c.corrupt.Load()
	s.Missed = c.missed.Load()
	s.Reopens = c.reopens.Load()
	return s
}

// Close implements capture.Source: it stops streaming and releases the
// device. It may take up to FrameTimeout while a frame wait finishes.
func (c *Camera) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ring.Close(capture.ErrClosed)
	if c.st != nil {
		err := c.st.Close()
		c.st = nil
		if err != nil {
			return fmt.Errorf("close camera %s: %w", c.cfg.Device, err)
		}
	}
	return nil
}

var _ capture.Source = (*Camera)(nil)
var _ capture.StatsReporter = (*Camera)(nil)
