/*
 * user.h - what the user-mode programs (user64.S) and their checks (user.c) share: the
 * record the entry points fill, the globals that say where user mode starts.
 * Also included by user64.S (offsets for the assembler; the C part is hidden from it).
 */
#ifndef CONFORM64_USER_H
#define CONFORM64_USER_H

/* struct user_record offsets. */
#define UR_RCX           0  /* kernel entry: RCX (SYSCALL: the user RIP after it) */
#define UR_R11           8  /* kernel entry: R11 (SYSCALL: the user RFLAGS) */
#define UR_RSP           16 /* kernel entry: RSP (SYSCALL keeps the user's) */
#define UR_RFLAGS        24 /* kernel entry: RFLAGS (after FMASK) */
#define UR_CS            32 /* kernel entry: CS */
#define UR_SS            40 /* kernel entry: SS */
#define UR_USER_CS       48 /* user mode: CS, read before the way back */
#define UR_USER_SS       56 /* user mode: SS */
#define UR_USER_RFLAGS   64 /* user mode: RFLAGS */
#define UR_USER_CS_AFTER 72 /* user mode: CS after IRETQ came back from INT 0x80 */
#define UR_SIZE          80

#ifndef __ASSEMBLER__
#include <stdint.h>

struct user_record {
    uint64_t rcx, r11, rsp, rflags, cs, ss;
    uint64_t user_cs, user_ss, user_rflags, user_cs_after;
};

_Static_assert(__builtin_offsetof(struct user_record, rflags) == UR_RFLAGS, "UR_RFLAGS");
_Static_assert(__builtin_offsetof(struct user_record, user_cs) == UR_USER_CS, "UR_USER_CS");
_Static_assert(__builtin_offsetof(struct user_record, user_cs_after) == UR_USER_CS_AFTER,
               "UR_USER_CS_AFTER");
_Static_assert(sizeof(struct user_record) == UR_SIZE, "UR_SIZE");

extern volatile struct user_record user_rec;

/* Where user mode starts: the user_enter_* functions read these. */
extern uint64_t user_entry_rip, user_entry_rsp, user_entry_rflags;
/* An address the user programs that touch memory use. */
extern uint64_t user_arg;
/* The kernel stack the SYSCALL and SYSENTER entries switch to (SYSCALL keeps the user's
 * RSP; SYSENTER loads SYSENTER_ESP, which user.c points here too). */
extern char entry_stack_top[];

/* Enter user mode at user_entry_rip with user_entry_rsp and user_entry_rflags (run by
 * catch_call: they never return). */
void user_enter_sysret(void);
void user_enter_iret(void);
void user_enter_sysexit(void);
extern char user_sysexit_at[]; /* the SYSEXIT instruction of user_enter_sysexit */

/* Kernel entry points (LSTAR, SYSENTER_EIP): record into user_rec, back to catch_top. */
void syscall_entry(void);
void sysenter_entry(void);

/* User programs, and the labels their checks compare RIPs with. */
void user_prog_syscall(void);
extern char user_prog_syscall_after[]; /* right after its SYSCALL: RCX must point here */
void user_prog_sysenter(void);
void user_prog_int(void);
extern char user_prog_int_after[]; /* right after its INT 0x80: the pushed RIP */
void user_prog_int_dpl0(void);
extern char user_prog_int_dpl0_at[]; /* its INT to the DPL 0 gate: the #GP's RIP */
void user_prog_read(void);
extern char user_prog_read_at[]; /* its load from user_arg */
void user_prog_write(void);
extern char user_prog_write_at[]; /* its store to user_arg */
#endif                            /* !__ASSEMBLER__ */
#endif                            /* CONFORM64_USER_H */
