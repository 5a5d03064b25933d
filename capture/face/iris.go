package face

import (
	"fmt"
	"math"
)

// The iris model's output: 71 eye-contour points then 5 iris points
// (centre, then the iris's edge to the right, above, left and below), x,
// y, z each, in pixels of its 64×64 crop.
const (
	irisContour = 71
	irisPoints  = irisContour + 5
	// irisDepthLimit is the difference in depth between the two outer eye
	// corners, in pixels of the 192-pixel mesh crop, beyond which the head
	// is turned so far that only the nearer eye's contour is refined (as
	// the human library does).
	irisDepthLimit = 30
)

// irisFlip tells whether an eye's crop is mirrored before the iris model:
// the model is trained on one eye and sees the other mirrored.
func irisFlip(eye int) bool { return eye == 1 }

// refineEyes runs the iris model on both eyes' crops (aligned with the
// face crop face) in one batch of two, replaces the mesh's inner eye
// contours with the iris model's where the eye faces the camera, and
// records the irises.
func (a *Analyzer) refineEyes(f *Face, face region) error {
	eyes := eyeContours()
	var regs [2]region
	const plane = irisSize * irisSize * 3
	for e, c := range eyes {
		outer, inner := f.Landmarks[c.lower[0]], f.Landmarks[c.lower[8]]
		width := math.Hypot(outer.X-inner.X, outer.Y-inner.Y)
		regs[e] = region{cx: (outer.X + inner.X) / 2, cy: (outer.Y + inner.Y) / 2, side: irisScale * width, angle: face.angle}
		if !(regs[e].side > 1) {
			return nil
		}
		a.frame.sample(a.irisIn.Data[e*plane:(e+1)*plane], irisSize, regs[e], irisFlip(e), 1.0/255, 0)
	}
	outs, err := a.iris.RunTensors(a.irisIn)
	if err != nil {
		return fmt.Errorf("run iris model: %w", err)
	}
	zn := (f.Landmarks[idxLeftEyeOuter].Z - f.Landmarks[idxRightEyeOuter].Z) / face.side * meshSize
	var pts [irisPoints]Point
	for e, c := range eyes {
		r := regs[e]
		raw := outs[0].Data[e*3*irisPoints : (e+1)*3*irisPoints]
		k := r.side / irisSize
		for j := range pts {
			u, v := float64(raw[3*j]), float64(raw[3*j+1])
			if irisFlip(e) {
				u = irisSize - u
			}
			x, y := r.toImage(u, v, irisSize)
			pts[j] = Point{X: x, Y: y, Z: float64(raw[3*j+2]) * k}
		}
		// When the head is turned, the far eye's crop is foreshortened
		// and its contour less reliable than the mesh's.
		near := math.Abs(zn) < irisDepthLimit || (e == 1) == (zn < 0)
		if near {
			for j, idx := range c.lower {
				f.Landmarks[idx].X, f.Landmarks[idx].Y = pts[j].X, pts[j].Y
			}
			for j, idx := range c.upper {
				f.Landmarks[idx].X, f.Landmarks[idx].Y = pts[len(c.lower)+j].X, pts[len(c.lower)+j].Y
			}
		}
		ctr := pts[irisContour]
		ctr.Z = (f.Landmarks[c.upper[3]].Z + f.Landmarks[c.lower[4]].Z) / 2
		rad := (dist2(pts[irisContour+1], pts[irisContour+3]) + dist2(pts[irisContour+2], pts[irisContour+4])) / 4
		f.Irises[e] = Iris{Center: ctr, Radius: rad}
	}
	f.IrisesSeen = true
	return nil
}

// dist2 is the distance of two points in the image plane.
func dist2(p, q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// dist3 is the distance of two points including depth.
func dist3(p, q Point) float64 {
	dx, dy, dz := p.X-q.X, p.Y-q.Y, p.Z-q.Z
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}
