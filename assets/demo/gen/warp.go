package main

import (
	"image"
	"math"
	"slices"
)

// vec is a point of the portrait or of a frame, in pixels; z is depth in
// x's scale (smaller is nearer the camera), as the face mesh gives it.
type vec struct{ x, y, z float64 }

// triangle indexes three control points.
type triangle [3]int

// delaunay triangulates pts (Bowyer–Watson): every triangle's
// circumcircle holds no other point. Points closer than a hundredth of a
// pixel to an earlier one are left out of the triangulation.
func delaunay(pts []vec) []triangle {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = min(minX, p.x), max(maxX, p.x)
		minY, maxY = min(minY, p.y), max(maxY, p.y)
	}
	d := max(maxX-minX, maxY-minY) * 20
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	// The super-triangle's corners come after the real points.
	all := append(slices.Clone(pts), vec{x: cx - d, y: cy - d}, vec{x: cx + d, y: cy - d}, vec{x: cx, y: cy + d})
	n := len(pts)
	type tri struct {
		v      triangle
		cx, cy float64
		r2     float64
	}
	mk := func(a, b, c int) tri {
		ax, ay := all[a].x, all[a].y
		bx, by := all[b].x, all[b].y
		qx, qy := all[c].x, all[c].y
		den := 2 * (ax*(by-qy) + bx*(qy-ay) + qx*(ay-by))
		ux := ((ax*ax+ay*ay)*(by-qy) + (bx*bx+by*by)*(qy-ay) + (qx*qx+qy*qy)*(ay-by)) / den
		uy := ((ax*ax+ay*ay)*(qx-bx) + (bx*bx+by*by)*(ax-qx) + (qx*qx+qy*qy)*(bx-ax)) / den
		return tri{v: triangle{a, b, c}, cx: ux, cy: uy, r2: (ax-ux)*(ax-ux) + (ay-uy)*(ay-uy)}
	}
	tris := []tri{mk(n, n+1, n+2)}
	for i := range n {
		p := all[i]
		dup := false
		for j := range i {
			if math.Abs(all[j].x-p.x) < 0.01 && math.Abs(all[j].y-p.y) < 0.01 {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		type edge [2]int
		var edges []edge
		keep := tris[:0]
		for _, t := range tris {
			if dx, dy := p.x-t.cx, p.y-t.cy; dx*dx+dy*dy < t.r2 {
				edges = append(edges, edge{t.v[0], t.v[1]}, edge{t.v[1], t.v[2]}, edge{t.v[2], t.v[0]})
				continue
			}
			keep = append(keep, t)
		}
		tris = keep
		// The cavity's boundary is made of the edges only one removed
		// triangle had.
		for a, e := range edges {
			shared := false
			for b, f := range edges {
				if a != b && ((e[0] == f[0] && e[1] == f[1]) || (e[0] == f[1] && e[1] == f[0])) {
					shared = true
					break
				}
			}
			if !shared {
				tris = append(tris, mk(e[0], e[1], i))
			}
		}
	}
	var out []triangle
	for _, t := range tris {
		if t.v[0] < n && t.v[1] < n && t.v[2] < n {
			out = append(out, t.v)
		}
	}
	return out
}

// warpMap says, for every pixel of a frame, where in the portrait to
// sample it.
type warpMap struct {
	w, h int
	sx   []float32
	sy   []float32
}

// newWarpMap maps every frame pixel through inv (frame → portrait), the
// plain placement of the portrait without any warp.
func newWarpMap(w, h int, inv func(x, y float64) (float64, float64)) *warpMap {
	m := &warpMap{w: w, h: h, sx: make([]float32, w*h), sy: make([]float32, w*h)}
	for y := range h {
		for x := range w {
			px, py := inv(float64(x)+0.5, float64(y)+0.5)
			m.sx[y*w+x], m.sy[y*w+x] = float32(px), float32(py)
		}
	}
	return m
}

// triangles draws the piecewise-affine warp: each triangle of tris, at
// its frame position dst, samples the portrait triangle src. Triangles
// are drawn far to near (by the mean depth of dst), so a turned face
// covers what turned away behind it.
func (m *warpMap) triangles(tris []triangle, src, dst []vec) {
	order := slices.Clone(tris)
	depth := func(t triangle) float64 { return dst[t[0]].z + dst[t[1]].z + dst[t[2]].z }
	slices.SortStableFunc(order, func(a, b triangle) int {
		da, db := depth(a), depth(b)
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	// Triangles turned over (turned away from the camera) go first, as a
	// backdrop that keeps the skin continuous where the near cheek folds
	// over the face's old outline; the others are drawn over them.
	for _, back := range []bool{true, false} {
		for _, t := range order {
			m.triangle(t, src, dst, back)
		}
	}
}

// triangle draws one triangle of the warp when its facing (turned over
// or not) is the one asked for.
func (m *warpMap) triangle(t triangle, src, dst []vec, back bool) {
	a, b, c := dst[t[0]], dst[t[1]], dst[t[2]]
	den := (b.y-c.y)*(a.x-c.x) + (c.x-b.x)*(a.y-c.y)
	sa, sb, sc := src[t[0]], src[t[1]], src[t[2]]
	sden := (sb.y-sc.y)*(sa.x-sc.x) + (sc.x-sb.x)*(sa.y-sc.y)
	if math.Abs(den) < 1e-9 || (den*sden < 0) != back {
		return
	}
	x0 := max(int(math.Floor(min(a.x, b.x, c.x))), 0)
	x1 := min(int(math.Ceil(max(a.x, b.x, c.x))), m.w-1)
	y0 := max(int(math.Floor(min(a.y, b.y, c.y))), 0)
	y1 := min(int(math.Ceil(max(a.y, b.y, c.y))), m.h-1)
	for y := y0; y <= y1; y++ {
		py := float64(y) + 0.5
		for x := x0; x <= x1; x++ {
			px := float64(x) + 0.5
			l0 := ((b.y-c.y)*(px-c.x) + (c.x-b.x)*(py-c.y)) / den
			l1 := ((c.y-a.y)*(px-c.x) + (a.x-c.x)*(py-c.y)) / den
			l2 := 1 - l0 - l1
			const eps = -1e-6
			if l0 < eps || l1 < eps || l2 < eps {
				continue
			}
			i := y*m.w + x
			m.sx[i] = float32(l0*sa.x + l1*sb.x + l2*sc.x)
			m.sy[i] = float32(l0*sa.y + l1*sb.y + l2*sc.y)
		}
	}
}

// render samples the portrait (bilinear) at every position of the map.
func (m *warpMap) render(src *image.RGBA) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, m.w, m.h))
	b := src.Bounds()
	for i := range m.sx {
		r, g, bl := bilinear(src, b, float64(m.sx[i]), float64(m.sy[i]))
		o := 4 * i
		dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = r, g, bl, 255
	}
	return dst
}

// bilinear samples src at (x, y) in pixel-centre coordinates, clamping at
// the edges.
func bilinear(src *image.RGBA, b image.Rectangle, x, y float64) (uint8, uint8, uint8) {
	x -= 0.5
	y -= 0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	clampX := func(v int) int { return min(max(v, b.Min.X), b.Max.X-1) }
	clampY := func(v int) int { return min(max(v, b.Min.Y), b.Max.Y-1) }
	xa, xb := clampX(ix), clampX(ix+1)
	ya, yb := clampY(iy), clampY(iy+1)
	var out [3]float64
	for c := range 3 {
		p00 := float64(src.Pix[src.PixOffset(xa, ya)+c])
		p10 := float64(src.Pix[src.PixOffset(xb, ya)+c])
		p01 := float64(src.Pix[src.PixOffset(xa, yb)+c])
		p11 := float64(src.Pix[src.PixOffset(xb, yb)+c])
		out[c] = (p00*(1-fx)+p10*fx)*(1-fy) + (p01*(1-fx)+p11*fx)*fy
	}
	return uint8(out[0] + 0.5), uint8(out[1] + 0.5), uint8(out[2] + 0.5)
}
