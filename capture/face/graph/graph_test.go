package graph

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

// reference is one file written by testdata/refgen/gen.mjs.
type reference struct {
	Model string `json:"model"`
	Input struct {
		Shape []int   `json:"shape"`
		Lo    float64 `json:"lo"`
		Hi    float64 `json:"hi"`
	} `json:"input"`
	Outputs []struct {
		Name  string `json:"name"`
		Shape []int  `json:"shape"`
		Data  string `json:"data"`
	} `json:"outputs"`
}

func loadReference(t testing.TB, name string) *reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ref", name+".json"))
	if err != nil {
		t.Fatalf("read reference: %v", err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode reference %s: %v", name, err)
	}
	return &r
}

func decodeF32(t testing.TB, s string) []float32 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// inputValues reproduces inputValues of testdata/refgen/common.mjs exactly.
func inputValues(shape []int, lo, hi float64) *Tensor {
	t := NewTensor(shape...)
	h, w, c := shape[1], shape[2], shape[3]
	for i := range t.Data {
		ch := i % c
		x := (i / c) % w
		y := (i / (c * w)) % h
		hash := int((uint32(i) * 2654435761) >> 26)
		b := (x*3 + y*2 + ch*85 + hash) & 255
		t.Data[i] = float32(lo + (hi-lo)*float64(b)/255)
	}
	return t
}

// kernelSets returns the kernel sets to test: the portable one always, and
// the assembly one where the CPU has it.
func kernelSets() []*kernelSet {
	sets := []*kernelSet{genericKernels()}
	if b := bestKernels(); b.name != "go" {
		sets = append(sets, b)
	}
	return sets
}

type modelSource struct {
	fsys fs.FS
	name string
}

func referenceModels() []modelSource {
	var out []modelSource
	for _, n := range assets.ModelNames() {
		out = append(out, modelSource{assets.Models(), n})
	}
	out = append(out, modelSource{os.DirFS("testdata/ops"), "ops-a"}, modelSource{os.DirFS("testdata/ops"), "ops-q"})
	return out
}

// TestReferenceOutputs runs every shipped model and the synthetic op graph
// on the generator's input and compares with tfjs (CPU backend) outputs.
func TestReferenceOutputs(t *testing.T) {
	const tol = 1e-4
	for _, src := range referenceModels() {
		if raceEnabled && (src.name == "facemesh" || src.name == "iris" || src.name == "antispoof" || src.name == "emotion") {
			continue
		}
		ref := loadReference(t, src.name)
		m, err := Load(src.fsys, src.name)
		if err != nil {
			t.Fatalf("load %s: %v", src.name, err)
		}
		x := inputValues(ref.Input.Shape, ref.Input.Lo, ref.Input.Hi)
		for _, ks := range kernelSets() {
			for _, workers := range []int{1, 3} {
				t.Run(src.name+"/"+ks.name+"/workers="+string(rune('0'+workers)), func(t *testing.T) {
					s := m.newSession(ks, workers)
					defer s.Close()
					res, err := s.Run(map[string]*Tensor{m.Inputs()[0].Name: x})
					if err != nil {
						t.Fatalf("run: %v", err)
					}
					for _, o := range ref.Outputs {
						got := res[o.Name]
						if got == nil {
							t.Fatalf("output %q missing", o.Name)
						}
						want := decodeF32(t, o.Data)
						if len(got.Data) != len(want) || numElements(got.Shape) != numElements(o.Shape) {
							t.Fatalf("output %q: shape %v, want %v", o.Name, got.Shape, o.Shape)
						}
						worst, at := 0.0, 0
						for i := range want {
							if d := math.Abs(float64(got.Data[i] - want[i])); d > worst || d != d {
								worst, at = d, i
							}
						}
						t.Logf("output %q: %d values, max |diff| %.2g", o.Name, len(want), worst)
						if worst > tol || worst != worst {
							t.Errorf("output %q: max |diff| %.3g at %d (got %v, want %v)", o.Name, worst, at, got.Data[at], want[at])
						}
					}
				})
			}
		}
	}
}

// TestBatch checks that a batch of two gives each sample's batch-of-one result.
func TestBatch(t *testing.T) {
	if raceEnabled {
		t.Skip("slow under the race detector; TestReferenceOutputs covers the pool")
	}
	m, err := Load(assets.Models(), "facemesh")
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession()
	defer s.Close()
	a := inputValues([]int{1, 192, 192, 3}, 0, 1)
	b := inputValues([]int{1, 192, 192, 3}, 0.2, 0.7)
	var single [][]float32
	for _, x := range []*Tensor{a, b} {
		out, err := s.RunTensors(x)
		if err != nil {
			t.Fatal(err)
		}
		single = append(single, append([]float32(nil), out[2].Data...))
	}
	both := NewTensor(2, 192, 192, 3)
	copy(both.Data, a.Data)
	copy(both.Data[len(a.Data):], b.Data)
	out, err := s.RunTensors(both)
	if err != nil {
		t.Fatal(err)
	}
	if got := out[2].Shape; got[0] != 2 {
		t.Fatalf("batch output shape %v", got)
	}
	n := len(single[0])
	for i := range 2 {
		for j := range n {
			if d := math.Abs(float64(out[2].Data[i*n+j] - single[i][j])); d > 1e-4 {
				t.Fatalf("sample %d value %d: batch %v, single %v", i, j, out[2].Data[i*n+j], single[i][j])
			}
		}
	}
}

// TestNoAllocAfterWarmup checks that Run allocates nothing once planned.
func TestNoAllocAfterWarmup(t *testing.T) {
	for _, name := range assets.ModelNames() {
		t.Run(name, func(t *testing.T) {
			if raceEnabled && name != "liveness" {
				t.Skip("slow under the race detector")
			}
			m, err := Load(assets.Models(), name)
			if err != nil {
				t.Fatal(err)
			}
			s := m.newSession(bestKernels(), max(2, runtime.GOMAXPROCS(0)))
			defer s.Close()
			x := inputValues(concrete(m.Inputs()[0].Shape, 1), 0, 1)
			if _, err := s.RunTensors(x); err != nil {
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(5, func() {
				if _, err := s.RunTensors(x); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("RunTensors: %v allocations per run after warm-up", allocs)
			}
			in := map[string]*Tensor{m.Inputs()[0].Name: x}
			allocs = testing.AllocsPerRun(5, func() {
				if _, err := s.Run(in); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Run: %v allocations per run after warm-up", allocs)
			}
		})
	}
}

// TestConcurrentSessions runs two Sessions of one Model at once; with
// -race this checks that Sessions share nothing mutable.
func TestConcurrentSessions(t *testing.T) {
	m, err := Load(assets.Models(), "liveness")
	if err != nil {
		t.Fatal(err)
	}
	x := inputValues(concrete(m.Inputs()[0].Shape, 1), 0, 1)
	want, err := m.NewSession().RunTensors(x)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			s := m.NewSession()
			defer s.Close()
			for range 5 {
				got, err := s.RunTensors(x)
				if err != nil {
					errs <- err
					return
				}
				for i, v := range got[0].Data {
					if v != want[0].Data[i] {
						errs <- fmt.Errorf("value %d: %v, want %v", i, v, want[0].Data[i])
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestRunErrors checks the errors Run returns for bad inputs.
func TestRunErrors(t *testing.T) {
	m, err := Load(assets.Models(), "liveness")
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession()
	tests := []struct {
		name   string
		inputs map[string]*Tensor
	}{
		{"missing", map[string]*Tensor{}},
		{"unknown name", map[string]*Tensor{"nope": NewTensor(1, 32, 32, 3)}},
		{"wrong size", map[string]*Tensor{"conv2d_1_input": NewTensor(1, 31, 32, 3)}},
		{"wrong rank", map[string]*Tensor{"conv2d_1_input": NewTensor(32, 32, 3)}},
		{"short data", map[string]*Tensor{"conv2d_1_input": {Shape: []int{1, 32, 32, 3}, Data: make([]float32, 5)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Run(tc.inputs); !errors.Is(err, ErrInput) {
				t.Errorf("error %v, want ErrInput", err)
			}
		})
	}
	res, err := s.Run(map[string]*Tensor{"conv2d_1_input": NewTensor(1, 32, 32, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if res["activation_6"] == nil || res["Identity"] != res["activation_6"] || s.Output("activation_6") != res["Identity"] {
		t.Errorf("outputs not reachable by node name and signature key: %v", res)
	}
	s.Close()
	if _, err := s.RunTensors(NewTensor(1, 32, 32, 3)); !errors.Is(err, ErrClosed) {
		t.Errorf("run after close: %v, want ErrClosed", err)
	}
}
