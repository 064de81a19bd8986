/*
 * boot64.S - conform64's Multiboot header, its 32-bit entry, and the switch to 64-bit mode.
 *
 * The loader (hvlab, or QEMU -kernel) starts _start in 32-bit protected mode, paging off
 * (Multiboot 0.6.96, 3.2 "Machine state"); the file is an ELF32 container of 64-bit code
 * (guest64.mk). _start follows "Initializing IA-32e Mode": CR4.PAE, CR3 = the static PML4
 * below, EFER.LME, CR0.PG (now in compatibility mode), then a far jump through the 64-bit
 * code segment of our GDT. In 64-bit mode: data segments, the stack, .bss cleared, then
 *   guest_main(uint32_t magic, const struct multiboot_info *info).
 *
 * Page tables, built by the assembler (4-level paging, every non-leaf entry user-allowed
 * so the leaf decides):
 *
 *   PML4[0]   -> PDPT[0..3] -> 4 PDs of 2 MiB pages: 0-4 GiB identity, except
 *                              PD[0] -> a page table: 0-2 MiB in 4 KiB pages, page 0 absent
 *                              (a jump or load through a null pointer faults)
 *   PML4[511] -> PDPT[511]  -> PD[0] -> window_pt, filled by paging.c (0xFFFFFFFFC0000000)
 *
 * See: Intel SDM Vol. 3A, "Initializing IA-32e Mode", "4-Level Paging and 5-Level
 *      Paging"; AMD APM Vol. 2, "Enabling and Activating Long Mode".
 */
#include "cpu64.h"
#include "multiboot.h"

	.section .multiboot, "a"
	.balign MULTIBOOT_HEADER_ALIGN
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.text
	.code32
	.globl _start
	.type _start, @function
_start:
	movl %eax, %esi              /* Multiboot magic and info: guest_main's arguments */
	movl %ebx, %edi
	lgdt gdt_pointer32
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0              /* EFER.LMA = 1: compatibility mode on the loader's CS */
	ljmp $SEL_KCODE, $start64
	.size _start, . - _start

	.code64
start64:
	movw $SEL_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax              /* FS and GS stay null: their bases are the MSRs' */
	movw %ax, %fs
	movw %ax, %gs
	movq $stack_top, %rsp
	movl %edi, %ebx              /* keep the info pointer over rep stosb */
	cld
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	rep stosb
	movl %esi, %edi              /* guest_main(magic, info) in RDI, RSI */
	movl %ebx, %esi
	call guest_main
1:	cli
	hlt
	jmp 1b

/* Intel SDM Vol. 3A, "Segment Descriptors"; the layout is cpu64.h's (SYSCALL, SYSRET and
 * SYSEXIT take their selectors at fixed distances). trap.c fills in the TSS descriptor. */
	.data
	.balign 16
	.globl gdt
gdt:
	.quad 0                      /* null */
	.quad DESC_KCODE64           /* SEL_KCODE */
	.quad DESC_KDATA             /* SEL_KDATA */
	.quad DESC_UCODE32           /* SEL_UCODE32 */
	.quad DESC_UDATA             /* SEL_UDATA */
	.quad DESC_UCODE64           /* SEL_UCODE64 */
	.quad DESC_UDATA             /* SEL_UDATA_SYSEXIT */
	.quad 0, 0                   /* SEL_TSS */
gdt_end:

/* LGDT pseudo-descriptor as 32-bit code reads it: 16-bit limit, 32-bit base. */
	.balign 4
	.word 0
gdt_pointer32:
	.word gdt_end - gdt - 1
	.long gdt

/* The page tables of the picture above. */
	.balign PAGE_SIZE
	.globl pml4
pml4:
	.quad pdpt_identity + PTE_TABLE
	.fill WINDOW_PML4_INDEX - 1, 8, 0
	.quad pdpt_window + PTE_TABLE

pdpt_identity:
	.set i, 0
	.rept IDENTITY_PDS
	.quad pd_identity + i * PAGE_SIZE + PTE_TABLE
	.set i, i + 1
	.endr
	.fill PAGE_ENTRIES - IDENTITY_PDS, 8, 0

pd_identity:
	.quad pt_low + PTE_TABLE     /* 0-2 MiB: 4 KiB pages */
	.set i, 1
	.rept IDENTITY_PDS * PAGE_ENTRIES - 1
	.quad (i * LARGE_PAGE) + (PTE_P | PTE_RW | PTE_US | PTE_PS)
	.set i, i + 1
	.endr

pt_low:
	.quad 0                      /* page 0: not present */
	.set i, 1
	.rept PAGE_ENTRIES - 1
	.quad (i * PAGE_SIZE) + (PTE_P | PTE_RW | PTE_US)
	.set i, i + 1
	.endr

pdpt_window:
	.fill WINDOW_PDPT_INDEX, 8, 0
	.quad pd_window + PTE_TABLE

pd_window:
	.quad window_pt + PTE_TABLE
	.fill PAGE_ENTRIES - 1, 8, 0

	.globl window_pt
window_pt:
	.fill PAGE_ENTRIES, 8, 0

	.bss
	.balign 16
	.skip STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
