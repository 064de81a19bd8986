/*
 * trap64.S - one entry stub per IDT vector (0-255), all funnelled into trap_dispatch().
 *
 * In 64-bit mode the CPU always pushes SS, RSP, RFLAGS, CS, RIP (and, for some
 * exceptions, an error code) on a 16-byte aligned stack: TSS.RSP0 when it comes from
 * CPL 3. Each stub pushes a 0 where the CPU pushed no error code, then its vector, so
 * trap_common always finds the same frame (struct trap_frame in trap.c, lowest first):
 *
 *   R15 ... RAX (15 registers) | vector | error | RIP CS RFLAGS RSP SS
 *   <------ trap_common ------>  stub   stub/CPU  <------- CPU ------>
 *
 * 176 bytes: RSP stays 16-byte aligned for the call. trap_dispatch may change the saved
 * RIP (to resume after a faulting instruction) or never return (a catcher takes over).
 *
 * See: Intel SDM Vol. 3A, "64-Bit Mode Stack Frame", "Exception and Interrupt
 *      Reference" (which vectors push an error code); Vol. 2A, "IRET/IRETD/IRETQ".
 */
#include "idt.h"

#define TRAP_STUB_ALIGN 16 /* every stub fits in 16 bytes */
#define TRAP_VECTORS    256

#define HAS_ERROR_CODE(v)                                                                     \
	(((v) == EXC_DF) || ((v) == EXC_TS) || ((v) == EXC_NP) || ((v) == EXC_SS) ||          \
	 ((v) == EXC_GP) || ((v) == EXC_PF) || ((v) == EXC_AC))

	.text
	.balign TRAP_STUB_ALIGN
trap_stubs:
	.set vector, 0
	.rept TRAP_VECTORS
	.balign TRAP_STUB_ALIGN
	.if HAS_ERROR_CODE(vector) == 0
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	.set vector, vector + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld                       /* the C code expects DF = 0 */
	movq %rsp, %rdi           /* argument: struct trap_frame * */
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp            /* vector and error code */
	iretq

/* Address of each stub, for trap_init(). */
	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.set vector, 0
	.rept TRAP_VECTORS
	.quad trap_stubs + vector * TRAP_STUB_ALIGN
	.set vector, vector + 1
	.endr

	.section .note.GNU-stack, "", @progbits
