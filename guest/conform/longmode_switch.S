/*
 * longmode_switch.S - a round trip through IA-32e mode and back to 32-bit protected mode.
 *
 *   void long_mode_trip(uint32_t pml4, struct long_mode_trip *out, uint32_t go64)
 *
 * Called with interrupts off, paging off, from identity-mapped code (the tables map the
 * first 16 MiB 1:1). Steps, each from the SDM's "Initializing IA-32e Mode" and
 * "IA-32e Mode De-activation":
 *   1. CR3 = PML4, CR4.PAE = 1, EFER.LME = 1, CR0.PG = 1: IA-32e mode, compatibility
 *      submode (CS is still the 32-bit segment); EFER is read into out->efer_on.
 *   2. (go64 != 0) far jump to GDT_SEL_CODE64: 64-bit mode. A 64-bit shift builds a value
 *      above 4 GiB in R8 and stores it with one 8-byte MOV; CS is stored too. A far return
 *      to GDT_SEL_CODE goes back to compatibility mode.
 *   3. CR0.PG = 0 (leaves IA-32e mode), EFER.LME = 0, CR4.PAE = 0: protected mode, paging
 *      off, as the guest was.
 *
 * See: Intel SDM Vol. 3A, "Initializing IA-32e Mode", "Switching Out of IA-32e Mode
 *      Operation", "Code-Segment Descriptor in 64-bit Mode"; Vol. 1, "General-Purpose
 *      Registers in 64-Bit Mode" (upper halves undefined after a mode switch).
 */
#include "cpu.h"
#include "segment.h"
#include "longmode.h"

	.text
	.code32
	.globl long_mode_trip
	.type long_mode_trip, @function
long_mode_trip:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax          /* pml4 */
	movl 24(%esp), %esi          /* out */
	movl 28(%esp), %edi          /* go64 */

	/* 1. Enter IA-32e mode. */
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx         /* LMA must now read 1 */
	rdmsr
	movl %eax, TRIP_EFER_ON(%esi)

	/* 2. Into 64-bit mode and back, if asked to. */
	testl %edi, %edi
	jz 3f
	ljmp $GDT_SEL_CODE64, $1f
	.code64
1:	movl %esi, %esi              /* zero-extend RSI and RSP */
	movl %esp, %esp
	movq $TRIP_VALUE_LOW, %r8    /* 0x23456789 ... */
	movq $TRIP_VALUE_HIGH, %rax
	shlq $32, %rax               /* ... | 0x00000001_00000000: above 4 GiB */
	orq %rax, %r8
	shlq $TRIP_VALUE_SHIFT, %r8  /* a 64-bit shift: bits cross bit 32 */
	movq %r8, TRIP_VALUE64(%rsi)
	movw %cs, %ax
	movw %ax, TRIP_CS64(%rsi)
	pushq $GDT_SEL_CODE          /* far return to compatibility mode */
	leaq 2f(%rip), %rax
	pushq %rax
	lretq
	.code32
2:	movl $TRIP_REACHED, TRIP_RETURNED(%esi)

	/* 3. Leave IA-32e mode and PAE. */
3:	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	movl %cr4, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4

	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size long_mode_trip, . - long_mode_trip

	.section .note.GNU-stack, "", @progbits
