/*
 * isr.S - exception entry stubs and a register snapshot for panic().
 *
 * Every vector gets a stub of exactly ISR_STUB_SIZE bytes, so the IDT builder finds stub
 * n at isr_stubs + n * ISR_STUB_SIZE. Vectors without a CPU-pushed error code push 0,
 * so struct trap_frame (exceptions.h) has one layout. See: SDM Vol. 3A,
 * "Exception and Interrupt Handling in 64-bit Mode".
 */
#define ISR_STUB_SIZE 16

    .text
    .globl isr_stubs
    .balign ISR_STUB_SIZE
isr_stubs:
    .set vector, 0
    .rept 32
    .balign ISR_STUB_SIZE
    /* Error code pushed by the CPU for 8, 10-14, 17, 21, 29, 30. */
    .if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushq $0
    .endif
    pushq $vector
    jmp isr_common
    .set vector, vector + 1
    .endr

isr_common:
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
    movq %rsp, %rdi
    cld
    call exception_dispatch     /* never returns */
1:  cli
    hlt
    jmp 1b

/* The local APIC timer interrupt (lapic.h): save the registers a C call may change, EOI
 * in C, return. The interrupted code is hvlab itself, between STGI and CLI or STI and CLI. */
    .globl lapic_timer_stub, lapic_spurious_stub
lapic_timer_stub:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    cld
    call lapic_timer_interrupt
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    iretq

/* A spurious APIC interrupt needs no EOI (SDM Vol. 3A, "Spurious Interrupt"). */
lapic_spurious_stub:
    iretq

/* void cpu_capture_registers(struct trap_frame *frame): rip/rsp/rbp are the caller's. */
    .globl cpu_capture_registers
cpu_capture_registers:
    movq %r15, 0(%rdi)
    movq %r14, 8(%rdi)
    movq %r13, 16(%rdi)
    movq %r12, 24(%rdi)
    movq %r11, 32(%rdi)
    movq %r10, 40(%rdi)
    movq %r9, 48(%rdi)
    movq %r8, 56(%rdi)
    movq %rbp, 64(%rdi)
    movq %rdi, 72(%rdi)
    movq %rsi, 80(%rdi)
    movq %rdx, 88(%rdi)
    movq %rcx, 96(%rdi)
    movq %rbx, 104(%rdi)
    movq %rax, 112(%rdi)
    movq $0, 120(%rdi)          /* vector: none */
    movq $0, 128(%rdi)          /* error code: none */
    movq (%rsp), %rax
    movq %rax, 136(%rdi)        /* rip: our return address */
    movw %cs, %ax
    movzwq %ax, %rax
    movq %rax, 144(%rdi)
    pushfq
    popq %rax
    movq %rax, 152(%rdi)
    leaq 8(%rsp), %rax
    movq %rax, 160(%rdi)        /* rsp: the caller's, after our return */
    movw %ss, %ax
    movzwq %ax, %rax
    movq %rax, 168(%rdi)
    movq 112(%rdi), %rax
    ret

    .section .note.GNU-stack, "", @progbits
