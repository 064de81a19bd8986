/*
 * user64.S - the ways into user mode (SYSRET, IRETQ, SYSEXIT), the kernel entry points
 * SYSCALL and SYSENTER reach, and the few-instruction user programs the checks run.
 *
 * Each user program reads CS (its RPL is the CPL), SS and RFLAGS into user_rec, then
 * leaves user mode its own way; the entry point it reaches records the registers the
 * instruction defines and hands control to the innermost catcher (kctx_return), which
 * makes the check's catch_call return. Every page is user-accessible in boot64.S's
 * identity map, so user programs write user_rec directly.
 *
 * See: Intel SDM Vol. 2B, "SYSCALL", "SYSRET", "SYSENTER", "SYSEXIT", "INT n/INTO/INT3/
 *      INT1", "IRET/IRETD/IRETQ"; AMD APM Vol. 2, "SYSCALL and SYSRET" (Long Mode).
 */
#include "cpu64.h"
#include "catch.h"
#include "user.h"

/* Store what user mode sees: CS, SS, RFLAGS (clobbers RAX). */
.macro RECORD_USER_VIEW
	movl %cs, %eax
	movq %rax, user_rec + UR_USER_CS(%rip)
	movl %ss, %eax
	movq %rax, user_rec + UR_USER_SS(%rip)
	pushfq
	popq user_rec + UR_USER_RFLAGS(%rip)
.endm

/* Kernel side of SYSCALL/SYSENTER: record RCX, R11, RSP, then (on our own stack) RFLAGS,
 * CS, SS, and leave through the innermost catcher with `reason`. */
.macro ENTRY_RECORD reason
	movq %rcx, user_rec + UR_RCX(%rip)
	movq %r11, user_rec + UR_R11(%rip)
	movq %rsp, user_rec + UR_RSP(%rip)
	leaq entry_stack_top(%rip), %rsp
	pushfq
	popq user_rec + UR_RFLAGS(%rip)
	movl %cs, %eax
	movq %rax, user_rec + UR_CS(%rip)
	movl %ss, %eax
	movq %rax, user_rec + UR_SS(%rip)
	movq catch_top(%rip), %rdi
	movl $\reason, %esi
	jmp kctx_return
.endm

	.text
/* SYSRET (64-bit operand size): RIP = RCX, RFLAGS = R11, CS/SS from STAR[63:48]. */
	.globl user_enter_sysret
user_enter_sysret:
	movq user_entry_rip(%rip), %rcx
	movq user_entry_rflags(%rip), %r11
	movq user_entry_rsp(%rip), %rsp
	sysretq

/* IRETQ with a hand-built frame: SS, RSP, RFLAGS, CS, RIP. */
	.globl user_enter_iret
user_enter_iret:
	pushq $(SEL_UDATA | SEL_RPL3)
	pushq user_entry_rsp(%rip)
	pushq user_entry_rflags(%rip)
	pushq $(SEL_UCODE64 | SEL_RPL3)
	pushq user_entry_rip(%rip)
	iretq

/* SYSEXIT (REX.W): RIP = RDX, RSP = RCX, CS/SS = SYSENTER_CS + 32 / + 40, RFLAGS kept. */
	.globl user_enter_sysexit, user_sysexit_at
user_enter_sysexit:
	movq user_entry_rip(%rip), %rdx
	movq user_entry_rsp(%rip), %rcx
user_sysexit_at:
	sysexitq

	.globl syscall_entry
syscall_entry:
	ENTRY_RECORD CATCH_SYSCALL

	.globl sysenter_entry
sysenter_entry:
	ENTRY_RECORD CATCH_SYSENTER

/* ---- user programs (CPL 3) ---------------------------------------------------------- */

	.globl user_prog_syscall, user_prog_syscall_after
user_prog_syscall:
	RECORD_USER_VIEW
	syscall
user_prog_syscall_after:
	ud2                       /* SYSCALL does not come back here */

	.globl user_prog_sysenter
user_prog_sysenter:
	RECORD_USER_VIEW
	sysenter
	ud2

	.globl user_prog_int, user_prog_int_after
user_prog_int:
	RECORD_USER_VIEW
	int $VECTOR_USER_INT      /* the handler records its frame and returns with IRETQ */
user_prog_int_after:
	movl %cs, %eax
	movq %rax, user_rec + UR_USER_CS_AFTER(%rip)
	int $VECTOR_USER_EXIT
	ud2

	.globl user_prog_int_dpl0, user_prog_int_dpl0_at
user_prog_int_dpl0:
	RECORD_USER_VIEW
user_prog_int_dpl0_at:
	int $VECTOR_DPL0          /* gate DPL 0 < CPL 3: #GP(vector * 8 + 2) */
	ud2

	.globl user_prog_read, user_prog_read_at
user_prog_read:
	RECORD_USER_VIEW
	movq user_arg(%rip), %rbx
user_prog_read_at:
	movq (%rbx), %rax
	int $VECTOR_USER_EXIT

	.globl user_prog_write, user_prog_write_at
user_prog_write:
	RECORD_USER_VIEW
	movq user_arg(%rip), %rbx
user_prog_write_at:
	movq %rax, (%rbx)
	int $VECTOR_USER_EXIT

/* The entry points' stack (SYSCALL leaves RSP alone; SYSENTER_ESP points here too). */
	.bss
	.balign 16
	.skip STACK_SIZE
	.globl entry_stack_top
entry_stack_top:

	.section .note.GNU-stack, "", @progbits
