// Command feeder plays a camera on a v4l2loopback device: it sets the
// device's OUTPUT format to MJPEG and writes one JPEG of a still picture per
// frame at a steady rate, alternating frames with and without Huffman
// tables (as USB cameras send them). The capture VM tests start it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/jpeg"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kycterm/kycterm/capture/mjpeg"
	"github.com/kycterm/kycterm/capture/vmtest"
)

func main() {
	dev := flag.String("device", "/dev/video10", "v4l2loopback device")
	prepare := flag.Bool("prepare", false, "write -jpeg and -ref from -image and exit")
	img := flag.String("image", "portrait.png", "picture to scale (PNG or JPEG), with -prepare")
	jpegPath := flag.String("jpeg", "frame.jpg", "JPEG frame to send (written with -prepare)")
	ref := flag.String("ref", "ref.png", "scaled picture as PNG (written with -prepare)")
	w := flag.Int("width", 640, "frame width")
	h := flag.Int("height", 480, "frame height")
	fps := flag.Float64("fps", 30, "frames per second")
	quality := flag.Int("quality", 90, "JPEG quality, with -prepare")
	frames := flag.Int("frames", 0, "stop after N frames (0: until killed)")
	flag.Parse()
	var err error
	if *prepare {
		err = vmtest.Prepare(*img, *w, *h, *quality, *jpegPath, *ref)
	} else {
		err = run(*dev, *jpegPath, *fps, *frames)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "feeder:", err)
		os.Exit(1)
	}
}

func run(dev, jpegPath string, fps float64, frames int) error {
	withDHT, err := os.ReadFile(jpegPath)
	if err != nil {
		return err
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(withDHT))
	if err != nil {
		return fmt.Errorf("%s: %w", jpegPath, err)
	}
	stripped, err := mjpeg.StripDHT(withDHT)
	if err != nil {
		return fmt.Errorf("%s: %w", jpegPath, err)
	}
	out, err := vmtest.OpenOutput(dev, cfg.Width, cfg.Height, 2*len(withDHT)+4096)
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
