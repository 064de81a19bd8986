/*
 * test_interrupts.c - the core's event delivery and time handling, on the fake backend
 * and a virtual platform with a fake clock:
 *
 *   interrupts.c  which event goes in at the next entry: re-injected, queued exception,
 *                 PIC interrupt; the interrupt window when the guest cannot take it
 *   handlers/time.c + wait.c  HLT woken by the PIT, HLT that could never wake, the watchdog
 *   hypercall.c   HC_TIME, HC_YIELD, HC_SHUTDOWN, HC_TICKS_LOST
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/exceptions.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_dispatch.h"
#include "hypervisor/wait.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/interrupts.h"
#include "hypervisor/vcpu.h"
#include "tests/unit/fake_backend.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/host_pages.h"

#define RAM_SIZE       (2ull * 1024 * 1024)
#define GUEST_RIP      0x100040ull
#define LEN_HLT        1u /* F4 */
#define LEN_VMCALL     3u /* 0F 01 C1 */
#define IRQ_TIMER      0u
#define IRQ_COM1       4u
#define IRQ_RTC        8u /* on the slave */
#define MASK_NONE      0x00u
#define MASK_ALL       0xFFu
#define MASK_ALL_BUT_0 0xFEu
#define PIT_1KHZ       1193u /* divisor: 1193182 / 1193 = 1000.15 Hz */
#define OCW2_EOI       0x20u
#define TSC_MS         (FAKE_TSC_HZ / 1000)
#define WATCHDOG_S     2u

struct fixture {
    struct host_pages src;
    struct guest_memory mem;
    struct fake_cpu cpu;
    struct vcpu vcpu;
    struct virtual_platform vp;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    char why[128];
    assert_int_equal(
        guest_memory_create(&f->mem, RAM_SIZE, host_pages_alloc, &f->src, why, sizeof(why)), 0);
    fake_vcpu_attach(&f->vcpu, &f->cpu, &f->mem);
    f->vcpu.platform = &f->vp;
    f->vcpu.takes_host_input = true;
    f->vcpu.guest_name = "test";
    f->cpu.rip = GUEST_RIP;
    f->cpu.reg[VCPU_REG_RFLAGS] = FAKE_RFLAGS_IF;
    fake_platform_reset(&f->vp, TSC_MS / 10); /* 0.1 ms per clock read */
    console_clear();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    host_pages_free_all(&f->src);
    free(f);
    return 0;
}

static void raise_irq(struct fixture *f, unsigned irq)
{
    pic_set_irq(&f->vp.pic, irq, true);
    pic_set_irq(&f->vp.pic, irq, false);
}

static void assert_injected(struct fixture *f, enum guest_event_type type, uint8_t vector)
{
    assert_int_equal(f->cpu.inject_calls, 1);
    assert_int_equal(f->cpu.injected.type, type);
    assert_int_equal(f->cpu.injected.vector, vector);
    f->cpu.inject_calls = 0;
}

/* ---- event delivery ------------------------------------------------------------------- */

static void test_nothing_pending_injects_nothing(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    vcpu_deliver_events(&f->vcpu);
    assert_int_equal(f->cpu.inject_calls, 0);
    assert_false(f->cpu.window);
    assert_int_equal(f->cpu.window_calls, 0); /* no backend call when nothing changes */
}

static void test_interrupt_injected_when_guest_can_take_it(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    raise_irq(f, IRQ_COM1);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_COM1);
    assert_int_equal(f->vcpu.interrupts_injected, 1);
    /* Acknowledged: in service now, so the same request is not injected twice. */
    assert_int_equal(pic_pending_vector(&f->vp.pic), -1);
    vcpu_deliver_events(&f->vcpu);
    assert_int_equal(f->cpu.inject_calls, 0);
}

static void test_slave_interrupt_through_cascade(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    raise_irq(f, IRQ_RTC);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_SLAVE_BASE + (IRQ_RTC - 8));
}

static void test_masked_interrupt_waits(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    raise_irq(f, IRQ_TIMER);
    vcpu_deliver_events(&f->vcpu);
    assert_int_equal(f->cpu.inject_calls, 0);
    assert_false(f->cpu.window);
    pic_port_write(&f->vp.pic, PIC_MASTER_PORT + 1, MASK_ALL_BUT_0); /* unmask IRQ 0 */
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_if_clear_requests_window_then_injects(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    f->cpu.reg[VCPU_REG_RFLAGS] = 0; /* CLI */
    raise_irq(f, IRQ_TIMER);
    vcpu_deliver_events(&f->vcpu);
    assert_int_equal(f->cpu.inject_calls, 0);
    assert_true(f->cpu.window);
    vcpu_deliver_events(&f->vcpu); /* still closed: no second backend call */
    assert_int_equal(f->cpu.window_calls, 1);

    f->cpu.reg[VCPU_REG_RFLAGS] = FAKE_RFLAGS_IF; /* STI ... the window exit */
    struct vm_exit window = {.kind = VM_EXIT_INTERRUPT_WINDOW, .rip = GUEST_RIP};
    assert_int_equal(exit_dispatch(&f->vcpu, &window), ACTION_RESUME);
    assert_int_equal(f->cpu.rip, GUEST_RIP); /* no instruction to skip */
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
    assert_false(f->cpu.window);
}

static void test_interrupt_shadow_requests_window(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    f->cpu.interrupt_shadow = true; /* the instruction after STI */
    raise_irq(f, IRQ_TIMER);
    vcpu_deliver_events(&f->vcpu);
    assert_int_equal(f->cpu.inject_calls, 0);
    assert_true(f->cpu.window);
    f->cpu.interrupt_shadow = false;
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_queued_exception_goes_before_interrupt(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    raise_irq(f, IRQ_TIMER);
    vcpu_queue_exception(&f->vcpu, EXC_GENERAL_PROTECTION, true, 0);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXCEPTION, EXC_GENERAL_PROTECTION);
    assert_true(f->cpu.injected.has_error_code);
    assert_true(f->cpu.window); /* the interrupt comes right after */
    assert_int_equal(pic_pending_vector(&f->vp.pic), FAKE_PIC_MASTER_BASE + IRQ_TIMER);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_interrupted_delivery_is_reinjected(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    /* An exit while the CPU was delivering vector 0x24 with... an error code (say, #GP
     * style): the event comes back exactly as it was, before anything else. */
    struct vm_exit exit = {.kind = VM_EXIT_IO, .rip = GUEST_RIP};
    exit.interrupted = (struct guest_event){.valid = true,
                                            .type = EVENT_EXCEPTION,
                                            .vector = EXC_PAGE_FAULT,
                                            .has_error_code = true,
                                            .error_code = 0x6};
    vcpu_note_interrupted_event(&f->vcpu, &exit);
    raise_irq(f, IRQ_TIMER);
    /* A handler queuing its own exception does not replace the interrupted one. */
    vcpu_queue_exception(&f->vcpu, EXC_INVALID_OPCODE, false, 0);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXCEPTION, EXC_PAGE_FAULT);
    assert_int_equal(f->cpu.injected.error_code, 0x6);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_interrupted_external_interrupt_keeps_vector(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE);
    raise_irq(f, IRQ_COM1);
    vcpu_deliver_events(&f->vcpu); /* acknowledged at the PIC, in flight */
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_COM1);
    struct vm_exit exit = {.kind = VM_EXIT_MEMORY_VIOLATION, .rip = GUEST_RIP};
    exit.interrupted = (struct guest_event){.valid = true,
                                            .type = EVENT_EXTERNAL_INTERRUPT,
                                            .vector = FAKE_PIC_MASTER_BASE + IRQ_COM1};
    vcpu_note_interrupted_event(&f->vcpu, &exit);
    /* The guest cannot take interrupts right now: a re-injection is not a new interrupt
     * and goes in regardless (the CPU had already accepted it). */
    f->cpu.reg[VCPU_REG_RFLAGS] = 0;
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_COM1);
    assert_int_equal(f->vcpu.interrupts_injected, 1); /* counted once */
}

static void test_software_interrupt_keeps_length(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    struct vm_exit exit = {.kind = VM_EXIT_MEMORY_VIOLATION, .rip = GUEST_RIP};
    exit.interrupted = (struct guest_event){
        .valid = true, .type = EVENT_SOFTWARE_INTERRUPT, .vector = 0x80, .instr_len = 2};
    vcpu_note_interrupted_event(&f->vcpu, &exit);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_SOFTWARE_INTERRUPT, 0x80);
    assert_int_equal(f->cpu.injected.instr_len, 2);
}

/* ---- HLT, the PIT and the watchdog ---------------------------------------------------- */

/* Dispatch an exit; a guest that waits (HLT, HC_YIELD) is polled as the scheduler does,
 * on the fake clock, until its wait ends. */
static enum exit_action dispatch_and_wait(struct fixture *f, const struct vm_exit *exit)
{
    enum exit_action action = exit_dispatch(&f->vcpu, exit);
    while (action == ACTION_WAIT) {
        enum wake_reason why = vcpu_wait_poll(&f->vcpu, f->vp.read_tsc());
        if (why != WAKE_NOT_YET)
            action = vcpu_wait_end(&f->vcpu, exit, why);
    }
    return action;
}

static enum exit_action run_hlt(struct fixture *f)
{
    struct vm_exit exit = {.kind = VM_EXIT_HLT, .rip = GUEST_RIP, .instr_len = LEN_HLT};
    return dispatch_and_wait(f, &exit);
}

static void test_hlt_woken_by_pit(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL_BUT_0, MASK_ALL);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    uint64_t before = fake_tsc_now;
    assert_int_equal(run_hlt(f), ACTION_RESUME);
    assert_int_equal(f->cpu.rip, GUEST_RIP + LEN_HLT);
    /* Woken by the first tick, about 1 ms later (clock reads step 0.1 ms). */
    uint64_t slept = fake_tsc_now - before;
    assert_true(slept >= TSC_MS && slept <= TSC_MS + TSC_MS / 2);
    vcpu_deliver_events(&f->vcpu);
    assert_injected(f, EVENT_EXTERNAL_INTERRUPT, FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_hlt_with_interrupts_off_stops(void **state)
{
    struct fixture *f = *state;
    f->cpu.reg[VCPU_REG_RFLAGS] = 0;
    assert_int_equal(run_hlt(f), ACTION_END);
    assert_int_equal(f->vcpu.end, GUEST_STOPPED);
    assert_non_null(strstr(f->vcpu.stop_reason, "HLT with interrupts disabled"));
}

static void test_hlt_with_nothing_armed_stops(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_NONE, MASK_NONE); /* no PIT counting, UART silent */
    assert_int_equal(run_hlt(f), ACTION_END);
    assert_non_null(strstr(f->vcpu.stop_reason, "no unmasked timer or receiver"));
}

static void test_hlt_with_pit_masked_stops(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    assert_int_equal(run_hlt(f), ACTION_END);
    assert_int_equal(f->vcpu.end, GUEST_STOPPED);
}

static void arm_watchdog(struct fixture *f)
{
    f->vcpu.watchdog_s = WATCHDOG_S;
    f->vcpu.watchdog_tsc = WATCHDOG_S * FAKE_TSC_HZ;
    f->vcpu.watchdog_last_look_tsc = fake_tsc_now;
    f->vcpu.watchdog_look_tsc = fake_tsc_now + f->vcpu.watchdog_tsc;
}

static enum exit_action timer_exit(struct fixture *f)
{
    struct vm_exit timer = {.kind = VM_EXIT_TIMER, .rip = GUEST_RIP};
    return exit_dispatch(&f->vcpu, &timer);
}

static void test_timer_exit_before_budget_resumes(void **state)
{
    struct fixture *f = *state;
    arm_watchdog(f);
    fake_tsc_now += FAKE_TSC_HZ; /* 1 s with only timer exits: not time to look yet */
    assert_int_equal(timer_exit(f), ACTION_RESUME);
}

static void test_watchdog_stops_spinning_guest(void **state)
{
    struct fixture *f = *state;
    arm_watchdog(f);
    f->cpu.reg[VCPU_REG_RFLAGS] = 0;
    fake_tsc_step = 0;
    fake_tsc_now += WATCHDOG_S * FAKE_TSC_HZ + 5 * TSC_MS;
    assert_int_equal(timer_exit(f), ACTION_END);
    assert_non_null(strstr(f->vcpu.stop_reason, "no exit of its own for 2.005 s (watchdog=2)"));
    assert_non_null(strstr(f->vcpu.stop_reason, "interrupts off"));
}

static void test_guest_exit_kicks_watchdog(void **state)
{
    struct fixture *f = *state;
    arm_watchdog(f);
    struct vm_exit window = {.kind = VM_EXIT_INTERRUPT_WINDOW, .rip = GUEST_RIP};
    exit_dispatch(&f->vcpu, &window);
    assert_false(f->vcpu.watchdog_kicked); /* not the guest's doing */
    struct vm_exit call = {
        .kind = VM_EXIT_HYPERCALL, .rip = GUEST_RIP, .instr_len = LEN_VMCALL};
    f->vcpu.regs.gprs[GPR_RAX] = HC_VERSION;
    exit_dispatch(&f->vcpu, &call);
    assert_true(f->vcpu.watchdog_kicked);
    /* The look after one budget finds the kick: the guest lives, the next look is set. */
    fake_tsc_now += WATCHDOG_S * FAKE_TSC_HZ;
    assert_int_equal(timer_exit(f), ACTION_RESUME);
    assert_false(f->vcpu.watchdog_kicked);
    assert_true(f->vcpu.watchdog_look_tsc > fake_tsc_now);
    /* No kick until the next look: stopped then. */
    fake_tsc_now = f->vcpu.watchdog_look_tsc;
    assert_int_equal(timer_exit(f), ACTION_END);
}

/* ---- hypercalls about time ------------------------------------------------------------ */

static enum exit_action hypercall(struct fixture *f, uint32_t nr, uint32_t arg0)
{
    f->vcpu.regs.gprs[GPR_RAX] = nr;
    f->vcpu.regs.gprs[GPR_RBX] = arg0;
    struct vm_exit exit = {
        .kind = VM_EXIT_HYPERCALL, .rip = GUEST_RIP, .instr_len = LEN_VMCALL};
    return dispatch_and_wait(f, &exit);
}

static void test_hc_time_returns_nanoseconds(void **state)
{
    struct fixture *f = *state;
    fake_tsc_step = 0;
    fake_tsc_now = 5 * FAKE_TSC_HZ + 123; /* 5 s and 123 ns after the guest started */
    assert_int_equal(hypercall(f, HC_TIME, 0), ACTION_RESUME);
    uint64_t ns = 5000000123ull;
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], ns);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RDX], ns >> 32); /* EDX:EAX for 32-bit guests */
    assert_int_equal(f->cpu.rip, GUEST_RIP + LEN_VMCALL);
}

static void test_hc_yield_waits_for_tick(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL_BUT_0, MASK_ALL);
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    assert_int_equal(hypercall(f, HC_YIELD, 0), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], 0);
    assert_int_equal(pic_pending_vector(&f->vp.pic), FAKE_PIC_MASTER_BASE + IRQ_TIMER);
}

static void test_hc_yield_nothing_armed(void **state)
{
    struct fixture *f = *state;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    assert_int_equal(hypercall(f, HC_YIELD, 0), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], (uint64_t)(int64_t)HC_EWOULDBLOCK);
    assert_int_equal(f->vcpu.end, GUEST_RUNNING); /* an error back, not a stop */
}

/* With IRQ 0 masked for 10.5 periods of a 1 kHz PIT, the first edge sets IRR and the nine
 * after it are lost; 5 more periods with the request still waiting lose all 5. Every edge
 * is a request or counted, in EDX:EAX (docs/timer.md). */
static void test_hc_ticks_lost_counts_merged_edges(void **state)
{
    struct fixture *f = *state;
    fake_tsc_step = 0;
    fake_pic_init(&f->vp, MASK_ALL, MASK_ALL);
    uint64_t start = fake_tsc_now;
    fake_pit_periodic(&f->vp, PIT_1KHZ);
    fake_tsc_now = start + 10500000; /* 10.5 ms: 10 edges of 0.99985 ms */
    assert_int_equal(hypercall(f, HC_TICKS_LOST, 0), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], 9);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RDX], 0);
    assert_true(f->vp.pic.master.irr & 1u); /* the one request, waiting behind the mask */
    fake_tsc_now = start + 15500000;        /* 15.5 ms: 5 more edges, IRR still set */
    assert_int_equal(hypercall(f, HC_TICKS_LOST, 0), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], 14);
    assert_int_equal(f->cpu.rip, GUEST_RIP + LEN_VMCALL);
}

static void test_hc_shutdown_ends_guest_with_status(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(hypercall(f, HC_SHUTDOWN, 0x107), ACTION_END);
    assert_int_equal(f->vcpu.end, GUEST_EXITED);
    assert_int_equal(f->vcpu.exit_status, 7); /* the low byte */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_nothing_pending_injects_nothing),
        T(test_interrupt_injected_when_guest_can_take_it),
        T(test_slave_interrupt_through_cascade),
        T(test_masked_interrupt_waits),
        T(test_if_clear_requests_window_then_injects),
        T(test_interrupt_shadow_requests_window),
        T(test_queued_exception_goes_before_interrupt),
        T(test_interrupted_delivery_is_reinjected),
        T(test_interrupted_external_interrupt_keeps_vector),
        T(test_software_interrupt_keeps_length),
        T(test_hlt_woken_by_pit),
        T(test_hlt_with_interrupts_off_stops),
        T(test_hlt_with_nothing_armed_stops),
        T(test_hlt_with_pit_masked_stops),
        T(test_timer_exit_before_budget_resumes),
        T(test_watchdog_stops_spinning_guest),
        T(test_guest_exit_kicks_watchdog),
        T(test_hc_time_returns_nanoseconds),
        T(test_hc_yield_waits_for_tick),
        T(test_hc_yield_nothing_armed),
        T(test_hc_ticks_lost_counts_merged_edges),
        T(test_hc_shutdown_ends_guest_with_status),
#undef T
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
