package graph

import (
	"fmt"
	"math"
	"slices"
)

type binaryKind int

const (
	opAdd binaryKind = iota
	opSub
	opMul
	opMax
	opMin
	opPrelu
)

// binaryKindOf maps a TensorFlow op name to its elementwise kind.
func binaryKindOf(op string) binaryKind {
	switch op {
	case "Sub":
		return opSub
	case "Mul":
		return opMul
	case "Maximum":
		return opMax
	case "Minimum":
		return opMin
	case "Prelu":
		return opPrelu
	}
	return opAdd // Add, AddV2, BiasAdd
}

// binaryOp is an elementwise op of two tensors with NumPy broadcasting.
type binaryOp struct {
	kind binaryKind
	// post is an activation fused in from a following Relu or Prelu op;
	// alpha is the Prelu slope per channel (last dimension).
	post  actKind
	alpha []float32
	// shift is a per-channel Add fused in after a per-channel Mul.
	shift []float32
}

// broadcastShape returns the NumPy broadcast of a and b.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("cannot broadcast %v and %v: %w", a, b, ErrShape)
		}
	}
	return out, nil
}

func (o *binaryOp) shape(in [][]int) ([]int, error) { return broadcastShape(in[0], in[1]) }

// binaryRow applies kind to n elements: dst[i] = f(a[i*sa], b[i*sb]) where
// sa and sb are 0 or 1 (a broadcast scalar or a run).
func binaryRow(ks *kernelSet, kind binaryKind, dst, a, b []float32, sa, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch kind {
		case opAdd:
			ks.vadd(dst, a, b)
		case opSub:
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case opPrelu:
			for i, x := range a {
				if x < 0 {
					x *= b[i]
				}
				dst[i] = x
			}
		default:
			for i := range dst {
				dst[i] = binaryScalar(kind, a[i], b[i])
			}
		}
	case sa == 1:
		a = a[:n]
		y := b[0]
		switch kind {
		case opAdd:
			for i := range dst {
				dst[i] = a[i] + y
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i] * y
			}
		default:
			for i := range dst {
				dst[i] = binaryScalar(kind, a[i], y)
			}
		}
	default:
		for i := range dst {
			dst[i] = binaryScalar(kind, a[i*sa], b[i*sb])
		}
	}
}

func binaryScalar(kind binaryKind, x, y float32) float32 {
	switch kind {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opMax:
		if x > y || x != x {
			return x
		}
		return y
	case opMin:
		if x < y || x != x {
			return x
		}
		return y
	default: // opPrelu: y is alpha
		if x < 0 {
			return x * y
		}
		return x
	}
}

func (o *binaryOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	a, b := in[0], in[1]
	rank := len(out.Shape)
	// Strides of a and b in out's index space, 0 where broadcast.
	sa, sb := bstrides(a.Shape, rank, out.Shape), bstrides(b.Shape, rank, out.Shape)
	// Merge the innermost dimensions while both operands are contiguous
	// (or both constant) across them, so the inner loop is long.
	inner, ia, ib := 1, 1, 1
	d := rank - 1
	if rank > 0 {
		ia, ib = min(sa[d], 1), min(sb[d], 1)
	}
	for ; d >= 0; d-- {
		ca := sa[d] == inner*ia
		cb := sb[d] == inner*ib
		if ia == 0 {
			ca = sa[d] == 0
		}
		if ib == 0 {
			cb = sb[d] == 0
		}
		if !ca || !cb {
			break
		}
		inner *= out.Shape[d]
	}
	outerShape := out.Shape[:d+1]
	outer := numElements(outerShape)
	swap := ia == 0 && ib == 1 && o.kind != opSub && o.kind != opPrelu
	kind, ks := o.kind, p.ks
	post := &epilogue{act: o.post, alpha: o.alpha}
	channels := 1
	if rank > 0 {
		channels = out.Shape[rank-1]
	}
	if o.post == actPrelu && (len(o.alpha) != channels || inner%channels != 0) {
		return nil, fmt.Errorf("fused prelu of %d slopes on rows of %d: %w", len(o.alpha), inner, ErrShape)
	}
	body := func(_, lo, hi int) {
		idx := make([]int, 0, 8)[:len(outerShape)]
		// Decode lo into an index once, then step.
		rem := lo
		for k := len(outerShape) - 1; k >= 0; k-- {
			idx[k] = rem % outerShape[k]
			rem /= outerShape[k]
		}
		for r := lo; r < hi; r++ {
			offA, offB := 0, 0
			for k, v := range idx {
				offA += v * sa[k]
				offB += v * sb[k]
			}
			dst := out.Data[r*inner : (r+1)*inner]
			if swap {
				binaryRow(ks, kind, dst, b.Data[offB:], a.Data[offA:], ib, ia)
			} else {
				binaryRow(ks, kind, dst, a.Data[offA:], b.Data[offB:], ia, ib)
			}
			if post.act != actNone {
				ks.act(post, dst, inner/channels, channels, channels, 0)
			}
			for k := len(idx) - 1; k >= 0; k-- {
				idx[k]++
				if idx[k] < outerShape[k] {
					break
				}
				idx[k] = 0
			}
		}
	}
	if len(outerShape) > 8 {
		return nil, fmt.Errorf("rank %d: %w", len(outerShape), ErrUnsupportedOp)
	}
	if outer == 1 && ia == 1 && ib == 1 && kind == opAdd && channels > 0 && inner%channels == 0 {
		// Same shapes (a residual add): one fused add+activation pass,
		// split across workers in chunks of whole channel rows.
		rows := inner / channels
		chunk := max(1, 4096/channels) // rows per work item
		items := (rows + chunk - 1) / chunk
		flat := func(_, lo, hi int) {
			r0, r1 := lo*chunk, min(hi*chunk, rows)
			off, n := r0*channels, (r1-r0)*channels
			ks.addAct(out.Data[off:off+n], a.Data[off:off+n], b.Data[off:off+n], r1-r0, channels, post)
		}
		g := grainFor(chunk * channels)
		return func() { p.pool.run(items, g, flat) }, nil
	}
	if vec := o.channelVector(a, b, out); vec != nil && (kind == opAdd || kind == opMul) {
		// x op per-channel constant (a folded batch norm): whole rows.
		rows := out.Len() / channels
		scale, shift := vec, o.shift
		if kind == opAdd {
			scale, shift = nil, vec
		}
		x := a.Data
		if len(a.Data) != out.Len() {
			x = b.Data
		}
		rowsBody := func(_, lo, hi int) {
			off, n := lo*channels, (hi-lo)*channels
			ks.bcast(out.Data[off:off+n], x[off:off+n], scale, shift, hi-lo, channels)
			if post.act != actNone {
				ks.act(post, out.Data[off:off+n], hi-lo, channels, channels, 0)
			}
		}
		g := grainFor(channels)
		return func() { p.pool.run(rows, g, rowsBody) }, nil
	}
	if o.shift != nil {
		return nil, fmt.Errorf("fused shift without a per-channel scale: %w", ErrShape)
	}
	grain := grainFor(inner)
	return func() { p.pool.run(outer, grain, body) }, nil
}

// bstrides returns the strides of shape (right-aligned to rank) with 0 for
// broadcast dimensions.
func bstrides(shape []int, rank int, out []int) []int {
	s := make([]int, rank)
	acc := 1
	for i := rank - 1; i >= 0; i-- {
		j := i - (rank - len(shape))
		if j < 0 || shape[j] == 1 && out[i] != 1 {
			s[i] = 0
		} else {
			s[i] = acc
		}
		if j >= 0 {
			acc *= shape[j]
		}
	}
	return s
}

// channelVector returns the operand that is one value per channel (the
// last dimension) when the other has the output's full shape, else nil.
func (o *binaryOp) channelVector(a, b, out *Tensor) []float32 {
	rank := len(out.Shape)
	if rank == 0 || out.Shape[rank-1] == 0 {
		return nil
	}
	c := out.Shape[rank-1]
	isVec := func(t *Tensor) bool {
		if t.Len() != c || len(t.Shape) == 0 || t.Shape[len(t.Shape)-1] != c {
			return false
		}
		return true
	}
	switch {
	case len(a.Data) == out.Len() && isVec(b) && b.Len() != out.Len():
		return b.Data
	case len(b.Data) == out.Len() && isVec(a) && a.Len() != out.Len() && o.kind != opSub && o.kind != opPrelu:
		return a.Data
	}
	return nil
}

type unaryKind int

const (
	opRelu unaryKind = iota
	opRelu6
	opAbs
	opSquare
	opRsqrt
	opSigmoid
)

// unaryKindOf maps a TensorFlow op name to its elementwise kind.
func unaryKindOf(op string) unaryKind {
	switch op {
	case "Relu6":
		return opRelu6
	case "Abs":
		return opAbs
	case "Square":
		return opSquare
	case "Rsqrt":
		return opRsqrt
	case "Sigmoid":
		return opSigmoid
	}
	return opRelu
}

// unaryOp is an elementwise function of one tensor.
type unaryOp struct{ kind unaryKind }

func (o *unaryOp) shape(in [][]int) ([]int, error) { return slices.Clone(in[0]), nil }

func (o *unaryOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	src, dst, kind := in[0].Data, out.Data, o.kind
	body := func(_, lo, hi int) { unary(kind, dst[lo:hi], src[lo:hi]) }
	return func() { p.pool.run(len(dst), grainFor(1), body) }, nil
}

func unary(kind unaryKind, dst, src []float32) {
	src = src[:len(dst)]
	switch kind {
	case opRelu:
		for i, v := range src {
			if v < 0 {
				v = 0
			}
			dst[i] = v
		}
	case opRelu6:
		for i, v := range src {
			dst[i] = relu6(v)
		}
	case opAbs:
		for i, v := range src {
			dst[i] = float32(math.Abs(float64(v)))
		}
	case opSquare:
		for i, v := range src {
			dst[i] = v * v
		}
	case opRsqrt:
		for i, v := range src {
			dst[i] = float32(1 / math.Sqrt(float64(v)))
		}
	case opSigmoid:
		for i, v := range src {
			dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	}
}

// reduceOp is Sum or Mean over constant axes.
type reduceOp struct {
	mean bool
	axes []int
	keep bool
}

func (o *reduceOp) reduced(rank int) ([]bool, error) {
	r := make([]bool, rank)
	for _, a := range o.axes {
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("axis %d of rank %d: %w", a, rank, ErrShape)
		}
		r[a] = true
	}
	return r, nil
}

func (o *reduceOp) shape(in [][]int) ([]int, error) {
	r, err := o.reduced(len(in[0]))
	if err != nil {
		return nil, err
	}
	var out []int
	for i, d := range in[0] {
		switch {
		case !r[i]:
			out = append(out, d)
		case o.keep:
			out = append(out, 1)
		}
	}
	return out, nil
}

func (o *reduceOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	src := in[0]
	rank := len(src.Shape)
	r, err := o.reduced(rank)
	if err != nil {
		return nil, err
	}
	// Map every input element to its output slot through strides.
	ostr := make([]int, rank)
	acc := 1
	for i := rank - 1; i >= 0; i-- {
		if !r[i] {
			ostr[i] = acc
			acc *= src.Shape[i]
		}
	}
	count := 1
	for i, d := range src.Shape {
		if r[i] {
			count *= d
		}
	}
	mean := o.mean
	sums := make([]float64, out.Len())
	idx := make([]int, rank)
	return func() {
		clear(sums)
		clear(idx)
		off := 0
		for _, v := range src.Data {
			sums[off] += float64(v)
			for k := rank - 1; k >= 0; k-- {
				idx[k]++
				off += ostr[k]
				if idx[k] < src.Shape[k] {
					break
				}
				off -= ostr[k] * idx[k]
				idx[k] = 0
			}
		}
		for i, s := range sums {
			if mean {
				s /= float64(count)
			}
			out.Data[i] = float32(s)
		}
	}, nil
}

// softmaxOp is Softmax over the last axis.
type softmaxOp struct{}

func (softmaxOp) shape(in [][]int) ([]int, error) {
	if len(in[0]) == 0 {
		return nil, fmt.Errorf("softmax of a scalar: %w", ErrShape)
	}
	return slices.Clone(in[0]), nil
}

func (softmaxOp) plan(_ *planner, in []*Tensor, out *Tensor) (func(), error) {
	n := in[0].Shape[len(in[0].Shape)-1]
	return func() {
		if n == 0 {
			return
		}
		for r := 0; r < len(out.Data); r += n {
			x, y := in[0].Data[r:r+n], out.Data[r:r+n]
			m := x[0]
			for _, v := range x {
				m = max(m, v)
			}
			var sum float64
			for i, v := range x {
				e := math.Exp(float64(v - m))
				y[i] = float32(e)
				sum += e
			}
			for i := range y {
				y[i] = float32(float64(y[i]) / sum)
			}
		}
	}, nil
}

// poolOp is MaxPool; act is a following Relu fused in (max and Relu commute).
type poolOp struct {
	win window
	act actKind
}

func (o *poolOp) shape(in [][]int) ([]int, error) {
	s := in[0]
	if len(s) != 4 {
		return nil, fmt.Errorf("pool input %v is not NHWC: %w", s, ErrShape)
	}
	w := o.win
	oh, _ := outSize(s[1], w.kh, w.sh, 1, w.same)
	ow, _ := outSize(s[2], w.kw, w.sw, 1, w.same)
	return []int{s[0], oh, ow, s[3]}, nil
}

func (o *poolOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	w := o.win
	n, h, wd, c := in[0].Shape[0], in[0].Shape[1], in[0].Shape[2], in[0].Shape[3]
	oh, ph := outSize(h, w.kh, w.sh, 1, w.same)
	ow, pw := outSize(wd, w.kw, w.sw, 1, w.same)
	src, dst, ks := in[0].Data, out.Data, p.ks
	post := epilogue{act: o.act}
	body := func(_, lo, hi int) {
		for row := lo; row < hi; row++ {
			b, oy := row/oh, row%oh
			y0 := oy*w.sh - ph
			for ox := range ow {
				x0 := ox*w.sw - pw
				o := dst[((b*oh+oy)*ow+ox)*c:][:c]
				first := true
				for ky := max(y0, 0); ky < min(y0+w.kh, h); ky++ {
					for kx := max(x0, 0); kx < min(x0+w.kw, wd); kx++ {
						s := src[((b*h+ky)*wd+kx)*c:][:c]
						if first {
							copy(o, s)
							first = false
							continue
						}
						ks.vmax(o, s)
					}
				}
				if first {
					clear(o)
				}
			}
			ks.act(&post, dst[(b*oh+oy)*ow*c:], ow, c, c, 0)
		}
	}
	grain := grainFor(ow * c * w.kh * w.kw)
	return func() { p.pool.run(n*oh, grain, body) }, nil
}

// relu6 clamps to [0, 6], keeping NaN as tfjs does.
func relu6(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 6 {
		return 6
	}
	return v
}
