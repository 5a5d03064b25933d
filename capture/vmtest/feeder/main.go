// Command feeder plays a camera on a v4l2loopback device: it sets the
// device's OUTPUT format to MJPEG and writes one JPEG of a still picture per
// frame at a steady rate, alternating frames with and without Huffman
// tables (as USB cameras send them). The capture VM tests start it.
//
//	feeder -device /dev/video10 -image portrait.png -size 640x480 -fps 30
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kycterm/kycterm/capture/vmtest"
)

func main() {
	dev := flag.String("device", "/dev/video10", "v4l2loopback device")
	img := flag.String("image", "portrait.png", "picture to send (PNG or JPEG)")
	w := flag.Int("width", 640, "frame width")
	h := flag.Int("height", 480, "frame height")
	fps := flag.Float64("fps", 30, "frames per second")
	quality := flag.Int("quality", 90, "JPEG quality")
	frames := flag.Int("frames", 0, "stop after N frames (0: until killed)")
	flag.Parse()
	if err := run(*dev, *img, *w, *h, *fps, *quality, *frames); err != nil {
		fmt.Fprintln(os.Stderr, "feeder:", err)
		os.Exit(1)
	}
}

func run(dev, imgPath string, w, h int, fps float64, quality, frames int) error {
	pic, err := vmtest.Portrait(imgPath, w, h)
	if err != nil {
		return err
	}
	withDHT, stripped, err := vmtest.Frames(pic, quality)
	if err != nil {
		return err
	}
	out, err := vmtest.OpenOutput(dev, w, h, 2*len(withDHT)+4096)
	if err != nil {
		return err
	}
	defer out.Close()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	tick := time.NewTicker(time.Duration(float64(time.Second) / fps))
	defer tick.Stop()
	for n := 0; frames == 0 || n < frames; n++ {
		frame := withDHT
		if n%2 == 1 {
			frame = stripped
		}
		if _, err := out.Write(frame); err != nil {
			return fmt.Errorf("write frame %d: %w", n, err)
		}
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
	return nil
}
