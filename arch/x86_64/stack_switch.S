/*
 * stack_switch.S - void stack_switch_and_call(void *top, void (*fn)(const void *), arg)
 * Leave the firmware's stack for one hvlab owns, then call fn(arg), which never returns.
 * System V ABI: rdi = top, rsi = fn, rdx = arg; RSP must be 16-byte aligned at the call.
 */
    .text
    .globl stack_switch_and_call
stack_switch_and_call:
    andq $-16, %rdi
    movq %rdi, %rsp
    xorl %ebp, %ebp             /* end of the frame-pointer chain for backtraces */
    movq %rdx, %rdi
    call *%rsi
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
