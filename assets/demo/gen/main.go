// Command gen makes the offline demo's bundled data from the public-domain
// portrait in shared/data: a recorded session (assets/demo/recording) in
// kycterm's recording format, in which the portrait acts out each sandbox
// challenge, and the specimen passport data page (assets/demo/passport.jpg).
//
// Run it from the repository root:
//
//	go run ./assets/demo/gen -portrait ../shared/data/portrait-astronaut.png
//
// The face analysis of package capture/face finds the portrait's 468-point
// face mesh; the challenges are acted out by moving those points (eyelids
// down over the eyes, mouth corners up, the jaw down, the head turned about
// a vertical axis) and warping the picture piecewise-affinely over a
// triangulation of them. Each challenge is one segment of frames labelled
// with its name: neutral face, the movement, neutral again. Between frames
// the face drifts, the picture breathes in scale and takes fresh sensor
// noise, as a person in front of a camera does. Everything is seeded: the
// same portrait gives the same files. The command ends by analysing the
// frames it wrote and printing what the face analysis measured.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/capture/recording"
)

// challenges are the sandbox's challenge names, one segment each.
var challenges = []string{"turn_left", "turn_right", "blink", "smile", "open_mouth"}

const (
	width, height = 640, 480
	fps           = 10
	// quality keeps the bundled frames within the size budget; the
	// analysis needs no more.
	quality = 80
	// seed makes the motion and the noise reproducible.
	seed = 20261125
	// turnAngle is how far the head turns, degrees.
	turnAngle = 30
)

// envelope is a segment's course, frame by frame: 0 the neutral face, 1
// the challenge's movement at its fullest. Sixteen frames at 10 frames/s:
// half a second neutral, the movement held from frame 6 to 9, neutral
// again from frame 12. The flow sends a few evenly spaced frames of each
// segment (3 by default: frames 0, 6 and 14 after its sampling), so the
// movement is held wherever a middle sample may fall.
var envelope = []float64{0, 0, 0, 0, 0, 0.5, 1, 1, 1, 1, 0.6, 0.2, 0, 0, 0, 0}

// blinkEnvelope opens the eyes again sooner, as a blink does.
var blinkEnvelope = []float64{0, 0, 0, 0, 0, 0.4, 1, 1, 1, 0.4, 0, 0, 0, 0, 0, 0}

// neutral is the resting face all segments start and end with: the
// portrait's smile relaxed and its parted lips closed, so that smiling
// and opening the mouth are changes.
var neutral = expression{smile: -3, lipsClosed: 1}

func main() {
	portrait := flag.String("portrait", "../shared/data/portrait-astronaut.png", "portrait `PNG`")
	out := flag.String("out", "assets/demo", "output `folder`")
	flag.Parse()
	if err := run(*portrait, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(portraitPath, out string, log io.Writer) error {
	src, err := loadPortrait(portraitPath)
	if err != nil {
		return err
	}
	an, err := face.NewAnalyzer(assets.Models(), face.Options{DetectEvery: 1})
	if err != nil {
		return fmt.Errorf("face analyzer: %w", err)
	}
	defer an.Close()
	fm, base, err := measure(an, src)
	if err != nil {
		return err
	}
	frames, labels := act(src, fm, base)

	recDir := filepath.Join(out, "recording")
	if err := os.RemoveAll(recDir); err != nil {
		return fmt.Errorf("remove old recording: %w", err)
	}
	w, err := recording.Create(recDir, recording.Camera{Card: "synthesized from portrait-astronaut.png by assets/demo/gen", Format: "MJPG", Width: width, Height: height, FPS: fps})
	if err != nil {
		return fmt.Errorf("create recording: %w", err)
	}
	var buf bytes.Buffer
	decoded := make([]image.Image, len(frames))
	for n, img := range frames {
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
			return fmt.Errorf("encode frame %d: %w", n, err)
		}
		if decoded[n], err = jpeg.Decode(bytes.NewReader(buf.Bytes())); err != nil {
			return fmt.Errorf("decode frame %d: %w", n, err)
		}
		info := recording.FrameInfo{T: time.Duration(n) * time.Second / fps, ChallengeIndex: -1, Label: labels[n]}
		if err := w.AddJPEG(buf.Bytes(), info); err != nil {
			return fmt.Errorf("write frame %d: %w", n, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("close recording: %w", err)
	}
	if err := fixCreated(filepath.Join(recDir, recording.ManifestFile)); err != nil {
		return err
	}
	if err := writePassport(src, fm, filepath.Join(out, "passport.jpg")); err != nil {
		return err
	}
	an.Reset()
	return report(an, decoded, labels, log)
}

// created is the recording's creation time in its manifest: fixed, so
// that the same portrait gives the same files.
const created = "2026-11-25T00:00:00Z"

// fixCreated replaces the manifest's creation time (the time the
// generator ran) with created.
func fixCreated(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	re := regexp.MustCompile(`"created": *"[^"]*"`)
	if len(re.FindAllIndex(data, -1)) != 1 {
		return errors.New("manifest: no single creation time to fix")
	}
	data = re.ReplaceAll(data, []byte(`"created": "`+created+`"`))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

func loadPortrait(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open portrait: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode portrait %s: %w", path, err)
	}
	rgba := image.NewRGBA(img.Bounds().Sub(img.Bounds().Min))
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba, nil
}

// placement puts the portrait into a frame: a portrait point p lands at
// off + scale·R(roll)·(p − centre).
type placement struct {
	cx, cy     float64 // the portrait point at the frame's anchor
	ox, oy     float64 // the frame's anchor
	scale      float64
	roll       float64 // radians, counter-clockwise on screen
	brightness float64 // gain
}

func (p placement) forward(v vec) vec {
	s, c := math.Sincos(-p.roll) // y points down: counter-clockwise on screen is a negative angle
	x, y := (v.x-p.cx)*p.scale, (v.y-p.cy)*p.scale
	return vec{x: p.ox + x*c - y*s, y: p.oy + x*s + y*c, z: v.z * p.scale}
}

func (p placement) inverse(x, y float64) (float64, float64) {
	s, c := math.Sincos(p.roll)
	dx, dy := (x-p.ox)/p.scale, (y-p.oy)/p.scale
	return p.cx + dx*c - dy*s, p.cy + dx*s + dy*c
}

// measure finds the portrait's face mesh, first on the portrait as it is,
// then, for precision, on the portrait placed in a frame with the face at
// the size the recording shows it, and returns the face model and that
// placement.
func measure(an *face.Analyzer, src *image.RGBA) (*faceModel, placement, error) {
	res, err := an.Analyze(src)
	if err != nil {
		return nil, placement{}, fmt.Errorf("analyse portrait: %w", err)
	}
	f := res.Primary()
	if f == nil {
		return nil, placement{}, errors.New("no face in the portrait")
	}
	box := f.Box
	base := placement{
		cx: box.X + box.W/2, cy: box.Y + box.H/2,
		ox: width / 2, oy: height * 0.47,
		scale: 0.46 * height / max(box.W, box.H), brightness: 1,
	}
	an.Reset()
	frame := newWarpMap(width, height, base.inverse).render(src)
	res, err = an.Analyze(frame)
	if err != nil {
		return nil, placement{}, fmt.Errorf("analyse placed portrait: %w", err)
	}
	if f = res.Primary(); f == nil {
		return nil, placement{}, errors.New("no face in the placed portrait")
	}
	mesh := make([]vec, len(f.Landmarks))
	for i, l := range f.Landmarks {
		x, y := base.inverse(l.X, l.Y)
		mesh[i] = vec{x: x, y: y, z: l.Z / base.scale}
	}
	b := src.Bounds()
	return newFaceModel(mesh, b.Dx(), b.Dy()), base, nil
}

// act renders every segment's frames and their labels.
func act(src *image.RGBA, fm *faceModel, base placement) ([]*image.RGBA, []string) {
	var frames []*image.RGBA
	var labels []string
	rng := rand.New(rand.NewPCG(seed, 1))
	sw := &sway{rng: rand.New(rand.NewPCG(seed, 3))}
	n := 0
	srcPts := fm.points()
	for _, label := range challenges {
		env := envelope
		if label == "blink" {
			env = blinkEnvelope
		}
		for _, a := range env {
			e := neutral
			switch label {
			case "turn_left":
				e.yaw = a * turnAngle * math.Pi / 180
			case "turn_right":
				e.yaw = -a * turnAngle * math.Pi / 180
			case "blink":
				e.blink = a
			case "smile":
				e.smile = neutral.smile + a*(1.2-neutral.smile)
				e.lipsClosed = neutral.lipsClosed * (1 - a)
			case "open_mouth":
				e.jaw = a
				e.lipsClosed = neutral.lipsClosed * (1 - a)
			}
			pl := drift(base, n, sw)
			dst := fm.pose(e)
			for i := range dst {
				dst[i] = pl.forward(dst[i])
			}
			m := newWarpMap(width, height, pl.inverse)
			m.triangles(fm.tris, srcPts, dst)
			img := m.render(src)
			if e.jaw > 0 {
				paintMouth(img, dst, smoothstep(0, 0.6, e.jaw))
			}
			if e.lipsClosed > 0.5 {
				paintSeam(img, dst, (e.lipsClosed-0.5)*2)
			}
			if e.blink > 0.5 {
				paintLashes(img, dst, rightUpperLid, rightCorners, (e.blink-0.5)*2)
				paintLashes(img, dst, leftUpperLid, leftCorners, (e.blink-0.5)*2)
			}
			sensor(img, pl.brightness, rng)
			frames = append(frames, img)
			labels = append(labels, label)
			n++
		}
	}
	return frames, labels
}

// sway is the small, irregular motion of a person standing in front of a
// camera, and the camera's exposure hunting: a random walk pulled back to
// rest, advanced once per frame.
type sway struct {
	rng            *rand.Rand
	x, y, roll, ev float64
}

// next advances the walk by one frame.
func (s *sway) next() {
	s.x = 0.75*s.x + s.rng.NormFloat64()*2.2
	s.y = 0.75*s.y + s.rng.NormFloat64()*1.4
	s.roll = 0.8*s.roll + s.rng.NormFloat64()*0.25
	s.ev = 0.5*s.ev + s.rng.NormFloat64()*0.015
}

// drift is frame n's placement: the face sways slowly by several pixels
// and irregularly by a couple more, the distance to the camera breathes by
// a couple of percent, the head rolls by about a degree, and the exposure
// wanders by a percent or two. Consecutive frames differ as much as those
// of a person holding still in front of a kiosk camera do (more than the
// sandbox's near-identical threshold, checked by the tests).
func drift(base placement, n int, sw *sway) placement {
	t := float64(n) / fps
	sw.next()
	p := base
	p.ox += 7*math.Sin(2*math.Pi*t/3.1) + sw.x
	p.oy += 4*math.Sin(2*math.Pi*t/4.3+1) + sw.y
	p.scale *= 1 + 0.02*math.Sin(2*math.Pi*t/3.7)
	p.roll = (0.8*math.Sin(2*math.Pi*t/5.1) + sw.roll) * math.Pi / 180
	p.brightness = 1 + 0.015*math.Sin(2*math.Pi*t/2.3) + sw.ev
	return p
}

// sensor applies the light's gain and fresh noise, as a camera sensor
// delivers no two frames alike.
func sensor(img *image.RGBA, gain float64, rng *rand.Rand) {
	for i := 0; i < len(img.Pix); i += 4 {
		for c := range 3 {
			v := float64(img.Pix[i+c])*gain + rng.NormFloat64()*1.2
			img.Pix[i+c] = uint8(min(max(v+0.5, 0), 255))
		}
	}
}

// paintMouth fills the open mouth, between the inner lip contours, at
// opacity alpha: the upper teeth just under the upper lip, the dark of the
// mouth cavity below them, darkest in the middle.
func paintMouth(img *image.RGBA, pts []vec, alpha float64) {
	upper := []vec{pts[innerCorners[0]]}
	lower := []vec{pts[innerCorners[0]]}
	for k := range innerUpperLip {
		upper = append(upper, pts[innerUpperLip[k]])
		lower = append(lower, pts[innerLowerLip[k]])
	}
	upper = append(upper, pts[innerCorners[1]])
	lower = append(lower, pts[innerCorners[1]])
	poly := slices.Clone(upper)
	for k := len(lower) - 2; k > 0; k-- {
		poly = append(poly, lower[k])
	}
	ux, uy := xy(upper)
	lx, ly := xy(lower)
	fillPolygon(img, poly, alpha, func(x, y float64) [3]float64 {
		top, bottom := interp(ux, uy, x), interp(lx, ly, x)
		t := 0.0
		if bottom > top {
			t = (y - top) / (bottom - top)
		}
		edge := min(x-ux[0], ux[len(ux)-1]-x) / (ux[len(ux)-1] - ux[0]) // 0 at the corners, 0.5 mid
		teeth := 0.22 * smoothstep(0, 0.25, edge)
		if t < teeth {
			shade := 0.8 + 0.2*smoothstep(0, 0.3, edge)
			return [3]float64{228 * shade, 220 * shade, 205 * shade}
		}
		d := 1 - 0.5*smoothstep(0.1, 0.5, edge)*(1-math.Abs(2*t-1))
		return [3]float64{70 * d, 28 * d, 30 * d}
	})
}

// xy splits points into increasing x and their y.
func xy(pts []vec) ([]float64, []float64) {
	p := slices.Clone(pts)
	slices.SortFunc(p, func(a, b vec) int { return cmp.Compare(a.x, b.x) })
	xs, ys := make([]float64, len(p)), make([]float64, len(p))
	for i, v := range p {
		xs[i], ys[i] = v.x, v.y
	}
	return xs, ys
}

// paintSeam draws the line where closed lips meet, in the lips' own
// colour darkened, over what is left of the teeth between them.
func paintSeam(img *image.RGBA, pts []vec, alpha float64) {
	line := []vec{pts[innerCorners[0]]}
	for k := range innerUpperLip {
		u, l := pts[innerUpperLip[k]], pts[innerLowerLip[k]]
		line = append(line, vec{x: (u.x + l.x) / 2, y: (u.y + l.y) / 2})
	}
	line = append(line, pts[innerCorners[1]])
	// The lower lip's colour, halfway between its inner and outer edge.
	in, out := pts[14], pts[17]
	o := img.PixOffset(int((in.x+out.x)/2), int((in.y+out.y)/2))
	lip := [3]float64{float64(img.Pix[o]) * 0.72, float64(img.Pix[o+1]) * 0.62, float64(img.Pix[o+2]) * 0.65}
	strokeLine(img, line, alpha, 1.2, 2.6, lip)
}

// strokeLine blends col into img along the polyline line: fully within
// inner pixels of it, fading out by outer.
func strokeLine(img *image.RGBA, line []vec, alpha, inner, outer float64, col [3]float64) {
	b := img.Bounds()
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range line {
		x0, x1 = min(x0, p.x), max(x1, p.x)
		y0, y1 = min(y0, p.y), max(y1, p.y)
	}
	r := int(math.Ceil(outer)) + 1
	for y := max(int(y0)-r, b.Min.Y); y <= min(int(y1)+r, b.Max.Y-1); y++ {
		for x := max(int(x0)-r, b.Min.X); x <= min(int(x1)+r, b.Max.X-1); x++ {
			d := math.Inf(1)
			q := vec{x: float64(x) + 0.5, y: float64(y) + 0.5}
			for k := 1; k < len(line); k++ {
				d = min(d, segDist(q, line[k-1], line[k]))
			}
			a := alpha * (1 - smoothstep(inner, outer, d))
			if a <= 0 {
				continue
			}
			o := img.PixOffset(x, y)
			for c := range 3 {
				img.Pix[o+c] = uint8(float64(img.Pix[o+c])*(1-a) + col[c]*a + 0.5)
			}
		}
	}
}

// paintLashes darkens the line where the closed lids meet.
func paintLashes(img *image.RGBA, pts []vec, upper []int, corners [2]int, alpha float64) {
	line := []vec{pts[corners[0]]}
	for _, i := range upper {
		line = append(line, pts[i])
	}
	line = append(line, pts[corners[1]])
	strokeLine(img, line, alpha*0.55, 0.6, 1.8, [3]float64{40, 40, 40})
}

func segDist(p, a, b vec) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / (dx*dx + dy*dy)
	t = min(max(t, 0), 1)
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

// fillPolygon blends the colour col gives at each pixel into img inside
// poly (4×4 supersampled edges).
func fillPolygon(img *image.RGBA, poly []vec, alpha float64, colour func(x, y float64) [3]float64) {
	b := img.Bounds()
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range poly {
		x0, x1 = min(x0, p.x), max(x1, p.x)
		y0, y1 = min(y0, p.y), max(y1, p.y)
	}
	for y := max(int(y0)-1, b.Min.Y); y <= min(int(y1)+1, b.Max.Y-1); y++ {
		for x := max(int(x0)-1, b.Min.X); x <= min(int(x1)+1, b.Max.X-1); x++ {
			in := 0
			for j := range 4 {
				for i := range 4 {
					if inside(poly, float64(x)+(float64(i)+0.5)/4, float64(y)+(float64(j)+0.5)/4) {
						in++
					}
				}
			}
			a := alpha * float64(in) / 16
			if a == 0 {
				continue
			}
			col := colour(float64(x)+0.5, float64(y)+0.5)
			o := img.PixOffset(x, y)
			for c := range 3 {
				img.Pix[o+c] = uint8(float64(img.Pix[o+c])*(1-a) + col[c]*a + 0.5)
			}
		}
	}
}

// inside is the even-odd rule.
func inside(poly []vec, x, y float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.y > y) != (b.y > y) && x < (b.x-a.x)*(y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}

// report analyses the frames as one camera stream and prints, per frame,
// what the challenges read, and per segment whether its challenge tracker
// completed.
func report(an *face.Analyzer, frames []image.Image, labels []string, log io.Writer) error {
	var tr *face.ChallengeTracker
	for n, img := range frames {
		if n == 0 || labels[n] != labels[n-1] {
			if tr != nil {
				fmt.Fprintf(log, "%s: done=%v\n", labels[n-1], tr.Done())
			}
			var err error
			if tr, err = face.NewChallengeTracker(labels[n]); err != nil {
				return err
			}
		}
		res, err := an.Analyze(img)
		if err != nil {
			return fmt.Errorf("analyse frame %d: %w", n, err)
		}
		tr.Observe(res)
		f := res.Primary()
		if f == nil {
			fmt.Fprintf(log, "%3d %-10s no face\n", n, labels[n])
			continue
		}
		bs := f.Blendshapes
		fmt.Fprintf(log, "%3d %-10s yaw %6.1f pitch %6.1f blink %.2f/%.2f smile %.2f jaw %.2f antispoof %.2f liveness %.2f %v\n",
			n, labels[n], f.Pose.Yaw, f.Pose.Pitch, bs[face.EyeBlinkLeft], bs[face.EyeBlinkRight],
			(bs[face.MouthSmileLeft]+bs[face.MouthSmileRight])/2, bs[face.JawOpen], f.AntiSpoof, f.Liveness, res.Guidance)
	}
	fmt.Fprintf(log, "%s: done=%v\n", labels[len(labels)-1], tr.Done())
	return nil
}
