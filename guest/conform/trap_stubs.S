/*
 * trap_stubs.S - one entry stub per IDT vector (0-47), all funnelled into trap_dispatch().
 *
 * The CPU pushes EFLAGS, CS, EIP and, for some exceptions, an error code. Each stub
 * pushes a 0 where the CPU pushed no error code, then its vector, so trap_common always
 * finds the same frame (struct trap_frame in trap.c, lowest address first):
 *
 *   EDI ESI EBP ESP EBX EDX ECX EAX | vector | error | EIP CS EFLAGS
 *   <-------- PUSHAD --------------->  stub     stub or CPU   CPU
 *
 * trap_dispatch may change the saved EIP (to resume after a faulting instruction).
 *
 * See: Intel SDM Vol. 3A, "Exception- or Interrupt-Handler Procedures" (stack frame),
 *      "Exception and Interrupt Reference" (which vectors push an error code); Vol. 2B,
 *      "PUSHA/PUSHAD—Push All General-Purpose Registers", "IRET/IRETD/IRETQ—Interrupt
 *      Return".
 */
#include "idt.h"

#define TRAP_STUB_ALIGN 16 /* every stub fits in 16 bytes */

/* Exceptions whose frame has an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC. */
#define HAS_ERROR_CODE(v)                                                                     \
	(((v) == EXC_DF) || ((v) == EXC_TS) || ((v) == EXC_NP) || ((v) == EXC_SS) ||          \
	 ((v) == EXC_GP) || ((v) == EXC_PF) || ((v) == EXC_AC))

	.text
	.balign TRAP_STUB_ALIGN
trap_stubs:
	.set vector, 0
	.rept IDT_VECTORS
	.balign TRAP_STUB_ALIGN
	.if HAS_ERROR_CODE(vector) == 0
	pushl $0
	.endif
	pushl $vector
	jmp trap_common
	.set vector, vector + 1
	.endr

trap_common:
	pushal
	cld                       /* the C code expects DF = 0 */
	pushl %esp                /* argument: struct trap_frame * */
	call trap_dispatch
	addl $4, %esp
	popal
	addl $8, %esp             /* vector and error code */
	iret

/* Address of each stub, for trap_init(). */
	.section .rodata
	.balign 4
	.globl trap_stub_table
trap_stub_table:
	.set vector, 0
	.rept IDT_VECTORS
	.long trap_stubs + vector * TRAP_STUB_ALIGN
	.set vector, vector + 1
	.endr

	.section .note.GNU-stack, "", @progbits
