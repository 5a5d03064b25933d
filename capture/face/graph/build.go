package graph

import (
	"fmt"
	"slices"
	"strings"
)

// TensorInfo describes one input or output of a Model.
type TensorInfo struct {
	// Name is the graph node's name, e.g. "input_1" or "Identity_2".
	Name string
	// Key is the model signature's name for the tensor when it has one
	// that differs from Name (e.g. "output_mesh"), otherwise empty.
	Key string
	// Shape is the declared (inputs) or inferred (outputs) shape; -1 marks
	// the batch dimension when the model accepts any batch size.
	Shape []int
}

// Model is a loaded, checked graph model. It is immutable and safe for
// concurrent use; run it through a Session.
type Model struct {
	name    string
	values  []*value // every tensor of the graph, indexed by value id
	steps   []*step  // the ops needed for the outputs, in execution order
	inputs  []int    // value ids of the placeholders
	outputs []int    // value ids of the outputs
	info    struct{ inputs, outputs []TensorInfo }
}

// value is one tensor of the graph: a placeholder, a constant or an op's output.
type value struct {
	name  string
	key   string    // signature key, if any
	konst *constant // non-nil for constants
	shape []int     // placeholder's declared shape (-1 = any)
}

// step is one op applied to values, producing value out.
type step struct {
	node   string
	opName string
	op     op
	in     []int
	out    int
}

// Name returns the model's base file name, e.g. "facemesh".
func (m *Model) Name() string { return m.name }

// Inputs describes the model's placeholders in a fixed order.
func (m *Model) Inputs() []TensorInfo { return cloneInfo(m.info.inputs) }

// Outputs describes the model's outputs in a fixed order (the order of
// Session.RunTensors' result).
func (m *Model) Outputs() []TensorInfo { return cloneInfo(m.info.outputs) }

func cloneInfo(in []TensorInfo) []TensorInfo {
	out := slices.Clone(in)
	for i := range out {
		out[i].Shape = slices.Clone(out[i].Shape)
	}
	return out
}

// stripPort turns "node:0" into "node"; ports other than 0 are refused
// since every op here has one output.
func stripPort(s string) (string, error) {
	name, port, ok := strings.Cut(s, ":")
	if ok && port != "0" {
		return "", fmt.Errorf("reference to output %q: %w", s, ErrUnsupportedOp)
	}
	return name, nil
}

// buildModel checks the ops, orders the graph and infers shapes for batch 1.
func buildModel(nodes []nodeJSON, consts map[string]*constant, sig *signatureJSON) (*Model, error) {
	m := &Model{}
	byName := make(map[string]int, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		if n.Name == "" {
			return nil, fmt.Errorf("node %d has no name: %w", i, ErrFormat)
		}
		if _, dup := byName[n.Name]; dup {
			return nil, fmt.Errorf("node %q defined twice: %w", n.Name, ErrFormat)
		}
		byName[n.Name] = i
		if n.Op != "Const" && n.Op != "Placeholder" && !supportedOp(n.Op) {
			return nil, fmt.Errorf("op %q in node %q: %w", n.Op, n.Name, ErrUnsupportedOp)
		}
	}

	// Outputs: the signature's, else every non-constant node nobody consumes.
	var outNames []string
	keyOf := map[string]string{}
	if sig != nil && len(sig.Outputs) > 0 {
		keys := make([]string, 0, len(sig.Outputs))
		for k := range sig.Outputs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			name, err := stripPort(sig.Outputs[k].Name)
			if err != nil {
				return nil, err
			}
			if _, ok := byName[name]; !ok {
				return nil, fmt.Errorf("signature output %q names no node: %w", sig.Outputs[k].Name, ErrFormat)
			}
			outNames = append(outNames, name)
			if k != name && strings.TrimSuffix(k, ":0") != name {
				keyOf[name] = k
			}
		}
	} else {
		used := map[string]bool{}
		for _, n := range nodes {
			for _, in := range n.Input {
				name, _, _ := strings.Cut(strings.TrimPrefix(in, "^"), ":")
				used[name] = true
			}
		}
		for _, n := range nodes {
			if !used[n.Name] && n.Op != "Const" && n.Op != "Placeholder" {
				outNames = append(outNames, n.Name)
			}
		}
		slices.Sort(outNames)
	}
	if len(outNames) == 0 {
		return nil, fmt.Errorf("graph has no outputs: %w", ErrFormat)
	}
	if sig != nil {
		for k, in := range sig.Inputs {
			if name, err := stripPort(in.Name); err == nil && k != name && strings.TrimSuffix(k, ":0") != name {
				keyOf[name] = k
			}
		}
	}

	// Depth-first post-order from the outputs gives an execution order.
	valueOf := map[string]int{}
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(nodes))
	var visit func(name string, depth int) (int, error)
	visit = func(name string, depth int) (int, error) {
		idx, ok := byName[name]
		if !ok {
			return 0, fmt.Errorf("input %q names no node: %w", name, ErrFormat)
		}
		switch state[idx] {
		case done:
			return valueOf[name], nil
		case visiting:
			return 0, fmt.Errorf("cycle through node %q: %w", name, ErrFormat)
		}
		if depth > len(nodes) {
			return 0, fmt.Errorf("graph too deep at node %q: %w", name, ErrFormat)
		}
		state[idx] = visiting
		n := &nodes[idx]
		var ins []int
		for _, in := range n.Input {
			if strings.HasPrefix(in, "^") {
				continue // control dependency: ordering only
			}
			inName, err := stripPort(in)
			if err != nil {
				return 0, fmt.Errorf("node %q: %w", n.Name, err)
			}
			v, err := visit(inName, depth+1)
			if err != nil {
				return 0, err
			}
			ins = append(ins, v)
		}
		id := len(m.values)
		val := &value{name: n.Name, key: keyOf[n.Name]}
		m.values = append(m.values, val)
		switch n.Op {
		case "Const":
			c, ok := consts[n.Name]
			if !ok {
				return 0, fmt.Errorf("constant %q has no weights: %w", n.Name, ErrFormat)
			}
			if err := checkConstShape(n, c); err != nil {
				return 0, err
			}
			val.konst = c
		case "Placeholder":
			shape, err := placeholderShape(n)
			if err != nil {
				return 0, err
			}
			val.shape = shape
			m.inputs = append(m.inputs, id)
		default:
			o, rin, err := newOp(n, ins, m.values)
			if err != nil {
				return 0, fmt.Errorf("op %s in node %q: %w", n.Op, n.Name, err)
			}
			m.steps = append(m.steps, &step{node: n.Name, opName: n.Op, op: o, in: rin, out: id})
		}
		state[idx] = done
		valueOf[name] = id
		return id, nil
	}
	for _, name := range outNames {
		id, err := visit(name, 0)
		if err != nil {
			return nil, err
		}
		if m.values[id].konst != nil {
			return nil, fmt.Errorf("output %q is a constant: %w", name, ErrUnsupportedOp)
		}
		m.outputs = append(m.outputs, id)
	}
	if len(m.inputs) == 0 {
		return nil, fmt.Errorf("graph has no placeholder: %w", ErrFormat)
	}

	// Infer every shape for a batch of one: this is where a model whose
	// weights do not fit its ops fails.
	shapes, err := m.inferShapes(nil)
	if err != nil {
		return nil, err
	}
	m.fuseActivations(shapes)
	for _, id := range m.inputs {
		v := m.values[id]
		m.info.inputs = append(m.info.inputs, TensorInfo{Name: v.name, Key: v.key, Shape: slices.Clone(v.shape)})
	}
	dynamic := slices.ContainsFunc(m.info.inputs, func(t TensorInfo) bool { return len(t.Shape) > 0 && t.Shape[0] < 0 })
	for _, id := range m.outputs {
		v := m.values[id]
		s := slices.Clone(shapes[id])
		if dynamic && len(s) > 0 && s[0] == 1 {
			s[0] = -1
		}
		m.info.outputs = append(m.info.outputs, TensorInfo{Name: v.name, Key: v.key, Shape: s})
	}
	return m, nil
}

// checkConstShape compares the shape a Const node declares with the shape
// of its weight in the manifest.
func checkConstShape(n *nodeJSON, c *constant) error {
	a, ok := n.Attr["value"]
	if !ok || a.Tensor == nil {
		return nil
	}
	dims := a.Tensor.TensorShape.Dim
	same := len(dims) == len(c.shape)
	for i := 0; same && i < len(dims); i++ {
		same = int(dims[i].Size) == c.shape[i]
	}
	if !same {
		return fmt.Errorf("constant %q: node shape and weight shape %v differ: %w", n.Name, c.shape, ErrShape)
	}
	return nil
}

func placeholderShape(n *nodeJSON) ([]int, error) {
	a, ok := n.Attr["shape"]
	if !ok || a.Shape == nil || a.Shape.UnknownRank {
		return nil, fmt.Errorf("placeholder %q has no shape: %w", n.Name, ErrUnsupportedOp)
	}
	if dt, ok := n.Attr["dtype"]; ok && dt.Type != "" && dt.Type != "DT_FLOAT" {
		return nil, fmt.Errorf("placeholder %q has dtype %s: %w", n.Name, dt.Type, ErrUnsupportedOp)
	}
	shape := make([]int, len(a.Shape.Dim))
	for i, d := range a.Shape.Dim {
		if d.Size < -1 || d.Size > maxElements {
			return nil, fmt.Errorf("placeholder %q dimension %d: %w", n.Name, d.Size, ErrFormat)
		}
		if d.Size == -1 && i != 0 {
			return nil, fmt.Errorf("placeholder %q has unknown dimension %d (only the batch may be unknown): %w", n.Name, i, ErrUnsupportedOp)
		}
		shape[i] = int(d.Size)
	}
	if _, err := checkedElements(concrete(shape, 1)); err != nil {
		return nil, fmt.Errorf("placeholder %q: %w", n.Name, err)
	}
	return shape, nil
}

// concrete replaces an unknown batch (-1) with batch.
func concrete(shape []int, batch int) []int {
	s := slices.Clone(shape)
	if len(s) > 0 && s[0] < 0 {
		s[0] = batch
	}
	return s
}

// inferShapes returns every value's shape given the placeholders' shapes
// (nil: the declared shapes with batch 1).
func (m *Model) inferShapes(inShapes map[int][]int) ([][]int, error) {
	shapes := make([][]int, len(m.values))
	for id, v := range m.values {
		switch {
		case v.konst != nil:
			shapes[id] = v.konst.shape
		case inShapes != nil && inShapes[id] != nil:
			shapes[id] = inShapes[id]
		case v.shape != nil:
			shapes[id] = concrete(v.shape, 1)
		}
	}
	for _, st := range m.steps {
		ins := make([][]int, len(st.in))
		for i, id := range st.in {
			ins[i] = shapes[id]
		}
		s, err := st.op.shape(ins)
		if err != nil {
			return nil, fmt.Errorf("op %s in node %q: %w", st.opName, st.node, err)
		}
		if _, err := checkedElements(s); err != nil {
			return nil, fmt.Errorf("op %s in node %q: %w", st.opName, st.node, err)
		}
		shapes[st.out] = s
	}
	return shapes, nil
}

// fuseActivations folds a Relu or Prelu into the op that produces its
// input when nothing else reads that op's output: the producer applies the
// activation itself and the activation op becomes a view. Results are
// unchanged; a pass over memory is saved.
func (m *Model) fuseActivations(shapes [][]int) {
	readers := make([]int, len(m.values))
	for _, st := range m.steps {
		for _, id := range st.in {
			readers[id]++
		}
	}
	for _, id := range m.outputs {
		readers[id]++
	}
	producer := map[int]*step{}
	for _, st := range m.steps {
		producer[st.out] = st
	}
	// x·s + t with per-channel constants s and t (a folded batch norm):
	// one pass instead of two.
	for _, st := range m.steps {
		add, ok := st.op.(*binaryOp)
		if !ok || add.kind != opAdd || add.post != actNone || readers[st.in[0]] != 1 {
			continue
		}
		mulStep := producer[st.in[0]]
		if mulStep == nil {
			continue
		}
		mul, ok := mulStep.op.(*binaryOp)
		if !ok || mul.kind != opMul || mul.post != actNone || mul.shift != nil {
			continue
		}
		s, t := m.values[mulStep.in[1]].konst, m.values[st.in[1]].konst
		xs := shapes[mulStep.in[0]]
		if s == nil || t == nil || s.isInt || t.isInt || len(xs) == 0 || len(s.shape) == 0 || len(t.shape) == 0 {
			continue
		}
		c := xs[len(xs)-1]
		if len(s.f) != c || len(t.f) != c || s.shape[len(s.shape)-1] != c || t.shape[len(t.shape)-1] != c || numElements(xs) == c {
			continue
		}
		mul.shift = t.f
		st.op = &reshapeOp{keep: true}
		st.in = st.in[:1]
	}
	for _, st := range m.steps {
		var act actKind
		var alpha []float32
		switch o := st.op.(type) {
		case *unaryOp:
			if o.kind != opRelu {
				continue
			}
			act = actRelu
		case *binaryOp:
			if o.kind != opPrelu {
				continue
			}
			c := m.values[st.in[1]].konst
			xs := shapes[st.in[0]]
			if c == nil || len(xs) == 0 || len(c.f) != xs[len(xs)-1] || len(c.shape) == 0 || c.shape[len(c.shape)-1] != len(c.f) {
				continue
			}
			act, alpha = actPrelu, c.f
		default:
			continue
		}
		if readers[st.in[0]] != 1 {
			continue
		}
		prev := producer[st.in[0]]
		if prev == nil {
			continue
		}
		switch o := prev.op.(type) {
		case *binaryOp:
			if o.post != actNone {
				continue
			}
			o.post, o.alpha = act, alpha
		case *convOp:
			if !o.fuse(act, alpha) {
				continue
			}
		case *poolOp:
			if act != actRelu || o.act != actNone {
				continue
			}
			o.act = act
		case *matMulOp:
			if !o.epi.fuse(act, alpha) {
				continue
			}
		default:
			continue
		}
		st.op = &reshapeOp{keep: true}
		st.in = st.in[:1]
	}
}
