package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

func closeSlices(t *testing.T, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("len %d, want %d", len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol || d != d {
			t.Fatalf("element %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestKernelsAgree runs every kernel of every available kernel set on odd
// sizes and compares it with the portable kernels (and those with plain
// loops written here).
func TestKernelsAgree(t *testing.T) {
	ref := genericKernels()
	r := rand.New(rand.NewPCG(1, 2))
	for _, ks := range kernelSets() {
		for _, k := range []int{0, 1, 7, 33, 300} {
			for _, cols := range []int{1, 5, 8, 9, 15, 16} {
				for _, act := range []actKind{actNone, actRelu, actRelu6, actPrelu} {
					t.Run(fmt.Sprintf("%s/gemm/k=%d/cols=%d/act=%d", ks.name, k, cols, act), func(t *testing.T) {
						const strips = 2
						lda, ldc := k+3, nr+5
						a, b, bias, alpha := randSlice(r, strips*mr*lda), randSlice(r, k*nr), randSlice(r, nr), randSlice(r, nr)
						for i := range a {
							a[i] *= 4
						}
						got := randSlice(r, strips*mr*ldc)
						want := append([]float32(nil), got...)
						ks.gemm(k, a, lda, b, got, ldc, bias, alpha, cols, act, strips)
						for i := range strips * mr {
							for j := range cols {
								s := float64(0)
								for kk := range k {
									s += float64(a[i*lda+kk]) * float64(b[kk*nr+j])
								}
								v := float32(s + float64(bias[j]))
								switch {
								case act == actRelu || act == actRelu6:
									v = max(v, 0)
									if act == actRelu6 {
										v = min(v, 6)
									}
								case act == actPrelu && v < 0:
									v *= alpha[j]
								}
								want[i*ldc+j] = v
							}
						}
						closeSlices(t, got, want, 1e-4)
					})
				}
			}
		}
		for _, k := range []int{0, 1, 3, 4, 9, 300} {
			for _, cols := range []int{1, 8, 9, 16} {
				t.Run(fmt.Sprintf("%s/gemv/k=%d/cols=%d", ks.name, k, cols), func(t *testing.T) {
					a, b, bias, alpha := randSlice(r, k), randSlice(r, k*nr), randSlice(r, nr), randSlice(r, nr)
					for _, act := range []actKind{actNone, actRelu, actRelu6, actPrelu} {
						got, want := randSlice(r, nr), make([]float32, nr)
						copy(want, got)
						ks.gemv(k, a, b, got, bias, alpha, cols, act)
						ref.gemv(k, a, b, want, bias, alpha, cols, act)
						closeSlices(t, got, want, 1e-4)
					}
				})
			}
		}
		for _, c := range []int{1, 7, 8, 13, 32, 40, 100} {
			t.Run(fmt.Sprintf("%s/dwRow/c=%d", ks.name, c), func(t *testing.T) {
				const npix, taps = 5, 9
				step := 2 * c
				offs := make([]int, taps)
				for i := range offs {
					offs[i] = (i/3)*7*c + (i%3)*c
				}
				in := randSlice(r, (npix-1)*step+offs[taps-1]+c)
				w, bias := randSlice(r, taps*c), randSlice(r, c)
				got, want := make([]float32, npix*c), make([]float32, npix*c)
				ks.dwRow(got, in, offs, w, bias, c, npix, step)
				ref.dwRow(want, in, offs, w, bias, c, npix, step)
				closeSlices(t, got, want, 1e-5)
			})
		}
		for _, act := range []actKind{actNone, actRelu, actRelu6, actPrelu} {
			for _, cols := range []int{1, 7, 8, 9, 23} {
				t.Run(fmt.Sprintf("%s/act=%d/cols=%d", ks.name, act, cols), func(t *testing.T) {
					const rows, ldc, col0 = 3, 30, 2
					e := &epilogue{act: act, alpha: randSlice(r, col0+cols)}
					got := randSlice(r, rows*ldc)
					for i := range got {
						got[i] *= 8 // cross relu6's upper bound too
					}
					want := append([]float32(nil), got...)
					ks.act(e, got, rows, cols, ldc, col0)
					for i := range rows {
						for j := range cols {
							v := &want[i*ldc+j]
							switch act {
							case actRelu:
								*v = max(*v, 0)
							case actRelu6:
								*v = min(max(*v, 0), 6)
							case actPrelu:
								if *v < 0 {
									*v *= e.alpha[col0+j]
								}
							}
						}
					}
					closeSlices(t, got, want, 0)
				})
			}
		}
		for _, n := range []int{0, 1, 7, 8, 17, 40, 75} {
			t.Run(fmt.Sprintf("%s/vadd/n=%d", ks.name, n), func(t *testing.T) {
				a, b := randSlice(r, n), randSlice(r, n)
				got, want := make([]float32, n), make([]float32, n)
				for i := range want {
					want[i] = a[i] + b[i]
				}
				ks.vadd(got, a, b)
				closeSlices(t, got, want, 0)
			})
		}
		for _, act := range []actKind{actNone, actRelu, actRelu6, actPrelu} {
			for _, cols := range []int{1, 7, 8, 9, 16, 23} {
				t.Run(fmt.Sprintf("%s/addAct/act=%d/cols=%d", ks.name, act, cols), func(t *testing.T) {
					const rows = 3
					a, b := randSlice(r, rows*cols), randSlice(r, rows*cols)
					for i := range a {
						a[i] *= 8
					}
					e := &epilogue{act: act, alpha: randSlice(r, cols)}
					got, want := make([]float32, rows*cols), make([]float32, rows*cols)
					ks.addAct(got, a, b, rows, cols, e)
					for i := range want {
						v := a[i] + b[i]
						switch {
						case act == actRelu || act == actRelu6:
							v = max(v, 0)
							if act == actRelu6 {
								v = min(v, 6)
							}
						case act == actPrelu && v < 0:
							v *= e.alpha[i%cols]
						}
						want[i] = v
					}
					closeSlices(t, got, want, 0)
				})
			}
		}
		for _, cols := range []int{1, 7, 8, 9, 16, 23} {
			t.Run(fmt.Sprintf("%s/bcast/cols=%d", ks.name, cols), func(t *testing.T) {
				const rows = 3
				a, scale, shift := randSlice(r, rows*cols), randSlice(r, cols), randSlice(r, cols)
				for _, mode := range []struct{ s, t []float32 }{{scale, nil}, {nil, shift}, {scale, shift}} {
					got, want := make([]float32, rows*cols), make([]float32, rows*cols)
					ks.bcast(got, a, mode.s, mode.t, rows, cols)
					for i := range want {
						v := a[i]
						if mode.s != nil {
							v *= mode.s[i%cols]
						}
						if mode.t != nil {
							v += mode.t[i%cols]
						}
						want[i] = v
					}
					closeSlices(t, got, want, 0)
				}
			})
		}
		for _, n := range []int{0, 1, 7, 8, 17} {
			t.Run(fmt.Sprintf("%s/vmax/n=%d", ks.name, n), func(t *testing.T) {
				dst, src := randSlice(r, n), randSlice(r, n)
				want := make([]float32, n)
				for i := range want {
					want[i] = max(dst[i], src[i])
				}
				ks.vmax(dst, src)
				closeSlices(t, dst, want, 0)
			})
		}
	}
}

// BenchmarkDepthwise times one 3×3 depthwise row pass of 96 pixels × 32
// channels with each kernel set.
func BenchmarkDepthwise(b *testing.B) {
	for _, ks := range kernelSets() {
		b.Run(ks.name, func(b *testing.B) {
			const c, npix, w = 32, 96, 98
			offs := []int{0, c, 2 * c, w * c, (w + 1) * c, (w + 2) * c, 2 * w * c, (2*w + 1) * c, (2*w + 2) * c}
			in := make([]float32, 3*w*c)
			wt, bias, out := make([]float32, 9*c), make([]float32, c), make([]float32, npix*c)
			b.SetBytes(int64(2 * 9 * npix * c))
			for b.Loop() {
				ks.dwRow(out, in, offs, wt, bias, c, npix, c)
			}
		})
	}
}

// TestIm2colBlock checks the block gatherer against the per-row one on
// every geometry kind: padding, strides, dilations, several images.
func TestIm2colBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name         string
		win          window
		n, h, w, cin int
	}{
		{"3x3 same", window{kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, same: true}, 1, 7, 9, 3},
		{"5x5 stride 2", window{kh: 5, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, same: true}, 2, 11, 8, 2},
		{"dilated", window{kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, same: true}, 1, 9, 9, 4},
		{"valid wide", window{kh: 2, kw: 2, sh: 2, sw: 1, dh: 1, dw: 1}, 1, 6, 7, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &convGeom{win: tc.win, n: tc.n, h: tc.h, w: tc.w, cin: tc.cin, cout: 1}
			g.oh, g.ph = outSize(g.h, g.win.kh, g.win.sh, g.win.dh, g.win.same)
			g.ow, g.pw = outSize(g.w, g.win.kw, g.win.sw, g.win.dw, g.win.same)
			in := randSlice(r, g.n*g.h*g.w*g.cin)
			k := g.win.kh * g.win.kw * g.cin
			m := g.n * g.oh * g.ow
			for _, r0 := range []int{0, 1, m / 2} {
				rows := m - r0
				got, want := randSlice(r, rows*k), make([]float32, rows*k)
				im2colBlock(g, in, r0, rows, got)
				for i := range rows {
					im2colRow(g, in, r0+i, want[i*k:(i+1)*k])
				}
				closeSlices(t, got, want, 0)
			}
		})
	}
}
