package v4l2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/mjpeg"
	"github.com/kycterm/kycterm/capture/vmtest"
)

// The tests below need real V4L2 devices. capture/vmtest/run boots a Debian
// kernel under QEMU with vivid and v4l2loopback and runs this test binary
// there with KYCTERM_VM=1 and the paths below in the environment;
// KYCTERM_LOOPBACK is the prefix of the loopback devices (/dev/video1 for
// /dev/video10, 11 and 12: one per feeder session).

func vmEnv(t *testing.T, key string) string {
	t.Helper()
	if os.Getenv("KYCTERM_VM") != "1" {
		t.Skip("needs /dev/video* from vivid and v4l2loopback: run capture/vmtest/run (QEMU)")
	}
	v := os.Getenv(key)
	if v == "" {
		t.Fatalf("%s is not set", key)
	}
	return v
}

// metric prints a measurement for the run script to collect.
func metric(name string, v float64, unit string) {
	fmt.Printf("vmtest-metric: %s %.1f %s\n", name, v, unit)
}

// startCamera opens cfg's camera, closes it when the test ends, and starts
// streaming.
func startCamera(t *testing.T, cfg Config) *Camera {
	t.Helper()
	cam, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cam.Close() })
	if err := cam.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return cam
}

func readFrames(t *testing.T, cam *Camera, n int, timeout time.Duration) []capture.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []capture.Frame
	for len(out) < n {
		f, err := cam.Next(ctx)
		if capture.IsTransient(err) {
			t.Logf("event: %v", err)
			continue
		}
		if err != nil {
			t.Fatalf("after %d frames: %v", len(out), err)
		}
		out = append(out, f)
	}
	return out
}

func TestVMVividEnumeration(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_VIVID")
	devs, err := List()
	if err != nil {
		t.Fatal(err)
	}
	var d *Device
	for i := range devs {
		t.Logf("%s %q %d formats %s", devs[i].Path, devs[i].Card, len(devs[i].Formats), devs[i].Error)
		if devs[i].Path == dev {
			d = &devs[i]
		}
	}
	if d == nil || d.Card != "vivid" {
		t.Fatalf("vivid at %s not listed: %+v", dev, devs)
	}
	want := map[string]bool{FourCCYUYV: false, FourCCNV12: false, FourCCGREY: false}
	for _, f := range d.Formats {
		if _, ok := want[f.FourCC]; ok {
			want[f.FourCC] = true
			if !f.Supported || len(f.Sizes) == 0 {
				t.Errorf("%s: supported %v, %d sizes", f.FourCC, f.Supported, len(f.Sizes))
			}
		}
	}
	for cc, seen := range want {
		if !seen {
			t.Errorf("vivid does not list %s", cc)
		}
	}
	if d.Formats[0].FourCC != FourCCYUYV {
		t.Errorf("first format %s, want YUYV (vivid has no MJPEG)", d.Formats[0].FourCC)
	}
	t.Logf("YUYV sizes: %v", d.Formats[0].Sizes)

	// With no device configured, Open takes the first camera.
	cam, err := Open(Config{Size: Size{640, 480}})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	if got := cam.Info().Device; got != dev {
		t.Errorf("Open without a device took %s, want %s", got, dev)
	}
}

func TestVMVividFormats(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_VIVID")
	tests := []struct {
		name   string
		cfg    Config
		fourcc string
		size   Size
	}{
		{"auto", Config{}, FourCCYUYV, Size{1280, 720}},
		{"yuyv 640x480", Config{Format: "yuyv", Size: Size{640, 480}}, FourCCYUYV, Size{640, 480}},
		{"yuyv 320x180 grey", Config{Format: "yuyv", Size: Size{320, 180}, Gray: true}, FourCCYUYV, Size{320, 180}},
		{"nv12 640x360", Config{Format: "nv12", Size: Size{640, 360}}, FourCCNV12, Size{640, 360}},
		{"yu12 640x480", Config{Format: "yuv420", Size: Size{640, 480}}, FourCCYU12, Size{640, 480}},
		{"grey 640x480", Config{Format: "grey", Size: Size{640, 480}}, FourCCGREY, Size{640, 480}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Device = dev
			cam := startCamera(t, tc.cfg)
			info := cam.Info()
			if info.FourCC != tc.fourcc || info.Size != tc.size {
				t.Errorf("applied %s %v, want %s %v", info.FourCC, info.Size, tc.fourcc, tc.size)
			}
			start := time.Now()
			frames := readFrames(t, cam, 6, 60*time.Second)
			elapsed := time.Since(start)
			for _, f := range frames {
				if f.Image.Bounds() != image.Rect(0, 0, info.Size.Width, info.Size.Height) {
					t.Fatalf("frame %d is %v, applied size %v", f.Seq, f.Image.Bounds(), info.Size)
				}
				if _, gray := f.Image.(*image.Gray); gray != (tc.cfg.Gray || tc.fourcc == FourCCGREY) {
					t.Errorf("frame type %T", f.Image)
				}
			}
			// vivid's test pattern is not flat: a converted frame that is
			// all one value means the conversion read the wrong bytes.
			if lum := luminanceSpread(frames[len(frames)-1].Image); lum < 40 {
				t.Errorf("frame looks blank (luma spread %d)", lum)
			}
			if tc.name == "yuyv 640x480" {
				metric("vivid-yuyv-640x480-fps", float64(len(frames))/elapsed.Seconds(), "fps")
			}
		})
	}
	t.Run("size the camera lacks", func(t *testing.T) {
		cam, err := Open(Config{Device: dev, Format: "yuyv", Size: Size{1000, 700}})
		if err == nil {
			info := cam.Info()
			cam.Close()
			if info.Size == (Size{1000, 700}) {
				t.Skip("vivid accepts 1000x700 as asked")
			}
			t.Logf("asked 1000x700, driver applied %v", info.Size)
			return
		}
		if !errors.Is(err, capture.ErrUnsupportedFormat) || !strings.Contains(err.Error(), "offers YUYV") || !strings.Contains(err.Error(), "640x480") {
			t.Fatalf("Open = %v, want ErrUnsupportedFormat listing the offered formats", err)
		}
		t.Logf("error: %v", err)
	})
}

func luminanceSpread(img image.Image) int {
	g := image.NewGray(img.Bounds())
	lo, hi := 255, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			g.Set(x, y, img.At(x, y))
			v := int(g.GrayAt(x, y).Y)
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return hi - lo
}

func TestVMVividBusy(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_VIVID")
	first := startCamera(t, Config{Device: dev, Format: "yuyv", Size: Size{640, 480}})
	readFrames(t, first, 1, 30*time.Second)
	second, err := Open(Config{Device: dev, Format: "yuyv", Size: Size{640, 480}})
	if err == nil {
		second.Close()
		t.Fatal("a second opener of a streaming camera succeeded")
	}
	if !errors.Is(err, capture.ErrDeviceBusy) || !strings.Contains(err.Error(), dev) {
		t.Fatalf("second Open = %v, want ErrDeviceBusy naming %s", err, dev)
	}
	t.Logf("error: %v", err)
}

// TestVMVividUnplug disconnects vivid (its "Disconnect" control simulates a
// USB unplug), then reloads the driver, which brings /dev/video0 back.
func TestVMVividUnplug(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_VIVID")
	cam := startCamera(t, Config{Device: dev, Format: "yuyv", Size: Size{320, 180}, ReopenInterval: 200 * time.Millisecond})
	readFrames(t, cam, 2, 30*time.Second)

	if err := vmtest.PressControl(dev, "Disconnect", 1); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		_, err := cam.Next(ctx)
		if errors.Is(err, capture.ErrDisconnected) {
			t.Logf("event: %v", err)
			break
		}
		if err != nil && !capture.IsTransient(err) {
			t.Fatalf("waiting for the disconnect event: %v", err)
		}
	}
	// The device comes back: reload the driver (the source closed its
	// handle, so the module is free).
	var (
		out []byte
		err error
	)
	for i := 0; ; i++ {
		out, err = exec.Command("rmmod", "vivid").CombinedOutput()
		if err == nil {
			break
		}
		if i == 20 {
			t.Fatalf("rmmod vivid: %v %s", err, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if out, err := exec.Command("modprobe", "vivid", "n_devs=1", "node_types=0x1").CombinedOutput(); err != nil {
		t.Fatalf("modprobe vivid: %v %s", err, out)
	}
	frames := readFrames(t, cam, 2, 60*time.Second)
	if st := cam.Stats(); st.Reopens != 1 {
		t.Errorf("reopens %d, want 1", st.Reopens)
	}
	if frames[1].Image.Bounds().Dx() != 320 {
		t.Errorf("frame after reopen is %v", frames[1].Image.Bounds())
	}
}

// startFeeder runs the feeder on the loopback device and waits until the
// device offers MJPEG capture.
func startFeeder(t *testing.T, dev string) *exec.Cmd {
	t.Helper()
	feeder := vmEnv(t, "KYCTERM_FEEDER")
	cmd := exec.Command(feeder, "-device", dev, "-jpeg", vmEnv(t, "KYCTERM_FRAME"), "-fps", "30")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := Probe(dev)
		if err == nil && len(d.Formats) > 0 && d.Formats[0].FourCC == FourCCMJPG {
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatalf("loopback never offered MJPEG capture: %+v %v", d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestVMLoopbackMJPEG(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_LOOPBACK") + "0"
	ref, err := vmtest.LoadPNG(vmEnv(t, "KYCTERM_REF"))
	if err != nil {
		t.Fatal(err)
	}
	startFeeder(t, dev)
	cam := startCamera(t, Config{Device: dev})
	if info := cam.Info(); info.FourCC != FourCCMJPG || info.Size != (Size{640, 480}) {
		t.Fatalf("applied %s %v, want MJPG 640x480", info.FourCC, info.Size)
	}
	readFrames(t, cam, 2, 30*time.Second) // warm up
	before := cam.Stats()
	start := time.Now()
	frames := readFrames(t, cam, 20, 60*time.Second)
	elapsed := time.Since(start)
	after := cam.Stats()
	withDHT, without := 0, 0
	for _, f := range frames {
		has, err := mjpeg.HasDHT(f.Raw)
		if err != nil {
			t.Fatalf("frame %d: %v", f.Seq, err)
		}
		if has {
			withDHT++
		} else {
			without++
		}
		d, err := vmtest.MeanAbsDiff(f.Image, ref, 3)
		if err != nil {
			t.Fatalf("frame %d: %v", f.Seq, err)
		}
		if d > 4 {
			t.Errorf("frame %d (DHT %v) differs from the fed picture by %.2f per channel", f.Seq, has, d)
		}
	}
	if withDHT == 0 || without == 0 {
		t.Errorf("frames with DHT %d, without %d: want both kinds", withDHT, without)
	}
	st := cam.Stats()
	t.Logf("%d frames in %v (with DHT %d, without %d), stats %+v", len(frames), elapsed, withDHT, without, st)
	if st.Corrupt != 0 {
		t.Errorf("%d corrupt frames", st.Corrupt)
	}
	metric("loopback-mjpeg-640x480-captured-fps", float64(after.Produced-before.Produced)/elapsed.Seconds(), "fps")
	metric("loopback-mjpeg-640x480-decoded-fps", float64(len(frames))/elapsed.Seconds(), "fps")
}

func TestVMLoopbackStopped(t *testing.T) {
	dev := vmEnv(t, "KYCTERM_LOOPBACK") + "1"
	feeder := startFeeder(t, dev)
	cam := startCamera(t, Config{Device: dev, FrameTimeout: time.Second, StopAfter: 2})
	readFrames(t, cam, 3, 30*time.Second)
	// The feeder freezes: no more frames, the device stays.
	if err := feeder.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stopped := time.Now()
	for {
		_, err := cam.Next(ctx)
		if errors.Is(err, capture.ErrStopped) {
			t.Logf("event after %v: %v", time.Since(stopped).Round(time.Millisecond), err)
			break
		}
		if err != nil && !capture.IsTransient(err) {
			t.Fatalf("waiting for the stopped event: %v", err)
		}
	}
	if st := cam.Stats(); st.Missed < 2 {
		t.Errorf("missed %d, want ≥ 2", st.Missed)
	}
	// The feeder resumes: frames come back on the same source.
	if err := feeder.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	readFrames(t, cam, 3, 30*time.Second)
	// The feeder exits: the source reports it one way or the other and
	// stays usable (Close works).
	_ = feeder.Process.Kill()
	_ = feeder.Wait()
	for {
		_, err := cam.Next(ctx)
		if capture.IsTransient(err) {
			t.Logf("after the feeder exited: %v", err)
			break
		}
		if err != nil {
			t.Fatalf("after the feeder exited: %v", err)
		}
	}
}

func TestVMCLI(t *testing.T) {
	bin := vmEnv(t, "KYCTERM_BIN")
	vivid := vmEnv(t, "KYCTERM_VIVID")
	t.Run("devices json", func(t *testing.T) {
		out, err := exec.Command(bin, "devices", "--json").Output()
		if err != nil {
			t.Fatalf("kycterm devices --json: %v", err)
		}
		var got struct {
			Devices []Device `json:"devices"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		found := false
		for _, d := range got.Devices {
			if d.Path == vivid && d.Card == "vivid" && len(d.Formats) > 10 {
				found = true
			}
		}
		if !found {
			t.Fatalf("vivid missing from %s", out)
		}
		table, err := exec.Command(bin, "devices").Output()
		if err != nil || !strings.Contains(string(table), "  YUYV  ") {
			t.Fatalf("kycterm devices: %v\n%s", err, table)
		}
		lines := strings.Split(string(table), "\n")
		t.Logf("kycterm devices (first lines):\n%s", strings.Join(lines[:min(8, len(lines))], "\n"))
	})
	t.Run("record and replay", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "rec")
		cmd := exec.Command(bin, "record", "--device", vivid, "--out", out, "--frames", "8", "--size", "640x480", "--format", "yuyv")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("kycterm record: %v\n%s", err, stderr.String())
		}
		t.Logf("kycterm record said:\n%s", stderr.String())
		if !strings.Contains(stderr.String(), "biometric") {
			t.Errorf("no biometric-data warning:\n%s", stderr.String())
		}
		if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("recording folder: %v %v", st.Mode(), err)
		}
		checkReplay(t, out, 8, image.Pt(640, 480))
		// Recording into it again is refused with exit code 2.
		err := exec.Command(bin, "record", "--device", vivid, "--out", out, "--frames", "1").Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("second record into %s: %v, want exit 2", out, err)
		}
	})
	t.Run("record mjpeg", func(t *testing.T) {
		loop := vmEnv(t, "KYCTERM_LOOPBACK") + "2"
		startFeeder(t, loop)
		out := filepath.Join(t.TempDir(), "rec")
		if b, err := exec.Command(bin, "record", "--device", loop, "--out", out, "--seconds", "2").CombinedOutput(); err != nil {
			t.Fatalf("kycterm record: %v\n%s", err, b)
		}
		checkReplay(t, out, 0, image.Pt(640, 480))
	})
}

// checkReplay replays a recording and checks its frames (n of them, or any
// number when n is 0) have the given size and rising times.
func checkReplay(t *testing.T, dir string, n int, size image.Point) {
	t.Helper()
	src, err := capture.OpenDir(dir, capture.ReplayOptions{Pace: capture.AsFastAsPossible})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	count := 0
	var prev time.Time
	for {
		f, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Image.Bounds().Size() != size {
			t.Errorf("frame %d size %v", count, f.Image.Bounds().Size())
		}
		if count > 0 && f.Mono.Before(prev) {
			t.Errorf("frame %d goes back in time", count)
		}
		prev = f.Mono
		count++
	}
	if (n > 0 && count != n) || count == 0 {
		t.Fatalf("replayed %d frames, want %d", count, n)
	}
	t.Logf("replayed %d frames", count)
}
