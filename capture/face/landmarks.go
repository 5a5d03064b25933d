package face

// Indices into the 468-point face mesh (MediaPipe's canonical topology).
// "Right" and "left" are the subject's own: the subject's right eye is on
// the left of an unmirrored camera image.
const (
	// NumLandmarks is the number of points of the face mesh.
	NumLandmarks = 468

	idxForehead       = 10  // top of the forehead, on the symmetry line
	idxChin           = 152 // bottom of the chin, on the symmetry line
	idxNoseTip        = 1
	idxRightCheekSide = 234 // the face's right edge at eye height
	idxLeftCheekSide  = 454 // the face's left edge at eye height

	idxRightEyeOuter = 33
	idxRightEyeInner = 133
	idxLeftEyeOuter  = 263
	idxLeftEyeInner  = 362

	idxUpperLipInner = 13
	idxLowerLipInner = 14
	idxMouthRight    = 61  // the subject's right mouth corner
	idxMouthLeft     = 291 // the subject's left mouth corner

	idxRightBrowInner = 107
	idxLeftBrowInner  = 336
)

// eyeContour is one eye's contours in the mesh, from the outer corner
// along the lower lid to the inner corner (lower) and along the upper lid
// (upper); the iris model's first 16 contour points refine them, in the
// same order (9 lower, then 7 upper).
type eyeContour struct {
	lower [9]int
	upper [7]int
}

// Positions within eyeContour.upper and .lower of lid points that face
// each other across the eye, for the eye aspect ratio: upper 2–4 face
// lower 3–5.
const (
	lidUpperFirst = 2
	lidLowerFirst = 3
	lidPairs      = 3
)

// eyeContours returns the subject's right eye [0] and left eye [1].
func eyeContours() [2]eyeContour {
	return [2]eyeContour{
		{lower: [9]int{33, 7, 163, 144, 145, 153, 154, 155, 133}, upper: [7]int{246, 161, 160, 159, 158, 157, 173}},
		{lower: [9]int{263, 249, 390, 373, 374, 380, 381, 382, 362}, upper: [7]int{466, 388, 387, 386, 385, 384, 398}},
	}
}
