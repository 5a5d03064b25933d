package face

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
	"testing/fstest"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
)

// wink paints the skin below the subject's right eye (image left) over
// that eye, which the mesh reads as a closed eye.
func wink(img *image.RGBA) *image.RGBA {
	out := toRGBA(img)
	for y := 92; y <= 108; y++ {
		for x := 188; x <= 218; x++ {
			out.SetRGBA(x, y, img.RGBAAt(x, y+17))
		}
	}
	return out
}

// faceCrop is the portrait cropped to 256×256 around the face: a framing
// that needs no guidance.
func faceCrop(img *image.RGBA) *image.RGBA {
	return toRGBA(img.SubImage(image.Rect(97, 0, 353, 256)))
}

func one(t *testing.T, r Result) *Face {
	t.Helper()
	if len(r.Faces) != 1 {
		t.Fatalf("found %d faces, want 1 (guidance %v)", len(r.Faces), r.Guidance)
	}
	return &r.Faces[0]
}

func TestPortrait(t *testing.T) {
	a := newAnalyzer(t, Options{})
	r := analyzeOnce(t, a, portrait(t))
	f := one(t, r)
	if !r.Detected || f.Tracked || f.DetectScore < 0.5 || f.Score < 0.9 {
		t.Errorf("detected %v tracked %v detector score %.2f mesh score %.2f", r.Detected, f.Tracked, f.DetectScore, f.Score)
	}
	// The face lies around (225, 125) in the 512×512 portrait, about 90
	// pixels wide.
	cx, cy := f.Box.X+f.Box.W/2, f.Box.Y+f.Box.H/2
	if math.Abs(cx-225) > 15 || math.Abs(cy-125) > 20 || f.Box.W < 70 || f.Box.W > 130 {
		t.Errorf("box %+v, want about 90 px around (225, 125)", f.Box)
	}
	if len(f.Landmarks) != NumLandmarks {
		t.Fatalf("%d landmarks", len(f.Landmarks))
	}
	// The subject's right eye is on the image's left.
	if re, le := f.Landmarks[idxRightEyeOuter], f.Landmarks[idxLeftEyeOuter]; re.X >= le.X {
		t.Errorf("right eye outer corner x %.0f not left of left eye's %.0f", re.X, le.X)
	}
	if !f.IrisesSeen || f.Irises[0].Center.X >= f.Irises[1].Center.X || f.Irises[0].Radius < 2 || f.Irises[0].Radius > 8 {
		t.Errorf("irises %+v", f.Irises)
	}
	// The iris model's eye contour agrees with the iris: the iris centre
	// lies between the eye's corners.
	for e, c := range eyeContours() {
		x0, x1 := f.Landmarks[c.lower[0]].X, f.Landmarks[c.lower[8]].X
		if x := f.Irises[e].Center.X; x < min(x0, x1) || x > max(x0, x1) {
			t.Errorf("eye %d: iris x %.1f outside corners %.1f–%.1f", e, x, x0, x1)
		}
	}
	if math.Abs(f.Pose.Yaw) > 10 || math.Abs(f.Pose.Roll) > 10 || math.Abs(f.Pose.Pitch) > 20 {
		t.Errorf("pose %+v, want a frontal face", f.Pose)
	}
	b := f.Blendshapes
	if b[EyeBlinkLeft] > 0.2 || b[EyeBlinkRight] > 0.2 {
		t.Errorf("open eyes score blink %.2f/%.2f", b[EyeBlinkLeft], b[EyeBlinkRight])
	}
	// The portrait smiles with parted lips (the calibration's reference).
	if b[MouthSmileLeft] < 0.5 || b[MouthSmileRight] < 0.5 || b[JawOpen] > 0.5 || b[BrowInnerUp] > 0.3 {
		t.Errorf("blendshapes %v", b)
	}
	for k, v := range b {
		if !(v >= 0 && v <= 1) {
			t.Errorf("%s = %v outside [0,1]", k, v)
		}
	}
	if !f.HasAntiSpoof || !f.HasLiveness || f.AntiSpoof < 0 || f.AntiSpoof > 1 || f.Liveness < 0 || f.Liveness > 1 {
		t.Errorf("anti-spoof %v/%v liveness %v/%v", f.AntiSpoof, f.HasAntiSpoof, f.Liveness, f.HasLiveness)
	}
}

func TestMirror(t *testing.T) {
	a := newAnalyzer(t, Options{})
	img := portrait(t)
	w := float64(img.Bounds().Dx())
	o := one(t, analyzeOnce(t, a, img))
	m := one(t, analyzeOnce(t, a, mirror(img)))
	if d := o.Pose.Yaw + m.Pose.Yaw; math.Abs(d) > 3 {
		t.Errorf("yaw %.1f mirrored %.1f: not opposite", o.Pose.Yaw, m.Pose.Yaw)
	}
	if d := o.Pose.Roll + m.Pose.Roll; math.Abs(d) > 3 {
		t.Errorf("roll %.1f mirrored %.1f: not opposite", o.Pose.Roll, m.Pose.Roll)
	}
	// A mirrored subject's right eye is the original's left one.
	for _, pair := range [][2]int{{idxRightEyeOuter, idxLeftEyeOuter}, {idxMouthRight, idxMouthLeft}, {idxNoseTip, idxNoseTip}} {
		p, q := o.Landmarks[pair[0]], m.Landmarks[pair[1]]
		if math.Abs(p.X-(w-q.X)) > 4 || math.Abs(p.Y-q.Y) > 4 {
			t.Errorf("landmark %d (%.1f,%.1f) vs mirrored %d (%.1f,%.1f)", pair[0], p.X, p.Y, pair[1], w-q.X, q.Y)
		}
	}

	// A wink: the closed eye's score follows the eye through the mirror.
	wk := one(t, analyzeOnce(t, a, wink(img))).Blendshapes
	wm := one(t, analyzeOnce(t, a, mirror(wink(img)))).Blendshapes
	if wk[EyeBlinkRight] < 0.7 || wk[EyeBlinkLeft] > 0.3 {
		t.Errorf("wink of the right eye: right %.2f left %.2f", wk[EyeBlinkRight], wk[EyeBlinkLeft])
	}
	if wm[EyeBlinkLeft] < 0.7 || wm[EyeBlinkRight] > 0.3 {
		t.Errorf("mirrored wink: right %.2f left %.2f, want the left eye closed", wm[EyeBlinkRight], wm[EyeBlinkLeft])
	}
	if math.Abs(wk[EyeBlinkRight]-wm[EyeBlinkLeft]) > 0.2 || math.Abs(wk[EyeBlinkLeft]-wm[EyeBlinkRight]) > 0.2 {
		t.Errorf("blink scores do not swap: %v vs %v", wk, wm)
	}
	if math.Abs(wk[MouthSmileRight]-wm[MouthSmileLeft]) > 0.3 || math.Abs(wk[MouthSmileLeft]-wm[MouthSmileRight]) > 0.3 {
		t.Errorf("smile scores do not swap: %v vs %v", wk, wm)
	}
}

func TestRotate(t *testing.T) {
	a := newAnalyzer(t, Options{})
	img := portrait(t)
	base := one(t, analyzeOnce(t, a, img)).Pose.Roll
	for _, deg := range []float64{15, -15} {
		// Turn about the face's centre so the face stays in the frame.
		f := one(t, analyzeOnce(t, a, rotate(img, deg, 225, 125)))
		if d := f.Pose.Roll - base; math.Abs(d-deg) > 3 {
			t.Errorf("rotated %+.0f°: roll moved %.1f° (%.1f → %.1f)", deg, d, base, f.Pose.Roll)
		}
	}
}

func TestScale(t *testing.T) {
	a := newAnalyzer(t, Options{})
	img := portrait(t)
	full := one(t, analyzeOnce(t, a, img))
	half := one(t, analyzeOnce(t, a, scaleDown(img, 2)))
	if r := half.Box.W / full.Box.W; math.Abs(r-0.5) > 0.05 {
		t.Errorf("half-size face box %.1f vs %.1f: ratio %.2f", half.Box.W, full.Box.W, r)
	}
	// Normalised landmarks do not move with the scale.
	nf := full.NormalizedLandmarks(512, 512)
	nh := half.NormalizedLandmarks(256, 256)
	var sum float64
	for i := range nf {
		sum += math.Hypot(nf[i].X-nh[i].X, nf[i].Y-nh[i].Y)
	}
	if mean := sum / float64(len(nf)); mean > 0.01 {
		t.Errorf("normalised landmarks moved %.4f on average", mean)
	}
	// Scores that are ratios of the face's own lengths stay put.
	for _, k := range []string{EyeBlinkLeft, EyeBlinkRight, JawOpen} {
		if d := full.Blendshapes[k] - half.Blendshapes[k]; math.Abs(d) > 0.15 {
			t.Errorf("%s %.2f at full size, %.2f at half", k, full.Blendshapes[k], half.Blendshapes[k])
		}
	}
}

func TestFaceCount(t *testing.T) {
	a := newAnalyzer(t, Options{})
	img := portrait(t)
	for _, tc := range []struct {
		name  string
		img   image.Image
		faces int
		want  []Guidance
	}{
		{"noise", noise(640, 480), 0, []Guidance{GuidanceNoFace}},
		{"gradient", gradient(640, 480), 0, []Guidance{GuidanceNoFace}},
		{"black", uniform(320, 240, 0), 0, []Guidance{GuidanceNoFace, GuidanceTooDark}},
		{"white", uniform(320, 240, 255), 0, []Guidance{GuidanceNoFace, GuidanceTooBright}},
		{"one", img, 1, nil},
		{"wide frame", onCanvas(img, 1024, 512, 256, 0), 1, nil},
		{"side by side", sideBySide(img), 2, []Guidance{GuidanceManyFaces}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := analyzeOnce(t, a, tc.img)
			if len(r.Faces) != tc.faces {
				t.Fatalf("%d faces, want %d", len(r.Faces), tc.faces)
			}
			for _, g := range tc.want {
				if !r.Has(g) {
					t.Errorf("guidance %v lacks %s", r.Guidance, g)
				}
			}
			if tc.faces < 2 && r.Has(GuidanceManyFaces) {
				t.Errorf("guidance %v on %d faces", r.Guidance, tc.faces)
			}
		})
	}
}

func TestMaxFacesOne(t *testing.T) {
	a := newAnalyzer(t, Options{MaxFaces: 1, SkipIris: true, SkipAntiSpoof: true, SkipLiveness: true})
	r := analyzeOnce(t, a, sideBySide(portrait(t)))
	if len(r.Faces) != 1 || r.Found != 2 || !r.Has(GuidanceManyFaces) {
		t.Errorf("MaxFaces 1 on two faces: %d measured, %d found, guidance %v", len(r.Faces), r.Found, r.Guidance)
	}
}

func uniform(w, h int, v uint8) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = v
		if i%4 == 3 {
			out.Pix[i] = 255
		}
	}
	return out
}

func TestGuidance(t *testing.T) {
	a := newAnalyzer(t, Options{})
	img := portrait(t)
	good := faceCrop(img)
	for _, tc := range []struct {
		name string
		img  image.Image
		want []Guidance // exactly these
	}{
		{"framed", good, nil},
		{"darkened", darken(good, 0.2), []Guidance{GuidanceTooDark}},
		{"blurred", blur(good, 3), []Guidance{GuidanceBlurry}},
		{"too close", toRGBA(img.SubImage(image.Rect(165, 60, 285, 180))), []Guidance{GuidanceTooClose}},
		{"whole portrait", img, []Guidance{GuidanceTooFar, GuidanceOffCentre}},
		{"eyes closed", faceCrop(closeBothEyes(img)), []Guidance{GuidanceEyesClosed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := analyzeOnce(t, a, tc.img)
			one(t, r)
			if len(r.Guidance) != len(tc.want) {
				t.Fatalf("guidance %v, want %v (quality %+v)", r.Guidance, tc.want, r.Faces[0].Quality)
			}
			for _, g := range tc.want {
				if !r.Has(g) {
					t.Errorf("guidance %v, want %v", r.Guidance, tc.want)
				}
			}
		})
	}
}

// closeBothEyes paints skin over both eyes.
func closeBothEyes(img *image.RGBA) *image.RGBA {
	out := wink(img)
	for y := 94; y <= 110; y++ {
		for x := 232; x <= 262; x++ {
			out.SetRGBA(x, y, img.RGBAAt(x, y+17))
		}
	}
	return out
}

func TestTracking(t *testing.T) {
	a := newAnalyzer(t, Options{DetectEvery: 3})
	img := faceCrop(portrait(t))
	var first Face
	for i := range 7 {
		r, err := a.Analyze(img)
		if err != nil {
			t.Fatal(err)
		}
		f := one(t, r)
		wantDetect := i%3 == 0
		if r.Detected != wantDetect || f.Tracked == wantDetect {
			t.Errorf("frame %d: detected %v tracked %v, want detection %v", i, r.Detected, f.Tracked, wantDetect)
		}
		if i == 0 {
			first = *f
			continue
		}
		// Tracking a still image converges on the same mesh.
		if d := math.Hypot(f.Box.X-first.Box.X, f.Box.Y-first.Box.Y); d > 6 {
			t.Errorf("frame %d: box moved %.1f px", i, d)
		}
	}
	// Losing the face re-detects on the same frame.
	r, err := a.Analyze(noise(256, 256))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Detected || len(r.Faces) != 0 {
		t.Errorf("face lost: detected %v, %d faces", r.Detected, len(r.Faces))
	}
}

func TestAnalyzeErrors(t *testing.T) {
	a := newAnalyzer(t, Options{SkipIris: true, SkipAntiSpoof: true, SkipLiveness: true})
	if _, err := a.Analyze(image.NewRGBA(image.Rect(0, 0, 0, 10))); !errors.Is(err, ErrImage) {
		t.Errorf("empty image: %v, want ErrImage", err)
	}
	r, err := a.Analyze(image.NewGray(image.Rect(0, 0, 1, 1)))
	if err != nil || len(r.Faces) != 0 {
		t.Errorf("1×1 image: %v, %d faces", err, len(r.Faces))
	}
	a.Close()
	if _, err := a.Analyze(image.NewGray(image.Rect(0, 0, 8, 8))); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

func TestNewAnalyzerErrors(t *testing.T) {
	full := fstest.MapFS{}
	src := assets.Models()
	for _, n := range []string{"blazeface-front", "facemesh", "iris", "antispoof", "liveness"} {
		for _, ext := range []string{".json", ".bin"} {
			data, err := fsRead(src, n+ext)
			if err != nil {
				t.Fatal(err)
			}
			full[n+ext] = &fstest.MapFile{Data: data}
		}
	}
	without := func(name string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range full {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	swapped := without("iris.json")
	swapped["iris.json"] = full["liveness.json"]
	swapped["iris.bin"] = full["liveness.bin"]
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		opts Options
	}{
		{"empty", fstest.MapFS{}, Options{}},
		{"no mesh", without("facemesh.json"), Options{}},
		{"no weights", without("blazeface-front.bin"), Options{}},
		{"garbage json", func() fstest.MapFS {
			m := without("antispoof.json")
			m["antispoof.json"] = &fstest.MapFile{Data: []byte(`{"format":"graph-model","modelTopology":`)}
			return m
		}(), Options{}},
		{"wrong model as iris", swapped, Options{}},
		{"detector as mesh", func() fstest.MapFS {
			m := without("facemesh.json")
			m["facemesh.json"] = full["blazeface-front.json"]
			m["facemesh.bin"] = full["blazeface-front.bin"]
			return m
		}(), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAnalyzer(tc.fsys, tc.opts)
			if !errors.Is(err, ErrModel) {
				if a != nil {
					a.Close()
				}
				t.Fatalf("NewAnalyzer: %v, want ErrModel", err)
			}
		})
	}
	// Skipped models need not be present.
	a, err := NewAnalyzer(without("iris.json"), Options{SkipIris: true})
	if err != nil {
		t.Fatalf("without iris, SkipIris: %v", err)
	}
	a.Close()
}

func TestFrameConversion(t *testing.T) {
	// Every image type converts to the same RGB.
	src := faceCrop(portrait(t))
	var want rgbFrame
	want.load(src)
	want.rows(0, want.h)
	b := src.Bounds()
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio444)
	nrgba := image.NewNRGBA(b)
	gray := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := src.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)] = yy
			ycc.Cb[ycc.COffset(x, y)] = cb
			ycc.Cr[ycc.COffset(x, y)] = cr
			nrgba.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, 255})
			gray.SetGray(x, y, color.GrayModel.Convert(c).(color.Gray))
		}
	}
	for _, tc := range []struct {
		name string
		img  image.Image
		tol  int
	}{
		{"ycbcr", ycc, 3},
		{"nrgba", nrgba, 0},
		{"generic", image.Image(struct{ image.Image }{src}), 0},
		{"sub-image", src.SubImage(image.Rect(10, 20, 100, 90)), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f rgbFrame
			f.load(tc.img)
			f.rows(0, f.h)
			ob := tc.img.Bounds()
			for y := 0; y < f.h; y++ {
				for x := 0; x < f.w; x++ {
					for c := range 3 {
						got := int(f.pix[3*(y*f.w+x)+c])
						exp := int(want.pix[3*((y+ob.Min.Y-b.Min.Y)*want.w+x+ob.Min.X-b.Min.X)+c])
						if d := got - exp; d > tc.tol || d < -tc.tol {
							t.Fatalf("pixel (%d,%d) channel %d: %d, want %d", x, y, c, got, exp)
						}
					}
				}
			}
		})
	}
	// Subsampled chroma, from odd origins: every pixel matches the
	// standard library's own conversion.
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio440} {
		full := image.NewYCbCr(image.Rect(3, 5, 70, 41), ratio)
		for i := range full.Y {
			full.Y[i] = uint8(i * 7)
		}
		for i := range full.Cb {
			full.Cb[i], full.Cr[i] = uint8(i*13), uint8(i*29+5)
		}
		for _, img := range []image.Image{full, full.SubImage(image.Rect(4, 6, 69, 40))} {
			var f rgbFrame
			f.load(img)
			f.rows(0, f.h)
			ib := img.Bounds()
			for y := 0; y < f.h; y++ {
				for x := 0; x < f.w; x++ {
					r, g, bl, _ := img.At(x+ib.Min.X, y+ib.Min.Y).RGBA()
					p := f.pix[3*(y*f.w+x):]
					if p[0] != uint8(r>>8) || p[1] != uint8(g>>8) || p[2] != uint8(bl>>8) {
						t.Fatalf("%v %v: pixel (%d,%d) = %v, want %d,%d,%d", ratio, ib, x, y, p[:3], r>>8, g>>8, bl>>8)
					}
				}
			}
		}
	}
	var g rgbFrame
	g.load(gray)
	g.rows(0, 1)
	if g.pix[0] != g.pix[1] || g.pix[1] != g.pix[2] {
		t.Errorf("grey pixel %v not grey", g.pix[:3])
	}
}

func TestTrackingFollowsAMovingFace(t *testing.T) {
	a := newAnalyzer(t, Options{DetectEvery: 1000, SkipAntiSpoof: true, SkipLiveness: true})
	img := faceCrop(portrait(t))
	var x0 float64
	for i := range 6 {
		// The face moves 12 px right a frame on a 400×256 canvas.
		r, err := a.Analyze(onCanvas(img, 400, 256, 12*i, 0))
		if err != nil {
			t.Fatal(err)
		}
		f := one(t, r)
		if i == 0 {
			x0 = f.Box.X
			continue
		}
		if r.Detected {
			t.Errorf("frame %d re-detected while tracking", i)
		}
		if got := f.Box.X - x0; math.Abs(got-float64(12*i)) > 4 {
			t.Errorf("frame %d: box moved %.1f px, want %d", i, got, 12*i)
		}
	}
}

func TestMaxPixelsMatchesDecoder(t *testing.T) {
	if maxPixels != capture.MaxImagePixels {
		t.Errorf("maxPixels %d, capture.MaxImagePixels %d: an image the decoder accepts must be analysable", maxPixels, capture.MaxImagePixels)
	}
}
