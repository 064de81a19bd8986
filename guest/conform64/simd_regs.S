/*
 * simd_regs.S - load and store the 16 XMM or YMM registers, for simd.c's check that the
 * guest's vector state survives exits. In assembly because the C files are built with
 * -mgeneral-regs-only (the compiler never touches these registers between the calls).
 *
 *   simd_load_xmm(const void *src)  xmm0..15 = 16 x 16 bytes at src    (MOVDQU, SSE2)
 *   simd_store_xmm(void *dst)       16 x 16 bytes at dst = xmm0..15
 *   simd_load_ymm / simd_store_ymm  the same with 16 x 32 bytes       (VMOVDQU, AVX)
 *
 * See: Intel SDM Vol. 2B, "MOVDQU,VMOVDQU8/16/32/64—Move Unaligned Packed Integer Values".
 */
#define XMM_BYTES 16
#define YMM_BYTES 32

	.text
	.globl simd_load_xmm, simd_store_xmm, simd_load_ymm, simd_store_ymm
simd_load_xmm:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu \r * XMM_BYTES(%rdi), %xmm\r
	.endr
	ret

simd_store_xmm:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu %xmm\r, \r * XMM_BYTES(%rdi)
	.endr
	ret

simd_load_ymm:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu \r * YMM_BYTES(%rdi), %ymm\r
	.endr
	ret

simd_store_ymm:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\r, \r * YMM_BYTES(%rdi)
	.endr
	ret

	.section .note.GNU-stack, "", @progbits
