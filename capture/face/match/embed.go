package match

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"sync"

	"github.com/kycterm/kycterm/capture/face"
	"github.com/kycterm/kycterm/capture/face/graph"
)

// Sentinel errors.
var (
	// ErrNoFace means no face was found in the picture.
	ErrNoFace = errors.New("no face found")
	// ErrModel means the embedding model is missing or not the expected one.
	ErrModel = errors.New("face embedding model unusable")
	// ErrClosed means the Embedder or Matcher was closed.
	ErrClosed = errors.New("face matcher closed")
)

// ModelName is the embedding model's base name in the models file system.
const ModelName = "mobilefacenet"

// Size is the side of the aligned face crop the model takes, in pixels.
const Size = 112

// Dim is the length of an Embedding.
const Dim = 192

// Embedding is a face's MobileFaceNet embedding, of unit length.
type Embedding [Dim]float32

// Cosine returns the cosine similarity of two embeddings, in [-1, 1]: the
// dot product, both being of unit length.
func Cosine(a, b Embedding) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return max(-1, min(1, s))
}

// Mesh indices (MediaPipe's canonical face mesh) of the eye corners,
// whose midpoints level the crop.
const (
	idxRightEyeOuter = 33
	idxRightEyeInner = 133
	idxLeftEyeInner  = 362
	idxLeftEyeOuter  = 263
)

// cropScale sizes the crop from the mesh's bounds in the eye-levelled
// frame. The human library feeds mobilefacenet its face crop, the
// detector's box enlarged 1.2 times, and the detector's box is about 0.93
// of the mesh's bounds: 1.2 × 0.93 ≈ 1.1 (as capture/face's classifier
// crop).
const cropScale = 1.1

// cropTransform returns the map from crop pixels to image pixels of a
// face: a square of cropScale times the longer side of the landmarks'
// bounds, measured along and across the line between the eye centres,
// rotated so that the eyes are level in the crop. ok is false for a mesh
// that is degenerate (too few points, NaN, zero size).
func cropTransform(pts []face.Point) (similarity, bool) {
	if len(pts) < face.NumLandmarks {
		return similarity{}, false
	}
	rx := (pts[idxRightEyeOuter].X + pts[idxRightEyeInner].X) / 2
	ry := (pts[idxRightEyeOuter].Y + pts[idxRightEyeInner].Y) / 2
	lx := (pts[idxLeftEyeOuter].X + pts[idxLeftEyeInner].X) / 2
	ly := (pts[idxLeftEyeOuter].Y + pts[idxLeftEyeInner].Y) / 2
	angle := math.Atan2(ly-ry, lx-rx)
	cx, cy, w, h := face.RotatedBounds(pts, angle)
	side := cropScale * max(w, h)
	if !(side > 1) || math.IsInf(side, 0) || math.IsNaN(angle) {
		return similarity{}, false
	}
	sin, cos := math.Sincos(angle)
	k := side / Size
	t := similarity{a: k * cos, b: k * sin}
	// The crop's centre (Size/2, Size/2) lands on the face's centre.
	x0, y0 := t.apply(Size/2, Size/2)
	t.tx, t.ty = cx-x0, cy-y0
	return t, true
}

// similarity is the map from crop pixels to image pixels:
// x = a·u − b·v + tx, y = b·u + a·v + ty (a rotation, a uniform scale and
// a shift).
type similarity struct{ a, b, tx, ty float64 }

func (s similarity) apply(u, v float64) (x, y float64) {
	return s.a*u - s.b*v + s.tx, s.b*u + s.a*v + s.ty
}

// scale is how many image pixels one crop pixel spans.
func (s similarity) scale() float64 { return math.Hypot(s.a, s.b) }

// Embedder computes face embeddings. It holds model sessions: create one
// and reuse it; Close it when done. Its methods are safe for concurrent
// use; calls are serialised.
type Embedder struct {
	mu     sync.Mutex
	closed bool
	an     *face.Analyzer
	sess   *graph.Session
	in     *graph.Tensor
	// centre is the model's raw output for a uniform mid-grey crop: the
	// direction every output shares (see Embed).
	centre [Dim]float64
}

// NewEmbedder loads the face analysis models and the mobilefacenet model
// from models (e.g. assets.Models()).
func NewEmbedder(models fs.FS) (*Embedder, error) {
	an, err := face.NewAnalyzer(models, face.Options{
		SkipIris: true, SkipAntiSpoof: true, SkipLiveness: true,
		DetectEvery: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("load face analysis: %w", err)
	}
	m, err := graph.Load(models, ModelName)
	if err != nil {
		an.Close()
		return nil, fmt.Errorf("load %s: %w", ModelName, err)
	}
	if err := checkModel(m); err != nil {
		an.Close()
		return nil, err
	}
	e := &Embedder{an: an, sess: m.NewSession(), in: graph.NewTensor(1, Size, Size, 3)}
	for i := range e.in.Data {
		e.in.Data[i] = 0.5
	}
	raw, err := e.run()
	if err != nil {
		e.Close()
		return nil, err
	}
	copy(e.centre[:], raw)
	return e, nil
}

func checkModel(m *graph.Model) error {
	ins, outs := m.Inputs(), m.Outputs()
	if len(ins) != 1 || len(outs) != 1 {
		return fmt.Errorf("%s has %d inputs and %d outputs, want 1 and 1: %w", ModelName, len(ins), len(outs), ErrModel)
	}
	s := ins[0].Shape
	if len(s) != 4 || s[1] != Size || s[2] != Size || s[3] != 3 {
		return fmt.Errorf("%s input shape %v, want [N %d %d 3]: %w", ModelName, s, Size, Size, ErrModel)
	}
	return nil
}

// run runs the model on e.in and returns its raw output as float64.
func (e *Embedder) run() ([]float64, error) {
	outs, err := e.sess.RunTensors(e.in)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", ModelName, err)
	}
	data := outs[0].Data
	if len(data) != Dim {
		return nil, fmt.Errorf("%s output has %d values, want %d: %w", ModelName, len(data), Dim, ErrModel)
	}
	out := make([]float64, Dim)
	for i, v := range data {
		out[i] = float64(v)
	}
	return out, nil
}

// Close releases the model sessions.
func (e *Embedder) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	e.closed = true
	e.an.Close()
	e.sess.Close()
}

// Face is the face an embedding was taken from.
type Face struct {
	// Box bounds the face mesh, in image pixels.
	Box face.Rect
	// Score is the mesh model's face confidence in [0, 1].
	Score float64
	// Yaw is the head's yaw in degrees (see face.HeadPose).
	Yaw float64
}

// Embed finds the largest face in img and returns its embedding, or
// ErrNoFace.
//
// The crop is the face's square (cropScale × the mesh's bounds), eyes
// levelled, 112×112, RGB, as the human library feeds the model (its range
// [0, 1]), with brightness and contrast normalised (see cropMean).
// The model's outputs (unit vectors) all lie close to one shared
// direction: two random inputs give a cosine of 0.9999 (in TensorFlow.js
// as here). What tells faces apart is the small remainder, so Embed
// subtracts the output for a uniform mid-grey crop (computed once by
// NewEmbedder) and normalises the difference to unit length.
func (e *Embedder) Embed(img image.Image) (Embedding, Face, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return Embedding{}, Face{}, ErrClosed
	}
	// Pictures are independent: no tracking from the previous one.
	e.an.Reset()
	res, err := e.an.Analyze(img)
	if err != nil {
		return Embedding{}, Face{}, fmt.Errorf("find face: %w", err)
	}
	f := res.Primary()
	if f == nil {
		return Embedding{}, Face{}, ErrNoFace
	}
	t, ok := cropTransform(f.Landmarks)
	if !ok {
		return Embedding{}, Face{}, ErrNoFace
	}
	alignedCrop(e.in.Data, img, t)
	raw, err := e.run()
	if err != nil {
		return Embedding{}, Face{}, err
	}
	var n float64
	for i := range raw {
		raw[i] -= e.centre[i]
		n += raw[i] * raw[i]
	}
	if n = math.Sqrt(n); !(n > 1e-12) || math.IsInf(n, 0) {
		return Embedding{}, Face{}, fmt.Errorf("%s output has no direction: %w", ModelName, ErrModel)
	}
	var emb Embedding
	for i := range raw {
		emb[i] = float32(raw[i] / n)
	}
	return emb, Face{Box: f.Box, Score: f.Score, Yaw: f.Pose.Yaw}, nil
}

// The crop's brightness and contrast are normalised before the model:
// all values (every pixel and channel) are shifted and scaled to mean
// cropMean and standard deviation cropStd, in the model's [0, 1] range.
// Without it the embedding follows the light: the portrait darkened to 40%
// gave a cosine of −0.72 with itself.
const (
	cropMean = 0.5
	cropStd  = 0.25
)

// alignedCrop fills dst (Size×Size×3, HWC, RGB) with the crop of img that
// t maps to, brightness and contrast normalised (cropMean, cropStd). When
// one crop pixel spans several image pixels (a large face), each crop
// pixel averages a grid of bilinear taps so that the downscale does not
// alias. Outside the image reads as black.
func alignedCrop(dst []float32, img image.Image, t similarity) {
	px := newPixels(img)
	n := min(max(int(math.Ceil(t.scale()/1.5)), 1), 4)
	var sum, sum2 float64
	for v := range Size {
		for u := range Size {
			var acc [3]float64
			for j := range n {
				for i := range n {
					x, y := t.apply(float64(u)+(float64(i)+0.5)/float64(n), float64(v)+(float64(j)+0.5)/float64(n))
					r, g, b := px.bilinear(x-0.5, y-0.5)
					acc[0] += r
					acc[1] += g
					acc[2] += b
				}
			}
			o := 3 * (v*Size + u)
			w := 1 / float64(n*n)
			for c := range 3 {
				x := acc[c] * w
				dst[o+c] = float32(x)
				sum += x
				sum2 += x * x
			}
		}
	}
	cnt := float64(len(dst))
	mean := sum / cnt
	std := math.Sqrt(max(0, sum2/cnt-mean*mean))
	// A flat crop (std 0) stays flat at cropMean.
	k := 0.0
	if std > 1e-6 {
		k = cropStd / std
	}
	for i, x := range dst {
		dst[i] = float32((float64(x)-mean)*k + cropMean)
	}
}

// pixels reads an image's RGB values (0–255) fast for the common types.
type pixels struct {
	img  image.Image
	b    image.Rectangle
	ycc  *image.YCbCr
	rgba *image.RGBA
	nrgb *image.NRGBA
}

func newPixels(img image.Image) pixels {
	p := pixels{img: img, b: img.Bounds()}
	switch m := img.(type) {
	case *image.YCbCr:
		p.ycc = m
	case *image.RGBA:
		p.rgba = m
	case *image.NRGBA:
		p.nrgb = m
	}
	return p
}

// at returns the pixel at (x, y) in image coordinates; outside is black.
func (p pixels) at(x, y int) (r, g, b float64) {
	if !(image.Point{x, y}).In(p.b) {
		return 0, 0, 0
	}
	switch {
	case p.ycc != nil:
		c := p.ycc.YCbCrAt(x, y)
		cr, cg, cb, _ := c.RGBA()
		return float64(cr >> 8), float64(cg >> 8), float64(cb >> 8)
	case p.rgba != nil:
		i := p.rgba.PixOffset(x, y)
		s := p.rgba.Pix[i : i+3]
		return float64(s[0]), float64(s[1]), float64(s[2])
	case p.nrgb != nil:
		i := p.nrgb.PixOffset(x, y)
		s := p.nrgb.Pix[i : i+4]
		a := float64(s[3]) / 255
		return float64(s[0]) * a, float64(s[1]) * a, float64(s[2]) * a
	}
	cr, cg, cb, _ := p.img.At(x, y).RGBA()
	return float64(cr >> 8), float64(cg >> 8), float64(cb >> 8)
}

// bilinear interpolates at (x, y), where integer coordinates are pixel
// centres.
func (p pixels) bilinear(x, y float64) (r, g, b float64) {
	if math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > 1e7 || math.Abs(y) > 1e7 {
		return 0, 0, 0
	}
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	r00, g00, b00 := p.at(ix, iy)
	r10, g10, b10 := p.at(ix+1, iy)
	r01, g01, b01 := p.at(ix, iy+1)
	r11, g11, b11 := p.at(ix+1, iy+1)
	lerp := func(a, b, c, d float64) float64 {
		top := a + (b-a)*fx
		bot := c + (d-c)*fx
		return top + (bot-top)*fy
	}
	return lerp(r00, r10, r01, r11), lerp(g00, g10, g01, g11), lerp(b00, b10, b01, b11)
}
