package main

import (
	"math"
)

// Face mesh indices (MediaPipe's canonical 468-point topology). "Right"
// is the subject's right eye, on the left of the unmirrored picture.
var (
	faceOval = []int{10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
		152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109}
	// Upper and lower lids, corner to corner, each upper point facing the
	// lower one at the same place.
	rightUpperLid = []int{246, 161, 160, 159, 158, 157, 173}
	rightLowerLid = []int{7, 163, 144, 145, 153, 154, 155}
	leftUpperLid  = []int{466, 388, 387, 386, 385, 384, 398}
	leftLowerLid  = []int{249, 390, 373, 374, 380, 381, 382}
	// Eye corners: outer, inner.
	rightCorners = [2]int{33, 133}
	leftCorners  = [2]int{263, 362}
	// Inner lip contour, corner (78) to corner (308): upper then lower,
	// each upper point facing the lower one.
	innerUpperLip = []int{191, 80, 81, 82, 13, 312, 311, 310, 415}
	innerLowerLip = []int{95, 88, 178, 87, 14, 317, 402, 318, 324}
	outerUpperLip = []int{185, 40, 39, 37, 0, 267, 269, 270, 409}
	outerLowerLip = []int{146, 91, 181, 84, 17, 314, 405, 321, 375}
	innerCorners  = [2]int{78, 308}
	mouthCorners  = [2]int{61, 291}
)

const (
	idxForehead = 10
	idxChin     = 152
	idxNoseTip  = 1
	idxFaceR    = 234
	idxFaceL    = 454
)

// expression is what the face does on one frame. The zero value is the
// portrait as photographed.
type expression struct {
	// yaw turns the head, radians, > 0 to the subject's left (the nose
	// moves toward the right edge of the picture).
	yaw float64
	// blink closes both eyes: 0 open, 1 shut.
	blink float64
	// smile moves the mouth corners: −1 lowered to a neutral mouth, 0 as
	// photographed (a slight smile), 1 a broad smile.
	smile float64
	// lipsClosed closes the portrait's parted lips: 0 as photographed, 1
	// touching.
	lipsClosed float64
	// jaw lowers the jaw: 0 closed, 1 wide open.
	jaw float64
}

// faceModel is the portrait's measured face: its mesh in portrait pixels
// and the control points around it that hold the rest of the picture.
type faceModel struct {
	mesh  []vec // the 468 landmarks
	ring  []vec // fixed points around the head
	edge  []vec // fixed points on the portrait's border
	tris  []triangle
	cx    float64 // centre of the face oval
	cy    float64
	cz    float64 // depth of the head's vertical turning axis
	zMean float64 // mean depth of the face oval
	faceH float64 // forehead (10) to chin (152)
	faceW float64 // face side to side (234–454)
	// zs is the mesh's depth smoothed over neighbouring points, which
	// the turn uses: the mesh's point-to-point depth noise would fold
	// small triangles over each other.
	zs []float64
}

// newFaceModel builds the control points around the mesh of a w×h
// portrait and triangulates them.
func newFaceModel(mesh []vec, w, h int) *faceModel {
	m := &faceModel{mesh: mesh}
	var minX, maxX, minY, maxY = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, i := range faceOval {
		p := mesh[i]
		m.zMean += p.z / float64(len(faceOval))
		minX, maxX = min(minX, p.x), max(maxX, p.x)
		minY, maxY = min(minY, p.y), max(maxY, p.y)
	}
	m.cx, m.cy = (minX+maxX)/2, (minY+maxY)/2
	m.faceH = dist(mesh[idxForehead], mesh[idxChin])
	m.faceW = dist(mesh[idxFaceR], mesh[idxFaceL])
	m.cz = (mesh[idxFaceR].z + mesh[idxFaceL].z) / 2
	m.zs = make([]float64, len(mesh))
	sigma := 0.06 * m.faceW
	for i, p := range mesh {
		var sw, sz float64
		for _, q := range mesh {
			w := math.Exp(-((p.x-q.x)*(p.x-q.x) + (p.y-q.y)*(p.y-q.y)) / (2 * sigma * sigma))
			sw += w
			sz += w * q.z
		}
		m.zs[i] = sz / sw
	}
	rx, ry := (maxX-minX)/2, (maxY-minY)/2
	// Two rings: the head's outline (hair, ears, neck) follows a turn
	// part of the way; the outer ring and the border hold still.
	for _, k := range []float64{1.25, 1.7} {
		for j := range 32 {
			a := 2 * math.Pi * float64(j) / 32
			m.ring = append(m.ring, vec{x: m.cx + k*rx*math.Cos(a), y: m.cy + k*ry*math.Sin(a), z: m.cz})
		}
	}
	for j := 0; j <= 8; j++ {
		f := float64(j) / 8
		X, Y := f*float64(w), f*float64(h)
		m.edge = append(m.edge, vec{x: X, y: 0}, vec{x: X, y: float64(h)})
		if j > 0 && j < 8 {
			m.edge = append(m.edge, vec{x: 0, y: Y}, vec{x: float64(w), y: Y})
		}
	}
	m.tris = delaunay(m.points())
	return m
}

func dist(a, b vec) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }

// points lists every control point: mesh, rings, border.
func (m *faceModel) points() []vec {
	out := make([]vec, 0, len(m.mesh)+len(m.ring)+len(m.edge))
	out = append(out, m.mesh...)
	out = append(out, m.ring...)
	return append(out, m.edge...)
}

// pose moves the control points to act out e, in portrait pixels.
func (m *faceModel) pose(e expression) []vec {
	pts := m.points()
	mesh := pts[:len(m.mesh)]
	if e.lipsClosed != 0 || e.jaw != 0 {
		m.mouth(mesh, e.lipsClosed, e.jaw)
	}
	if e.smile != 0 {
		m.corners(mesh, e.smile)
	}
	if e.blink != 0 {
		m.lids(mesh, rightUpperLid, rightLowerLid, rightCorners, e.blink)
		m.lids(mesh, leftUpperLid, leftLowerLid, leftCorners, e.blink)
	}
	if e.yaw != 0 {
		m.turn(pts, e.yaw)
	}
	return pts
}

// lids moves one eye's upper lid down toward the lower one (closed = 1
// leaves a tenth of the opening, the line where the lids meet) and
// stretches the skin between lid and brow after it, so that the eye is
// covered by skin from just above it.
func (m *faceModel) lids(mesh []vec, upper, lower []int, corners [2]int, closed float64) {
	orig := make([]vec, len(mesh))
	copy(orig, mesh)
	// Travel of the lid along the eye, corners fixed.
	xs := []float64{orig[corners[0]].x}
	ty := []float64{0}
	ly := []float64{orig[corners[0]].y}
	for k, u := range upper {
		l := orig[lower[k]]
		d := (l.y - orig[u].y) * 0.9 * closed
		xs, ty, ly = append(xs, orig[u].x), append(ty, d), append(ly, orig[u].y)
	}
	xs, ty, ly = append(xs, orig[corners[1]].x), append(ty, 0), append(ly, orig[corners[1]].y)
	sortBy(xs, ty, ly)
	eyeW := dist(orig[corners[0]], orig[corners[1]])
	reach := 0.75 * eyeW // how far above the lid the skin stretches
	lo, hi := min(orig[corners[0]].x, orig[corners[1]].x), max(orig[corners[0]].x, orig[corners[1]].x)
	skip := map[int]bool{corners[0]: true, corners[1]: true}
	for _, i := range lower {
		skip[i] = true
	}
	for k, u := range upper {
		mesh[u].y += ty[indexOf(xs, orig[u].x)]
		_ = k
		skip[u] = true
	}
	for i, p := range orig {
		if skip[i] || p.x <= lo || p.x >= hi {
			continue
		}
		travel := interp(xs, ty, p.x)
		above := interp(xs, ly, p.x) - p.y
		if above <= 0 || above >= reach {
			continue
		}
		mesh[i].y += travel * (1 - above/reach)
	}
}

// mouth closes the parted lips (closed) and lowers the jaw (jaw).
func (m *faceModel) mouth(mesh []vec, closed, jaw float64) {
	orig := make([]vec, len(mesh))
	copy(orig, mesh)
	for k, u := range innerUpperLip {
		l := innerLowerLip[k]
		gap := orig[l].y - orig[u].y
		d := gap / 2 * closed
		mesh[u].y += d
		mesh[l].y -= d
		mesh[outerUpperLip[k]].y += d / 2
		mesh[outerLowerLip[k]].y -= d / 2
	}
	if jaw == 0 {
		return
	}
	// The jaw turns about the ears: a point moves down in proportion to
	// its distance below the eye line, fully from just below the lips'
	// parting line, not at all above it.
	pivot := (orig[rightCorners[0]].y + orig[leftCorners[0]].y) / 2
	chin := orig[idxChin].y
	part := (orig[13].y + orig[14].y) / 2
	drop := jaw * 0.19 * m.faceH
	upper := map[int]bool{}
	for _, i := range append(append([]int{}, innerUpperLip...), outerUpperLip...) {
		upper[i] = true
	}
	for i, p := range orig {
		if upper[i] || p.y <= pivot {
			continue
		}
		rot := min((p.y-pivot)/(chin-pivot), 1.2)
		gate := smoothstep(part-0.04*m.faceH, part+0.01*m.faceH, p.y)
		mesh[i].y += drop * rot * gate
	}
	for _, c := range append(innerCorners[:], mouthCorners[:]...) {
		mesh[c].y = orig[c].y + 0.35*drop
	}
}

// corners raises (s > 0) or lowers (s < 0) the mouth corners, drawing the
// skin around them along.
func (m *faceModel) corners(mesh []vec, s float64) {
	orig := make([]vec, len(mesh))
	copy(orig, mesh)
	mouthW := dist(orig[mouthCorners[0]], orig[mouthCorners[1]])
	sigma := 0.22 * mouthW
	lift := s * 0.025 * m.faceH
	for side, c := range mouthCorners {
		out := -1.0 // the subject's right corner is on the picture's left
		if side == 1 {
			out = 1
		}
		cp := orig[c]
		for i, p := range orig {
			d2 := (p.x-cp.x)*(p.x-cp.x) + (p.y-cp.y)*(p.y-cp.y)
			w := math.Exp(-d2 / (2 * sigma * sigma))
			mesh[i].y -= lift * w
			mesh[i].x += out * 0.3 * math.Abs(lift) * math.Copysign(1, s) * w
		}
	}
}

// turn rotates the head about a vertical axis through the ears by yaw,
// with a mild perspective, and the head's outline a part of the way.
func (m *faceModel) turn(pts []vec, yaw float64) {
	f := 3 * m.faceW // distance of the camera, for the perspective
	rot := func(p vec, a float64) vec {
		s, c := math.Sincos(a)
		x := m.cx + (p.x-m.cx)*c - (p.z-m.cz)*s
		z := m.cz + (p.x-m.cx)*s + (p.z-m.cz)*c
		k := f / (f + (z - m.zMean))
		return vec{x: m.cx + (x-m.cx)*k, y: m.cy + (p.y-m.cy)*k, z: z}
	}
	for i := range m.mesh {
		p := pts[i]
		p.z = m.zs[i]
		pts[i] = rot(p, yaw)
	}
	// The head's outline (hair, ears, jaw line) turns with the face: its
	// points sit on a half-ellipsoid about the turning axis, as deep in
	// front of it as the hairline at the top and at the sides not at
	// all; below the chin (neck, collar) they follow only a little.
	inner := len(m.ring) / 2
	ringR := (m.ring[0].x - m.cx) // the inner ring's horizontal radius
	depth := 0.8 * (m.cz - m.mesh[idxForehead].z)
	for j := range inner {
		i := len(m.mesh) + j
		p := pts[i]
		u := (p.x - m.cx) / ringR
		p.z = m.cz - depth*math.Sqrt(max(0, 1-u*u))
		a := yaw
		if p.y > m.mesh[idxChin].y {
			a *= 0.3
		}
		q := rot(p, a)
		q.z = m.cz + 1000 // drawn behind the face
		pts[i] = q
	}
	for j := len(m.mesh) + inner; j < len(pts); j++ {
		pts[j].z = m.cz + 2000
	}
}

func smoothstep(a, b, x float64) float64 {
	t := min(max((x-a)/(b-a), 0), 1)
	return t * t * (3 - 2*t)
}

// interp is piecewise-linear interpolation of ys over increasing xs,
// constant beyond the ends.
func interp(xs, ys []float64, x float64) float64 {
	if x <= xs[0] {
		return ys[0]
	}
	for k := 1; k < len(xs); k++ {
		if x <= xs[k] {
			t := (x - xs[k-1]) / (xs[k] - xs[k-1])
			return ys[k-1] + t*(ys[k]-ys[k-1])
		}
	}
	return ys[len(ys)-1]
}

func indexOf(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}

// sortBy sorts xs increasingly, permuting a and b alike.
func sortBy(xs, a, b []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
			a[j], a[j-1] = a[j-1], a[j]
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
}
