/*
 * vmx_entry.S - enter the guest and come back.
 *
 * int vmx_enter(struct guest_regs *regs, int launched)
 *   Saves hvlab's callee-saved registers, records RSP as the VMCS HOST_RSP, loads the
 *   guest's general-purpose registers from regs->gprs[] (RSP excepted: the VMCS holds
 *   it), then VMLAUNCH (first entry) or VMRESUME. On success the CPU does not come back
 *   here: the next VM exit starts at vmx_exit_stub (the VMCS HOST_RIP) with RSP =
 *   HOST_RSP, which saves the guest registers and returns 0 from vmx_enter. If the
 *   instruction fails, it returns 1 (VMfailInvalid, CF=1) or 2 (VMfailValid, ZF=1).
 * See: SDM Vol. 3C, "VMLAUNCH/VMRESUME—Launch/Resume Virtual Machine" and "Loading
 * Host State" (a VM exit loads RSP and RIP from the host-state area and clears RFLAGS
 * except bit 1).
 */
#define VMCS_HOST_RSP_ENCODING 0x6C14 /* must equal VMCS_HOST_RSP (checked in vmx_backend.c) */
#define VMX_FAIL_INVALID 1
#define VMX_FAIL_VALID 2

/* Offsets of struct guest_regs: gprs[] in instruction-encoding order (enum guest_gpr). */
#define RAX 0
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
    .globl vmx_enter, vmx_exit_stub
vmx_enter:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi                  /* regs: vmx_exit_stub finds it at the top of the stack */

    movq $VMCS_HOST_RSP_ENCODING, %rax
    vmwrite %rsp, %rax
    jbe .Lfailed                /* CF or ZF set: the VMWRITE failed */

    testl %esi, %esi            /* launched? (the MOVs below leave the flags alone) */
    movq RAX(%rdi), %rax
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
    jnz 1f
    vmlaunch
    jmp .Lfailed                /* only reached if VMLAUNCH failed */
1:  vmresume

.Lfailed:
    movl $VMX_FAIL_INVALID, %eax /* MOV does not change CF/ZF */
    jc 2f
    movl $VMX_FAIL_VALID, %eax
2:  popq %rdi
    jmp .Lreturn

vmx_exit_stub:
    pushq %rdi                  /* the guest's RDI; below it lies the regs pointer */
    movq 8(%rsp), %rdi
    movq %rax, RAX(%rdi)
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
    popq %rdi
    xorl %eax, %eax             /* 0: the guest ran and exited */

.Lreturn:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

    .section .note.GNU-stack, "", @progbits
