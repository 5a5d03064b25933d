package face

// GuidanceThresholds decide the capture hints. A zero field takes the
// value of DefaultGuidanceThresholds.
type GuidanceThresholds struct {
	// MinSize and MaxSize bound the face's size (Quality.Size, a fraction
	// of the image's shorter side): smaller is too far, larger too close.
	MinSize, MaxSize float64
	// MaxOffset bounds Quality.Offset (distance from the image centre as
	// a fraction of the shorter side).
	MaxOffset float64
	// MinBrightness and MaxBrightness bound the face's mean luma (0–255);
	// MaxSaturated bounds the fraction of blown-out face pixels.
	MinBrightness, MaxBrightness, MaxSaturated float64
	// MinSharpness is the Laplacian variance under which the face is
	// blurry.
	MinSharpness float64
	// EyesClosed is the eyeBlink score both eyes must reach to count as
	// closed.
	EyesClosed float64
}

// DefaultGuidanceThresholds returns the thresholds docs/face-analysis.md
// documents.
func DefaultGuidanceThresholds() GuidanceThresholds {
	return GuidanceThresholds{
		MinSize:       0.25,
		MaxSize:       0.80,
		MaxOffset:     0.25,
		MinBrightness: 60,
		MaxBrightness: 210,
		MaxSaturated:  0.25,
		MinSharpness:  10,
		EyesClosed:    0.6,
	}
}

func (t GuidanceThresholds) withDefaults() GuidanceThresholds {
	d := DefaultGuidanceThresholds()
	set := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&t.MinSize, d.MinSize)
	set(&t.MaxSize, d.MaxSize)
	set(&t.MaxOffset, d.MaxOffset)
	set(&t.MinBrightness, d.MinBrightness)
	set(&t.MaxBrightness, d.MaxBrightness)
	set(&t.MaxSaturated, d.MaxSaturated)
	set(&t.MinSharpness, d.MinSharpness)
	set(&t.EyesClosed, d.EyesClosed)
	return t
}

// guidance derives the capture hints of a result from its primary face,
// or from the whole frame's brightness when there is none.
func guidance(r *Result, t GuidanceThresholds, frameBrightness func() float64) []Guidance {
	var out []Guidance
	f := r.Primary()
	if f == nil {
		out = append(out, GuidanceNoFace)
		switch b := frameBrightness(); {
		case b < t.MinBrightness:
			out = append(out, GuidanceTooDark)
		case b > t.MaxBrightness:
			out = append(out, GuidanceTooBright)
		}
		return out
	}
	q := f.Quality
	if max(r.Found, len(r.Faces)) > 1 {
		out = append(out, GuidanceManyFaces)
	}
	switch {
	case q.Size < t.MinSize:
		out = append(out, GuidanceTooFar)
	case q.Size > t.MaxSize:
		out = append(out, GuidanceTooClose)
	}
	if q.Offset > t.MaxOffset {
		out = append(out, GuidanceOffCentre)
	}
	switch {
	case q.Brightness < t.MinBrightness:
		out = append(out, GuidanceTooDark)
	case q.Brightness > t.MaxBrightness || q.Saturated > t.MaxSaturated:
		out = append(out, GuidanceTooBright)
	}
	if q.Sharpness < t.MinSharpness {
		out = append(out, GuidanceBlurry)
	}
	if f.Blendshapes[EyeBlinkLeft] >= t.EyesClosed && f.Blendshapes[EyeBlinkRight] >= t.EyesClosed {
		out = append(out, GuidanceEyesClosed)
	}
	return out
}
