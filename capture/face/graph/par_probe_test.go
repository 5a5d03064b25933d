package graph

import (
	"testing"
	"time"
)

func TestParallelProbe(t *testing.T) {
	for _, workers := range []int{1, 2} {
		m, k, n := 8192, 64, 64
		a := make([]float32, m*k)
		w := make([]float32, k*n)
		c := make([]float32, m*n)
		pl := &planner{ks: bestKernels(), pool: newPool(workers), workers: workers}
		run := planGEMM(pl, m, k, a, packB(w, k, n), &epilogue{bias: make([]float32, n)}, c)
		for i := range pl.pool.scratch {
			pl.pool.scratch[i] = make([]float32, pl.scratch)
		}
		run()
		c0 := processCPU()
		t0 := time.Now()
		for range 200 {
			run()
		}
		t.Logf("workers=%d wall %v/op cpu %v/op", workers, time.Since(t0)/200, time.Duration(processCPU()-c0)/200)
		pl.pool.close()
	}
}
