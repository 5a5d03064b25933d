package graph

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// kernelSet holds the hot inner loops, chosen once per Session.
type kernelSet struct {
	name string
	// gemm computes strips mr×nr tiles down one panel (see gemm6x16Go).
	gemm  func(k int, a []float32, lda int, b []float32, c []float32, ldc int, bias, alpha []float32, cols int, act actKind, strips int)
	dwRow func(out, in []float32, offs []int, w, bias []float32, c, npix, step int)
	// act applies e's activation to a rows×cols block (stride ldc) whose
	// first column is channel col0.
	act func(e *epilogue, c []float32, rows, cols, ldc, col0 int)
	// vmax sets dst[i] = max(dst[i], src[i]).
	vmax func(dst, src []float32)
	// vadd sets dst[i] = a[i] + b[i].
	vadd func(dst, a, b []float32)
	// addAct sets dst = act(a + b) over rows×cols contiguous values, the
	// slope of column j being e.alpha[j].
	addAct func(dst, a, b []float32, rows, cols int, e *epilogue)
	// bcast sets each row of cols values of dst to a·scale + shift (either
	// may be nil: absent), scale and shift being one row.
	bcast func(dst, a, scale, shift []float32, rows, cols int)
	// gemv computes one row of C for one panel (see gemvGo).
	gemv func(k int, a, b, c, bias, alpha []float32, cols int, act actKind)
}

// genericKernels is the pure-Go kernel set, used where no assembly applies
// and by the tests to check the assembly against it.
func genericKernels() *kernelSet {
	return &kernelSet{name: "go", gemm: gemm6x16Go, dwRow: dwRowGo, act: applyAct, vmax: maxIntoGo, vadd: addGo, gemv: gemvGo, addAct: addActGo, bcast: bcastGo}
}

// planner collects what a Session's plan needs.
type planner struct {
	ks      *kernelSet
	pool    *pool
	workers int
	scratch int // floats of scratch each worker needs
}

func (p *planner) need(floats int) { p.scratch = max(p.scratch, floats) }

// job is one contiguous range of work handed to a worker.
type job struct {
	fn     func(w, lo, hi int)
	lo, hi int
}

// pool is a fixed set of worker goroutines, each with its own scratch.
type pool struct {
	workers int
	jobs    []chan job
	wg      sync.WaitGroup
	once    sync.Once
	scratch [][]float32
}

func newPool(workers int) *pool {
	p := &pool{workers: workers, jobs: make([]chan job, workers), scratch: make([][]float32, workers)}
	for w := 1; w < workers; w++ {
		ch := make(chan job)
		p.jobs[w] = ch
		go func() {
			for j := range ch {
				j.fn(w, j.lo, j.hi)
				p.wg.Done()
			}
		}()
	}
	return p
}

// minParallelWork is the least work (in multiply-adds, or elements for
// memory-bound ops) worth handing to another worker: below it, waking the
// worker costs more than it saves.
const minParallelWork = 1 << 17

// grainFor returns how many items of the given cost make a range worth a
// worker of its own.
func grainFor(costPerItem int) int {
	return max(1, (minParallelWork+costPerItem-1)/max(costPerItem, 1))
}

// run calls fn over [0, n) split into at most p.workers ranges of at least
// grain items; the calling goroutine takes the first range.
func (p *pool) run(n, grain int, fn func(w, lo, hi int)) {
	if n <= 0 {
		return
	}
	parts := min(p.workers, max(1, n/max(grain, 1)))
	if parts == 1 {
		fn(0, 0, n)
		return
	}
	p.wg.Add(parts - 1)
	for i := 1; i < parts; i++ {
		p.jobs[i] <- job{fn: fn, lo: n * i / parts, hi: n * (i + 1) / parts}
	}
	fn(0, 0, n/parts)
	p.wg.Wait()
}

func (p *pool) close() {
	p.once.Do(func() {
		for _, ch := range p.jobs[1:] {
			close(ch)
		}
	})
}

// Session runs a Model with buffers it owns. Use one Session per
// goroutine; Close it to stop its worker goroutines (they also stop once
// an unclosed Session is garbage collected).
type Session struct {
	m       *Model
	ks      *kernelSet
	workers int
	pool    *pool
	closed  bool

	planned  [][]int   // input shapes the current plan was made for
	tensors  []*Tensor // per value id
	exec     []func()
	results  map[string]*Tensor
	ordered  []*Tensor
	inputBuf map[string]int // name or key → input index
	inArgs   []*Tensor      // Run's inputs in order, reused
	outIndex map[string]int
}

// NewSession returns a Session using GOMAXPROCS workers and the fastest
// kernels this CPU supports.
func (m *Model) NewSession() *Session {
	return m.newSession(bestKernels(), runtime.GOMAXPROCS(0))
}

func (m *Model) newSession(ks *kernelSet, workers int) *Session {
	s := &Session{m: m, ks: ks, workers: max(1, workers), inputBuf: map[string]int{}, outIndex: map[string]int{}}
	for i, id := range m.inputs {
		v := m.values[id]
		s.inputBuf[v.name] = i
		s.inputBuf[v.name+":0"] = i
		if v.key != "" {
			s.inputBuf[v.key] = i
		}
	}
	for i, id := range m.outputs {
		v := m.values[id]
		s.outIndex[v.name] = i
		if v.key != "" {
			s.outIndex[v.key] = i
		}
	}
	return s
}

// Kernels names the kernel set the Session uses ("avx2" or "go").
func (s *Session) Kernels() string { return s.ks.name }

// Close stops the Session's workers; the Session cannot run afterwards.
func (s *Session) Close() {
	if s.pool != nil {
		s.pool.close()
		s.pool = nil
	}
	s.closed = true
}

// Run runs the model on inputs keyed by placeholder name (or signature
// key) and returns the outputs keyed by node name and, where the model has
// one, signature key. The returned map and tensors belong to the Session
// and are overwritten by the next Run.
func (s *Session) Run(inputs map[string]*Tensor) (map[string]*Tensor, error) {
	if s.inArgs == nil {
		s.inArgs = make([]*Tensor, len(s.m.inputs))
	}
	ordered := s.inArgs
	clear(ordered)
	for name, t := range inputs {
		i, ok := s.inputBuf[name]
		if !ok {
			return nil, fmt.Errorf("input %q is not a placeholder of %s: %w", name, s.m.name, ErrInput)
		}
		ordered[i] = t
	}
	if _, err := s.RunTensors(ordered...); err != nil {
		return nil, err
	}
	return s.results, nil
}

// RunTensors runs the model on inputs in the order of Model.Inputs and
// returns the outputs in the order of Model.Outputs. The returned tensors
// belong to the Session and are overwritten by the next Run. After the
// first call for a given input shape it allocates nothing.
func (s *Session) RunTensors(inputs ...*Tensor) ([]*Tensor, error) {
	if s.closed {
		return nil, ErrClosed
	}
	if len(inputs) != len(s.m.inputs) {
		return nil, fmt.Errorf("%d inputs, %s takes %d: %w", len(inputs), s.m.name, len(s.m.inputs), ErrInput)
	}
	same := s.planned != nil
	for i, t := range inputs {
		if t == nil {
			return nil, fmt.Errorf("input %q missing: %w", s.m.values[s.m.inputs[i]].name, ErrInput)
		}
		if len(t.Data) != t.Len() {
			return nil, fmt.Errorf("input %q: %d values for shape %v: %w", s.m.values[s.m.inputs[i]].name, len(t.Data), t.Shape, ErrInput)
		}
		if same && !slices.Equal(s.planned[i], t.Shape) {
			same = false
		}
	}
	if !same {
		if err := s.plan(inputs); err != nil {
			return nil, err
		}
	}
	for i, t := range inputs {
		copy(s.tensors[s.m.inputs[i]].Data, t.Data)
	}
	for _, f := range s.exec {
		f()
	}
	return s.ordered, nil
}

// plan allocates every buffer for the given input shapes and binds each op
// to them.
func (s *Session) plan(inputs []*Tensor) error {
	m := s.m
	inShapes := map[int][]int{}
	for i, t := range inputs {
		v := m.values[m.inputs[i]]
		if len(t.Shape) != len(v.shape) {
			return fmt.Errorf("input %q: shape %v, model wants %v: %w", v.name, t.Shape, v.shape, ErrInput)
		}
		for d, want := range v.shape {
			if (want >= 0 && t.Shape[d] != want) || t.Shape[d] <= 0 {
				return fmt.Errorf("input %q: shape %v, model wants %v: %w", v.name, t.Shape, v.shape, ErrInput)
			}
		}
		inShapes[m.inputs[i]] = slices.Clone(t.Shape)
	}
	shapes, err := m.inferShapes(inShapes)
	if err != nil {
		return fmt.Errorf("plan %s: %w", m.name, err)
	}
	if s.pool == nil {
		s.pool = newPool(s.workers)
		// The workers reference the pool, not the Session: stop them when
		// a Session that was never closed becomes unreachable.
		runtime.AddCleanup(s, (*pool).close, s.pool)
	}
	p := &planner{ks: s.ks, pool: s.pool, workers: s.workers}
	tensors := make([]*Tensor, len(m.values))
	for id, v := range m.values {
		switch {
		case v.konst != nil:
			tensors[id] = &Tensor{Shape: v.konst.shape, Data: v.konst.f}
		case shapes[id] != nil && inShapes[id] != nil:
			tensors[id] = NewTensor(shapes[id]...)
		}
	}
	exec := make([]func(), 0, len(m.steps))
	for _, st := range m.steps {
		ins := make([]*Tensor, len(st.in))
		for i, id := range st.in {
			ins[i] = tensors[id]
			if ins[i] == nil || (m.values[id].konst != nil && m.values[id].konst.isInt) {
				return fmt.Errorf("plan %s: node %q reads an integer or missing tensor: %w", m.name, st.node, ErrUnsupportedOp)
			}
		}
		if _, ok := st.op.(aliasOp); ok {
			tensors[st.out] = &Tensor{Shape: shapes[st.out], Data: ins[0].Data}
			continue
		}
		out := NewTensor(shapes[st.out]...)
		tensors[st.out] = out
		f, err := st.op.plan(p, ins, out)
		if err != nil {
			return fmt.Errorf("plan %s: op %s in node %q: %w", m.name, st.opName, st.node, err)
		}
		if f != nil {
			exec = append(exec, f)
		}
	}
	for w := range s.pool.scratch {
		if len(s.pool.scratch[w]) < p.scratch {
			s.pool.scratch[w] = make([]float32, p.scratch)
		}
	}
	s.tensors, s.exec = tensors, exec
	s.planned = make([][]int, len(inputs))
	for i, t := range inputs {
		s.planned[i] = slices.Clone(t.Shape)
	}
	s.ordered = make([]*Tensor, len(m.outputs))
	s.results = map[string]*Tensor{}
	for i, id := range m.outputs {
		s.ordered[i] = tensors[id]
		s.results[m.values[id].name] = tensors[id]
		if k := m.values[id].key; k != "" {
			s.results[k] = tensors[id]
		}
	}
	return nil
}

// Output returns the output tensor of the last Run by node name or
// signature key, or nil.
func (s *Session) Output(name string) *Tensor {
	i, ok := s.outIndex[name]
	if !ok || s.ordered == nil {
		return nil
	}
	return s.ordered[i]
}
