package api

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
)

// portraitPath is the shared test portrait, beside the checkout.
var portraitPath = filepath.Join("..", "..", "shared", "data", "portrait-astronaut.png")

// benchFrames returns n distinct 640×480 JPEGs made from the shared
// portrait (each a slightly different crop, as a moving head gives), or
// from a synthetic gradient when the portrait is not there.
func benchFrames(b *testing.B, n int) [][]byte {
	b.Helper()
	var src image.Image
	if f, err := os.Open(portraitPath); err == nil {
		src, err = png.Decode(f)
		_ = f.Close()
		if err != nil {
			b.Fatalf("decode portrait: %v", err)
		}
	} else {
		g := image.NewRGBA(image.Rect(0, 0, 512, 512))
		for y := 0; y < 512; y++ {
			for x := 0; x < 512; x++ {
				g.Set(x, y, color.RGBA{uint8(x / 2), uint8(y / 2), uint8((x ^ y) / 2), 255})
			}
		}
		src = g
	}
	sb := src.Bounds()
	out := make([][]byte, n)
	for i := range out {
		// Crop a 4:3 window that drifts a little from frame to frame.
		w, h := sb.Dx()-40, (sb.Dx()-40)*3/4
		off := image.Pt(sb.Min.X+20+int(12*math.Sin(float64(i))), sb.Min.Y+(sb.Dy()-h)/2+int(10*math.Cos(float64(i))))
		dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, image.Rectangle{Min: off, Max: off.Add(image.Pt(w, h))}, draw.Src, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
			b.Fatal(err)
		}
		out[i] = buf.Bytes()
	}
	return out
}

// benchVerifyRequest builds a verify request of the given frames; with
// analysis, every frame carries a 478-point mesh, 52 blendshapes and a pose.
func benchVerifyRequest(frames [][]byte, analysis bool) *VerifyRequest {
	score := 0.93
	req := &VerifyRequest{
		ChallengeToken: "eyJ1dWlkIjoiMGY4ZiIsImMiOlsidHVybl9sZWZ0Il19.c2lnbmF0dXJl",
		AntiSpoofing:   AntiSpoofing{Score: &score},
		Passport:       DataURL("image/jpeg", frames[0]),
		DocumentType:   "passport",
		Country:        "ru",
	}
	for i, jpg := range frames {
		f := LivenessFrame{ChallengeIndex: i / 5, Image: DataURL("image/jpeg", jpg), Timestamp: 1701424800.123 + float64(i)*0.2}
		if analysis {
			pts := make([]Landmark, 478)
			for j := range pts {
				a := float64(j) * 0.013
				pts[j] = Landmark{X: 0.5 + 0.2*math.Cos(a), Y: 0.5 + 0.25*math.Sin(a), Z: -0.01 * math.Sin(3*a)}
			}
			f.Landmarks = &Landmarks{Points: pts}
			f.Blendshapes = make(map[string]float64, 52)
			for j := 0; j < 52; j++ {
				f.Blendshapes[fmt.Sprintf("blendshape%02d", j)] = float64(j) / 52
			}
			f.HeadPose = &HeadPose{Yaw: 21.5, Pitch: -3.25, Roll: 1.125}
		}
		req.Frames = append(req.Frames, f)
	}
	return req
}

// BenchmarkEncodeVerifyRequest measures turning a verify request of 15
// frames of 640×480 JPEG into the request body, the client's hot path
// before an upload. "dataurl" adds making the data URLs from JPEG bytes.
func BenchmarkEncodeVerifyRequest(b *testing.B) {
	frames := benchFrames(b, 15)
	for _, analysis := range []bool{false, true} {
		req := benchVerifyRequest(frames, analysis)
		name := "images"
		if analysis {
			name = "images+mesh"
		}
		b.Run(name, func(b *testing.B) {
			body, err := encodeBody(req)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeBody(req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(body))/(1<<20), "MiB/body")
		})
	}
	b.Run("dataurl+images", func(b *testing.B) {
		body, err := encodeBody(benchVerifyRequest(frames, false))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encodeBody(benchVerifyRequest(frames, false)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
