// Command gen makes the offline demo's bundled data from the public-domain
// portrait in shared/data: a recorded session (assets/demo/recording) in
// kycterm's recording format, with one labelled segment per sandbox
// challenge, and the document photo (assets/demo/passport.jpg).
//
// Run it from the repository root:
//
//	go run ./assets/demo/gen -portrait ../shared/data/portrait-astronaut.png
//
// The frames show the portrait with small natural motion (a slow drift and
// breathing-like scale change); they do not yet act out the challenges.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/kycterm/kycterm/capture/recording"
)

// challenges are the sandbox's challenge names, one segment each.
var challenges = []string{"turn_left", "turn_right", "blink", "smile", "open_mouth"}

const (
	width, height  = 640, 480
	framesPerLabel = 6
	fps            = 10
	// quality keeps the bundled frames small; the analysis needs no more.
	quality = 75
)

func main() {
	portrait := flag.String("portrait", "../shared/data/portrait-astronaut.png", "portrait `PNG`")
	out := flag.String("out", "assets/demo", "output `folder`")
	flag.Parse()
	if err := run(*portrait, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(portraitPath, out string) error {
	f, err := os.Open(portraitPath)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("decode %s: %w", portraitPath, err)
	}
	recDir := filepath.Join(out, "recording")
	if err := os.RemoveAll(recDir); err != nil {
		return err
	}
	w, err := recording.Create(recDir, recording.Camera{Card: "synthesized from portrait-astronaut.png", Format: "MJPG", Width: width, Height: height, FPS: fps})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	n := 0
	for _, label := range challenges {
		for range framesPerLabel {
			buf.Reset()
			if err := jpeg.Encode(&buf, frame(src, n), &jpeg.Options{Quality: quality}); err != nil {
				return err
			}
			info := recording.FrameInfo{T: time.Duration(n) * time.Second / fps, ChallengeIndex: -1, Label: label}
			if err := w.AddJPEG(buf.Bytes(), info); err != nil {
				return err
			}
			n++
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return writePassport(src, filepath.Join(out, "passport.jpg"))
}

// frame places the portrait on a 640×480 canvas, shifted and scaled a
// little with the frame number, as a person in front of a camera moves.
func frame(src image.Image, n int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(image.Black), image.Point{}, draw.Src)
	t := float64(n) / fps
	scale := 1 + 0.02*math.Sin(2*math.Pi*t/3)
	side := int(float64(height) * scale)
	dx := int(6 * math.Sin(2*math.Pi*t/4))
	dy := int(4 * math.Cos(2*math.Pi*t/5))
	x0 := (width-side)/2 + dx
	y0 := (height-side)/2 + dy
	xdraw.CatmullRom.Scale(dst, image.Rect(x0, y0, x0+side, y0+side), src, src.Bounds(), xdraw.Src, nil)
	return dst
}

func writePassport(src image.Image, path string) error {
	dst := image.NewRGBA(image.Rect(0, 0, 400, 400))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = jpeg.Encode(f, dst, &jpeg.Options{Quality: 85})
	return errors.Join(err, f.Close())
}
