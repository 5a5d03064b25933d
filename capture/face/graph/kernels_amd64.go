//go:build !purego

package graph

import (
	"slices"

	"golang.org/x/sys/cpu"
)

//go:noescape
func gemm6x16AVX2(k int, a *float32, lda int, b *float32, c *float32, ldc int, bias *float32, alpha *float32, cols int, mode int, strips int)

//go:noescape
func dwRowAVX2(out *float32, in *float32, offs *int, ntaps int, w *float32, bias *float32, c int, npix int, step int)

//go:noescape
func actRowsAVX2(c *float32, rows int, cols int, ldc int, mode int, alpha *float32)

//go:noescape
func maxIntoAVX2(dst *float32, src *float32, n int)

//go:noescape
func addAVX2(dst *float32, a *float32, b *float32, n int)

//go:noescape
func gemv16AVX2(k int, a *float32, b *float32, c *float32, bias *float32, alpha *float32, cols int, mode int)

//go:noescape
func addActRowsAVX2(dst *float32, a *float32, b *float32, rows int, cols int, mode int, alpha *float32)

//go:noescape
func bcastRowsAVX2(dst *float32, a *float32, s *float32, t *float32, rows int, cols int, mode int)

// bestKernels returns the AVX2+FMA kernels when the CPU has them.
func bestKernels() *kernelSet {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return avx2Kernels()
	}
	return genericKernels()
}

func avx2Kernels() *kernelSet {
	return &kernelSet{name: "avx2", gemm: gemmAVX2, dwRow: dwRowAVX2Checked, act: actAVX2, vmax: maxIntoAVX2Checked, vadd: addAVX2Checked, gemv: gemvAVX2, addAct: addActAVX2, bcast: bcastAVX2}
}

// gemmAVX2 checks the bounds the assembly relies on, then runs it.
func gemmAVX2(k int, a []float32, lda int, b []float32, c []float32, ldc int, bias, alpha []float32, cols int, act actKind, strips int) {
	if strips <= 0 {
		return
	}
	if k <= 0 || cols <= 0 || cols > nr {
		gemm6x16Go(k, a, lda, b, c, ldc, bias, alpha, cols, act, strips)
		return
	}
	rows := strips * mr
	_ = a[(rows-1)*lda+k-1]
	_ = b[k*nr-1]
	_ = c[(rows-1)*ldc+cols-1]
	_ = bias[nr-1]
	_ = alpha[nr-1]
	gemm6x16AVX2(k, &a[0], lda, &b[0], &c[0], ldc, &bias[0], &alpha[0], cols, int(act), strips)
}

// dwRowAVX2Checked checks the bounds the assembly relies on, then runs it.
func dwRowAVX2Checked(out, in []float32, offs []int, w, bias []float32, c, npix, step int) {
	if npix <= 0 || c <= 0 || len(offs) == 0 {
		dwRowGo(out, in, offs, w, bias, c, npix, step)
		return
	}
	_ = out[npix*c-1]
	_ = in[(npix-1)*step+slices.Max(offs)+c-1]
	if slices.Min(offs) < 0 {
		panic("graph: negative depthwise tap offset")
	}
	_ = w[len(offs)*c-1]
	_ = bias[c-1]
	dwRowAVX2(&out[0], &in[0], &offs[0], len(offs), &w[0], &bias[0], c, npix, step)
}

// actAVX2 checks the bounds the assembly relies on, then runs it.
func actAVX2(e *epilogue, c []float32, rows, cols, ldc, col0 int) {
	if e.act == actNone || rows <= 0 || cols <= 0 {
		return
	}
	_ = c[(rows-1)*ldc+cols-1]
	var alpha *float32
	if e.act == actPrelu {
		alpha = &e.alpha[col0 : col0+cols][0]
	}
	actRowsAVX2(&c[0], rows, cols, ldc, int(e.act), alpha)
}

// maxIntoAVX2Checked sets dst[i] = max(dst[i], src[i]).
func maxIntoAVX2Checked(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	_ = src[len(dst)-1]
	maxIntoAVX2(&dst[0], &src[0], len(dst))
}

// addAVX2Checked sets dst[i] = a[i] + b[i].
func addAVX2Checked(dst, a, b []float32) {
	if len(dst) == 0 {
		return
	}
	_ = a[len(dst)-1]
	_ = b[len(dst)-1]
	addAVX2(&dst[0], &a[0], &b[0], len(dst))
}

// gemvAVX2 checks the bounds the assembly relies on, then runs it.
func gemvAVX2(k int, a, b, c, bias, alpha []float32, cols int, act actKind) {
	if k <= 0 || cols <= 0 || cols > nr {
		gemvGo(k, a, b, c, bias, alpha, cols, act)
		return
	}
	_ = a[k-1]
	_ = b[k*nr-1]
	_ = c[cols-1]
	_ = bias[nr-1]
	_ = alpha[nr-1]
	gemv16AVX2(k, &a[0], &b[0], &c[0], &bias[0], &alpha[0], cols, int(act))
}

// addActAVX2 checks the bounds the assembly relies on, then runs it.
func addActAVX2(dst, a, b []float32, rows, cols int, e *epilogue) {
	n := rows * cols
	if n <= 0 {
		return
	}
	_ = dst[n-1]
	_ = a[n-1]
	_ = b[n-1]
	alpha := &dst[0] // not read unless prelu
	if e.act == actPrelu {
		alpha = &e.alpha[:cols][0]
	}
	addActRowsAVX2(&dst[0], &a[0], &b[0], rows, cols, int(e.act), alpha)
}

// bcastAVX2 checks the bounds the assembly relies on, then runs it.
func bcastAVX2(dst, a, scale, shift []float32, rows, cols int) {
	n := rows * cols
	if n <= 0 {
		return
	}
	_ = dst[n-1]
	_ = a[n-1]
	mode := 2
	ps, pt := &dst[0], &dst[0] // not read when absent
	switch {
	case shift == nil:
		mode = 0
	case scale == nil:
		mode = 1
	}
	if scale != nil {
		ps = &scale[:cols][0]
	}
	if shift != nil {
		pt = &shift[:cols][0]
	}
	bcastRowsAVX2(&dst[0], &a[0], ps, pt, rows, cols, mode)
}
