/*
 * kctx.S - kctx_call/kctx_return: a setjmp/longjmp for the kernel side of conform64.
 *
 * kctx_call(c, fn) saves the callee-saved registers, RSP and the return address in *c
 * and calls fn; kctx_return(c, reason) puts them back and makes that kctx_call return
 * `reason`, from wherever it is called: a trap handler on the TSS.RSP0 stack, the SYSCALL
 * or SYSENTER entry, a check that faulted. Offsets: struct kctx in conform64.h.
 *
 * See: System V AMD64 ABI, "Registers" (callee-saved: RBX, RBP, R12-R15, RSP).
 */
#include "cpu64.h"

#define KCTX_RBX 0
#define KCTX_RBP 8
#define KCTX_R12 16
#define KCTX_R13 24
#define KCTX_R14 32
#define KCTX_R15 40
#define KCTX_RSP 48
#define KCTX_RIP 56

	.text
/* long kctx_call(struct kctx *c, void (*fn)(void)): 0 when fn returns. */
	.globl kctx_call
	.type kctx_call, @function
kctx_call:
	movq (%rsp), %rax
	movq %rax, KCTX_RIP(%rdi)
	leaq 8(%rsp), %rax        /* RSP as the caller sees it after our RET */
	movq %rax, KCTX_RSP(%rdi)
	movq %rbx, KCTX_RBX(%rdi)
	movq %rbp, KCTX_RBP(%rdi)
	movq %r12, KCTX_R12(%rdi)
	movq %r13, KCTX_R13(%rdi)
	movq %r14, KCTX_R14(%rdi)
	movq %r15, KCTX_R15(%rdi)
	subq $8, %rsp             /* fn starts with RSP = 8 mod 16, as after any call */
	call *%rsi
	addq $8, %rsp
	xorl %eax, %eax
	ret
	.size kctx_call, . - kctx_call

/* void kctx_return(struct kctx *c, long reason): never returns. */
	.globl kctx_return
	.type kctx_return, @function
kctx_return:
	cli                       /* the kernel side runs with IF = 0 ... */
	cld                       /* ... and DF = 0, whatever user mode left */
	movw $SEL_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss             /* an interrupt from CPL 3 left SS null */
	movq KCTX_RBX(%rdi), %rbx
	movq KCTX_RBP(%rdi), %rbp
	movq KCTX_R12(%rdi), %r12
	movq KCTX_R13(%rdi), %r13
	movq KCTX_R14(%rdi), %r14
	movq KCTX_R15(%rdi), %r15
	movq KCTX_RSP(%rdi), %rsp
	movq %rsi, %rax
	jmp *KCTX_RIP(%rdi)
	.size kctx_return, . - kctx_return

	.section .note.GNU-stack, "", @progbits
