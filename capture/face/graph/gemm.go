package graph

// The GEMM here computes C = A×B (+ bias, activation) for row-major A (M×K)
// and a constant B (K×N) packed at load time into panels of nr columns:
// panel p holds B[0:K][p*nr:(p+1)*nr] contiguously, k-major, zero-padded.
// A micro-kernel computes an mr×nr tile of C with the accumulators in
// registers; the drivers hand it tiles, over all workers.

const (
	mr = 6  // rows of a micro-kernel tile
	nr = 16 // columns of a micro-kernel tile (two 8-float AVX registers)
)

// packedB is a GEMM right operand packed into nr-column panels.
type packedB struct {
	k, n, panels int
	data         []float32 // panels × k × nr
}

func packB(b []float32, k, n int) *packedB {
	panels := (n + nr - 1) / nr
	pb := &packedB{k: k, n: n, panels: panels, data: make([]float32, panels*k*nr)}
	for p := range panels {
		dst := pb.data[p*k*nr:]
		for kk := range k {
			for j := 0; j < nr && p*nr+j < n; j++ {
				dst[kk*nr+j] = b[kk*n+p*nr+j]
			}
		}
	}
	return pb
}

func (pb *packedB) panel(p int) []float32 { return pb.data[p*pb.k*nr : (p+1)*pb.k*nr] }

// gemm6x16Go is the portable micro-kernel: for r < mr·strips and j < cols,
// c[r*ldc+j] = act(bias[j] + Σ_kk a[r*lda+kk]·b[kk*nr+j]); columns from
// cols on are left alone. bias and alpha hold nr values (alpha only read
// for actPrelu).
func gemm6x16Go(k int, a []float32, lda int, b []float32, c []float32, ldc int, bias, alpha []float32, cols int, act actKind, strips int) {
	for s := range strips {
		gemmTileGo(k, a[s*mr*lda:], lda, b, c[s*mr*ldc:], ldc, bias, alpha, cols, act)
	}
}

func gemmTileGo(k int, a []float32, lda int, b []float32, c []float32, ldc int, bias, alpha []float32, cols int, act actKind) {
	// Two rows × four columns of accumulators in registers at a time: the
	// compiler keeps the eight sums and four weights in registers. Bias
	// last, as tfjs adds it after the sum: same rounding order.
	b = b[:k*nr]
	e := epilogue{act: act, alpha: alpha}
	var out [2][nr]float32
	for r := 0; r < mr; r += 2 {
		a0, a1 := a[r*lda:r*lda+k], a[(r+1)*lda:(r+1)*lda+k]
		for j0 := 0; j0 < cols; j0 += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			for kk, x0 := range a0 {
				x1 := a1[kk]
				bv := (*[4]float32)(b[kk*nr+j0:])
				c00 += x0 * bv[0]
				c01 += x0 * bv[1]
				c02 += x0 * bv[2]
				c03 += x0 * bv[3]
				c10 += x1 * bv[0]
				c11 += x1 * bv[1]
				c12 += x1 * bv[2]
				c13 += x1 * bv[3]
			}
			out[0][j0], out[0][j0+1], out[0][j0+2], out[0][j0+3] = c00, c01, c02, c03
			out[1][j0], out[1][j0+1], out[1][j0+2], out[1][j0+3] = c10, c11, c12, c13
		}
		for h := range 2 {
			row := c[(r+h)*ldc : (r+h)*ldc+cols]
			for j := range row {
				row[j] = out[h][j] + bias[j]
			}
			applyAct(&e, row, 1, cols, cols, 0)
		}
	}
}

// addGo sets dst[i] = a[i] + b[i].
func addGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// addActGo sets dst = act(a + b) over rows×cols contiguous values.
func addActGo(dst, a, b []float32, rows, cols int, e *epilogue) {
	n := rows * cols
	addGo(dst[:n], a, b)
	applyAct(e, dst, rows, cols, cols, 0)
}

// bcastGo sets each row of dst to a·scale + shift, rounding the product
// before the sum as two separate ops do.
func bcastGo(dst, a, scale, shift []float32, rows, cols int) {
	for r := range rows {
		d, x := dst[r*cols:(r+1)*cols], a[r*cols:(r+1)*cols]
		switch {
		case shift == nil:
			for j, v := range x {
				d[j] = v * scale[j]
			}
		case scale == nil:
			for j, v := range x {
				d[j] = v + shift[j]
			}
		default:
			for j, v := range x {
				p := v * scale[j]
				d[j] = p + shift[j]
			}
		}
	}
}

// maxIntoGo sets dst[i] = max(dst[i], src[i]), ignoring NaN in src as tfjs does.
func maxIntoGo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		if v > dst[i] {
			dst[i] = v
		}
	}
}

// gemvGo computes one row against one panel: c[j] = act(bias[j] +
// Σ_kk a[kk]·b[kk*nr+j]) for j < cols.
func gemvGo(k int, a, b, c, bias, alpha []float32, cols int, act actKind) {
	var acc [nr]float32
	a, b = a[:k], b[:k*nr]
	for kk, av := range a {
		bv := (*[nr]float32)(b[kk*nr:])
		for j := range nr {
			acc[j] += av * bv[j]
		}
	}
	row := c[:cols]
	for j := range row {
		row[j] = acc[j] + bias[j]
	}
	applyAct(&epilogue{act: act, alpha: alpha}, row, 1, cols, cols, 0)
}

// applyAct applies the activation to a rows×cols block of c (stride ldc)
// whose first column is output channel col0.
func applyAct(e *epilogue, c []float32, rows, cols, ldc, col0 int) {
	switch e.act {
	case actRelu:
		for r := range rows {
			row := c[r*ldc : r*ldc+cols]
			for i, v := range row {
				if v < 0 {
					row[i] = 0
				}
			}
		}
	case actRelu6:
		for r := range rows {
			row := c[r*ldc : r*ldc+cols]
			for i, v := range row {
				row[i] = relu6(v)
			}
		}
	case actPrelu:
		alpha := e.alpha[col0 : col0+cols]
		for r := range rows {
			row := c[r*ldc : r*ldc+cols]
			for i, v := range row {
				if v < 0 {
					row[i] = v * alpha[i]
				}
			}
		}
	}
}

// gemmBlock computes rows [0, rows) of C for panels [p0, p1): a is the
// block of A (stride lda), c the block of C (stride ldc). Whole mr-row
// strips go to the kernel in one call per panel; the rows of a partial
// last strip go one by one through the gemv kernel.
func gemmBlock(ks *kernelSet, rows int, k int, a []float32, lda int, pb *packedB, ep *gemmEpilogue, c []float32, ldc int, p0, p1 int) {
	strips := rows / mr
	for p := p0; p < p1; p++ {
		cols := min(nr, pb.n-p*nr)
		bias := ep.bias[p*nr : (p+1)*nr]
		alpha := bias
		if ep.act == actPrelu {
			alpha = ep.alpha[p*nr : (p+1)*nr]
		}
		if strips > 0 {
			ks.gemm(k, a, lda, pb.panel(p), c[p*nr:], ldc, bias, alpha, cols, ep.act, strips)
		}
		for r := strips * mr; r < rows; r++ {
			ks.gemv(k, a[r*lda:], pb.panel(p), c[r*ldc+p*nr:], bias, alpha, cols, ep.act)
		}
	}
}

// gemmEpilogue is an epilogue with bias and slopes padded to whole panels.
type gemmEpilogue struct {
	bias, alpha []float32
	act         actKind
}

func newGemmEpilogue(e *epilogue, panels int) *gemmEpilogue {
	g := &gemmEpilogue{bias: padBias(e.bias, panels), act: e.act}
	if e.act == actPrelu {
		g.alpha = padBias(e.alpha, panels)
	}
	return g
}

// padBias returns bias zero-padded to whole panels.
func padBias(bias []float32, panels int) []float32 {
	out := make([]float32, panels*nr)
	copy(out, bias)
	return out
}

// blockStrips is how many mr-row strips one work item covers: the A
// block (blockStrips·mr·K floats) stays in cache while every panel of B
// streams past it.
const blockStrips = 8

// planGEMM returns a function computing c (m×N) = a (m×k) × pb + epilogue.
func planGEMM(p *planner, m, k int, a []float32, pb *packedB, e *epilogue, c []float32) func() {
	ep := newGemmEpilogue(e, pb.panels)
	bs := blockStrips * mr
	blocks := (m + bs - 1) / bs
	// Few blocks (a dense layer on one sample): split the panels instead.
	groups := 1
	if blocks < 2*p.workers {
		groups = min(pb.panels, p.workers)
	}
	per := (pb.panels + groups - 1) / groups
	ks := p.ks
	body := func(_, lo, hi int) {
		for item := lo; item < hi; item++ {
			blk, g := item/groups, item%groups
			r0 := blk * bs
			gemmBlock(ks, min(bs, m-r0), k, a[r0*k:], k, pb, ep, c[r0*pb.n:], pb.n, g*per, min((g+1)*per, pb.panels))
		}
	}
	grain := grainFor(min(bs, m) * k * per * nr)
	return func() { p.pool.run(blocks*groups, grain, body) }
}

// planConvGEMM returns a function computing a regular convolution as a
// GEMM: rows are output pixels, K = kh·kw·cin. A 1×1 stride-1 convolution
// reads the input as A directly; others gather each strip of A (im2col)
// into worker scratch.
func planConvGEMM(p *planner, g *convGeom, pb *packedB, e *epilogue, in, out []float32) func() {
	m := g.n * g.oh * g.ow
	k := g.win.kh * g.win.kw * g.cin
	if g.win.kh == 1 && g.win.kw == 1 && g.win.sh == 1 && g.win.sw == 1 && g.ph == 0 && g.pw == 0 {
		return planGEMM(p, m, k, in, pb, e, out)
	}
	ep := newGemmEpilogue(e, pb.panels)
	bs := blockStrips * mr
	blocks := (m + bs - 1) / bs
	p.need(bs * k)
	ks := p.ks
	body := func(w, lo, hi int) {
		buf := p.pool.scratch[w][:bs*k]
		for blk := lo; blk < hi; blk++ {
			r0 := blk * bs
			rows := min(bs, m-r0)
			im2colBlock(g, in, r0, rows, buf)
			gemmBlock(ks, rows, k, buf, k, pb, ep, out[r0*g.cout:], g.cout, 0, pb.panels)
		}
	}
	grain := grainFor(min(bs, m) * k * g.cout)
	return func() { p.pool.run(blocks, grain, body) }
}

// im2colBlock gathers the receptive fields of output pixels [r0, r0+rows)
// into dst (rows × kh·kw·cin). Windows inside the input are copied a
// kernel row at a time; the others go through im2colRow.
func im2colBlock(g *convGeom, in []float32, r0, rows int, dst []float32) {
	k := g.win.kh * g.win.kw * g.cin
	span := g.win.kw * g.cin
	rowStride := g.w * g.cin
	ox := r0 % g.ow
	oy := (r0 / g.ow) % g.oh
	b := r0 / (g.ow * g.oh)
	extH, extW := (g.win.kh-1)*g.win.dh, (g.win.kw-1)*g.win.dw
	for r := range rows {
		d := dst[r*k : (r+1)*k]
		y0, x0 := oy*g.win.sh-g.ph, ox*g.win.sw-g.pw
		if g.win.dw == 1 && y0 >= 0 && y0+extH < g.h && x0 >= 0 && x0+extW < g.w {
			src := in[((b*g.h+y0)*g.w+x0)*g.cin:]
			for ky := range g.win.kh {
				copy(d[ky*span:(ky+1)*span], src[ky*g.win.dh*rowStride:][:span])
			}
		} else {
			im2colRow(g, in, r0+r, d)
		}
		if ox++; ox == g.ow {
			ox = 0
			if oy++; oy == g.oh {
				oy = 0
				b++
			}
		}
	}
}

// im2colRow gathers the receptive field of output pixel row (b, oy, ox
// flattened) into dst (kh·kw·cin values, zeros outside the input).
func im2colRow(g *convGeom, in []float32, row int, dst []float32) {
	ox := row % g.ow
	oy := (row / g.ow) % g.oh
	b := row / (g.ow * g.oh)
	y0, x0 := oy*g.win.sh-g.ph, ox*g.win.sw-g.pw
	i := 0
	span := g.win.kw * g.cin
	for ky := range g.win.kh {
		iy := y0 + ky*g.win.dh
		if g.win.dw == 1 && iy >= 0 && iy < g.h && x0 >= 0 && x0+g.win.kw <= g.w {
			// The whole kernel row is one contiguous run of the input.
			copy(dst[i:i+span], in[((b*g.h+iy)*g.w+x0)*g.cin:])
			i += span
			continue
		}
		for kx := range g.win.kw {
			ix := x0 + kx*g.win.dw
			d := dst[i : i+g.cin]
			i += g.cin
			if iy < 0 || iy >= g.h || ix < 0 || ix >= g.w {
				clear(d)
				continue
			}
			copy(d, in[((b*g.h+iy)*g.w+ix)*g.cin:])
		}
	}
}

// dwRowGo is the portable depthwise kernel (channel multiplier 1) for npix
// output pixels whose windows lie inside the input: out[p*c+ch] =
// bias[ch] + Σ_t in[p*step+offs[t]+ch]·w[t*c+ch].
func dwRowGo(out, in []float32, offs []int, w, bias []float32, c, npix, step int) {
	for px := range npix {
		o := out[px*c : (px+1)*c]
		base := px * step
		ch := 0
		// Four channels at a time with the sums in registers.
		for ; ch+4 <= c; ch += 4 {
			var s0, s1, s2, s3 float32
			for t, off := range offs {
				iv := (*[4]float32)(in[base+off+ch:])
				wv := (*[4]float32)(w[t*c+ch:])
				s0 += iv[0] * wv[0]
				s1 += iv[1] * wv[1]
				s2 += iv[2] * wv[2]
				s3 += iv[3] * wv[3]
			}
			o[ch], o[ch+1], o[ch+2], o[ch+3] = s0+bias[ch], s1+bias[ch+1], s2+bias[ch+2], s3+bias[ch+3]
		}
		for ; ch < c; ch++ {
			var sum float32
			for t, off := range offs {
				sum += in[base+off+ch] * w[t*c+ch]
			}
			o[ch] = sum + bias[ch]
		}
	}
}

// tapSet is the taps of a depthwise window that fall inside the input for
// one kind of border: offsets from the first valid tap's input pixel and
// the filter rows of those taps, compacted so dwRow can run on them.
type tapSet struct {
	offs []int
	w    []float32
}

// span is the valid range [lo, hi) of kernel rows or columns.
type span struct{ lo, hi int }

// validTaps returns which kernel indices k (0 ≤ k < n) land inside [0,
// size) for a window starting at start with dilation d.
func validTaps(start, n, d, size int) span {
	lo, hi := 0, n
	for lo < n && start+lo*d < 0 {
		lo++
	}
	for hi > lo && start+(hi-1)*d >= size {
		hi--
	}
	return span{lo, hi}
}

// planDepthwise returns a function computing a depthwise convolution with
// channel multiplier 1. Every output pixel goes through the kernel set's
// dwRow: interior pixels of a row in one call, border pixels one at a time
// with only their valid taps (precomputed per kind of border), so the
// input is never copied and no loop checks bounds. Other multipliers take
// the bounds-checked loop.
func planDepthwise(p *planner, g *convGeom, mult int, filter []float32, e *epilogue, in, out []float32) func() {
	cout := g.cout
	if mult != 1 {
		return planDepthwiseGeneric(p, g, mult, filter, e, in, out)
	}
	w := g.win
	sets := map[[4]int]*tapSet{}
	set := func(ky, kx span) *tapSet {
		key := [4]int{ky.lo, ky.hi, kx.lo, kx.hi}
		if t, ok := sets[key]; ok {
			return t
		}
		t := &tapSet{}
		for y := ky.lo; y < ky.hi; y++ {
			for x := kx.lo; x < kx.hi; x++ {
				t.offs = append(t.offs, ((y-ky.lo)*w.dh*g.w+(x-kx.lo)*w.dw)*g.cin)
				t.w = append(t.w, filter[(y*w.kw+x)*cout:(y*w.kw+x+1)*cout]...)
			}
		}
		sets[key] = t
		return t
	}
	// Columns: which output columns have the full kernel width inside.
	cols := make([]span, g.ow)
	xlo, xhi := g.ow, 0
	for ox := range g.ow {
		cols[ox] = validTaps(ox*w.sw-g.pw, w.kw, w.dw, g.w)
		if cols[ox] == (span{0, w.kw}) {
			xlo, xhi = min(xlo, ox), ox+1
		}
	}
	for ox := xlo; ox < xhi; ox++ {
		if cols[ox] != (span{0, w.kw}) {
			xhi = xlo // not one run: treat every column as a border
			break
		}
	}
	type rowPlan struct {
		ky       span
		interior *tapSet
		border   []*tapSet // per output column; nil inside [xlo, xhi)
	}
	rows := make([]*rowPlan, g.oh)
	byRange := map[span]*rowPlan{}
	for oy := range g.oh {
		ky := validTaps(oy*w.sh-g.ph, w.kh, w.dh, g.h)
		rp, ok := byRange[ky]
		if !ok {
			rp = &rowPlan{ky: ky, border: make([]*tapSet, g.ow)}
			if xhi > xlo {
				rp.interior = set(ky, span{0, w.kw})
			}
			for ox := range g.ow {
				if ox < xlo || ox >= xhi {
					rp.border[ox] = set(ky, cols[ox])
				}
			}
			byRange[ky] = rp
		}
		rows[oy] = rp
	}
	ks := p.ks
	step := w.sw * g.cin
	body := func(_, lo, hi int) {
		for row := lo; row < hi; row++ {
			b, oy := row/g.oh, row%g.oh
			rp := rows[oy]
			iy := oy*w.sh - g.ph + rp.ky.lo*w.dh // first valid input row
			if rp.ky.hi <= rp.ky.lo {
				iy = 0 // no valid row: the taps are empty, out = bias
			}
			inRow := in[(b*g.h+iy)*g.w*g.cin:]
			o := out[(b*g.oh+oy)*g.ow*cout:]
			for ox, t := range rp.border {
				if t == nil {
					continue
				}
				ix := ox*w.sw - g.pw + cols[ox].lo*w.dw
				if len(t.offs) == 0 {
					ix = 0 // no valid tap: out = bias, the input is not read
				}
				ks.dwRow(o[ox*cout:], inRow[ix*g.cin:], t.offs, t.w, e.bias, cout, 1, step)
			}
			if rp.interior != nil {
				ix := xlo*w.sw - g.pw
				ks.dwRow(o[xlo*cout:], inRow[ix*g.cin:], rp.interior.offs, rp.interior.w, e.bias, cout, xhi-xlo, step)
			}
			ks.act(e, o, g.ow, cout, cout, 0)
		}
	}
	grain := grainFor(g.ow * cout * w.kh * w.kw)
	return func() { p.pool.run(g.n*g.oh, grain, body) }
}

// planDepthwiseGeneric is the bounds-checked depthwise loop for any
// channel multiplier: output channel oc reads input channel oc/mult.
func planDepthwiseGeneric(p *planner, g *convGeom, mult int, filter []float32, e *epilogue, in, out []float32) func() {
	cout := g.cout
	body := func(_, lo, hi int) {
		for row := lo; row < hi; row++ {
			b, oy := row/g.oh, row%g.oh
			y0 := oy*g.win.sh - g.ph
			for ox := range g.ow {
				o := out[((b*g.oh+oy)*g.ow+ox)*cout:][:cout]
				clear(o)
				x0 := ox*g.win.sw - g.pw
				for ky := range g.win.kh {
					iy := y0 + ky*g.win.dh
					if iy < 0 || iy >= g.h {
						continue
					}
					for kx := range g.win.kw {
						ix := x0 + kx*g.win.dw
						if ix < 0 || ix >= g.w {
							continue
						}
						iv := in[((b*g.h+iy)*g.w+ix)*g.cin:][:g.cin]
						wv := filter[(ky*g.win.kw+kx)*cout:][:cout]
						for oc := range o {
							o[oc] += iv[oc/mult] * wv[oc]
						}
					}
				}
				for oc, bv := range e.bias {
					o[oc] += bv
				}
			}
			p.ks.act(e, out[(b*g.oh+oy)*g.ow*cout:], g.ow, cout, cout, 0)
		}
	}
	grain := grainFor(g.ow * cout * g.win.kh * g.win.kw)
	return func() { p.pool.run(g.n*g.oh, grain, body) }
}
