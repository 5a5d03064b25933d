package face

// Point is a landmark in image pixel coordinates: X to the right, Y down,
// Z the depth in X's scale (smaller is nearer the camera), relative to the
// face's centre.
type Point struct {
	X, Y, Z float64
}

// Rect is an axis-aligned box in image pixels.
type Rect struct {
	X, Y, W, H float64
}

// HeadPose is the head's orientation in degrees in the project's
// convention: Yaw > 0 when the subject turns to their own left (the nose
// moves toward the right edge of the unmirrored image), Pitch > 0 when
// they look up, Roll > 0 when the head tilts counter-clockwise as seen in
// the unmirrored image.
type HeadPose struct {
	Yaw, Pitch, Roll float64
}

// Iris is one eye's iris as the iris model found it, in image pixels.
type Iris struct {
	// Center is the iris centre.
	Center Point
	// Radius is half the mean of the iris's horizontal and vertical
	// extents.
	Radius float64
}

// Quality holds the capture measurements guidance is derived from.
type Quality struct {
	// Size is the face's size (the mesh's inter-temple span times two,
	// roughly the head's width) as a fraction of the image's shorter side.
	Size float64 `json:"size"`
	// Offset is the distance of the face's centre from the image centre,
	// as a fraction of the image's shorter side.
	Offset float64 `json:"offset"`
	// Brightness is the mean luma of the face, 0–255.
	Brightness float64 `json:"brightness"`
	// Saturated is the fraction of face pixels at or near full white.
	Saturated float64 `json:"saturated"`
	// Sharpness is the variance of the Laplacian of the face's luma,
	// measured on the 192×192 aligned face crop (0–255 scale).
	Sharpness float64 `json:"sharpness"`
}

// Face is one face found in a frame.
type Face struct {
	// Box bounds the face mesh, in image pixels.
	Box Rect
	// Score is the mesh model's face confidence in [0,1].
	Score float64
	// DetectScore is the detector's score when the face was detected on
	// this frame, 0 when it was tracked from the previous frame.
	DetectScore float64
	// Tracked tells that the face's crop came from the previous frame's
	// mesh rather than from the detector.
	Tracked bool
	// Landmarks are the 468 mesh points in image pixels, the eye contours
	// refined by the iris model.
	Landmarks []Point
	// Irises are the subject's right [0] and left [1] irises;
	// IrisesSeen tells whether the iris model ran on this frame.
	Irises     [2]Iris
	IrisesSeen bool
	// Pose is the head pose.
	Pose HeadPose
	// Blendshapes are scores in [0,1] keyed by MediaPipe's blendshape
	// names (eyeBlinkLeft is the subject's left eye).
	Blendshapes map[string]float64
	// AntiSpoof is the anti-spoofing model's real-face probability in
	// [0,1]; HasAntiSpoof tells whether it was measured on this frame.
	AntiSpoof    float64
	HasAntiSpoof bool
	// Liveness is the liveness model's live-face probability in [0,1];
	// HasLiveness tells whether it was measured on this frame.
	Liveness    float64
	HasLiveness bool
	// Quality holds the measurements behind the guidance.
	Quality Quality
}

// Guidance is one structured capture hint; the UI turns it into words.
type Guidance string

// The capture hints, in the order Analyze reports them.
const (
	GuidanceNoFace     Guidance = "no_face"
	GuidanceManyFaces  Guidance = "more_than_one_face"
	GuidanceTooFar     Guidance = "too_far"
	GuidanceTooClose   Guidance = "too_close"
	GuidanceOffCentre  Guidance = "off_centre"
	GuidanceTooDark    Guidance = "too_dark"
	GuidanceTooBright  Guidance = "too_bright"
	GuidanceBlurry     Guidance = "blurry"
	GuidanceEyesClosed Guidance = "eyes_closed"
)

// Result is the analysis of one frame.
type Result struct {
	// Width and Height are the frame's size in pixels.
	Width, Height int
	// Faces are the faces measured, largest first: at most
	// Options.MaxFaces.
	Faces []Face
	// Found counts the faces found, which may be one more than Faces
	// holds.
	Found int
	// Guidance lists the capture hints for this frame; empty when the
	// frame is fit for capture.
	Guidance []Guidance
	// Detected tells that the detector ran on this frame (rather than
	// tracking alone).
	Detected bool
}

// Primary returns the largest face, or nil when there is none.
func (r *Result) Primary() *Face {
	if len(r.Faces) == 0 {
		return nil
	}
	return &r.Faces[0]
}

// Has tells whether g is among the result's guidance.
func (r *Result) Has(g Guidance) bool {
	for _, x := range r.Guidance {
		if x == g {
			return true
		}
	}
	return false
}

// NormalizedLandmarks returns the face's landmarks normalised to the
// image: x and y in [0,1] of the width and height, z divided by the width
// (z stays in x's scale).
func (f *Face) NormalizedLandmarks(width, height int) []Point {
	out := make([]Point, len(f.Landmarks))
	w, h := float64(width), float64(height)
	for i, p := range f.Landmarks {
		out[i] = Point{X: p.X / w, Y: p.Y / h, Z: p.Z / w}
	}
	return out
}
