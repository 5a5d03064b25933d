package face

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"slices"
	"sync"

	"github.com/kycterm/kycterm/capture/face/graph"
)

// Sentinel errors.
var (
	// ErrModel means a model is missing, malformed or not the expected one.
	ErrModel = errors.New("face model unusable")
	// ErrImage means the image cannot be analysed (empty or too large).
	ErrImage = errors.New("image unusable for face analysis")
	// ErrClosed means the Analyzer was closed.
	ErrClosed = errors.New("face analyzer closed")
)

// Model input sizes and crop scales.
const (
	meshSize  = 192
	irisSize  = 64
	spoofSize = 128
	liveSize  = 32
	// meshScale enlarges a face box (detector box or mesh bounds) to the
	// mesh model's crop, as MediaPipe's face-landmark front-end does.
	meshScale = 1.5
	// irisScale enlarges an eye (corner to corner) to the iris model's
	// crop, as the human library does.
	irisScale = 2.3
	// classifierScale sizes the anti-spoofing and liveness models' crop
	// from the mesh's bounds. The human library feeds those models its
	// face crop: the detector's box enlarged 1.2 times and made square,
	// recentred on the mesh while tracking, not rotated (its default).
	// The detector's box is 0.91–0.96 of the mesh's bounds on the
	// portrait, so 1.2 × 0.93 ≈ 1.1 × the mesh's bounds. (The mesh's own
	// crop, 1.5 × the bounds, holds a third more background and hair, and
	// the anti-spoofing model reads it as less real: 0.35 instead of 0.69
	// on the portrait.)
	classifierScale = 1.1
	// maxPixels bounds the frames Analyze accepts: the largest picture
	// capture.DecodeImage decodes (capture.MaxImagePixels).
	maxPixels = 50_000_000
	// nmsMinIoU is the overlap above which detections merge (MediaPipe's
	// min_suppression_threshold).
	nmsMinIoU = 0.3
	// liveClass is the liveness model's output that is the live-face
	// probability (the human library reads the first).
	liveClass = 0
)

// Options tune an Analyzer. The zero value asks for the defaults.
type Options struct {
	// MinDetectScore is the detector score a new face needs (default 0.5).
	MinDetectScore float64
	// MinFaceScore is the mesh model's face confidence below which a face
	// is dropped and the detector runs again (default 0.5).
	MinFaceScore float64
	// MaxFaces bounds the faces analysed per frame (default 2: enough to
	// tell "more than one face").
	MaxFaces int
	// DetectEvery runs the detector every this many frames even while
	// faces are tracked, so a second face entering is noticed (default
	// 10; 1 detects on every frame).
	DetectEvery int
	// SkipIris, SkipAntiSpoof and SkipLiveness turn those models off.
	SkipIris, SkipAntiSpoof, SkipLiveness bool
	// Guidance holds the capture-guidance thresholds; zero fields take
	// DefaultGuidanceThresholds' values.
	Guidance GuidanceThresholds
}

func (o Options) withDefaults() Options {
	if o.MinDetectScore <= 0 {
		o.MinDetectScore = 0.5
	}
	if o.MinFaceScore <= 0 {
		o.MinFaceScore = 0.5
	}
	if o.MaxFaces <= 0 {
		o.MaxFaces = 2
	}
	if o.DetectEvery <= 0 {
		o.DetectEvery = 10
	}
	o.Guidance = o.Guidance.withDefaults()
	return o
}

// Analyzer finds and measures faces in the frames of one camera stream.
// It keeps tracking state (the last frame's face crops), so use one
// Analyzer per stream. Its methods are safe for concurrent use; calls are
// serialised.
type Analyzer struct {
	mu     sync.Mutex
	opts   Options
	closed bool

	det, mesh, iris, spoof, live *graph.Session
	detScores, detBoxes          [2]int // output indices: 512-anchor head, 384-anchor head
	anchors                      []anchor

	frame                                  rgbFrame
	detIn, meshIn, irisIn, spoofIn, liveIn *graph.Tensor
	logits, raw                            []float32
	dets                                   []detection
	tracks                                 []region
	sinceDetect                            int
}

// NewAnalyzer loads the face models from models (an fs.FS holding
// blazeface-front, facemesh, iris, antispoof and liveness as TensorFlow.js
// graph models, e.g. assets.Models()) and returns an Analyzer.
func NewAnalyzer(models fs.FS, opts Options) (*Analyzer, error) {
	a := &Analyzer{opts: opts.withDefaults(), anchors: makeAnchors()}
	type want struct {
		name string
		dst  **graph.Session
		in   []int
		skip bool
	}
	for _, w := range []want{
		{"blazeface-front", &a.det, []int{1, detectSize, detectSize, 3}, false},
		{"facemesh", &a.mesh, []int{1, meshSize, meshSize, 3}, false},
		{"iris", &a.iris, []int{2, irisSize, irisSize, 3}, a.opts.SkipIris},
		{"antispoof", &a.spoof, []int{1, spoofSize, spoofSize, 3}, a.opts.SkipAntiSpoof},
		{"liveness", &a.live, []int{1, liveSize, liveSize, 3}, a.opts.SkipLiveness},
	} {
		if w.skip {
			continue
		}
		m, err := graph.Load(models, w.name)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("load face model %s: %w: %w", w.name, ErrModel, err)
		}
		ins := m.Inputs()
		if len(ins) != 1 || !fits(ins[0].Shape, w.in) {
			a.Close()
			return nil, fmt.Errorf("face model %s: input %v, want %v: %w", w.name, ins, w.in, ErrModel)
		}
		*w.dst = m.NewSession()
	}
	if err := a.checkOutputs(); err != nil {
		a.Close()
		return nil, err
	}
	a.detIn = graph.NewTensor(1, detectSize, detectSize, 3)
	a.meshIn = graph.NewTensor(1, meshSize, meshSize, 3)
	a.irisIn = graph.NewTensor(2, irisSize, irisSize, 3)
	a.spoofIn = graph.NewTensor(1, spoofSize, spoofSize, 3)
	a.liveIn = graph.NewTensor(1, liveSize, liveSize, 3)
	a.logits = make([]float32, len(a.anchors))
	a.raw = make([]float32, len(a.anchors)*detectRowWidth)
	return a, nil
}

// fits tells whether a declared input shape (-1 = any) accepts shape.
func fits(declared, shape []int) bool {
	if len(declared) != len(shape) {
		return false
	}
	for i, d := range declared {
		if d >= 0 && d != shape[i] {
			return false
		}
	}
	return true
}

// checkOutputs finds the detector's heads by shape and checks the other
// models' outputs by running them once on a blank input (which also
// plans their buffers, so the first frame is not slower).
func (a *Analyzer) checkOutputs() error {
	// The detector has two heads of 512 and 384 anchors, each as a
	// score (…×1) and a regressor (…×16) tensor.
	found := 0
	outs, err := a.det.RunTensors(graph.NewTensor(1, detectSize, detectSize, 3))
	if err != nil {
		return fmt.Errorf("run face detector: %w: %w", ErrModel, err)
	}
	for i, t := range outs {
		if len(t.Shape) != 3 {
			continue
		}
		head := -1
		switch t.Shape[1] {
		case 512:
			head = 0
		case 384:
			head = 1
		}
		if head < 0 {
			continue
		}
		switch t.Shape[2] {
		case 1:
			a.detScores[head] = i
			found++
		case detectRowWidth:
			a.detBoxes[head] = i
			found++
		}
	}
	if found != 4 {
		return fmt.Errorf("face detector outputs are not two 512/384-anchor heads: %w", ErrModel)
	}
	if _, err := a.mesh.RunTensors(graph.NewTensor(1, meshSize, meshSize, 3)); err != nil {
		return fmt.Errorf("run face mesh: %w: %w", ErrModel, err)
	}
	if m, f := a.mesh.Output("output_mesh"), a.mesh.Output("output_faceflag"); m == nil || f == nil || len(m.Data) != 3*NumLandmarks || len(f.Data) != 1 {
		return fmt.Errorf("face mesh lacks output_mesh (1404) and output_faceflag (1): %w", ErrModel)
	}
	check := func(s *graph.Session, batch, size, n int, name string) error {
		if s == nil {
			return nil
		}
		outs, err := s.RunTensors(graph.NewTensor(batch, size, size, 3))
		if err != nil {
			return fmt.Errorf("run %s: %w: %w", name, ErrModel, err)
		}
		if len(outs) != 1 || len(outs[0].Data) != n {
			return fmt.Errorf("%s output is not %d values: %w", name, n, ErrModel)
		}
		return nil
	}
	if err := check(a.iris, 2, irisSize, 2*3*irisPoints, "iris model"); err != nil {
		return err
	}
	if err := check(a.spoof, 1, spoofSize, 1, "anti-spoofing model"); err != nil {
		return err
	}
	return check(a.live, 1, liveSize, 2, "liveness model")
}

// Close stops the model sessions' workers. The Analyzer cannot be used
// afterwards.
func (a *Analyzer) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range []*graph.Session{a.det, a.mesh, a.iris, a.spoof, a.live} {
		if s != nil {
			s.Close()
		}
	}
	// The buffers hold the last frame's face; do not leave it in memory.
	clear(a.frame.pix)
	a.closed = true
}

// Reset forgets the tracked faces, so the next frame runs the detector.
// Call it when the stream jumps (another camera, another customer).
func (a *Analyzer) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tracks = a.tracks[:0]
}

// Analyze finds the faces in img and measures them. The first frame, every
// Options.DetectEvery-th frame and any frame on which a tracked face is
// lost run the detector; the others reuse the previous frame's face crops.
func (a *Analyzer) Analyze(img image.Image) (Result, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return Result{}, ErrClosed
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > maxPixels/max(1, b.Dy()) {
		return Result{}, fmt.Errorf("analyse %dx%d image: %w", b.Dx(), b.Dy(), ErrImage)
	}
	a.frame.load(img)
	// Keep no reference to the customer's picture past this call.
	defer a.frame.release()
	res := Result{Width: a.frame.w, Height: a.frame.h}

	var faces []Face
	var err error
	if len(a.tracks) > 0 && a.sinceDetect+1 < a.opts.DetectEvery {
		a.sinceDetect++
		faces, err = a.meshAll(a.tracks, nil)
		if err != nil {
			return Result{}, err
		}
		if len(faces) < len(a.tracks) {
			// A tracked face was lost: look again on this very frame.
			faces = nil
		}
	}
	if faces == nil {
		res.Detected = true
		a.sinceDetect = 0
		regs, scores, err := a.detect()
		if err != nil {
			return Result{}, err
		}
		regs, scores = a.mergeTracks(regs, scores)
		faces, err = a.meshAll(regs, scores)
		if err != nil {
			return Result{}, err
		}
	}
	faces = dedupe(faces)
	slices.SortStableFunc(faces, func(x, y Face) int {
		return cmpFloat(y.Box.W*y.Box.H, x.Box.W*x.Box.H)
	})
	res.Found = len(faces)
	if len(faces) > a.opts.MaxFaces {
		faces = faces[:a.opts.MaxFaces]
	}
	a.tracks = a.tracks[:0]
	for i := range faces {
		f := &faces[i]
		if err := a.measure(f); err != nil {
			return Result{}, err
		}
		a.tracks = append(a.tracks, landmarkRegion(f.Landmarks))
	}
	res.Faces = faces
	res.Guidance = guidance(&res, a.opts.Guidance, a.frameBrightness)
	return res, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// detect runs the detector on square tiles of the frame (side: the
// frame's shorter side, overlapping, enough of them to cover the longer
// side) so that faces keep their proportions and a wide frame's faces are
// not shrunk, then merges the tiles' detections and returns the mesh crops
// of the faces found with their scores.
func (a *Analyzer) detect() ([]region, []float64, error) {
	w, h := float64(a.frame.w), float64(a.frame.h)
	short, long := min(w, h), max(w, h)
	n := 1
	if long > short {
		n = int(long/short) + 1
	}
	a.dets = a.dets[:0]
	for i := range n {
		// Tile centres spread evenly along the longer side.
		c := short / 2
		if n > 1 {
			c += (long - short) * float64(i) / float64(n-1)
		}
		r := region{cx: c, cy: h / 2, side: short}
		if h > w {
			r = region{cx: w / 2, cy: c, side: short}
		}
		// The detector takes RGB in [-1, 1].
		a.frame.sample(a.detIn.Data, detectSize, r, false, 2.0/255, -1)
		outs, err := a.det.RunTensors(a.detIn)
		if err != nil {
			return nil, nil, fmt.Errorf("run face detector: %w", err)
		}
		n0 := copy(a.logits, outs[a.detScores[0]].Data)
		copy(a.logits[n0:], outs[a.detScores[1]].Data)
		n0 = copy(a.raw, outs[a.detBoxes[0]].Data)
		copy(a.raw[n0:], outs[a.detBoxes[1]].Data)
		a.dets = decodeDetections(a.anchors, a.logits, a.raw, a.opts.MinDetectScore, r, a.dets)
	}
	merged := weightedNMS(a.dets, nmsMinIoU)
	var regs []region
	var scores []float64
	for _, d := range merged {
		regs = append(regs, detectionRegion(d))
		scores = append(scores, d.score)
	}
	return regs, scores, nil
}

// mergeTracks adds the tracked crops to fresh detections, dropping the
// detections of faces already tracked: a mesh-derived crop fits the face
// better than a detector box.
func (a *Analyzer) mergeTracks(regs []region, scores []float64) ([]region, []float64) {
	if len(a.tracks) == 0 {
		return regs, scores
	}
	outR := slices.Clone(a.tracks)
	outS := make([]float64, len(a.tracks))
	for i, r := range regs {
		dup := false
		for _, t := range a.tracks {
			if math.Hypot(r.cx-t.cx, r.cy-t.cy) < 0.25*max(r.side, t.side) {
				dup = true
				// Keep the detector's score on the tracked face.
				for j := range outR {
					if outR[j] == t && outS[j] == 0 {
						outS[j] = scores[i]
					}
				}
				break
			}
		}
		if !dup {
			outR = append(outR, r)
			outS = append(outS, scores[i])
		}
	}
	return outR, outS
}

// meshAll runs the mesh on each crop and keeps the faces whose face flag
// passes. scores are the detector scores (nil when tracking).
func (a *Analyzer) meshAll(regs []region, scores []float64) ([]Face, error) {
	var faces []Face
	for i, r := range regs {
		// One face beyond the limit is enough to tell "more than one".
		if len(faces) >= a.opts.MaxFaces+1 {
			break
		}
		f, ok, err := a.runMesh(r)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if scores != nil {
			f.DetectScore = scores[i]
		}
		f.Tracked = scores == nil || f.DetectScore == 0
		faces = append(faces, f)
	}
	return faces, nil
}

// runMesh runs the face-mesh model on the crop r and maps the 468 points
// back to the image. ok is false when the face flag is below the minimum.
func (a *Analyzer) runMesh(r region) (Face, bool, error) {
	if !(r.side > 1) || math.IsNaN(r.cx) || math.IsNaN(r.cy) || math.IsNaN(r.angle) {
		return Face{}, false, nil
	}
	// The mesh model takes RGB in [0, 1].
	a.frame.sample(a.meshIn.Data, meshSize, r, false, 1.0/255, 0)
	if _, err := a.mesh.RunTensors(a.meshIn); err != nil {
		return Face{}, false, fmt.Errorf("run face mesh: %w", err)
	}
	flag := float64(a.mesh.Output("output_faceflag").Data[0])
	if flag < 0 || flag > 1 {
		flag = sigmoid(flag)
	}
	if !(flag >= a.opts.MinFaceScore) {
		return Face{}, false, nil
	}
	raw := a.mesh.Output("output_mesh").Data
	f := Face{Score: flag, Landmarks: make([]Point, NumLandmarks)}
	k := r.side / meshSize
	for i := range f.Landmarks {
		x, y := r.toImage(float64(raw[3*i]), float64(raw[3*i+1]), meshSize)
		f.Landmarks[i] = Point{X: x, Y: y, Z: float64(raw[3*i+2]) * k}
	}
	f.Quality.Brightness, f.Quality.Saturated, f.Quality.Sharpness = lumaStats(a.meshIn.Data, meshSize)
	return f, true, nil
}

// landmarkRegion is the next frame's mesh crop for a face: the bounds of
// its landmarks in the frame rotated by the eye line, enlarged 1.5 times
// and made square, as MediaPipe's tracking does.
func landmarkRegion(pts []Point) region {
	ro, lo := pts[idxRightEyeOuter], pts[idxLeftEyeOuter]
	angle := math.Atan2(lo.Y-ro.Y, lo.X-ro.X)
	cx, cy, w, h := RotatedBounds(pts, angle)
	return region{cx: cx, cy: cy, side: meshScale * max(w, h), angle: angle}
}

// RotatedBounds measures pts along the direction angle (radians, image
// coordinates) and across it: the centre of their bounding box in that
// rotated frame, given in image coordinates, and the box's extent along
// (w) and across (h) the direction. Face crops levelled by the eye line
// are cut from it.
func RotatedBounds(pts []Point, angle float64) (cx, cy, w, h float64) {
	sin, cos := math.Sincos(angle)
	minU, minV := math.Inf(1), math.Inf(1)
	maxU, maxV := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		u := p.X*cos + p.Y*sin
		v := -p.X*sin + p.Y*cos
		minU, maxU = min(minU, u), max(maxU, u)
		minV, maxV = min(minV, v), max(maxV, v)
	}
	cu, cv := (minU+maxU)/2, (minV+maxV)/2
	return cu*cos - cv*sin, cu*sin + cv*cos, maxU - minU, maxV - minV
}

// classifierRegion is the anti-spoofing and liveness models' crop: a
// square of classifierScale times the longer side of the landmarks'
// bounds, centred on them, upright.
func classifierRegion(pts []Point) region {
	b := bounds(pts)
	return region{cx: b.X + b.W/2, cy: b.Y + b.H/2, side: classifierScale * max(b.W, b.H)}
}

// dedupe drops faces whose boxes overlap a higher-scoring face's by more
// than half: two crops that converged on one face.
func dedupe(faces []Face) []Face {
	for i := range faces {
		faces[i].Box = bounds(faces[i].Landmarks)
	}
	var out []Face
	for _, f := range faces {
		dup := false
		for j, g := range out {
			if rectIoU(f.Box, g.Box) > 0.5 {
				dup = true
				if f.Score > g.Score {
					out[j] = f
				}
				break
			}
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

func bounds(pts []Point) Rect {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, x1 = min(x0, p.X), max(x1, p.X)
		y0, y1 = min(y0, p.Y), max(y1, p.Y)
	}
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

func rectIoU(a, b Rect) float64 {
	ix := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	iy := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	in := ix * iy
	return in / (a.W*a.H + b.W*b.H - in)
}

// measure adds the iris, pose, blendshapes, anti-spoofing and liveness
// scores and the geometric quality measures to a meshed face.
func (a *Analyzer) measure(f *Face) error {
	face := landmarkRegion(f.Landmarks)
	if a.iris != nil {
		if err := a.refineEyes(f, face); err != nil {
			return err
		}
	}
	f.Pose = headPose(f.Landmarks)
	f.Blendshapes = blendshapes(f.Landmarks, defaultCalibration())
	side := float64(min(a.frame.w, a.frame.h))
	f.Quality.Size = max(f.Box.W, f.Box.H) / side
	f.Quality.Offset = math.Hypot(f.Box.X+f.Box.W/2-float64(a.frame.w)/2, f.Box.Y+f.Box.H/2-float64(a.frame.h)/2) / side
	// The classifiers take the face crop as the human library cuts it,
	// RGB in [0, 1].
	crop := classifierRegion(f.Landmarks)
	if a.spoof != nil {
		a.frame.sample(a.spoofIn.Data, spoofSize, crop, false, 1.0/255, 0)
		outs, err := a.spoof.RunTensors(a.spoofIn)
		if err != nil {
			return fmt.Errorf("run anti-spoofing model: %w", err)
		}
		f.AntiSpoof, f.HasAntiSpoof = clamp01(float64(outs[0].Data[0])), true
	}
	if a.live != nil {
		a.frame.sample(a.liveIn.Data, liveSize, crop, false, 1.0/255, 0)
		outs, err := a.live.RunTensors(a.liveIn)
		if err != nil {
			return fmt.Errorf("run liveness model: %w", err)
		}
		f.Liveness, f.HasLiveness = clamp01(float64(outs[0].Data[liveClass])), true
	}
	return nil
}

// frameBrightness is the mean luma (0–255) of the whole frame, sampled on
// a grid of about 64×64 points, for guidance when no face is found.
func (a *Analyzer) frameBrightness() float64 {
	f := &a.frame
	sx, sy := max(1, f.w/64), max(1, f.h/64)
	var sum float64
	var n int
	for y := sy / 2; y < f.h; y += sy {
		f.rows(y, y+1)
		for x := sx / 2; x < f.w; x += sx {
			p := f.pix[3*(y*f.w+x):]
			sum += 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
			n++
		}
	}
	return sum / float64(max(n, 1))
}

func clamp01(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return max(0, min(1, x))
}
