//go:build !purego

#include "textflag.h"

// maskTable: eight all-ones int32 then eight zeros; loading 8 lanes at
// byte offset (8-n)*4 gives a mask of n leading ones.
DATA maskTable<>+0(SB)/8, $0xffffffffffffffff
DATA maskTable<>+8(SB)/8, $0xffffffffffffffff
DATA maskTable<>+16(SB)/8, $0xffffffffffffffff
DATA maskTable<>+24(SB)/8, $0xffffffffffffffff
DATA maskTable<>+32(SB)/8, $0
DATA maskTable<>+40(SB)/8, $0
DATA maskTable<>+48(SB)/8, $0
DATA maskTable<>+56(SB)/8, $0
GLOBL maskTable<>(SB), RODATA|NOPTR, $64

// PRELU applies y = max(x,0) + alpha·min(x,0) to acc with alpha at mem.
#define PRELU(acc, mem) VMINPS Y14, acc, Y15; VMAXPS Y14, acc, acc; VFMADD231PS mem, Y15, acc

// func gemm6x16AVX2(k int, a *float32, lda int, b *float32, c *float32, ldc int, bias *float32, alpha *float32, cols int, mode int, strips int)
// For r < 6 and j < cols (cols ≤ 16): C[r][j] = act(bias[j] + Σ_kk
// A[r][kk]·B[kk][j]), B a packed panel of k rows of 16 floats; mode 0
// none, 1 relu, 2 relu6, 3 prelu with slope alpha[j]. bias and alpha hold
// 16 values. Columns ≥ cols of C are not written.
//
// strips > 0 repeats this for strips consecutive 6-row strips of A and C.
// The a and c argument slots are advanced in place between strips.
TEXT ·gemm6x16AVX2(SB), NOSPLIT, $0-88
strip:
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ cols+64(FP), R13
	SHLQ $2, R8             // lda in bytes
	LEAQ (R8)(R8*2), R9     // 3·lda
	LEAQ (SI)(R9*1), R10    // row 3

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	TESTQ CX, CX
	JZ    epilogue
	CMPQ  R13, $8
	JLE   loop8

loop16:
	VMOVUPS      (DI), Y12
	VMOVUPS      32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (SI)(R8*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (SI)(R8*2), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R10), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R10)(R8*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (R10)(R8*2), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         $4, SI
	ADDQ         $4, R10
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop16
	JMP          epilogue

loop8:
	VMOVUPS      (DI), Y12
	VBROADCASTSS (SI), Y14
	VFMADD231PS  Y12, Y14, Y0
	VBROADCASTSS (SI)(R8*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VBROADCASTSS (SI)(R8*2), Y14
	VFMADD231PS  Y12, Y14, Y4
	VBROADCASTSS (R10), Y15
	VFMADD231PS  Y12, Y15, Y6
	VBROADCASTSS (R10)(R8*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VBROADCASTSS (R10)(R8*2), Y15
	VFMADD231PS  Y12, Y15, Y10
	ADDQ         $4, SI
	ADDQ         $4, R10
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop8

epilogue:
	MOVQ   bias+48(FP), BX
	MOVQ   alpha+56(FP), R12
	MOVQ   mode+72(FP), R11
	VADDPS (BX), Y0, Y0
	VADDPS 32(BX), Y1, Y1
	VADDPS (BX), Y2, Y2
	VADDPS 32(BX), Y3, Y3
	VADDPS (BX), Y4, Y4
	VADDPS 32(BX), Y5, Y5
	VADDPS (BX), Y6, Y6
	VADDPS 32(BX), Y7, Y7
	VADDPS (BX), Y8, Y8
	VADDPS 32(BX), Y9, Y9
	VADDPS (BX), Y10, Y10
	VADDPS 32(BX), Y11, Y11
	VXORPS Y14, Y14, Y14
	CMPQ   R11, $0
	JEQ    store
	CMPQ   R11, $3
	JEQ    prelu
	VMAXPS Y14, Y0, Y0
	VMAXPS Y14, Y1, Y1
	VMAXPS Y14, Y2, Y2
	VMAXPS Y14, Y3, Y3
	VMAXPS Y14, Y4, Y4
	VMAXPS Y14, Y5, Y5
	VMAXPS Y14, Y6, Y6
	VMAXPS Y14, Y7, Y7
	VMAXPS Y14, Y8, Y8
	VMAXPS Y14, Y9, Y9
	VMAXPS Y14, Y10, Y10
	VMAXPS Y14, Y11, Y11
	CMPQ   R11, $2
	JNE    store
	MOVL         $0x40c00000, AX // 6.0f
	MOVL         AX, X15
	VBROADCASTSS X15, Y15
	VMINPS       Y15, Y0, Y0
	VMINPS       Y15, Y1, Y1
	VMINPS       Y15, Y2, Y2
	VMINPS       Y15, Y3, Y3
	VMINPS       Y15, Y4, Y4
	VMINPS       Y15, Y5, Y5
	VMINPS       Y15, Y6, Y6
	VMINPS       Y15, Y7, Y7
	VMINPS       Y15, Y8, Y8
	VMINPS       Y15, Y9, Y9
	VMINPS       Y15, Y10, Y10
	VMINPS       Y15, Y11, Y11
	JMP          store

prelu:
	PRELU(Y0, (R12))
	PRELU(Y1, 32(R12))
	PRELU(Y2, (R12))
	PRELU(Y3, 32(R12))
	PRELU(Y4, (R12))
	PRELU(Y5, 32(R12))
	PRELU(Y6, (R12))
	PRELU(Y7, 32(R12))
	PRELU(Y8, (R12))
	PRELU(Y9, 32(R12))
	PRELU(Y10, (R12))
	PRELU(Y11, 32(R12))

store:
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R11
	SHLQ $2, R11
	LEAQ (R11)(R11*2), R12
	LEAQ (DX)(R12*1), R12 // row 3 of C
	CMPQ R13, $16
	JNE  masked
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, (DX)(R11*1)
	VMOVUPS Y3, 32(DX)(R11*1)
	VMOVUPS Y4, (DX)(R11*2)
	VMOVUPS Y5, 32(DX)(R11*2)
	VMOVUPS Y6, (R12)
	VMOVUPS Y7, 32(R12)
	VMOVUPS Y8, (R12)(R11*1)
	VMOVUPS Y9, 32(R12)(R11*1)
	VMOVUPS Y10, (R12)(R11*2)
	VMOVUPS Y11, 32(R12)(R11*2)
	JMP     nextstrip

masked:
	// Y12: mask of the first 8 columns, Y13: of the next 8.
	LEAQ    maskTable<>(SB), AX
	MOVQ    R13, BX
	CMPQ    BX, $8
	JLE     firsthalf
	MOVQ    $8, BX
firsthalf:
	NEGQ    BX
	VMOVUPS 32(AX)(BX*4), Y12
	MOVQ    R13, BX
	SUBQ    $8, BX
	JGE     secondhalf
	XORQ    BX, BX
secondhalf:
	NEGQ    BX
	VMOVUPS 32(AX)(BX*4), Y13
	VMASKMOVPS Y0, Y12, (DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VMASKMOVPS Y2, Y12, (DX)(R11*1)
	VMASKMOVPS Y3, Y13, 32(DX)(R11*1)
	VMASKMOVPS Y4, Y12, (DX)(R11*2)
	VMASKMOVPS Y5, Y13, 32(DX)(R11*2)
	VMASKMOVPS Y6, Y12, (R12)
	VMASKMOVPS Y7, Y13, 32(R12)
	VMASKMOVPS Y8, Y12, (R12)(R11*1)
	VMASKMOVPS Y9, Y13, 32(R12)(R11*1)
	VMASKMOVPS Y10, Y12, (R12)(R11*2)
	VMASKMOVPS Y11, Y13, 32(R12)(R11*2)

nextstrip:
	MOVQ  lda+16(FP), AX
	IMULQ $24, AX           // 6 rows × 4 bytes
	ADDQ  AX, a+8(FP)
	MOVQ  ldc+40(FP), AX
	IMULQ $24, AX
	ADDQ  AX, c+32(FP)
	DECQ  strips+80(FP)
	JG    strip
	VZEROUPPER
	RET

// func dwRowAVX2(out *float32, in *float32, offs *int, ntaps int, w *float32, bias *float32, c int, npix int, step int)
// For npix pixels: out[p*c+ch] = bias[ch] + Σ_t in[p*step+offs[t]+ch]·w[t*c+ch].
TEXT ·dwRowAVX2(SB), NOSPLIT, $0-72
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ c+48(FP), R12
	MOVQ npix+56(FP), R13
	MOVQ step+64(FP), R14
	SHLQ $2, R14            // step in bytes
	TESTQ R13, R13
	JZ    end
	MOVQ  R12, AX
	SHLQ  $2, AX             // c in bytes

	// Two pixels at a time: twice the independent FMA chains, one load
	// of each filter vector for both.
pair:
	CMPQ R13, $2
	JLT  single
	XORQ BX, BX

pblock32:
	LEAQ 128(BX), DX
	CMPQ DX, AX
	JGT  pblock8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
	LEAQ (R9)(R14*1), R10
ptap32:
	MOVQ        (R8), DX
	VMOVUPS     (R15), Y8
	VMOVUPS     32(R15), Y9
	VMOVUPS     64(R15), Y10
	VMOVUPS     96(R15), Y11
	VFMADD231PS (R9)(DX*4), Y8, Y0
	VFMADD231PS 32(R9)(DX*4), Y9, Y1
	VFMADD231PS 64(R9)(DX*4), Y10, Y2
	VFMADD231PS 96(R9)(DX*4), Y11, Y3
	VFMADD231PS (R10)(DX*4), Y8, Y4
	VFMADD231PS 32(R10)(DX*4), Y9, Y5
	VFMADD231PS 64(R10)(DX*4), Y10, Y6
	VFMADD231PS 96(R10)(DX*4), Y11, Y7
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         ptap32
	MOVQ    bias+40(FP), R11
	VMOVUPS (R11)(BX*1), Y8
	VMOVUPS 32(R11)(BX*1), Y9
	VMOVUPS 64(R11)(BX*1), Y10
	VMOVUPS 96(R11)(BX*1), Y11
	VADDPS  Y8, Y0, Y0
	VADDPS  Y9, Y1, Y1
	VADDPS  Y10, Y2, Y2
	VADDPS  Y11, Y3, Y3
	VADDPS  Y8, Y4, Y4
	VADDPS  Y9, Y5, Y5
	VADDPS  Y10, Y6, Y6
	VADDPS  Y11, Y7, Y7
	LEAQ    (DI)(AX*1), DX
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, 32(DI)(BX*1)
	VMOVUPS Y2, 64(DI)(BX*1)
	VMOVUPS Y3, 96(DI)(BX*1)
	VMOVUPS Y4, (DX)(BX*1)
	VMOVUPS Y5, 32(DX)(BX*1)
	VMOVUPS Y6, 64(DX)(BX*1)
	VMOVUPS Y7, 96(DX)(BX*1)
	ADDQ    $128, BX
	JMP     pblock32

pblock8:
	LEAQ 32(BX), DX
	CMPQ DX, AX
	JGT  ptail
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
	LEAQ (R9)(R14*1), R10
ptap8:
	MOVQ        (R8), DX
	VMOVUPS     (R15), Y8
	VFMADD231PS (R9)(DX*4), Y8, Y0
	VFMADD231PS (R10)(DX*4), Y8, Y1
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         ptap8
	MOVQ    bias+40(FP), R11
	VMOVUPS (R11)(BX*1), Y8
	VADDPS  Y8, Y0, Y0
	VADDPS  Y8, Y1, Y1
	LEAQ    (DI)(AX*1), DX
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, (DX)(BX*1)
	ADDQ    $32, BX
	JMP     pblock8

ptail:
	CMPQ BX, AX
	JGE  pnext
	VXORPS X0, X0, X0
	VXORPS X1, X1, X1
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
	LEAQ (R9)(R14*1), R10
ptap1:
	MOVQ        (R8), DX
	VMOVSS      (R15), X8
	VFMADD231SS (R9)(DX*4), X8, X0
	VFMADD231SS (R10)(DX*4), X8, X1
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         ptap1
	MOVQ   bias+40(FP), R11
	VMOVSS (R11)(BX*1), X8
	VADDSS X8, X0, X0
	VADDSS X8, X1, X1
	LEAQ   (DI)(AX*1), DX
	VMOVSS X0, (DI)(BX*1)
	VMOVSS X1, (DX)(BX*1)
	ADDQ   $4, BX
	JMP    ptail

pnext:
	LEAQ (DI)(AX*2), DI
	LEAQ (SI)(R14*2), SI
	SUBQ $2, R13
	JMP  pair

single:
	TESTQ R13, R13
	JZ    end

pixel:
	XORQ BX, BX             // channel offset in bytes
	MOVQ R12, AX
	SHLQ $2, AX             // c in bytes, the filter's row stride

block32:
	LEAQ 128(BX), DX
	CMPQ DX, AX
	JGT  block8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
tap32:
	MOVQ        (R8), DX
	VMOVUPS     (R9)(DX*4), Y4
	VMOVUPS     32(R9)(DX*4), Y5
	VMOVUPS     64(R9)(DX*4), Y6
	VMOVUPS     96(R9)(DX*4), Y7
	VFMADD231PS (R15), Y4, Y0
	VFMADD231PS 32(R15), Y5, Y1
	VFMADD231PS 64(R15), Y6, Y2
	VFMADD231PS 96(R15), Y7, Y3
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         tap32
	MOVQ    bias+40(FP), R10
	VADDPS  (R10)(BX*1), Y0, Y0
	VADDPS  32(R10)(BX*1), Y1, Y1
	VADDPS  64(R10)(BX*1), Y2, Y2
	VADDPS  96(R10)(BX*1), Y3, Y3
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, 32(DI)(BX*1)
	VMOVUPS Y2, 64(DI)(BX*1)
	VMOVUPS Y3, 96(DI)(BX*1)
	ADDQ    $128, BX
	JMP     block32

block8:
	LEAQ 32(BX), DX
	CMPQ DX, AX
	JGT  tail
	VXORPS Y0, Y0, Y0
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
tap8:
	MOVQ        (R8), DX
	VMOVUPS     (R9)(DX*4), Y4
	VFMADD231PS (R15), Y4, Y0
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         tap8
	MOVQ    bias+40(FP), R10
	VADDPS  (R10)(BX*1), Y0, Y0
	VMOVUPS Y0, (DI)(BX*1)
	ADDQ    $32, BX
	JMP     block8

tail:
	CMPQ BX, AX
	JGE  nextpixel
	VXORPS X0, X0, X0
	MOVQ offs+16(FP), R8
	MOVQ ntaps+24(FP), CX
	MOVQ w+32(FP), R15
	ADDQ BX, R15
	LEAQ (SI)(BX*1), R9
tap1:
	MOVQ        (R8), DX
	VMOVSS      (R9)(DX*4), X4
	VFMADD231SS (R15), X4, X0
	ADDQ        $8, R8
	ADDQ        AX, R15
	DECQ        CX
	JNZ         tap1
	MOVQ   bias+40(FP), R10
	VADDSS (R10)(BX*1), X0, X0
	VMOVSS X0, (DI)(BX*1)
	ADDQ   $4, BX
	JMP    tail

nextpixel:
	ADDQ AX, DI
	ADDQ R14, SI
	DECQ R13
	JNZ  pixel

end:
	VZEROUPPER
	RET

// func actRowsAVX2(c *float32, rows int, cols int, ldc int, mode int, alpha *float32)
// Applies an activation in place to rows×cols floats of c (row stride ldc):
// mode 1 relu, 2 relu6, 3 prelu with slope alpha[col].
TEXT ·actRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DI
	MOVQ rows+8(FP), R8
	MOVQ cols+16(FP), R9
	MOVQ ldc+24(FP), R10
	MOVQ mode+32(FP), R11
	MOVQ alpha+40(FP), R12
	SHLQ $2, R10
	VXORPS X14, X14, X14            // zero
	MOVL $0x40c00000, AX            // 6.0f
	MOVL AX, X15
	VBROADCASTSS X15, Y15
	TESTQ R8, R8
	JZ    actdone

actrow:
	XORQ BX, BX                     // column
act8:
	LEAQ 8(BX), DX
	CMPQ DX, R9
	JGT  act1
	VMOVUPS (DI)(BX*4), Y0
	CMPQ    R11, $3
	JEQ     prelu8
	VMAXPS  Y14, Y0, Y0
	CMPQ    R11, $2
	JNE     store8
	VMINPS  Y15, Y0, Y0
	JMP     store8
prelu8:
	VMINPS      Y14, Y0, Y1
	VMAXPS      Y14, Y0, Y0
	VFMADD231PS (R12)(BX*4), Y1, Y0
store8:
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     act8

act1:
	CMPQ BX, R9
	JGE  actnext
	VMOVSS (DI)(BX*4), X0
	CMPQ   R11, $3
	JEQ    prelu1
	VMAXSS X14, X0, X0
	CMPQ   R11, $2
	JNE    store1
	VMINSS X15, X0, X0
	JMP    store1
prelu1:
	VMINSS      X14, X0, X1
	VMAXSS      X14, X0, X0
	VFMADD231SS (R12)(BX*4), X1, X0
store1:
	VMOVSS X0, (DI)(BX*4)
	INCQ   BX
	JMP    act1

actnext:
	ADDQ R10, DI
	DECQ R8
	JNZ  actrow

actdone:
	VZEROUPPER
	RET

// func maxIntoAVX2(dst *float32, src *float32, n int)
// dst[i] = max(dst[i], src[i]).
TEXT ·maxIntoAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ BX, BX
max8:
	LEAQ 8(BX), DX
	CMPQ DX, CX
	JGT  max1
	VMOVUPS (SI)(BX*4), Y0
	VMAXPS  (DI)(BX*4), Y0, Y0
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     max8
max1:
	CMPQ BX, CX
	JGE  maxdone
	VMOVSS (SI)(BX*4), X0
	VMAXSS (DI)(BX*4), X0, X0
	VMOVSS X0, (DI)(BX*4)
	INCQ   BX
	JMP    max1
maxdone:
	VZEROUPPER
	RET

// func addAVX2(dst *float32, a *float32, b *float32, n int)
// dst[i] = a[i] + b[i].
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
add32:
	LEAQ 32(BX), AX
	CMPQ AX, CX
	JGT  add8
	VMOVUPS (SI)(BX*4), Y0
	VMOVUPS 32(SI)(BX*4), Y1
	VMOVUPS 64(SI)(BX*4), Y2
	VMOVUPS 96(SI)(BX*4), Y3
	VADDPS  (DX)(BX*4), Y0, Y0
	VADDPS  32(DX)(BX*4), Y1, Y1
	VADDPS  64(DX)(BX*4), Y2, Y2
	VADDPS  96(DX)(BX*4), Y3, Y3
	VMOVUPS Y0, (DI)(BX*4)
	VMOVUPS Y1, 32(DI)(BX*4)
	VMOVUPS Y2, 64(DI)(BX*4)
	VMOVUPS Y3, 96(DI)(BX*4)
	ADDQ    $32, BX
	JMP     add32
add8:
	LEAQ 8(BX), AX
	CMPQ AX, CX
	JGT  add1
	VMOVUPS (SI)(BX*4), Y0
	VADDPS  (DX)(BX*4), Y0, Y0
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     add8
add1:
	CMPQ BX, CX
	JGE  adddone
	VMOVSS (SI)(BX*4), X0
	VADDSS (DX)(BX*4), X0, X0
	VMOVSS X0, (DI)(BX*4)
	INCQ   BX
	JMP    add1
adddone:
	VZEROUPPER
	RET

// func gemv16AVX2(k int, a *float32, b *float32, c *float32, bias *float32, alpha *float32, cols int, mode int)
// One row: c[j] = act(bias[j] + Σ_kk a[kk]·b[kk*16+j]) for j < cols. The
// sum runs in k order, as tfjs sums, so results round the same way.
TEXT ·gemv16AVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	TESTQ  CX, CX
	JZ     gvsum
gv1:
	VBROADCASTSS (SI), Y8
	VFMADD231PS  (DI), Y8, Y0
	VFMADD231PS  32(DI), Y8, Y1
	ADDQ         $4, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          gv1
gvsum:
	MOVQ   bias+32(FP), BX
	MOVQ   alpha+40(FP), R12
	MOVQ   mode+56(FP), R11
	VADDPS (BX), Y0, Y0
	VADDPS 32(BX), Y1, Y1
	VXORPS Y14, Y14, Y14
	CMPQ   R11, $0
	JEQ    gvstore
	CMPQ   R11, $3
	JEQ    gvprelu
	VMAXPS Y14, Y0, Y0
	VMAXPS Y14, Y1, Y1
	CMPQ   R11, $2
	JNE    gvstore
	MOVL         $0x40c00000, AX // 6.0f
	MOVL         AX, X15
	VBROADCASTSS X15, Y15
	VMINPS       Y15, Y0, Y0
	VMINPS       Y15, Y1, Y1
	JMP          gvstore
gvprelu:
	PRELU(Y0, (R12))
	PRELU(Y1, 32(R12))
gvstore:
	MOVQ    c+24(FP), DX
	MOVQ    cols+48(FP), R13
	LEAQ    maskTable<>(SB), AX
	MOVQ    R13, BX
	CMPQ    BX, $8
	JLE     gvfirst
	MOVQ    $8, BX
gvfirst:
	NEGQ    BX
	VMOVUPS 32(AX)(BX*4), Y12
	MOVQ    R13, BX
	SUBQ    $8, BX
	JGE     gvsecond
	XORQ    BX, BX
gvsecond:
	NEGQ       BX
	VMOVUPS    32(AX)(BX*4), Y13
	VMASKMOVPS Y0, Y12, (DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VZEROUPPER
	RET

// func addActRowsAVX2(dst *float32, a *float32, b *float32, rows int, cols int, mode int, alpha *float32)
// dst = act(a + b) over rows×cols contiguous floats; mode 0 none, 1 relu,
// 2 relu6, 3 prelu with slope alpha[col].
TEXT ·addActRowsAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9
	MOVQ mode+40(FP), R11
	MOVQ alpha+48(FP), R12
	VXORPS Y14, Y14, Y14
	MOVL   $0x40c00000, AX     // 6.0f
	MOVL   AX, X15
	VBROADCASTSS X15, Y15
	TESTQ  R8, R8
	JZ     aadone
	MOVQ   R9, R10
	SHLQ   $2, R10             // row bytes

aarow:
	XORQ BX, BX
aa8:
	LEAQ 8(BX), CX
	CMPQ CX, R9
	JGT  aa1
	VMOVUPS (SI)(BX*4), Y0
	VADDPS  (DX)(BX*4), Y0, Y0
	CMPQ    R11, $0
	JEQ     aastore8
	CMPQ    R11, $3
	JEQ     aaprelu8
	VMAXPS  Y14, Y0, Y0
	CMPQ    R11, $2
	JNE     aastore8
	VMINPS  Y15, Y0, Y0
	JMP     aastore8
aaprelu8:
	VMINPS      Y14, Y0, Y1
	VMAXPS      Y14, Y0, Y0
	VFMADD231PS (R12)(BX*4), Y1, Y0
aastore8:
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     aa8

aa1:
	CMPQ BX, R9
	JGE  aanext
	VMOVSS (SI)(BX*4), X0
	VADDSS (DX)(BX*4), X0, X0
	CMPQ   R11, $0
	JEQ    aastore1
	CMPQ   R11, $3
	JEQ    aaprelu1
	VMAXSS X14, X0, X0
	CMPQ   R11, $2
	JNE    aastore1
	VMINSS X15, X0, X0
	JMP    aastore1
aaprelu1:
	VMINSS      X14, X0, X1
	VMAXSS      X14, X0, X0
	VFMADD231SS (R12)(BX*4), X1, X0
aastore1:
	VMOVSS X0, (DI)(BX*4)
	INCQ   BX
	JMP    aa1

aanext:
	ADDQ R10, DI
	ADDQ R10, SI
	ADDQ R10, DX
	DECQ R8
	JNZ  aarow

aadone:
	VZEROUPPER
	RET

// func bcastRowsAVX2(dst *float32, a *float32, s *float32, t *float32, rows int, cols int, mode int)
// Per row of cols values: mode 0 dst = a·s, 1 dst = a + t, 2 dst = a·s + t
// (rounded after the product, as two ops would); s and t are one row.
TEXT ·bcastRowsAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ s+16(FP), R12
	MOVQ t+24(FP), R13
	MOVQ rows+32(FP), R8
	MOVQ cols+40(FP), R9
	MOVQ mode+48(FP), R11
	TESTQ R8, R8
	JZ    bcdone
	MOVQ  R9, R10
	SHLQ  $2, R10

bcrow:
	XORQ BX, BX
bc8:
	LEAQ 8(BX), CX
	CMPQ CX, R9
	JGT  bc1
	VMOVUPS (SI)(BX*4), Y0
	CMPQ    R11, $1
	JEQ     bcadd8
	VMULPS  (R12)(BX*4), Y0, Y0
	CMPQ    R11, $0
	JEQ     bcstore8
bcadd8:
	VADDPS  (R13)(BX*4), Y0, Y0
bcstore8:
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     bc8

bc1:
	CMPQ BX, R9
	JGE  bcnext
	VMOVSS (SI)(BX*4), X0
	CMPQ   R11, $1
	JEQ    bcadd1
	VMULSS (R12)(BX*4), X0, X0
	CMPQ   R11, $0
	JEQ    bcstore1
bcadd1:
	VADDSS (R13)(BX*4), X0, X0
bcstore1:
	VMOVSS X0, (DI)(BX*4)
	INCQ   BX
	JMP    bc1

bcnext:
	ADDQ R10, DI
	ADDQ R10, SI
	DECQ R8
	JNZ  bcrow

bcdone:
	VZEROUPPER
	RET
