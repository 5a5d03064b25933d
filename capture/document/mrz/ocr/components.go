package ocr

// comp is a connected component of ink: its bounding box [x0,x1)×[y0,y1)
// and pixel count.
type comp struct {
	x0, y0, x1, y1 int
	n              int
}

func (c comp) w() int      { return c.x1 - c.x0 }
func (c comp) h() int      { return c.y1 - c.y0 }
func (c comp) cx() float64 { return float64(c.x0+c.x1) / 2 }
func (c comp) cy() float64 { return float64(c.y0+c.y1) / 2 }
func (c *comp) add(x, y int) {
	c.x0, c.y0, c.x1, c.y1 = min(c.x0, x), min(c.y0, y), max(c.x1, x+1), max(c.y1, y+1)
	c.n++
}
func (c *comp) merge(o comp) {
	c.x0, c.y0, c.x1, c.y1 = min(c.x0, o.x0), min(c.y0, o.y0), max(c.x1, o.x1), max(c.y1, o.y1)
	c.n += o.n
}
func newComp(x, y int) comp { return comp{x, y, x + 1, y + 1, 1} }
func find(p []int32, i int32) int32 {
	for p[i] != i {
		p[i] = p[p[i]]
		i = p[i]
	}
	return i
}

// components labels the 8-connected ink regions of bin (1 = ink).
func components(bin []uint8, w, h int) []comp {
	labels := make([]int32, w*h)
	parent := []int32{0} // label 0 is paper
	for y := range h {
		for x := range w {
			if bin[y*w+x] == 0 {
				continue
			}
			var l int32
			for _, d := range [4][2]int{{-1, 0}, {-1, -1}, {0, -1}, {1, -1}} {
				nx, ny := x+d[0], y+d[1]
				if nx < 0 || ny < 0 || nx >= w {
					continue
				}
				nl := labels[ny*w+nx]
				if nl == 0 {
					continue
				}
				if l == 0 {
					l = find(parent, nl)
					continue
				}
				a, b := find(parent, l), find(parent, nl)
				if a != b {
					parent[max(a, b)] = min(a, b)
					l = min(a, b)
				}
			}
			if l == 0 {
				l = int32(len(parent))
				parent = append(parent, l)
			}
			labels[y*w+x] = l
		}
	}
	idx := make([]int32, len(parent))
	var out []comp
	for i := range parent {
		idx[i] = -1
	}
	for y := range h {
		for x := range w {
			l := labels[y*w+x]
			if l == 0 {
				continue
			}
			r := find(parent, l)
			if idx[r] < 0 {
				idx[r] = int32(len(out))
				out = append(out, newComp(x, y))
				continue
			}
			out[idx[r]].add(x, y)
		}
	}
	return out
}
