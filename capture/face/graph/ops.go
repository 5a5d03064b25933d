package graph

import (
	"fmt"
	"slices"
)

// op is one executable op of the graph. Constant operands (weights, shapes,
// paddings, axes) are folded into the op when it is built; its runtime
// inputs are the values newOp returns beside it.
type op interface {
	// shape infers the output shape from the runtime inputs' shapes.
	shape(in [][]int) ([]int, error)
	// plan binds the op to concrete buffers and returns the function that
	// computes out from in. It may ask p for per-worker scratch space.
	plan(p *planner, in []*Tensor, out *Tensor) (func(), error)
}

// aliasOp is implemented by ops whose output is their input's data viewed
// with another shape (Identity, Reshape, Squeeze): no copy is made.
type aliasOp interface {
	alias()
}

// supportedOp reports whether newOp builds op name (Const and Placeholder
// are handled by the loader itself).
func supportedOp(name string) bool {
	switch name {
	case "Identity", "Reshape", "Squeeze",
		"Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative",
		"MatMul", "_FusedMatMul",
		"Add", "AddV2", "BiasAdd", "Sub", "Mul", "Maximum", "Minimum", "Prelu",
		"Relu", "Relu6", "Abs", "Square", "Rsqrt", "Sigmoid",
		"Sum", "Mean", "Softmax", "MaxPool", "Pad", "ConcatV2":
		return true
	}
	return false
}

// newOp builds the op of node n whose inputs are the value ids ins; it
// returns the op and the ids of its runtime (non-folded) inputs.
func newOp(n *nodeJSON, ins []int, values []*value) (op, []int, error) {
	need := func(k int) error {
		if len(ins) != k {
			return fmt.Errorf("%d inputs, want %d: %w", len(ins), k, ErrFormat)
		}
		return nil
	}
	constF := func(i int) (*constant, error) {
		c := values[ins[i]].konst
		if c == nil || c.isInt {
			return nil, fmt.Errorf("input %d must be a float constant: %w", i, ErrUnsupportedOp)
		}
		return c, nil
	}
	constI := func(i int) ([]int, error) {
		c := values[ins[i]].konst
		if c == nil || !c.isInt {
			return nil, fmt.Errorf("input %d must be an int32 constant: %w", i, ErrUnsupportedOp)
		}
		out := make([]int, len(c.i))
		for j, v := range c.i {
			out[j] = int(v)
		}
		return out, nil
	}
	switch n.Op {
	case "Identity":
		if err := need(1); err != nil {
			return nil, nil, err
		}
		return &reshapeOp{keep: true}, ins, nil
	case "Reshape":
		if err := need(2); err != nil {
			return nil, nil, err
		}
		target, err := constI(1)
		if err != nil {
			return nil, nil, err
		}
		return &reshapeOp{target: target}, ins[:1], nil
	case "Squeeze":
		if err := need(1); err != nil {
			return nil, nil, err
		}
		return &reshapeOp{squeeze: true, dims: n.Attr["squeeze_dims"].intList()}, ins, nil
	case "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative":
		return newConvOp(n, ins, constF)
	case "MatMul", "_FusedMatMul":
		return newMatMulOp(n, ins, constF)
	case "Add", "AddV2", "BiasAdd", "Sub", "Mul", "Maximum", "Minimum", "Prelu":
		if err := need(2); err != nil {
			return nil, nil, err
		}
		for i := range 2 {
			if c := values[ins[i]].konst; c != nil && c.isInt {
				return nil, nil, fmt.Errorf("int32 operand: %w", ErrUnsupportedOp)
			}
		}
		return &binaryOp{kind: binaryKindOf(n.Op)}, ins, nil
	case "Relu", "Relu6", "Abs", "Square", "Rsqrt", "Sigmoid":
		if err := need(1); err != nil {
			return nil, nil, err
		}
		return &unaryOp{kind: unaryKindOf(n.Op)}, ins, nil
	case "Sum", "Mean":
		if err := need(2); err != nil {
			return nil, nil, err
		}
		axes, err := constI(1)
		if err != nil {
			return nil, nil, err
		}
		return &reduceOp{mean: n.Op == "Mean", axes: axes, keep: n.Attr["keep_dims"].B != nil && *n.Attr["keep_dims"].B}, ins[:1], nil
	case "Softmax":
		if err := need(1); err != nil {
			return nil, nil, err
		}
		return &softmaxOp{}, ins, nil
	case "MaxPool":
		if err := need(1); err != nil {
			return nil, nil, err
		}
		w, err := readWindow(n, "ksize")
		if err != nil {
			return nil, nil, err
		}
		return &poolOp{win: w}, ins, nil
	case "Pad":
		if err := need(2); err != nil {
			return nil, nil, err
		}
		pads, err := constI(1)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range pads {
			if p < 0 || p > maxElements {
				return nil, nil, fmt.Errorf("padding %d: %w", p, ErrFormat)
			}
		}
		return &padOp{pads: pads}, ins[:1], nil
	case "ConcatV2":
		if len(ins) < 2 {
			return nil, nil, fmt.Errorf("%d inputs: %w", len(ins), ErrFormat)
		}
		axis, err := constI(len(ins) - 1)
		if err != nil {
			return nil, nil, err
		}
		if len(axis) != 1 {
			return nil, nil, fmt.Errorf("axis has %d values: %w", len(axis), ErrFormat)
		}
		return &concatOp{axis: axis[0]}, ins[:len(ins)-1], nil
	}
	return nil, nil, fmt.Errorf("op %q: %w", n.Op, ErrUnsupportedOp)
}

// window is the geometry of a convolution or pooling window.
type window struct {
	kh, kw int
	sh, sw int
	dh, dw int
	same   bool
}

// readWindow reads strides, dilations, padding and data_format; ksizeAttr
// names the attribute holding the window size for pooling ("" for conv).
func readWindow(n *nodeJSON, ksizeAttr string) (window, error) {
	w := window{kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1}
	if df, ok := n.Attr["data_format"]; ok && df.S != nil {
		s, err := df.str()
		if err != nil {
			return w, err
		}
		if s != "NHWC" {
			return w, fmt.Errorf("data_format %s: %w", s, ErrUnsupportedOp)
		}
	}
	four := func(name string, a, b *int) error {
		l := n.Attr[name].intList()
		if l == nil {
			return nil
		}
		if len(l) != 4 || l[0] != 1 || l[3] != 1 || l[1] < 1 || l[2] < 1 || l[1] > 1024 || l[2] > 1024 {
			return fmt.Errorf("%s %v: %w", name, l, ErrUnsupportedOp)
		}
		*a, *b = l[1], l[2]
		return nil
	}
	if err := four("strides", &w.sh, &w.sw); err != nil {
		return w, err
	}
	if err := four("dilations", &w.dh, &w.dw); err != nil {
		return w, err
	}
	if ksizeAttr != "" {
		if err := four(ksizeAttr, &w.kh, &w.kw); err != nil {
			return w, err
		}
	}
	pad, err := n.Attr["padding"].str()
	if err != nil {
		return w, fmt.Errorf("padding: %w", err)
	}
	switch pad {
	case "SAME":
		w.same = true
	case "VALID":
	default:
		return w, fmt.Errorf("padding %s: %w", pad, ErrUnsupportedOp)
	}
	return w, nil
}

// out returns the output size and the padding before the first element
// along one spatial axis of size in.
func outSize(in, k, s, d int, same bool) (out, before int) {
	ek := (k-1)*d + 1
	if same {
		out = (in + s - 1) / s
		total := max((out-1)*s+ek-in, 0)
		return out, total / 2
	}
	if in < ek {
		return 0, 0
	}
	return (in-ek)/s + 1, 0
}

// reshapeOp covers Identity, Reshape and Squeeze: views of the input data.
type reshapeOp struct {
	keep    bool  // Identity
	target  []int // Reshape
	squeeze bool  // Squeeze
	dims    []int
}

func (o *reshapeOp) alias() {}

func (o *reshapeOp) shape(in [][]int) ([]int, error) {
	src := in[0]
	n := numElements(src)
	switch {
	case o.keep:
		return slices.Clone(src), nil
	case o.squeeze:
		for _, a := range o.dims {
			if a < -len(src) || a >= len(src) {
				return nil, fmt.Errorf("squeeze dimension %d of rank %d: %w", a, len(src), ErrShape)
			}
		}
		var out []int
		for i, d := range src {
			drop := false
			if len(o.dims) == 0 {
				drop = d == 1
			} else {
				for _, a := range o.dims {
					if a == i || a+len(src) == i {
						if d != 1 {
							return nil, fmt.Errorf("squeeze dimension %d of %v: %w", i, src, ErrShape)
						}
						drop = true
					}
				}
			}
			if !drop {
				out = append(out, d)
			}
		}
		return out, nil
	}
	out := slices.Clone(o.target)
	unknown, known := -1, 1
	for i, d := range out {
		switch {
		case d == -1 && unknown < 0:
			unknown = i
		case d < 0:
			return nil, fmt.Errorf("reshape target %v: %w", o.target, ErrShape)
		default:
			if d != 0 && known > maxElements/d {
				return nil, fmt.Errorf("reshape target %v: %w", o.target, ErrShape)
			}
			known *= d
		}
	}
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("reshape %v to %v: %w", src, o.target, ErrShape)
		}
		out[unknown] = n / known
	} else if known != n {
		return nil, fmt.Errorf("reshape %v to %v: %w", src, o.target, ErrShape)
	}
	return out, nil
}

func (o *reshapeOp) plan(_ *planner, in []*Tensor, out *Tensor) (func(), error) {
	return nil, nil // the session makes out share in[0]'s data
}

// concatOp is ConcatV2.
type concatOp struct{ axis int }

func (o *concatOp) shape(in [][]int) ([]int, error) {
	rank := len(in[0])
	ax := o.axis
	if ax < 0 {
		ax += rank
	}
	if ax < 0 || ax >= rank {
		return nil, fmt.Errorf("concat axis %d of rank %d: %w", o.axis, rank, ErrShape)
	}
	out := slices.Clone(in[0])
	for _, s := range in[1:] {
		if len(s) != rank {
			return nil, fmt.Errorf("concat ranks differ: %w", ErrShape)
		}
		for i := range s {
			if i == ax {
				out[i] += s[i]
			} else if s[i] != out[i] {
				return nil, fmt.Errorf("concat %v and %v on axis %d: %w", in[0], s, ax, ErrShape)
			}
		}
	}
	return out, nil
}

func (o *concatOp) plan(_ *planner, in []*Tensor, out *Tensor) (func(), error) {
	ax := o.axis
	if ax < 0 {
		ax += len(out.Shape)
	}
	outer := numElements(out.Shape[:ax])
	return func() {
		dst := out.Data
		for i := 0; i < outer; i++ {
			for _, t := range in {
				inner := numElements(t.Shape[ax:])
				dst = dst[copy(dst, t.Data[i*inner:(i+1)*inner]):]
			}
		}
	}, nil
}

// padOp is Pad with zeros.
type padOp struct{ pads []int }

func (o *padOp) shape(in [][]int) ([]int, error) {
	s := in[0]
	if len(o.pads) != 2*len(s) {
		return nil, fmt.Errorf("%d paddings for rank %d: %w", len(o.pads)/2, len(s), ErrShape)
	}
	out := slices.Clone(s)
	for i := range out {
		out[i] += o.pads[2*i] + o.pads[2*i+1]
	}
	return out, nil
}

func (o *padOp) plan(_ *planner, in []*Tensor, out *Tensor) (func(), error) {
	src, dst := in[0], out
	rank := len(src.Shape)
	if rank == 0 {
		return func() { copy(dst.Data, src.Data) }, nil
	}
	// Only the copied region changes between runs: the padding stays zero
	// in out's buffer, which no other op writes.
	clear(dst.Data)
	inner := src.Shape[rank-1]
	rows := src.Len() / max(inner, 1)
	dstStrides := strides(dst.Shape)
	idx := make([]int, rank-1)
	// Precompute each source row's destination offset once.
	offs := make([]int, rows)
	for r := range rows {
		off := o.pads[2*(rank-1)]
		for d := 0; d < rank-1; d++ {
			off += (idx[d] + o.pads[2*d]) * dstStrides[d]
		}
		offs[r] = off
		for d := rank - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < src.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return func() {
		for r, off := range offs {
			copy(dst.Data[off:off+inner], src.Data[r*inner:(r+1)*inner])
		}
	}, nil
}

func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}
