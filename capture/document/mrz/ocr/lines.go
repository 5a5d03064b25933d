package ocr

import (
	"math"
	"slices"
	"sort"
)

// textLine is a chain of character-sized components read left to right,
// with the direction of the line (ux, uy) fitted through their centres.
type textLine struct {
	comps  []comp
	ux, uy float64
	hMed   float64
	pitch  float64 // median centre-to-centre spacing
	t0, t1 float64 // extent along the line
	s      float64 // mean position across the line
}

// project returns the coordinates of (x, y) along (t) and across (s) the
// line direction.
func (l *textLine) project(x, y float64) (t, s float64) {
	return x*l.ux + y*l.uy, -x*l.uy + y*l.ux
}

// unproject is the inverse of project.
func (l *textLine) unproject(t, s float64) (x, y float64) {
	return l.ux*t - l.uy*s, l.uy*t + l.ux*s
}

// chainLines links components of plausible character size into lines:
// each component to its nearest right neighbour of similar height at the
// same height, kept only when the neighbour's nearest left one is it.
// Components may be wide: blur merges runs of fillers into one.
func chainLines(cs []comp, minH, maxH int) []*textLine {
	var cand []comp
	for _, c := range cs {
		h, w := c.h(), c.w()
		if h < minH || h > maxH || w > 46*h || float64(c.n) < 0.08*float64(w*h) {
			continue
		}
		cand = append(cand, c)
	}
	sort.Slice(cand, func(i, j int) bool { return cand[i].x0 < cand[j].x0 })
	n := len(cand)
	right := make([]int, n)
	leftBest := make([]int, n)
	leftCost := make([]float64, n)
	for i := range n {
		right[i], leftBest[i], leftCost[i] = -1, -1, math.Inf(1)
	}
	for i := range n {
		ci := cand[i]
		hi := float64(ci.h())
		best, bestCost := -1, math.Inf(1)
		for j := i + 1; j < n; j++ {
			cj := cand[j]
			if float64(cj.x0-ci.x1) > 1.5*1.8*hi {
				break
			}
			hj := float64(cj.h())
			r := hj / hi
			if r < 0.55 || r > 1.8 {
				continue
			}
			hh := max(hi, hj)
			dy := math.Abs(cj.cy() - ci.cy())
			// The gap between boxes, not the centres, tells neighbours:
			// touching or apart by at most about one character.
			gap := float64(cj.x0 - ci.x1)
			if cj.x0-ci.x0 < int(0.3*hh) || gap < -0.3*hh || gap > 1.5*hh || dy > 0.4*hh {
				continue
			}
			if cost := max(gap, 0) + 3*dy; cost < bestCost {
				best, bestCost = j, cost
			}
		}
		right[i] = best
		if best >= 0 && bestCost < leftCost[best] {
			leftBest[best], leftCost[best] = i, bestCost
		}
	}
	hasLeft := make([]bool, n)
	for i := range n {
		if j := right[i]; j >= 0 && leftBest[j] == i {
			hasLeft[j] = true
		} else {
			right[i] = -1
		}
	}
	var out []*textLine
	for i := range n {
		if hasLeft[i] {
			continue
		}
		var chain []comp
		for k := i; k >= 0; k = right[k] {
			chain = append(chain, cand[k])
		}
		if len(chain) >= 3 {
			out = append(out, newTextLine(chain))
		}
	}
	out = mergeCollinear(out)
	long := out[:0]
	for _, l := range out {
		if len(l.comps) >= 8 {
			long = append(long, l)
		}
	}
	return long
}

// mergeCollinear joins chains that continue one another on the same line
// across a gap of a few characters (a smudge, a glare spot, characters
// blurred into something too tall), so that an MRZ line broken in pieces
// is still seen whole.
func mergeCollinear(ls []*textLine) []*textLine {
	for merged := true; merged; {
		merged = false
		sort.Slice(ls, func(i, j int) bool { return ls[i].t0 < ls[j].t0 })
	outer:
		for i, a := range ls {
			for j, b := range ls {
				if i == j {
					continue
				}
				bt0, bs := a.project(b.unproject(b.t0, b.s))
				h := max(a.hMed, b.hMed)
				p := max(a.pitch, b.pitch, h)
				if math.Abs(a.ux*b.uy-a.uy*b.ux) > 0.05 || math.Abs(bs-a.s) > 0.35*h ||
					b.hMed < 0.7*a.hMed || b.hMed > 1.4*a.hMed || bt0 < a.t1-0.5*h || bt0-a.t1 > 8*p {
					continue
				}
				comps := append(append([]comp{}, a.comps...), b.comps...)
				sort.Slice(comps, func(x, y int) bool { return comps[x].x0 < comps[y].x0 })
				ls[i] = newTextLine(comps)
				ls = append(ls[:j], ls[j+1:]...)
				merged = true
				break outer
			}
		}
	}
	return ls
}

func newTextLine(chain []comp) *textLine {
	l := &textLine{comps: chain}
	// Least squares of cy on cx gives the direction.
	var sx, sy, sxx, sxy float64
	for _, c := range chain {
		x, y := c.cx(), c.cy()
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	k := float64(len(chain))
	slope := 0.0
	if d := k*sxx - sx*sx; d != 0 {
		slope = (k*sxy - sx*sy) / d
	}
	norm := math.Hypot(1, slope)
	l.ux, l.uy = 1/norm, slope/norm
	hs := make([]float64, len(chain))
	var gaps []float64
	l.t0, l.t1 = math.Inf(1), math.Inf(-1)
	var ss float64
	for i, c := range chain {
		hs[i] = float64(c.h())
		t, s := l.project(c.cx(), c.cy())
		half := (float64(c.w())*l.ux + float64(c.h())*math.Abs(l.uy)) / 2
		l.t0, l.t1 = min(l.t0, t-half), max(l.t1, t+half)
		ss += s
		// The pitch shows between neighbours that are single characters.
		if i > 0 && c.w() <= c.h() && chain[i-1].w() <= chain[i-1].h() {
			pt, _ := l.project(chain[i-1].cx(), chain[i-1].cy())
			gaps = append(gaps, t-pt)
		}
	}
	l.s = ss / k
	l.hMed = median(hs)
	l.pitch = median(gaps)
	if len(gaps) < 4 {
		l.pitch = 1.03 * l.hMed // OCR-B: pitch 723, capitals 701 units
	}
	return l
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// mrzCandidate is a group of 2 or 3 lines that look like an MRZ.
type mrzCandidate struct {
	lines []*textLine
	n     int // characters per line
}

// groupMRZ finds runs of parallel, equally long, evenly spaced lines and
// returns them most likely first: three lines before two (two of a TD1's
// three lines also pass for a two-line MRZ), then lower on the page.
func groupMRZ(ls []*textLine) []mrzCandidate {
	sort.Slice(ls, func(i, j int) bool { return ls[i].s < ls[j].s })
	compatible := func(a, b *textLine) bool {
		p := (a.pitch + b.pitch) / 2
		h := (a.hMed + b.hMed) / 2
		if math.Abs(a.ux*b.uy-a.uy*b.ux) > 0.05 || math.Abs(a.pitch-b.pitch) > 0.2*p {
			return false
		}
		// Both lines measured in a's frame.
		bt0, bs := a.project(b.unproject(b.t0, b.s))
		bt1, _ := a.project(b.unproject(b.t1, b.s))
		gap := bs - a.s
		return math.Abs(bt0-a.t0) < 4*p && math.Abs(bt1-a.t1) < 4*p && gap > 1.1*h && gap < 2.8*h
	}
	var out []mrzCandidate
	for i := range ls {
		for _, k := range []int{3, 2} {
			if i+k > len(ls) {
				continue
			}
			group := ls[i : i+k]
			ok := true
			for j := 1; j < k && ok; j++ {
				ok = compatible(group[j-1], group[j])
			}
			if !ok {
				continue
			}
			group = shareExtents(group)
			est := 0.0
			for _, l := range group {
				est += (l.t1-l.t0)/l.pitch + 0.34
			}
			est /= float64(k)
			n := 30
			if k == 2 {
				n = 44
				if math.Abs(est-36) < math.Abs(est-44) {
					n = 36
				}
			}
			if math.Abs(est-float64(n)) > 0.2*float64(n) {
				continue
			}
			out = append(out, mrzCandidate{lines: group, n: n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.lines) != len(b.lines) {
			return len(a.lines) > len(b.lines)
		}
		return a.lines[len(a.lines)-1].s > b.lines[len(b.lines)-1].s
	})
	return out
}

// shareExtents returns copies of the lines of a group, each extended to
// the furthest start and end of any of them: MRZ lines all start and end
// in the same columns, so a line whose end characters were lost takes its
// extent from the others.
func shareExtents(group []*textLine) []*textLine {
	out := make([]*textLine, len(group))
	for i, l := range group {
		c := *l
		for _, o := range group {
			t0, _ := c.project(o.unproject(o.t0, o.s))
			t1, _ := c.project(o.unproject(o.t1, o.s))
			c.t0, c.t1 = min(c.t0, t0), max(c.t1, t1)
		}
		out[i] = &c
	}
	return out
}

// cell is where one MRZ character sits: its centre in level-0 pixels,
// the line direction there and the pitch (px per character).
type cell struct {
	x, y   float64
	ux, uy float64
	pitch  float64
}

// glyphSpan is the share of the pitch the ink of a line's first and last
// characters adds to the distance between their cell centres (OCR-B
// glyphs are about two thirds of their cell wide).
const glyphSpan = 0.66

// lineModel places the cells of one MRZ line: along the line t(k) and
// across it s(k), quadratics in the column k (centred on kc), in the
// coordinates of frame.
type lineModel struct {
	frame  *textLine
	tc, sc [3]float64
	kc     float64
	// walked is true when the walk along the components accounted for
	// every cell: the model is then trusted to lend its pitch.
	walked bool
}

func (m lineModel) eval(c [3]float64, k float64) float64 {
	return c[0] + c[1]*(k-m.kc) + c[2]*(k-m.kc)*(k-m.kc)
}

// nearest is the cell under the model nearest to t.
func (m lineModel) nearest(t float64, n int) float64 {
	k := math.Round((t-m.tc[0])/m.tc[1] + m.kc)
	for range 3 {
		d := t - m.eval(m.tc, k)
		if math.Abs(d) < (m.tc[1]+2*m.tc[2]*(k-m.kc))/2 {
			break
		}
		k += math.Copysign(1, d)
	}
	return k
}

// fit lays n cells along l: a first guess from the walk or the line's
// extent, then a quadratic fit (which absorbs perspective) of the cell
// positions to the components that are single characters, re-assigning
// components to their nearest cell. With ref, a line of the same MRZ
// whose walk succeeded, the pitch curve is ref's and only the offset
// along the line is fitted: MRZ lines share their columns.
func (l *textLine) fit(n int, ref *lineModel) lineModel {
	b := (l.t1 - l.t0) / (float64(n) - 1 + glyphSpan)
	mid := (l.t0 + l.t1) / 2
	m := lineModel{frame: l, kc: float64(n-1) / 2, tc: [3]float64{mid, b, 0}, sc: [3]float64{l.s, 0, 0}}
	if ref != nil {
		m.frame, m.tc = ref.frame, ref.tc
	}
	type pt struct{ t, s, k float64 }
	var pts []pt
	walked := l.walk(n)
	for i, c := range l.comps {
		if float64(c.w()) > 0.95*b {
			continue // merged characters: their centre is no cell's
		}
		t, s := m.frame.project(c.cx(), c.cy())
		k := 0.0
		if walked != nil {
			k = float64(walked[i])
		}
		pts = append(pts, pt{t, s, k})
	}
	if walked != nil && ref == nil {
		var ks, ts []float64
		for _, p := range pts {
			ks, ts = append(ks, p.k-m.kc), append(ts, p.t)
		}
		if len(ks) >= 8 {
			m.tc, m.walked = polyfit(ks, ts, 2), true
		}
	}
	for iter := 0; iter < 4; iter++ {
		var ks, ts, ss, dts []float64
		for _, p := range pts {
			k := m.nearest(p.t, n)
			if k < 0 || k > float64(n-1) {
				continue
			}
			if math.Abs(p.t-m.eval(m.tc, k)) > 0.3*m.tc[1] && iter > 0 {
				continue
			}
			ks, ts, ss = append(ks, k-m.kc), append(ts, p.t), append(ss, p.s)
			dts = append(dts, p.t-m.eval(m.tc, k))
		}
		deg := 2
		if len(ks) < 8 {
			deg = 1
		}
		if len(ks) < 3 {
			break
		}
		if ref != nil {
			m.tc[0] += median(dts)
		} else {
			m.tc = polyfit(ks, ts, deg)
		}
		m.sc = polyfit(ks, ss, deg)
	}
	return m
}

// cells returns the n cells of the model in image coordinates.
func (m lineModel) cells(n int) []cell {
	out := make([]cell, n)
	for k := range n {
		kk := float64(k)
		t, s := m.eval(m.tc, kk), m.eval(m.sc, kk)
		dt := m.tc[1] + 2*m.tc[2]*(kk-m.kc)
		ds := m.sc[1] + 2*m.sc[2]*(kk-m.kc)
		x, y := m.frame.unproject(t, s)
		dx, dy := m.frame.unproject(dt, ds)
		p := math.Hypot(dx, dy)
		out[k] = cell{x: x, y: y, ux: dx / p, uy: dy / p, pitch: p}
	}
	return out
}

// groupCells lays out the cells of every line of an MRZ candidate. A
// line whose own walk failed (characters broken or merged beyond
// counting) borrows the pitch curve of the line with the most components
// among those whose walk succeeded: MRZ lines share their columns.
func groupCells(lines []*textLine, n int) [][]cell {
	models := make([]lineModel, len(lines))
	ref := -1
	for i, l := range lines {
		models[i] = l.fit(n, nil)
		if models[i].walked && (ref < 0 || len(l.comps) > len(lines[ref].comps)) {
			ref = i
		}
	}
	out := make([][]cell, len(lines))
	if ref >= 0 {
		lender := models[ref]
		for i, l := range lines {
			if !models[i].walked {
				models[i] = l.fit(n, &lender)
			}
		}
	}
	for i := range models {
		out[i] = models[i].cells(n)
	}
	return out
}

// walk numbers the components with the cell each starts in, stepping
// from one left edge to the next by whole pitches (a merged component
// holds several cells, a missing character leaves a double step). It
// returns nil when the count does not come to n cells.
func (l *textLine) walk(n int) []int {
	p := l.pitch
	if p <= 0 {
		return nil
	}
	out := make([]int, len(l.comps))
	edge := func(c comp) (left, right float64) {
		t, _ := l.project(c.cx(), c.cy())
		half := (float64(c.w())*l.ux + float64(c.h())*math.Abs(l.uy)) / 2
		return t - half, t + half
	}
	prev, _ := edge(l.comps[0])
	k := 0
	for i := 1; i < len(l.comps); i++ {
		left, _ := edge(l.comps[i])
		// A step under half a pitch is a piece of the same, broken character.
		k += max(0, int(math.Round((left-prev)/p)))
		out[i] = k
		prev = left
	}
	left, right := edge(l.comps[len(l.comps)-1])
	if k+int(math.Round((right-left)/p+1-glyphSpan))-1 != n-1 {
		return nil
	}
	return out
}

// polyfit fits y = c0 + c1·x + c2·x² (c2 = 0 when deg is 1) by least
// squares.
func polyfit(x, y []float64, deg int) [3]float64 {
	m := deg + 1
	var a [3][4]float64
	for i := range x {
		p := [3]float64{1, x[i], x[i] * x[i]}
		for r := range m {
			for c := range m {
				a[r][c] += p[r] * p[c]
			}
			a[r][3] += p[r] * y[i]
		}
	}
	for c := range m {
		piv := c
		for r := c + 1; r < m; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		if a[c][c] == 0 {
			return [3]float64{}
		}
		for r := range m {
			if r != c {
				f := a[r][c] / a[c][c]
				for k := c; k < 4; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	var out [3]float64
	for i := range m {
		out[i] = a[i][3] / a[i][i]
	}
	return out
}
