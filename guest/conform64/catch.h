/*
 * catch.h - the numbers conform64's C and assembly agree on: the vectors of its own
 * gates, and the reasons a catcher (kctx_call) comes back with. Included by assembly.
 */
#ifndef CONFORM64_CATCH_H
#define CONFORM64_CATCH_H

#define VECTOR_USER_INT  0x80 /* DPL 3 interrupt gate: records the frame, IRETQ back */
#define VECTOR_USER_EXIT 0x81 /* DPL 3 interrupt gate: leaves user mode for the catcher */
#define VECTOR_DPL0      0x82 /* DPL 0 gate: INT n to it from CPL 3 raises #GP */

/* What kctx_call returns: 0 when fn returned, else how control came back. */
#define CATCH_RETURNED  0
#define CATCH_FAULT     1 /* an exception nobody expected (trap_fault says which) */
#define CATCH_USER_EXIT 2 /* INT VECTOR_USER_EXIT from user mode */
#define CATCH_SYSCALL   3 /* SYSCALL reached LSTAR (user_rec says what it saw) */
#define CATCH_SYSENTER  4 /* SYSENTER reached SYSENTER_EIP */

#endif /* CONFORM64_CATCH_H */
