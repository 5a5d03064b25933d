//go:build !purego

#include "textflag.h"

// func gemm6x16AVX2(k int, a *float32, lda int, b *float32, c *float32, ldc int, bias *float32)
// C[r][0:16] = bias[0:16] + Σ_kk A[r][kk]·B[kk][0:16] for r < 6; B is a
// packed 16-column panel (k rows of 16 floats).
TEXT ·gemm6x16AVX2(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
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
	JZ    done

loop:
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
	JNZ          loop

done:
	MOVQ    c+32(FP), DX
	MOVQ    ldc+40(FP), R11
	MOVQ    bias+48(FP), BX
	SHLQ    $2, R11
	LEAQ    (R11)(R11*2), R12
	LEAQ    (DX)(R12*1), R12 // row 3 of C
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13

	VADDPS  Y12, Y0, Y0
	VADDPS  Y13, Y1, Y1
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VADDPS  Y12, Y2, Y2
	VADDPS  Y13, Y3, Y3
	VMOVUPS Y2, (DX)(R11*1)
	VMOVUPS Y3, 32(DX)(R11*1)
	VADDPS  Y12, Y4, Y4
	VADDPS  Y13, Y5, Y5
	VMOVUPS Y4, (DX)(R11*2)
	VMOVUPS Y5, 32(DX)(R11*2)
	VADDPS  Y12, Y6, Y6
	VADDPS  Y13, Y7, Y7
	VMOVUPS Y6, (R12)
	VMOVUPS Y7, 32(R12)
	VADDPS  Y12, Y8, Y8
	VADDPS  Y13, Y9, Y9
	VMOVUPS Y8, (R12)(R11*1)
	VMOVUPS Y9, 32(R12)(R11*1)
	VADDPS  Y12, Y10, Y10
	VADDPS  Y13, Y11, Y11
	VMOVUPS Y10, (R12)(R11*2)
	VMOVUPS Y11, 32(R12)(R11*2)
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
