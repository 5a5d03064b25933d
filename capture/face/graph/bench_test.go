package graph

import (
	"fmt"
	"testing"

	"github.com/kycterm/kycterm/assets"
)

// BenchmarkModel times one inference (batch 1) of every shipped model with
// the Session's default kernels and GOMAXPROCS workers (set with -cpu).
func BenchmarkModel(b *testing.B) {
	for _, name := range assets.ModelNames() {
		b.Run(name, func(b *testing.B) {
			m, err := Load(assets.Models(), name)
			if err != nil {
				b.Fatal(err)
			}
			s := m.NewSession()
			defer s.Close()
			x := inputValues(concrete(m.Inputs()[0].Shape, 1), 0, 1)
			if _, err := s.RunTensors(x); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := s.RunTensors(x); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time per inference: with -cpu 1 it is the wall time
			// the model would take on an otherwise idle core.
			b.ReportMetric(float64(processCPU()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// gemmShapes are the shapes of bench/gonum's baseline.
var gemmShapes = []struct{ m, k, n int }{
	{4096, 16, 16}, {2304, 32, 32}, {576, 64, 64}, {144, 128, 128}, {4096, 24, 24}, {1024, 288, 32}, {1, 8192, 128},
}

// BenchmarkGEMM times the GEMM driver on one worker with each kernel set;
// MB/s reads as MFLOP/s, comparable with bench/gonum.
func BenchmarkGEMM(b *testing.B) {
	for _, ks := range kernelSets() {
		for _, sh := range gemmShapes {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", ks.name, sh.m, sh.k, sh.n), func(b *testing.B) {
				a := make([]float32, sh.m*sh.k)
				w := make([]float32, sh.k*sh.n)
				for i := range a {
					a[i] = float32(i%17)/17 - 0.5
				}
				for i := range w {
					w[i] = float32(i%13)/13 - 0.5
				}
				c := make([]float32, sh.m*sh.n)
				pl := &planner{ks: ks, pool: newPool(1), workers: 1}
				defer pl.pool.close()
				e := &epilogue{bias: make([]float32, sh.n)}
				run := planGEMM(pl, sh.m, sh.k, a, packB(w, sh.k, sh.n), e, c)
				pl.pool.scratch[0] = make([]float32, pl.scratch)
				b.SetBytes(int64(2 * sh.m * sh.k * sh.n))
				for b.Loop() {
					run()
				}
			})
		}
	}
}
