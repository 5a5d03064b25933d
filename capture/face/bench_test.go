package face

import (
	"image"
	"math"
	"testing"
)

// resize scales img to w×h, bilinear.
func resize(img *image.RGBA, w, h int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	kx, ky := float64(b.Dx())/float64(w), float64(b.Dy())/float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.SetRGBA(x, y, bilinearAt(img, float64(b.Min.X)+(float64(x)+0.5)*kx-0.5, float64(b.Min.Y)+(float64(y)+0.5)*ky-0.5))
		}
	}
	return out
}

// vgaFrame is a 640×480 camera-like frame: the portrait's upper three
// quarters scaled by 1.25, the face about 120 pixels wide.
func vgaFrame(tb testing.TB) *image.RGBA {
	img := portrait(tb)
	return resize(toRGBA(img.SubImage(image.Rect(0, 0, 512, 384))), 640, 480)
}

func benchmarkAnalyze(b *testing.B, opts Options) {
	a := newAnalyzer(b, opts)
	img := vgaFrame(b)
	r, err := a.Analyze(img)
	if err != nil || len(r.Faces) != 1 {
		b.Fatalf("warm-up: %d faces, %v", len(r.Faces), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.Analyze(img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkAnalyzeTracking times the full per-frame analysis of a
// 640×480 frame while tracking (mesh, iris ×2, anti-spoofing, liveness,
// pose, blendshapes, guidance; no detector).
func BenchmarkAnalyzeTracking(b *testing.B) {
	benchmarkAnalyze(b, Options{DetectEvery: math.MaxInt32})
}

// BenchmarkAnalyzeDetect is BenchmarkAnalyzeTracking with the detector
// run on every frame (two tiles of a 640×480 frame).
func BenchmarkAnalyzeDetect(b *testing.B) {
	benchmarkAnalyze(b, Options{DetectEvery: 1})
}

// BenchmarkFrameLoad times converting a 640×480 JPEG-decoded (YCbCr
// 4:2:0) frame to the analyzer's RGB buffer.
func BenchmarkFrameLoad(b *testing.B) {
	src := vgaFrame(b)
	ycc := image.NewYCbCr(src.Bounds(), image.YCbCrSubsampleRatio420)
	var f rgbFrame
	f.load(ycc)
	b.ReportAllocs()
	for b.Loop() {
		f.load(ycc)
		f.rows(0, f.h)
	}
}

// BenchmarkSampleMeshCrop times sampling the 192×192 mesh crop.
func BenchmarkSampleMeshCrop(b *testing.B) {
	var f rgbFrame
	f.load(vgaFrame(b))
	dst := make([]float32, 3*meshSize*meshSize)
	r := region{cx: 320, cy: 200, side: 200, angle: 0.1}
	b.ReportAllocs()
	for b.Loop() {
		f.sample(dst, meshSize, r, false, 1.0/255, 0)
	}
}

func FuzzAnalyze(f *testing.F) {
	a := newAnalyzer(f, Options{})
	f.Add(uint8(8), uint8(8), []byte{0, 255, 128})
	f.Add(uint8(1), uint8(1), []byte{})
	f.Add(uint8(64), uint8(48), []byte("a face is not here"))
	f.Fuzz(func(t *testing.T, w, h uint8, data []byte) {
		img := image.NewRGBA(image.Rect(0, 0, int(w%96)+1, int(h%96)+1))
		for i := range img.Pix {
			if len(data) > 0 {
				img.Pix[i] = data[i%len(data)]
			}
		}
		r, err := a.Analyze(img)
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		if len(r.Guidance) == 0 && len(r.Faces) == 0 {
			t.Fatal("no face and no guidance")
		}
		for _, fc := range r.Faces {
			if !(fc.Score >= 0 && fc.Score <= 1) || len(fc.Landmarks) != NumLandmarks {
				t.Fatalf("face score %v, %d landmarks", fc.Score, len(fc.Landmarks))
			}
			for _, p := range fc.Landmarks {
				if math.IsNaN(p.X+p.Y+p.Z) || math.IsInf(p.X+p.Y+p.Z, 0) {
					t.Fatalf("landmark %+v", p)
				}
			}
			for k, v := range fc.Blendshapes {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%s = %v", k, v)
				}
			}
		}
	})
}
