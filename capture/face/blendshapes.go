package face

// Blendshape names, as MediaPipe's face landmarker names them. Left and
// right are the subject's own.
const (
	EyeBlinkLeft    = "eyeBlinkLeft"
	EyeBlinkRight   = "eyeBlinkRight"
	MouthSmileLeft  = "mouthSmileLeft"
	MouthSmileRight = "mouthSmileRight"
	JawOpen         = "jawOpen"
	BrowInnerUp     = "browInnerUp"
)

// ramp maps a geometric ratio to a score in [0,1]: 0 at the ratio's
// neutral value, 1 at its full value, linear between, clamped (full may be
// below neutral).
type ramp struct{ neutral, full float64 }

func (r ramp) score(x float64) float64 { return clamp01((x - r.neutral) / (r.full - r.neutral)) }

// blendCalibration holds the ramps of every score; see
// docs/face-analysis.md for how they were chosen.
type blendCalibration struct {
	blink, jaw, smile, brow ramp
}

func defaultCalibration() blendCalibration {
	return blendCalibration{
		// Eye aspect ratio (lid gap / eye width): 0.37 on the portrait's
		// open eyes.
		blink: ramp{neutral: 0.30, full: 0.12},
		// Inner-lip gap / face height (forehead to chin): 0.07 on the
		// portrait's parted smile.
		jaw: ramp{neutral: 0.03, full: 0.25},
		// Mouth-corner lift above the lip midline / face height: 0.024 to
		// 0.034 on the portrait's smile.
		smile: ramp{neutral: -0.005, full: 0.035},
		// Inner brow height above the upper lid / face height: 0.105 on
		// the portrait's relaxed brows.
		brow: ramp{neutral: 0.115, full: 0.16},
	}
}

// geometry holds the raw ratios the scores derive from.
type geometry struct {
	ear       [2]float64 // eye aspect ratio, subject's right [0] and left [1]
	jaw       float64
	smileLift [2]float64 // mouth-corner lift, right [0] and left [1]
	brow      float64
}

// measureGeometry computes the ratios, all divided by lengths of the same
// face so that they do not depend on its size in the image; distances are
// 3-D (the mesh's z included) and heights are taken along the face's own
// down axis, so that roll and moderate yaw change them little.
//
//	ear[e]       = mean over 3 facing lid pairs |upper − lower| / |outer − inner corner|
//	jaw          = |P13 − P14| / |P10 − P152|
//	smileLift[s] = ((P13 + P14)/2 − corner_s) · down / |P10 − P152|
//	brow         = mean over sides of (upper lid top − inner brow) · down / |P10 − P152|
func measureGeometry(pts []Point) geometry {
	var g geometry
	_, down, _ := faceAxes(pts)
	height := dist3(pts[idxForehead], pts[idxChin])
	for e, c := range eyeContours() {
		var sum float64
		for i := range lidPairs {
			sum += dist3(pts[c.upper[lidUpperFirst+i]], pts[c.lower[lidLowerFirst+i]])
		}
		g.ear[e] = sum / lidPairs / dist3(pts[c.lower[0]], pts[c.lower[8]])
	}
	g.jaw = dist3(pts[idxUpperLipInner], pts[idxLowerLipInner]) / height
	mid := Point{
		X: (pts[idxUpperLipInner].X + pts[idxLowerLipInner].X) / 2,
		Y: (pts[idxUpperLipInner].Y + pts[idxLowerLipInner].Y) / 2,
		Z: (pts[idxUpperLipInner].Z + pts[idxLowerLipInner].Z) / 2,
	}
	for s, idx := range [2]int{idxMouthRight, idxMouthLeft} {
		g.smileLift[s] = sub(mid, pts[idx]).dot(down) / height
	}
	lids := [2]int{eyeContours()[0].upper[3], eyeContours()[1].upper[3]}
	brows := [2]int{idxRightBrowInner, idxLeftBrowInner}
	for s := range 2 {
		g.brow += sub(pts[lids[s]], pts[brows[s]]).dot(down) / height / 2
	}
	return g
}

// blendshapes scores the face's geometry in [0,1] with MediaPipe's names.
func blendshapes(pts []Point, c blendCalibration) map[string]float64 {
	g := measureGeometry(pts)
	return map[string]float64{
		EyeBlinkRight:   c.blink.score(g.ear[0]),
		EyeBlinkLeft:    c.blink.score(g.ear[1]),
		JawOpen:         c.jaw.score(g.jaw),
		MouthSmileRight: c.smile.score(g.smileLift[0]),
		MouthSmileLeft:  c.smile.score(g.smileLift[1]),
		BrowInnerUp:     c.brow.score(g.brow),
	}
}
