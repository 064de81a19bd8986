/*
 * fake_backend.h - a stand-in for the VT-x/SVM backend, for host unit tests of the core.
 *
 * The core only reaches the hardware through struct virt_ops (hypervisor/virt_ops.h).
 * fake_ops fills that table with functions over a plain struct fake_cpu: registers are
 * array slots, RIP is a field, an injected exception is recorded instead of delivered.
 * Its vcpu_run replays a script of exits, so a test can also drive a small run loop.
 *
 *   test  --struct vm_exit-->  exit_dispatch()  --ops->get_reg/set_reg/...-->  fake_cpu
 *
 * The stub serial port (stub_serial.c) is declared here too: it keeps everything the core
 * prints in one buffer the tests search.
 */
#ifndef HVLAB_TESTS_FAKE_BACKEND_H
#define HVLAB_TESTS_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/vcpu.h"
#include "hypervisor/virt_ops.h"
#include "hypervisor/vm_exit.h"

/* What fake_ops.exit_reason_name answers for every raw reason. */
#define FAKE_EXIT_REASON_NAME "fake exit reason"
/* What fake_ops.exit_code_name answers for every hardware exit code. */
#define FAKE_EXIT_CODE_NAME   "fake exit code"

#define FAKE_RFLAGS_IF (1u << 9) /* RFLAGS.IF, as interrupts_open reads it */

/* One step of a scripted guest: before the exit, the guest put `value` into `gpr`
 * (set_gpr false: it changed no register). The exit's rip is filled in at replay time
 * with the fake CPU's current RIP. */
struct fake_step {
    struct vm_exit exit;
    bool set_gpr;
    enum guest_gpr gpr;
    uint64_t value;
};

struct fake_cpu {
    uint64_t reg[VCPU_REG_COUNT]; /* RSP, RFLAGS, CR0, CR3, CR4, EFER, segment bases */
    uint64_t rip;

    /* What the core did through the ops table, for assertions. */
    unsigned set_reg_calls[VCPU_REG_COUNT];
    unsigned set_rip_calls;
    unsigned inject_calls;
    struct guest_event injected; /* the last event injected, valid when inject_calls > 0 */
    bool interrupt_shadow;       /* the test says: the guest is in an STI/MOV SS shadow */
    bool window;                 /* interrupt-window exiting is requested */
    unsigned window_calls;
    unsigned load_calls;        /* vcpu_load: the scheduler switched to this vCPU */
    uint32_t last_reason_named; /* argument of the last exit_reason_name call */
    uint64_t last_code_named;   /* argument of the last exit_code_name call */

    /* Script for fake_ops.vcpu_run. */
    const struct fake_step *script;
    size_t script_len;
    size_t script_pos;
};

extern const struct virt_ops fake_ops;

/* Point vcpu at the fake backend: ops, arch = cpu, mem. Clears neither struct. */
void fake_vcpu_attach(struct vcpu *vcpu, struct fake_cpu *cpu, const struct guest_memory *mem);

/* Load a script for vcpu_run; each call returns the next step, then -1 when done. */
void fake_script(struct fake_cpu *cpu, const struct fake_step *steps, size_t count);

/* ---- stub serial port (stub_serial.c): what the real console.c printed ------------- */

/* Everything kprintf/log_msg printed since the last console_clear(), NUL-terminated. */
const char *console_text(void);
void console_clear(void);
/* Does the printed text contain `needle`? */
bool console_contains(const char *needle);
/* Bytes serial_read_byte() returns next, as if typed on hvlab's serial port. */
void stub_serial_input(const char *bytes);

#endif
