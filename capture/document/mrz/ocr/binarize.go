package ocr

import "math"

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
	for y := range h {
		y0, y1 := max(y-r, 0), min(y+r+1, h)
		for x := range w {
			x0, x1 := max(x-r, 0), min(x+r+1, w)
			n := float64((x1 - x0) * (y1 - y0))
			s := float64(sum[y1*W+x1] - sum[y0*W+x1] - sum[y1*W+x0] + sum[y0*W+x0])
			q := float64(sq[y1*W+x1] - sq[y0*W+x1] - sq[y1*W+x0] + sq[y0*W+x0])
			m := s / n
			sd := math.Sqrt(max(q/n-m*m, 0))
			if float64(g.pix[y*w+x]) < m*(1+k*(sd/128-1)) {
				out[y*w+x] = 1
			}
		}
	}
	return out
}
