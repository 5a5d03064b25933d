package graph

import (
	"fmt"
	"slices"
)

type actKind int

const (
	actNone actKind = iota
	actRelu
	actRelu6
	actPrelu
)

// fusedOps reads fused_ops and returns whether a bias comes first and the
// activation that follows; extra lists the constant operands after the
// filter (bias, prelu alpha) that the node must have.
func fusedOps(n *nodeJSON) (bias bool, act actKind, extra int, err error) {
	ops, err := n.Attr["fused_ops"].strList()
	if err != nil {
		return false, 0, 0, err
	}
	for i, name := range ops {
		switch {
		case name == "BiasAdd" && i == 0:
			bias = true
			extra++
		case name == "Relu" && i == len(ops)-1:
			act = actRelu
		case name == "Relu6" && i == len(ops)-1:
			act = actRelu6
		case name == "Prelu" && i == len(ops)-1:
			act = actPrelu
			extra++
		default:
			return false, 0, 0, fmt.Errorf("fused_ops %v: %w", ops, ErrUnsupportedOp)
		}
	}
	return bias, act, extra, nil
}

// epilogue is the bias and activation applied to each output channel.
type epilogue struct {
	bias  []float32 // len = output channels, zeros when absent
	act   actKind
	alpha []float32 // prelu slope per output channel
}

func readEpilogue(n *nodeJSON, ins []int, first int, cout int, constF func(int) (*constant, error)) (epilogue, error) {
	e := epilogue{bias: make([]float32, cout)}
	if n.Op == "Conv2D" || n.Op == "DepthwiseConv2dNative" || n.Op == "MatMul" {
		if len(ins) != first {
			return e, fmt.Errorf("%d inputs, want %d: %w", len(ins), first, ErrFormat)
		}
		return e, nil
	}
	hasBias, act, extra, err := fusedOps(n)
	if err != nil {
		return e, err
	}
	if len(ins) != first+extra {
		return e, fmt.Errorf("%d inputs for fused ops, want %d: %w", len(ins), first+extra, ErrFormat)
	}
	perChannel := func(i int) ([]float32, error) {
		c, err := constF(i)
		if err != nil {
			return nil, err
		}
		switch len(c.f) {
		case cout:
			return slices.Clone(c.f), nil
		case 1:
			v := make([]float32, cout)
			for j := range v {
				v[j] = c.f[0]
			}
			return v, nil
		}
		return nil, fmt.Errorf("operand of shape %v for %d channels: %w", c.shape, cout, ErrShape)
	}
	k := first
	if hasBias {
		if e.bias, err = perChannel(k); err != nil {
			return e, err
		}
		k++
	}
	e.act = act
	if act == actPrelu {
		if e.alpha, err = perChannel(k); err != nil {
			return e, err
		}
	}
	return e, nil
}

// fuse sets a following activation into the epilogue when it has none.
func (e *epilogue) fuse(act actKind, alpha []float32) bool {
	if e.act != actNone || (act == actPrelu && len(alpha) != len(e.bias)) {
		return false
	}
	e.act, e.alpha = act, alpha
	return true
}

func (o *convOp) fuse(act actKind, alpha []float32) bool { return o.epi.fuse(act, alpha) }

// convOp is Conv2D, DepthwiseConv2dNative and their fused forms.
type convOp struct {
	win       window
	cin, cout int
	depthwise bool
	mult      int       // depthwise channel multiplier
	filter    []float32 // depthwise: [kh*kw][cin*mult]
	packed    *packedB  // regular conv: filter as a packed GEMM operand
	epi       epilogue
}

func newConvOp(n *nodeJSON, ins []int, constF func(int) (*constant, error)) (op, []int, error) {
	if len(ins) < 2 {
		return nil, nil, fmt.Errorf("%d inputs: %w", len(ins), ErrFormat)
	}
	win, err := readWindow(n, "")
	if err != nil {
		return nil, nil, err
	}
	f, err := constF(1)
	if err != nil {
		return nil, nil, fmt.Errorf("filter: %w", err)
	}
	if len(f.shape) != 4 || slices.Contains(f.shape, 0) {
		return nil, nil, fmt.Errorf("filter shape %v: %w", f.shape, ErrShape)
	}
	win.kh, win.kw = f.shape[0], f.shape[1]
	o := &convOp{win: win, cin: f.shape[2]}
	o.depthwise = n.Op == "DepthwiseConv2dNative" || n.Op == "FusedDepthwiseConv2dNative"
	if o.depthwise {
		o.mult = f.shape[3]
		o.cout = o.cin * o.mult
		o.filter = f.f
	} else {
		o.cout = f.shape[3]
		o.packed = packB(f.f, win.kh*win.kw*o.cin, o.cout)
	}
	if o.epi, err = readEpilogue(n, ins, 2, o.cout, constF); err != nil {
		return nil, nil, err
	}
	return o, ins[:1], nil
}

func (o *convOp) shape(in [][]int) ([]int, error) {
	s := in[0]
	if len(s) != 4 || s[3] != o.cin {
		return nil, fmt.Errorf("input %v for a filter of %d input channels: %w", s, o.cin, ErrShape)
	}
	w := o.win
	oh, _ := outSize(s[1], w.kh, w.sh, w.dh, w.same)
	ow, _ := outSize(s[2], w.kw, w.sw, w.dw, w.same)
	return []int{s[0], oh, ow, o.cout}, nil
}

func (o *convOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	g := convGeom{win: o.win, n: in[0].Shape[0], h: in[0].Shape[1], w: in[0].Shape[2], cin: o.cin, cout: o.cout}
	g.oh, g.ph = outSize(g.h, g.win.kh, g.win.sh, g.win.dh, g.win.same)
	g.ow, g.pw = outSize(g.w, g.win.kw, g.win.sw, g.win.dw, g.win.same)
	if o.depthwise {
		return planDepthwise(p, &g, o.mult, o.filter, &o.epi, in[0].Data, out.Data), nil
	}
	return planConvGEMM(p, &g, o.packed, &o.epi, in[0].Data, out.Data), nil
}

// convGeom is a convolution's geometry for concrete input sizes.
type convGeom struct {
	win          window
	n, h, w, cin int
	oh, ow, cout int
	ph, pw       int // padding before, rows and columns
}

// matMulOp is MatMul and _FusedMatMul with a constant right operand.
type matMulOp struct {
	k, n   int
	packed *packedB
	epi    epilogue
}

func newMatMulOp(n *nodeJSON, ins []int, constF func(int) (*constant, error)) (op, []int, error) {
	if len(ins) < 2 {
		return nil, nil, fmt.Errorf("%d inputs: %w", len(ins), ErrFormat)
	}
	if ta := n.Attr["transpose_a"].B; ta != nil && *ta {
		return nil, nil, fmt.Errorf("transpose_a: %w", ErrUnsupportedOp)
	}
	b, err := constF(1)
	if err != nil {
		return nil, nil, fmt.Errorf("right operand: %w", err)
	}
	if len(b.shape) != 2 {
		return nil, nil, fmt.Errorf("right operand shape %v: %w", b.shape, ErrShape)
	}
	k, nn := b.shape[0], b.shape[1]
	data := b.f
	if tb := n.Attr["transpose_b"].B; tb != nil && *tb {
		k, nn = nn, k
		data = make([]float32, len(b.f))
		for i := range nn {
			for j := range k {
				data[j*nn+i] = b.f[i*k+j]
			}
		}
	}
	o := &matMulOp{k: k, n: nn, packed: packB(data, k, nn)}
	if o.epi, err = readEpilogue(n, ins, 2, nn, constF); err != nil {
		return nil, nil, err
	}
	return o, ins[:1], nil
}

func (o *matMulOp) shape(in [][]int) ([]int, error) {
	s := in[0]
	if len(s) != 2 || s[1] != o.k {
		return nil, fmt.Errorf("left operand %v for right operand [%d %d]: %w", s, o.k, o.n, ErrShape)
	}
	return []int{s[0], o.n}, nil
}

func (o *matMulOp) plan(p *planner, in []*Tensor, out *Tensor) (func(), error) {
	m := in[0].Shape[0]
	return planGEMM(p, m, o.k, in[0].Data, o.packed, &o.epi, out.Data), nil
}
