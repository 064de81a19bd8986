/*
 * boot.S - Multiboot (v1) header and 32-bit entry point shared by every guest kernel.
 *
 * A Multiboot loader (GRUB, QEMU -kernel, or hvlab's guest loader) finds the header below
 * in the first 8 KiB of the file, loads the ELF segments at 1 MiB and jumps to _start in
 * the state of Multiboot 0.6.96, 3.2 "Machine state":
 *   32-bit protected mode, paging off, interrupts off,
 *   EAX = 0x2BADB002, EBX = physical address of struct multiboot_info,
 *   CS/DS/ES/SS flat, but GDTR may be invalid and ESP is undefined.
 * So _start loads its own GDT, sets up a stack, clears .bss and calls
 *   guest_main(uint32_t magic, const struct multiboot_info *info).
 */
#include "lib/multiboot.h"
#include "lib/segment.h"

#define STACK_SIZE 0x4000 /* 16 KiB: plenty for these single-threaded guests */

/* 3.1.1 "The layout of Multiboot header": magic, flags, checksum (sum is zero). */
	.section .multiboot, "a"
	.balign MULTIBOOT_HEADER_ALIGN
multiboot_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.text
	.globl _start
	.type _start, @function
_start:
	/* Keep the loader's EAX (magic) and EBX (info pointer) out of the way. */
	movl %eax, %esi
	movl %ebx, %edi

	/* Load our flat GDT, then reload CS with a far jump and the data segments. */
	lgdt gdt_pointer
	ljmp $GDT_SEL_CODE, $1f
1:	movw $GDT_SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $stack_top, %esp

	/* Zero .bss (the loader should have, but a hand-written loader may not). */
	cld
	movl %edi, %ebx
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* guest_main(magic, info): cdecl, arguments pushed right to left. */
	pushl %ebx
	pushl %esi
	call guest_main

	/* guest_main should not return; if it does, stop here for good. */
2:	cli
	hlt
	jmp 2b
	.size _start, . - _start

/* Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors": null, flat code, flat data, and a
 * 64-bit code segment that only a guest switching to IA-32e mode uses (guest/conform). */
	.section .rodata
	.balign 8
gdt:
	.long 0, 0                                /* GDT_SEL_NULL */
	.long SEG_LOW_FLAT, SEG_HIGH_FLAT_CODE    /* GDT_SEL_CODE */
	.long SEG_LOW_FLAT, SEG_HIGH_FLAT_DATA    /* GDT_SEL_DATA */
	.long SEG_LOW_FLAT, SEG_HIGH_CODE64       /* GDT_SEL_CODE64 */
gdt_end:

/* Pseudo-descriptor for LGDT: 16-bit limit, 32-bit base (SDM 3.5.1 "Segment Descriptor Tables"). */
	.balign 4
	.word 0                                   /* pad so the base is 4-byte aligned */
gdt_pointer:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
stack_bottom:
	.skip STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
