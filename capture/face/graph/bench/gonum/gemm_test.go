// Package gonum is the baseline for capture/face/graph's GEMM: it times
// gonum's float32 GEMM (blas32.Gemm, pure-Go gonum BLAS) on the shapes the
// face models' convolutions produce. It is a separate module so kycterm
// itself does not depend on gonum. Run:
//
//	cd capture/face/graph/bench/gonum && go test -bench . -cpu 1
//
// and compare with BenchmarkGEMM in capture/face/graph.
package gonum

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Shapes (M×K·K×N) matching BenchmarkGEMM in capture/face/graph.
var shapes = []struct{ m, k, n int }{
	{4096, 16, 16},  // 1×1 conv, 64×64 pixels, 16→16 channels
	{2304, 32, 32},  // facemesh 48×48, 32→32
	{576, 64, 64},   // facemesh 24×24, 64→64
	{144, 128, 128}, // facemesh 12×12, 128→128
	{4096, 24, 24},  // blazeface 64×64, 24→24
	{1024, 288, 32}, // 3×3 conv as im2col: 32×32 pixels, 32→32 channels
	{1, 8192, 128},  // dense layer
}

func BenchmarkGonumSgemm(b *testing.B) {
	for _, s := range shapes {
		b.Run(fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n), func(b *testing.B) {
			a := blas32.General{Rows: s.m, Cols: s.k, Stride: s.k, Data: fill(s.m * s.k)}
			w := blas32.General{Rows: s.k, Cols: s.n, Stride: s.n, Data: fill(s.k * s.n)}
			c := blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: make([]float32, s.m*s.n)}
			b.SetBytes(int64(2 * s.m * s.k * s.n)) // reported MB/s = MFLOP/s
			for b.Loop() {
				blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, w, 0, c)
			}
		})
	}
}

func fill(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i%17)/17 - 0.5
	}
	return v
}
