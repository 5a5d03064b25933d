package match

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"slices"

	"github.com/kycterm/kycterm/capture/face"
)

// The mapping from cosine similarity (of the median frame) to a score.
// Score is 0 at or below CosineLow, 1 at or above CosineHigh and linear
// between, so CosineThreshold, their midpoint, scores 0.5: the sandbox's
// face-match floor. The measurements behind these numbers are in
// docs/face-analysis.md ("Face matching").
const (
	CosineLow       = 0.80
	CosineHigh      = 0.94
	CosineThreshold = (CosineLow + CosineHigh) / 2
)

// Score maps a cosine similarity of two embeddings to a score in [0, 1].
func Score(cosine float64) float64 {
	s := (cosine - CosineLow) / (CosineHigh - CosineLow)
	switch {
	case !(s > 0): // also NaN
		return 0
	case s > 1:
		return 1
	}
	return s
}

// DefaultMaxFrames is how many frames a Matcher compares at most.
const DefaultMaxFrames = 16

// Options tune a Matcher. The zero value asks for the defaults.
type Options struct {
	// MaxFrames bounds the frames compared; when more are given, that
	// many are taken evenly spaced (default DefaultMaxFrames). Each costs
	// a face detection and an embedding.
	MaxFrames int
}

// Reasons a Report gives for a score of 0.
const (
	ReasonNoDocumentFace = "no face found on the document"
	ReasonNoFrameFace    = "no face found in any frame"
	ReasonNoFrames       = "no frames"
)

// Report is the outcome of comparing a document with frames.
type Report struct {
	// Score is Score(Median), or 0 with Reason set when there was nothing
	// to compare.
	Score float64
	// Reason says why Score is 0 without a comparison; empty otherwise.
	Reason string
	// DocumentFace is the face found on the document, when one was.
	DocumentFace *Face
	// Frames counts the frames examined (at most Options.MaxFrames);
	// Cosines holds the cosine similarity of each that showed a face.
	Frames  int
	Cosines []float64
	// Median is the median of Cosines (the mean of the middle two for an
	// even count).
	Median float64
}

// Matcher compares the holder's photo on a document with the faces in
// live frames. It implements the local sandbox's FaceMatcher. Its methods
// are safe for concurrent use; calls are serialised.
type Matcher struct {
	e    *Embedder
	opts Options
}

// NewMatcher loads the models from models (e.g. assets.Models()).
func NewMatcher(models fs.FS, opts Options) (*Matcher, error) {
	if opts.MaxFrames <= 0 {
		opts.MaxFrames = DefaultMaxFrames
	}
	e, err := NewEmbedder(models)
	if err != nil {
		return nil, err
	}
	return &Matcher{e: e, opts: opts}, nil
}

// Close releases the models.
func (m *Matcher) Close() { m.e.Close() }

// Name names the matcher in the sandbox's verify details.
func (m *Matcher) Name() string { return "local-mobilefacenet" }

// MatchFace returns Compare's score. A score of 0 means either faces that
// differ completely or nothing to compare (no face on the document, or in
// no frame); Compare tells which.
func (m *Matcher) MatchFace(ctx context.Context, document image.Image, frames []image.Image) (float64, error) {
	r, err := m.Compare(ctx, document, frames)
	return r.Score, err
}

// Compare embeds the largest face on document and in each frame (at most
// Options.MaxFrames, evenly spaced), takes the cosine similarity of the
// document's face with each frame's, and scores their median. Frames
// without a face are left out. Errors are for a cancelled ctx or an
// unusable model; a picture without a face is not an error.
func (m *Matcher) Compare(ctx context.Context, document image.Image, frames []image.Image) (Report, error) {
	var r Report
	if document == nil {
		r.Reason = ReasonNoDocumentFace
		return r, nil
	}
	doc, df, err := m.embed(document)
	switch {
	case errors.Is(err, ErrNoFace):
		r.Reason = ReasonNoDocumentFace
		return r, nil
	case err != nil:
		return Report{}, fmt.Errorf("document: %w", err)
	}
	r.DocumentFace = &df
	for _, f := range pick(frames, m.opts.MaxFrames) {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		r.Frames++
		emb, _, err := m.embed(f)
		switch {
		case errors.Is(err, ErrNoFace):
			continue
		case err != nil:
			return Report{}, fmt.Errorf("frame: %w", err)
		}
		r.Cosines = append(r.Cosines, Cosine(doc, emb))
	}
	switch {
	case r.Frames == 0:
		r.Reason = ReasonNoFrames
		return r, nil
	case len(r.Cosines) == 0:
		r.Reason = ReasonNoFrameFace
		return r, nil
	}
	r.Median = median(r.Cosines)
	r.Score = Score(r.Median)
	return r, nil
}

// embed is Embed with a nil or unusable picture counted as showing no
// face.
func (m *Matcher) embed(img image.Image) (Embedding, Face, error) {
	if img == nil {
		return Embedding{}, Face{}, ErrNoFace
	}
	emb, f, err := m.e.Embed(img)
	if errors.Is(err, face.ErrImage) {
		return Embedding{}, Face{}, ErrNoFace
	}
	return emb, f, err
}

// pick returns at most n of frames, evenly spaced, first and last
// included.
func pick(frames []image.Image, n int) []image.Image {
	if len(frames) <= n {
		return frames
	}
	if n == 1 {
		return frames[:1]
	}
	out := make([]image.Image, n)
	for i := range n {
		out[i] = frames[i*(len(frames)-1)/(n-1)]
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
