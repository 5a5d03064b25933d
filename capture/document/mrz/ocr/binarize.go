package ocr

// sauvola binarizes g with Sauvola's local threshold: a pixel is ink when
// it is darker than m·(1 + k·(s/128 − 1)), m and s the mean and standard
// deviation over a win×win window. Flat areas (small s) stay paper even
// when noisy or unevenly lit. It returns 1 for ink, 0 for paper.
func sauvola(g *grayImg, win int, k float64) []uint8 {
	w, h := g.w, g.h
	W := w + 1
	sum := make([]uint64, W*(h+1))
	sq := make([]uint64, W*(h+1))
	for y := range h {
		var rs, rq uint64
		for x := range w {
			v := uint64(g.pix[y*w+x])
			rs += v
			rq += v * v
			sum[(y+1)*W+x+1] = sum[y*W+x+1] + rs
			sq[(y+1)*W+x+1] = sq[y*W+x+1] + rq
		}
	}
	r := win / 2
	out := make([]uint8, w*h)
	const R = 128.0
	for y := range h {
		y0, y1 := max(y-r, 0), min(y+r+1, h)
		top, bot := sum[y0*W:], sum[y1*W:]
		qtop, qbot := sq[y0*W:], sq[y1*W:]
		row := g.pix[y*w : (y+1)*w]
		for x, pv := range row {
			x0, x1 := max(x-r, 0), min(x+r+1, w)
			n := float64((x1 - x0) * (y1 - y0))
			s := float64(bot[x1] - top[x1] - bot[x0] + top[x0])
			q := float64(qbot[x1] - qtop[x1] - qbot[x0] + qtop[x0])
			m := s / n
			// p < m·(1 + k·(sd/R − 1)) ⟺ p − m(1−k) < (m·k/R)·sd, compared
			// squared to spare the square root.
			d := float64(pv) - m*(1-k)
			if d < 0 {
				out[y*w+x] = 1
				continue
			}
			slope := m * k / R
			if d*d < slope*slope*max(q/n-m*m, 0) {
				out[y*w+x] = 1
			}
		}
	}
	return out
}
