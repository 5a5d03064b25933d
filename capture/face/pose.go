package face

import "math"

// vec3 is a 3-vector in image axes: x right, y down, z away from the
// camera.
type vec3 struct{ x, y, z float64 }

func sub(p, q Point) vec3           { return vec3{p.X - q.X, p.Y - q.Y, p.Z - q.Z} }
func (v vec3) dot(w vec3) float64   { return v.x*w.x + v.y*w.y + v.z*w.z }
func (v vec3) scale(k float64) vec3 { return vec3{v.x * k, v.y * k, v.z * k} }
func (v vec3) minus(w vec3) vec3    { return vec3{v.x - w.x, v.y - w.y, v.z - w.z} }
func (v vec3) norm() float64        { return math.Sqrt(v.dot(v)) }
func (v vec3) unit() vec3           { return v.scale(1 / v.norm()) }
func (v vec3) cross(w vec3) vec3 {
	return vec3{v.y*w.z - v.z*w.y, v.z*w.x - v.x*w.z, v.x*w.y - v.y*w.x}
}

// faceAxes returns the face's own orthonormal axes in image space: right
// points from the subject's right side to their left (to the image's right
// for a frontal face), down from forehead to chin, back into the head (away
// from the camera for a frontal face).
//
//	right = unit(P454 − P234)                (face edge to face edge)
//	down  = unit(d − (d·right)·right), d = P152 − P10   (forehead to chin)
//	back  = right × down
func faceAxes(pts []Point) (right, down, back vec3) {
	right = sub(pts[idxLeftCheekSide], pts[idxRightCheekSide]).unit()
	d := sub(pts[idxChin], pts[idxForehead])
	down = d.minus(right.scale(d.dot(right))).unit()
	back = right.cross(down)
	return right, down, back
}

// headPose derives yaw, pitch and roll in degrees from the mesh. The pose
// is the rotation R = Ry(yaw)·Rx(pitch)·Rz(roll) that turns a frontal face
// into the measured one: roll about the face's own nose axis, then pitch
// about its ear-to-ear axis, then yaw about the vertical. With the face's
// axes (faceAxes) and n = −back the direction the nose points:
//
//	yaw   = atan2(n.x, −n.z)               > 0 when the nose moves to the image's right
//	pitch = atan2(−n.y, √(n.x² + n.z²))     > 0 when the nose moves up
//	roll  = atan2(−r.y, r.x), r = Rx(−pitch)·Ry(−yaw)·right
//	                                       > 0 when the head tilts counter-clockwise
//
// So yaw > 0 when the subject turns to their own left, as the project's
// convention has it. The mesh's z has x's scale, so the angles are those
// of the mesh's 3-D shape, not of a calibrated camera.
func headPose(pts []Point) HeadPose {
	right, _, back := faceAxes(pts)
	n := back.scale(-1)
	yaw := math.Atan2(n.x, -n.z)
	pitch := math.Atan2(-n.y, math.Hypot(n.x, n.z))
	// Undo yaw, then pitch, to read the roll in the face's own plane.
	sy, cy := math.Sincos(yaw)
	r := vec3{right.x*cy + right.z*sy, right.y, -right.x*sy + right.z*cy}
	sp, cp := math.Sincos(pitch)
	r = vec3{r.x, r.y*cp - r.z*sp, r.y*sp + r.z*cp}
	deg := 180 / math.Pi
	return HeadPose{Yaw: yaw * deg, Pitch: pitch * deg, Roll: math.Atan2(-r.y, r.x) * deg}
}
