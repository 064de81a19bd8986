/*
 * svm_entry.S - enter the guest and come back.
 *
 * int svm_enter(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_state_pa)
 *   With the global interrupt flag clear (CLGI): VMSAVE hvlab's FS, GS, TR, LDTR,
 *   KernelGsBase, STAR/LSTAR/CSTAR/SFMASK and SYSENTER MSRs to host_state_pa, VMLOAD the
 *   guest's from the VMCB, load the guest's general-purpose registers from regs->gprs[]
 *   (RAX and RSP excepted: the VMCB holds them), then VMRUN with RAX = the VMCB's
 *   physical address. Unlike VMX, #VMEXIT comes back to the instruction after VMRUN,
 *   with hvlab's RAX, RSP, RIP, RFLAGS, segments and control registers reloaded from
 *   the host save area (VM_HSAVE_PA) and the other GPRs still holding the guest's
 *   values; those are saved to regs, the guest's VMLOAD state is VMSAVEd to the VMCB
 *   and hvlab's VMLOADed back. VMRUN runs with RFLAGS.IF = 1 (GIF = 0 keeps interrupts
 *   out until then), so the host APIC timer can end the guest's run; after STGI, with
 *   IF = 1, a pending timer interrupt goes to hvlab's IDT (lapic_timer_stub), then CLI.
 *   Always returns 0: a VMRUN that fails its consistency checks is a #VMEXIT with
 *   EXITCODE = VMEXIT_INVALID, which the caller reads from the VMCB.
 * See: APM Vol. 2, "VMRUN Instruction", "#VMEXIT", "VMSAVE and VMLOAD Instructions",
 * "Global Interrupt Flag, STGI and CLGI Instructions".
 */

/* Offsets of struct guest_regs: gprs[] in instruction-encoding order (enum guest_gpr). */
#define RCX 8
#define RDX 16
#define RBX 24
#define RBP 40
#define RSI 48
#define RDI 56
#define R8 64
#define R9 72
#define R10 80
#define R11 88
#define R12 96
#define R13 104
#define R14 112
#define R15 120

    .text
    .globl svm_enter
svm_enter:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi                  /* regs: found again at 8(%rsp) after the exit */
    pushq %rdx                  /* host_state_pa: at 16(%rsp) then */

    clgi                        /* no interrupt, NMI or SMI until STGI */
    movq %rdx, %rax
    vmsave %rax                 /* hvlab's FS/GS/TR/LDTR & co. */
    movq %rsi, %rax             /* RAX = VMCB: VMLOAD, VMRUN and VMSAVE all take it */
    vmload %rax                 /* the guest's FS/GS/TR/LDTR & co. */

    movq RCX(%rdi), %rcx
    movq RDX(%rdi), %rdx
    movq RBX(%rdi), %rbx
    movq RBP(%rdi), %rbp
    movq RSI(%rdi), %rsi
    movq R8(%rdi), %r8
    movq R9(%rdi), %r9
    movq R10(%rdi), %r10
    movq R11(%rdi), %r11
    movq R12(%rdi), %r12
    movq R13(%rdi), %r13
    movq R14(%rdi), %r14
    movq R15(%rdi), %r15
    movq RDI(%rdi), %rdi        /* last: it was the pointer */

    sti                         /* host IF = 1 at VMRUN: the APIC timer can end the run */
    vmrun %rax                  /* ... the guest runs until #VMEXIT ... */

    vmsave %rax                 /* RAX is the VMCB again (restored from the host save area) */
    pushq %rdi                  /* the guest's RDI; below it: host_state_pa, regs */
    movq 16(%rsp), %rdi
    movq %rcx, RCX(%rdi)
    movq %rdx, RDX(%rdi)
    movq %rbx, RBX(%rdi)
    movq %rbp, RBP(%rdi)
    movq %rsi, RSI(%rdi)
    movq %r8, R8(%rdi)
    movq %r9, R9(%rdi)
    movq %r10, R10(%rdi)
    movq %r11, R11(%rdi)
    movq %r12, R12(%rdi)
    movq %r13, R13(%rdi)
    movq %r14, R14(%rdi)
    movq %r15, R15(%rdi)
    popq %rax
    movq %rax, RDI(%rdi)

    popq %rax                   /* host_state_pa */
    vmload %rax                 /* hvlab's FS/GS/TR/LDTR & co. again */
    stgi                        /* IF is 1 again: a pending timer interrupt is taken here */
    cli
    popq %rdi
    xorl %eax, %eax             /* 0: the guest ran and exited */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

    .section .note.GNU-stack, "", @progbits
