package face

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// synthFace returns a mesh with the points headPose reads placed on a
// frontal face 140 wide and 180 tall, then turned by roll (counter-clockwise
// as seen for roll > 0), pitch (nose up for pitch > 0) and yaw (nose to the
// image's right for yaw > 0), in that order, about the origin.
func synthFace(yaw, pitch, roll float64) []Point {
	pts := make([]Point, NumLandmarks)
	pts[idxRightCheekSide] = Point{X: -70}
	pts[idxLeftCheekSide] = Point{X: 70}
	pts[idxForehead] = Point{Y: -90}
	pts[idxChin] = Point{Y: 90}
	pts[idxNoseTip] = Point{Z: -50}
	rad := math.Pi / 180
	for i, p := range pts {
		// Roll: +x moves to −y (up) for positive roll.
		s, c := math.Sincos(roll * rad)
		p.X, p.Y = p.X*c+p.Y*s, -p.X*s+p.Y*c
		// Pitch: nose (0,0,-1) moves to −y (up) for positive pitch.
		s, c = math.Sincos(pitch * rad)
		p.Y, p.Z = p.Y*c+p.Z*s, -p.Y*s+p.Z*c
		// Yaw: nose (0,0,-1) moves to +x for positive yaw.
		s, c = math.Sincos(yaw * rad)
		p.X, p.Z = p.X*c-p.Z*s, p.X*s+p.Z*c
		pts[i] = p
	}
	return pts
}

func TestHeadPoseConvention(t *testing.T) {
	for _, tc := range []struct {
		name             string
		yaw, pitch, roll float64
	}{
		{"frontal", 0, 0, 0},
		{"turned to their left", 30, 0, 0},
		{"turned to their right", -30, 0, 0},
		{"looking up", 0, 20, 0},
		{"looking down", 0, -20, 0},
		{"tilted counter-clockwise", 0, 0, 15},
		{"tilted clockwise", 0, 0, -15},
		{"turned and tilted", 25, -10, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := headPose(synthFace(tc.yaw, tc.pitch, tc.roll))
			if math.Abs(got.Yaw-tc.yaw) > 1.5 || math.Abs(got.Pitch-tc.pitch) > 1.5 || math.Abs(got.Roll-tc.roll) > 1.5 {
				t.Errorf("pose %+v, want yaw %v pitch %v roll %v", got, tc.yaw, tc.pitch, tc.roll)
			}
		})
	}
}

func TestRampScore(t *testing.T) {
	for _, tc := range []struct {
		r    ramp
		x    float64
		want float64
	}{
		{ramp{0.3, 0.1}, 0.4, 0},
		{ramp{0.3, 0.1}, 0.2, 0.5},
		{ramp{0.3, 0.1}, 0.0, 1},
		{ramp{0, 0.1}, 0.05, 0.5},
		{ramp{0, 0.1}, math.NaN(), 0},
	} {
		if got := tc.r.score(tc.x); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%+v.score(%v) = %v, want %v", tc.r, tc.x, got, tc.want)
		}
	}
}

func TestAnchors(t *testing.T) {
	a := makeAnchors()
	if len(a) != 896 {
		t.Fatalf("%d anchors, want 896", len(a))
	}
	// 16×16 cells of 2 anchors, then 8×8 cells of 6, row-major.
	for _, tc := range []struct {
		i    int
		x, y float64
	}{
		{0, 0.5 / 16, 0.5 / 16},
		{1, 0.5 / 16, 0.5 / 16},
		{2, 1.5 / 16, 0.5 / 16},
		{511, 15.5 / 16, 15.5 / 16},
		{512, 0.5 / 8, 0.5 / 8},
		{517, 0.5 / 8, 0.5 / 8},
		{518, 1.5 / 8, 0.5 / 8},
		{895, 7.5 / 8, 7.5 / 8},
	} {
		if got := a[tc.i]; math.Abs(got.x-tc.x) > 1e-12 || math.Abs(got.y-tc.y) > 1e-12 {
			t.Errorf("anchor %d = %+v, want (%v, %v)", tc.i, got, tc.x, tc.y)
		}
	}
}

func TestDecodeAndNMS(t *testing.T) {
	anchors := makeAnchors()
	logits := make([]float32, len(anchors))
	raw := make([]float32, len(anchors)*detectRowWidth)
	for i := range logits {
		logits[i] = -10
	}
	// Two overlapping boxes on anchors 100 and 101 (same cell), one apart
	// on anchor 600.
	set := func(i int, logit, dx, w float32) {
		logits[i] = logit
		row := raw[i*detectRowWidth:]
		row[0], row[1], row[2], row[3] = dx, 0, w, w
		for k := range numKeypoints {
			row[4+2*k] = dx + float32(k)
		}
	}
	set(100, 3, 0, 40)
	set(101, 1, 4, 40)
	set(600, 2, 0, 30)
	// The detector saw a 256×256 frame whole.
	r := region{cx: 128, cy: 128, side: 256}
	dets := decodeDetections(anchors, logits, raw, 0.5, r, nil)
	if len(dets) != 3 {
		t.Fatalf("%d detections, want 3", len(dets))
	}
	// Anchor 100: cell (2, 3) of 16 → centre (2.5/16, 3.5/16) × 256.
	d := dets[0]
	if cx, w := (d.x0+d.x1)/2, d.x1-d.x0; math.Abs(cx-40) > 1e-6 || math.Abs(w-80) > 1e-6 {
		t.Errorf("first box centre %.2f width %.2f, want 40 and 80", cx, w)
	}
	merged := weightedNMS(dets, 0.3)
	if len(merged) != 2 {
		t.Fatalf("%d after NMS, want 2", len(merged))
	}
	m := merged[0]
	if math.Abs(m.score-sigmoid(3)) > 1e-12 {
		t.Errorf("merged score %v, want the best one's", m.score)
	}
	// Weighted mean of the centres 40 and 40+8 (dx 4 in input pixels ×2).
	w1, w2 := sigmoid(3), sigmoid(1)
	want := (40*w1 + 48*w2) / (w1 + w2)
	if got := (m.x0 + m.x1) / 2; math.Abs(got-want) > 1e-6 {
		t.Errorf("merged centre %.3f, want %.3f", got, want)
	}
}

func TestRegionRoundTrip(t *testing.T) {
	r := region{cx: 300, cy: 200, side: 150, angle: 0.3}
	for _, p := range [][2]float64{{0, 0}, {96, 96}, {191, 10}, {-5, 200}} {
		x, y := r.toImage(p[0], p[1], meshSize)
		u, v := r.fromImage(x, y, meshSize)
		if math.Abs(u-p[0]) > 1e-9 || math.Abs(v-p[1]) > 1e-9 {
			t.Errorf("(%v,%v) → (%v,%v) → (%v,%v)", p[0], p[1], x, y, u, v)
		}
	}
	// The crop's centre is the region's centre; its x axis runs along the
	// angle.
	x, y := r.toImage(96, 96, meshSize)
	if math.Abs(x-300) > 1e-9 || math.Abs(y-200) > 1e-9 {
		t.Errorf("centre maps to (%v, %v)", x, y)
	}
	x2, y2 := r.toImage(192, 96, meshSize)
	if got := math.Atan2(y2-y, x2-x); math.Abs(got-0.3) > 1e-9 {
		t.Errorf("crop x axis at %v rad, want 0.3", got)
	}
}

func TestSampleUprightsARotatedImage(t *testing.T) {
	// A bright bar along a line tilted by 20°: sampled with the matching
	// region angle, it lies on the crop's middle row.
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	a := 20 * math.Pi / 180
	for d := -60.0; d <= 60; d += 0.25 {
		for w := -2.0; w <= 2; w += 0.5 {
			x := 100 + d*math.Cos(a) - w*math.Sin(a)
			y := 100 + d*math.Sin(a) + w*math.Cos(a)
			o := img.PixOffset(int(x), int(y))
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = 255, 255, 255, 255
		}
	}
	var f rgbFrame
	f.load(img)
	dst := make([]float32, 3*64*64)
	f.sample(dst, 64, region{cx: 100, cy: 100, side: 128, angle: a}, false, 1.0/255, 0)
	row := func(v int) (sum float64) {
		for u := 8; u < 56; u++ {
			sum += float64(dst[3*(v*64+u)])
		}
		return sum
	}
	if mid, off := row(32), row(16); mid < 30 || off > 1 {
		t.Errorf("middle row %.1f, row 16 %.1f: the bar is not level", mid, off)
	}
}

func TestYCbCrToRGBMatchesStdlib(t *testing.T) {
	for y := 0; y < 256; y += 3 {
		for cb := 0; cb < 256; cb++ {
			for cr := 0; cr < 256; cr += 5 {
				r, g, b := ycbcrToRGB(uint8(y), uint8(cb), uint8(cr))
				wr, wg, wb := color.YCbCrToRGB(uint8(y), uint8(cb), uint8(cr))
				if r != wr || g != wg || b != wb {
					t.Fatalf("(%d,%d,%d) → %d,%d,%d, want %d,%d,%d", y, cb, cr, r, g, b, wr, wg, wb)
				}
			}
		}
	}
}

// sampleRef is the plain definition sample implements: each crop pixel
// the mean of n×n bilinear taps at the mapped sub-pixel centres.
func sampleRef(f *rgbFrame, dst []float32, s int, r region, flip bool, scale, offset float32) {
	f.rows(0, f.h)
	k := r.side / float64(s)
	n := min(max(int(math.Ceil(k/1.5)), 1), 4)
	for v := 0; v < s; v++ {
		for u := 0; u < s; u++ {
			var acc [3]float32
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					x, y := r.toImage(float64(u)+(float64(i)+0.5)/float64(n), float64(v)+(float64(j)+0.5)/float64(n), s)
					f.bilinear(x-0.5, y-0.5, &acc)
				}
			}
			uu := u
			if flip {
				uu = s - 1 - u
			}
			for c := range 3 {
				dst[3*(v*s+uu)+c] = acc[c]/float32(n*n)*scale + offset
			}
		}
	}
}

func TestSampleMatchesDefinition(t *testing.T) {
	img := portrait(t)
	for _, tc := range []struct {
		name string
		r    region
		s    int
		flip bool
	}{
		{"mesh crop", region{cx: 225, cy: 125, side: 160, angle: -0.07}, meshSize, false},
		{"detector tile, downscaled", region{cx: 256, cy: 256, side: 512}, detectSize, false},
		{"eye, mirrored", region{cx: 246, cy: 104, side: 45, angle: 0.2}, irisSize, true},
		{"over the edge", region{cx: 10, cy: 500, side: 200, angle: 1}, 64, false},
		{"outside", region{cx: -500, cy: -500, side: 100}, 16, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f rgbFrame
			f.load(img)
			got := make([]float32, 3*tc.s*tc.s)
			want := make([]float32, 3*tc.s*tc.s)
			f.sample(got, tc.s, tc.r, tc.flip, 1.0/255, 0)
			sampleRef(&f, want, tc.s, tc.r, tc.flip, 1.0/255, 0)
			for i := range got {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("value %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}
