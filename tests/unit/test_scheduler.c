/*
 * test_scheduler.c - Host unit tests for several VMs on one CPU (hypervisor/scheduler.c,
 * vm.c, wait.c, memory.c's owners).
 *
 * Real VMs (vm_create over the real page pool, a tiny in-memory kernel) run under the real
 * sched_run, on one fake clock (fake_platform.h) that every read moves on by READ_COST
 * ticks: hvlab's own code takes time too, and a scheduler that polls waiting VMs sees time
 * pass. The backend is the fake one (fake_backend.c) with three changes: every VM has its
 * own fake CPU and a "guest model", vcpu_run plays the model on the clock, and every
 * vcpu_run and vcpu_load is recorded in a trace the tests check.
 *
 *   guest model: steps {ticks of work, then an act: CPUID, HLT (IF=1), OUT to the
 *   debug-exit port, triple fault, mask IRQ 0}; an interrupt injected first runs its
 *   handler (OUT EOI to the PIC), then the interrupted work goes on.
 *   vcpu_run:    work up to vcpu->deadline_tsc; past it, a VM_EXIT_TIMER exit at the
 *                deadline, the rest of the work kept for the next entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/xcr0.h"
#include "boot/boot_info.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/memory.h"
#include "hypervisor/scheduler.h"
#include "hypervisor/vm.h"
#include "tests/unit/fake_backend.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/tiny_kernel.h"

#define MIB        (1ull << 20)
#define POOL_BYTES (32 * MIB) /* three VMs of 4 MiB and their state */
#define POOL_ALIGN (2 * MIB)
#define RAM_OPTION "mem=4M"
#define GUEST      "tiny"
#define MAX_VMS    3

#define TSC_MS    (FAKE_TSC_HZ / 1000)
#define SLICE     TSC_MS /* slice=1 */
#define READ_COST 20     /* fake ticks one clock read costs */
/* hvlab's own time around one exit, a switch or a wake-up, as a bound: it takes up to 8
 * clock reads today; four times that leaves room for change and is still 0.06 % of a slice. */
#define HANDLING  (32 * READ_COST)

/* PIT channel 0 divisors (PIT_HZ / divisor): periods that are no multiple of the slice. */
#define PIT_DIV_2_5MS  2983u
#define PIT_DIV_4MS    4773u
#define PIT_DIV_0_5MS  597u
#define PIT_IRQ0_ONLY  ((uint8_t)~PIC_IRQ_BIT(VPLATFORM_PIT_IRQ)) /* master mask */
#define PIC_ALL_MASKED 0xFFu

#define CPUID_LEN   2u      /* 0F A2 */
#define HLT_LEN     1u      /* F4 */
#define OUT_LEN     1u      /* EE / E6 ib: the length the fake exits report */
#define HANDLER_RIP 0x2000u /* where the guest's interrupt handler "runs" */

/* The host's XCR0 (arch/x86_64/xcr0.c) needs CR4 writes: this host offers no XSAVE. */
bool xcr0_host_enable(void) { return false; }
void xcr0_load(uint64_t value) { (void)value; }

void panic(const char *format, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    fail_msg("panic: %s", text);
    abort();
}

/* ---- guest models -------------------------------------------------------------------- */

enum act {
    ACT_CPUID,        /* an exit of its own that changes nothing */
    ACT_HLT,          /* STI; HLT */
    ACT_EXIT,         /* OUT to the debug-exit port: status `value` */
    ACT_TRIPLE_FAULT, /* stopped by hvlab */
    ACT_MASK_TIMER,   /* OUT 0x21, 0xFF: IRQ 0 masked from now on */
    ACT_EOI,          /* (its interrupt handler) OUT 0x20, EOI */
    ACT_PREEMPTED,    /* (the host) the deadline came first: VM_EXIT_TIMER */
};

struct guest_step {
    uint64_t work; /* ticks the guest computes before the act */
    enum act act;
    uint8_t value;
};

struct guest {
    struct fake_cpu cpu;
    const struct guest_step *steps;
    size_t count, pos;
    /* A CPU-bound guest is one step: all its work, then its exit. */
    uint64_t left;    /* work still to do of steps[pos] */
    bool begun;       /* left is valid for steps[pos] */
    unsigned handled; /* interrupts its handler took (one per injection) */
    bool in_handler;
    uint64_t saved_rip; /* where the handler returns to */
};

static struct guest guests[MAX_VMS + 1]; /* by VM id */

/* ---- the trace ----------------------------------------------------------------------- */

enum event_kind { EV_RUN, EV_LOAD };

struct event {
    enum event_kind kind;
    unsigned id;
    uint64_t start, end;    /* the clock at entry, at exit */
    uint64_t deadline;      /* vcpu->deadline_tsc at entry */
    uint64_t watchdog_look; /* vcpu->watchdog_look_tsc at entry */
    uint64_t rip;           /* guest RIP at entry */
    uint64_t exit_rip;      /* RIP of the instruction that exited */
    enum act act;           /* what ended the run */
    uint64_t due;           /* ACT_HLT: the VM's next device event, at the exit */
    size_t watch_owned;     /* pages the watched VM owns, at entry */
    uint8_t watch_byte;     /* the watched byte, at entry */
};

#define TRACE_MAX 4096
static struct event trace[TRACE_MAX];
static size_t trace_len;
static unsigned watch_id;                /* 0: none */
static const volatile uint8_t *watch_at; /* a host byte of the watched VM's RAM */

static struct event *record(enum event_kind kind, const struct vcpu *vcpu)
{
    if (trace_len == TRACE_MAX)
        fail_msg("trace full");
    struct event *e = &trace[trace_len++];
    *e = (struct event){.kind = kind, .id = vcpu->tlb_tag, .start = fake_tsc_now};
    return e;
}

static struct guest *guest_of(const struct vcpu *vcpu) { return &guests[vcpu->tlb_tag]; }

/* An OUT of `value` to `port` (size 1) as the exit the guest makes. */
static void out_exit(struct vcpu *vcpu, struct vm_exit *exit, uint16_t port, uint8_t value)
{
    exit->kind = VM_EXIT_IO;
    exit->instr_len = OUT_LEN;
    exit->u.io.port = port;
    exit->u.io.size = 1;
    vcpu_set_gpr(vcpu, GPR_RAX, value);
}

/* The act that ends a step, as the exit it makes. */
static void act_exit(struct vcpu *vcpu, struct guest *g, const struct guest_step *s,
                     struct vm_exit *exit)
{
    switch (s->act) {
    case ACT_CPUID:
        exit->kind = VM_EXIT_CPUID;
        exit->instr_len = CPUID_LEN;
        vcpu_set_gpr(vcpu, GPR_RAX, 0);
        vcpu_set_gpr(vcpu, GPR_RCX, 0);
        break;
    case ACT_HLT:
        g->cpu.reg[VCPU_REG_RFLAGS] |= FAKE_RFLAGS_IF;
        exit->kind = VM_EXIT_HLT;
        exit->instr_len = HLT_LEN;
        break;
    case ACT_EXIT: out_exit(vcpu, exit, HVLAB_DEBUG_EXIT_PORT, s->value); break;
    case ACT_MASK_TIMER: out_exit(vcpu, exit, PIC_MASTER_PORT + 1, PIC_ALL_MASKED); break;
    case ACT_TRIPLE_FAULT:
    default: exit->kind = VM_EXIT_TRIPLE_FAULT; break;
    }
}

/* Play the guest model from now up to the deadline (see the top). */
static int sched_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
    struct guest *g = guest_of(vcpu);
    struct event *e = record(EV_RUN, vcpu);
    e->deadline = vcpu->deadline_tsc;
    e->watchdog_look = vcpu->watchdog_look_tsc;
    e->rip = g->cpu.rip;
    if (watch_id) {
        e->watch_owned = memory_owned_pages(watch_id);
        e->watch_byte = *watch_at;
    }
    *exit = (struct vm_exit){0};
    if (g->in_handler) { /* IRET */
        g->cpu.rip = g->saved_rip;
        g->in_handler = false;
    }
    if (g->cpu.inject_calls > g->handled) {
        g->handled++;
        g->in_handler = true;
        g->saved_rip = g->cpu.rip;
        g->cpu.rip = HANDLER_RIP;
        out_exit(vcpu, exit, PIC_MASTER_PORT, PIC_OCW2_NONSPECIFIC_EOI);
        e->act = ACT_EOI;
    } else {
        if (g->pos >= g->count)
            return -1; /* the model ran out: "VM entry failed" in its row */
        const struct guest_step *s = &g->steps[g->pos];
        if (!g->begun) {
            g->left = s->work;
            g->begun = true;
        }
        uint64_t room = vcpu->deadline_tsc == VCPU_NO_DEADLINE ? UINT64_MAX
                        : vcpu->deadline_tsc > fake_tsc_now ? vcpu->deadline_tsc - fake_tsc_now
                                                            : 0;
        if (g->left > room) {
            fake_tsc_now += room;
            g->left -= room;
            exit->kind = VM_EXIT_TIMER;
            e->act = ACT_PREEMPTED;
        } else {
            fake_tsc_now += g->left;
            g->pos++;
            g->begun = false;
            act_exit(vcpu, g, s, exit);
            e->act = s->act;
        }
    }
    exit->rip = e->exit_rip = g->cpu.rip;
    exit->raw_reason = exit->kind;
    exit->hw_code = exit->kind;
    e->end = fake_tsc_now;
    if (e->act == ACT_HLT)
        e->due = vplatform_next_deadline(vcpu->platform, e->end);
    return 0;
}

static int sched_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                             const struct guest_start *start, char *why, size_t why_len)
{
    vcpu->arch = &guest_of(vcpu)->cpu;
    return fake_ops.vcpu_create(vcpu, mem, start, why, why_len);
}

static void sched_vcpu_load(struct vcpu *vcpu)
{
    record(EV_LOAD, vcpu)->end = fake_tsc_now;
    fake_ops.vcpu_load(vcpu);
}

static struct virt_ops sched_ops;

/* ---- the pool, the boot information, a group of VMs ---------------------------------- */

static struct tiny_elf kernel;
static struct boot_info info;
static const struct boot_guest_image image = {.name = GUEST,
                                              .data = (const uint8_t *)&kernel,
                                              .size = sizeof(kernel),
                                              .file = "built-in " GUEST ".elf",
                                              .problem = 0};
static void *pool;

static int setup(void **state)
{
    (void)state;
    tiny_elf_init(&kernel);
    pool = aligned_alloc(POOL_ALIGN, POOL_BYTES);
    assert_non_null(pool);
    info = (struct boot_info){.magic = BOOT_INFO_MAGIC,
                              .pool_base = (uint64_t)(uintptr_t)pool,
                              .pool_size = POOL_BYTES,
                              .guests = &image,
                              .guest_count = 1};
    assert_int_equal(boot_options_parse(RAM_OPTION, &info.options), 0);
    memory_init(&info);
    sched_ops = fake_ops;
    sched_ops.vcpu_create = sched_vcpu_create;
    sched_ops.vcpu_run = sched_vcpu_run;
    sched_ops.vcpu_load = sched_vcpu_load;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(pool);
    return 0;
}

struct group {
    struct vm *vms[MAX_VMS];
    struct vm_summary rows[MAX_VMS];
    struct boot_guest_spec specs[MAX_VMS];
    unsigned count;
    size_t free_before; /* pool pages free before the first creation */
    enum hv_status status;
};

static void group_begin(struct group *grp)
{
    memset(grp, 0, sizeof(*grp));
    memset(guests, 0, sizeof(guests));
    trace_len = 0;
    watch_id = 0;
    fake_tsc_now = 0;
    fake_tsc_step = READ_COST;
    console_clear();
    /* VMs a failed test left behind: their pages back, so this test starts clean. */
    for (unsigned id = 1; id <= MAX_VMS; id++)
        if (memory_owned_pages(id))
            memory_release_owner(id);
    grp->free_before = memory_free_pages();
}

/* VM number grp->count + 1 (its id), tagged `tag`, playing `steps`. */
static struct vm *group_add(struct group *grp, const char *tag, const struct guest_step *steps,
                            size_t count)
{
    unsigned i = grp->count++, id = i + 1;
    guests[id].steps = steps;
    guests[id].count = count;
    snprintf(grp->specs[i].name, sizeof(grp->specs[i].name), "%s", GUEST);
    grp->specs[i].mem = info.options.guest_mem;
    grp->specs[i].position = i;
    struct vm_config cfg = {.spec = &grp->specs[i],
                            .tag = tag,
                            .id = id,
                            .takes_host_input = i == 0,
                            .tsc_hz = FAKE_TSC_HZ,
                            .read_tsc = fake_read_tsc};
    struct vm *vm = vm_create(&info, &sched_ops, &cfg);
    if (!vm)
        fail_msg("vm_create %s failed:\n%s", tag, console_text());
    grp->vms[i] = vm;
    return vm;
}

/* sched_run over the group; afterwards every VM is gone and every page is back. */
static void group_run(struct group *grp)
{
    grp->status = sched_run(grp->vms, grp->count, SLICE, fake_read_tsc, grp->rows);
    for (unsigned i = 0; i < grp->count; i++) {
        assert_null(grp->vms[i]);
        assert_int_equal(memory_owned_pages(i + 1), 0);
    }
    assert_int_equal(memory_free_pages(), grp->free_before);
    assert_false(console_contains("VM entry failed"));
}

/* ---- reading the trace ---------------------------------------------------------------- */

static bool is_run(size_t k, unsigned id)
{
    return trace[k].kind == EV_RUN && trace[k].id == id;
}

static size_t last_run(unsigned id)
{
    for (size_t k = trace_len; k-- > 0;)
        if (is_run(k, id))
            return k;
    fail_msg("VM %u never ran", id);
    return 0;
}

static size_t next_run(size_t from, unsigned id)
{
    for (size_t k = from + 1; k < trace_len; k++)
        if (is_run(k, id))
            return k;
    fail_msg("VM %u does not run after event %zu", id, from);
    return 0;
}

static size_t next_run_any(size_t from)
{
    for (size_t k = from + 1; k < trace_len; k++)
        if (trace[k].kind == EV_RUN)
            return k;
    fail_msg("nothing runs after event %zu", from);
    return 0;
}

static unsigned runs_of(unsigned id)
{
    unsigned n = 0;
    for (size_t k = 0; k < trace_len; k++)
        n += is_run(k, id);
    return n;
}

/* Guest time VM id held the CPU in the runs before event `upto`. */
static uint64_t held(unsigned id, size_t upto)
{
    uint64_t t = 0;
    for (size_t k = 0; k < upto; k++)
        if (is_run(k, id))
            t += trace[k].end - trace[k].start;
    return t;
}

/* Every run enters the vCPU loaded last; a load comes exactly when another VM's vCPU was
 * the loaded one (or none yet): at each switch, and never for the same VM again. */
static void check_loads(void)
{
    unsigned loaded = 0;
    for (size_t k = 0; k < trace_len; k++) {
        const struct event *e = &trace[k];
        if (e->kind == EV_LOAD) {
            if (e->id == loaded)
                fail_msg("event %zu: VM %u loaded again while loaded", k, e->id);
            loaded = e->id;
        } else if (e->id != loaded)
            fail_msg("event %zu: VM %u runs, VM %u is loaded", k, e->id, loaded);
    }
}

/* A turn: maximal runs of one VM, from trace[first] to trace[last]. */
struct turn {
    unsigned id;
    size_t first, last;
};

/* The turns among events [from, to); returns how many (at most max). */
static size_t turns(size_t from, size_t to, struct turn *out, size_t max)
{
    size_t n = 0;
    for (size_t k = from; k < to; k++) {
        if (trace[k].kind != EV_RUN)
            continue;
        if (n && out[n - 1].id == trace[k].id) {
            out[n - 1].last = k;
            continue;
        }
        if (n == max)
            fail_msg("more than %zu turns", max);
        out[n++] = (struct turn){trace[k].id, k, k};
    }
    return n;
}

static uint64_t span(const struct turn *t)
{
    return trace[t->last].end - trace[t->first].start;
}

/* Turns while several VMs are ready: each at most one slice of guest time, a turn that
 * does not end its VM ends by preemption at the slice's end (or earlier, may_cut, for a
 * VM that waits for a tick), the next comes right after, and no VM of ids ever has more
 * than a slice (+ HANDLING) more CPU than another. */
static void check_slices(const struct turn *t, size_t n, const unsigned *ids, size_t nids,
                         bool may_cut)
{
    for (size_t i = 0; i < n; i++) {
        const struct event *last = &trace[t[i].last];
        if (span(&t[i]) > SLICE)
            fail_msg("turn %zu of VM %u: %lu ticks, more than a slice", i, t[i].id,
                     (unsigned long)span(&t[i]));
        if (last->act == ACT_PREEMPTED) {
            assert_int_equal(last->end, last->deadline);
            if (!may_cut) /* no VM waits for a tick: the slice runs out */
                assert_true(last->deadline + HANDLING >= trace[t[i].first].start + SLICE);
        }
        if (i + 1 < n && !may_cut) /* (with a sleeper, its turns come between) */
            assert_true(trace[t[i + 1].first].start - last->end <= HANDLING);
        for (size_t a = 0; a < nids; a++)
            for (size_t b = 0; b < nids; b++) {
                uint64_t ha = held(ids[a], t[i].last + 1), hb = held(ids[b], t[i].last + 1);
                if (ha > hb + SLICE + HANDLING)
                    fail_msg("after turn %zu: VM %u held %lu ticks, VM %u %lu", i, ids[a],
                             (unsigned long)ha, ids[b], (unsigned long)hb);
            }
    }
}

/* The row of VM id: its name, how it ended, its exits (one per entry), its CPU time: its
 * runs, plus hvlab's time around each exit (every turn ends with one). */
static void check_row(const struct vm_summary *row, const char *name, const char *end,
                      unsigned id)
{
    assert_string_equal(row->name, name);
    assert_string_equal(row->end, end);
    assert_int_equal(row->exits, runs_of(id));
    uint64_t guest = held(id, trace_len);
    if (row->cpu_tsc < guest || row->cpu_tsc > guest + (row->exits + 1) * HANDLING)
        fail_msg("VM %s: cpu_tsc %lu, its runs %lu, %lu exits", name,
                 (unsigned long)row->cpu_tsc, (unsigned long)guest, (unsigned long)row->exits);
    assert_int_equal(row->ram_bytes, info.options.guest_mem);
}

/* Every HLT of VM `sleeper`: it takes no turn until its next PIT tick, is woken then
 * (not before, and within HANDLING), its interrupt taken first and RIP past the HLT; the
 * run of another VM that spans the tick is cut at it. Returns how many HLTs it made. */
static unsigned check_wakeups(unsigned sleeper)
{
    unsigned sleeps = 0;
    for (size_t h = 0; h < trace_len; h++) {
        if (!is_run(h, sleeper) || trace[h].act != ACT_HLT)
            continue;
        sleeps++;
        uint64_t due = trace[h].due;
        assert_true(due != VPLATFORM_NO_DEADLINE && due > trace[h].end);
        size_t r = next_run(h, sleeper);
        if (trace[r].start < due || trace[r].start > due + HANDLING)
            fail_msg("sleep %u: tick at %lu, woken at %lu", sleeps, (unsigned long)due,
                     (unsigned long)trace[r].start);
        assert_int_equal(trace[r].rip, trace[h].exit_rip + HLT_LEN);
        assert_int_equal(trace[r].act, ACT_EOI); /* the interrupt is taken first */
        bool cut = false;
        for (size_t k = h + 1; k < r; k++) {
            if (trace[k].kind == EV_LOAD) { /* the sleeper's only just before r */
                assert_true(trace[k].id != sleeper || k + 1 == r);
                continue;
            }
            assert_false(trace[k].start < due && trace[k].end > due);
            cut |= trace[k].deadline == due && trace[k].end == due;
        }
        if (!cut)
            fail_msg("sleep %u: no run was cut at the tick %lu", sleeps, (unsigned long)due);
    }
    return sleeps;
}

/* ---- 1. CPU-bound VMs share the CPU slice by slice ------------------------------------ */

#define CPUID_STEPS 40
#define CPUID_WORK  (3 * SLICE / 10) /* three exits and a part in each slice */

static void test_cpu_bound_vms_alternate_by_slices(void **state)
{
    (void)state;
    static struct guest_step steps[CPUID_STEPS + 1];
    for (unsigned i = 0; i < CPUID_STEPS; i++)
        steps[i] = (struct guest_step){CPUID_WORK, ACT_CPUID, 0};
    steps[CPUID_STEPS] = (struct guest_step){0, ACT_EXIT, 0};
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "a", steps, CPUID_STEPS + 1);
    group_add(&grp, "b", steps, CPUID_STEPS + 1);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    /* Both ready until the first one ends: its last run ends the shared part. */
    size_t shared_end = last_run(1) < last_run(2) ? last_run(1) : last_run(2);
    struct turn t[TRACE_MAX];
    size_t n = turns(0, shared_end + 1, t, TRACE_MAX);
    const unsigned ids[] = {1, 2};
    check_slices(t, n, ids, 2, false);
    /* 12 ms of work each at 1 ms a slice: a took 12 full slices and ended in its 13th. */
    uint64_t work = CPUID_STEPS * CPUID_WORK;
    assert_int_equal(n, 2 * (work / SLICE) + 1);
    assert_int_equal(t[0].id, 1);
    unsigned loads = 0;
    for (size_t k = 0; k < trace_len; k++)
        loads += trace[k].kind == EV_LOAD;
    assert_int_equal(loads, n + 1); /* every turn, and b's last one alone */

    check_row(&grp.rows[0], "a", "exited, status 0", 1);
    check_row(&grp.rows[1], "b", "exited, status 0", 2);
    assert_int_equal(grp.rows[0].status, HV_STATUS_OK);
    assert_int_equal(grp.rows[1].status, HV_STATUS_OK);
    assert_int_equal(grp.rows[0].exits, CPUID_STEPS + 1 + (work / SLICE)); /* + preemptions */
    assert_true(grp.rows[0].group_tsc >= grp.rows[0].cpu_tsc + grp.rows[1].cpu_tsc);
    assert_true(grp.rows[0].group_tsc == grp.rows[1].group_tsc);
}

/* ---- 2. a halted VM takes no slices and is woken by its PIT tick ---------------------- */

#define SLEEPS     4
#define SHORT_WORK (SLICE / 10)

static void test_hlt_waits_without_slices_woken_by_pit(void **state)
{
    (void)state;
    static const struct guest_step busy[] = {{30 * SLICE, ACT_EXIT, 0}};
    static const struct guest_step sleeper[] = {
        {SHORT_WORK, ACT_HLT, 0}, {SHORT_WORK, ACT_HLT, 0},  {SHORT_WORK, ACT_HLT, 0},
        {SHORT_WORK, ACT_HLT, 0}, {SHORT_WORK, ACT_EXIT, 0},
    };
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "busy", busy, 1);
    struct vm *b = group_add(&grp, "sleeper", sleeper, SLEEPS + 1);
    fake_pic_init(&b->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&b->platform, PIT_DIV_2_5MS);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    assert_int_equal(check_wakeups(2), SLEEPS);
    assert_int_equal(guests[2].cpu.inject_calls, SLEEPS);
    assert_int_equal(guests[2].cpu.injected.vector, FAKE_PIC_MASTER_BASE + VPLATFORM_PIT_IRQ);
    /* Five short steps and four handlers: the sleeper held the CPU well under a slice in
     * all, while busy ran 30. */
    assert_true(grp.rows[1].cpu_tsc < (SLEEPS + 1) * SHORT_WORK + 2 * SLEEPS * HANDLING);
    check_row(&grp.rows[0], "busy", "exited, status 0", 1);
    check_row(&grp.rows[1], "sleeper", "exited, status 0", 2);
}

/* ---- 3. a VM that ends mid-slice: the next runs at once, its memory is scrubbed ------ */

#define SECRET     0xA5u
#define RAM_PAGES  (4 * MIB / PAGE_SIZE)
#define EXIT_SEVEN 7

static void test_vm_ending_mid_slice(void **state)
{
    (void)state;
    static const struct guest_step ends[] = {{2 * SLICE + SLICE / 2, ACT_EXIT, EXIT_SEVEN}};
    static const struct guest_step busy[] = {{10 * SLICE, ACT_EXIT, 0}};
    static uint8_t *pages[RAM_PAGES];
    struct group grp;
    group_begin(&grp);
    struct vm *a = group_add(&grp, "a", ends, 1);
    group_add(&grp, "b", busy, 1);
    group_add(&grp, "c", busy, 1);
    /* a's RAM holds a secret; the host addresses are kept, a's struct will be gone. */
    assert_int_equal(a->mem.ram_size / PAGE_SIZE, RAM_PAGES);
    assert_int_equal(guest_memory_fill(&a->mem, 0, SECRET, a->mem.ram_size), 0);
    for (size_t p = 0; p < RAM_PAGES; p++)
        pages[p] = guest_memory_host_ptr(&a->mem, p * PAGE_SIZE);
    watch_id = 1;
    watch_at = pages[TINY_TEXT_PADDR / PAGE_SIZE];
    size_t owned = memory_owned_pages(1);
    assert_true(owned > RAM_PAGES);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_GUEST_FAILED); /* a's status is 7 */
    check_loads();

    /* a ended in its third turn, half-way through the slice. */
    size_t end = last_run(1);
    assert_int_equal(trace[end].act, ACT_EXIT);
    uint64_t slice_left = trace[end].deadline - trace[end].end;
    assert_true(slice_left <= SLICE / 2 && slice_left + HANDLING >= SLICE / 2);
    /* Round robin: a, b, c, a, b, c, a - whose third turn ends it. */
    struct turn before[TRACE_MAX];
    size_t nb = turns(0, end + 1, before, TRACE_MAX);
    const unsigned all[] = {1, 2, 3};
    assert_int_equal(nb, 7);
    for (size_t i = 0; i < nb; i++)
        assert_int_equal(before[i].id, 1 + i % 3);
    check_slices(before, nb, all, 3, false);
    /* Until then a's pages were its own and held the secret. */
    for (size_t k = 0; k <= end; k++)
        if (trace[k].kind == EV_RUN) {
            assert_int_equal(trace[k].watch_owned, owned);
            assert_int_equal(trace[k].watch_byte, SECRET);
        }
    /* b runs next at once, with a's pages already back and zero. */
    size_t next = next_run_any(end);
    assert_int_equal(trace[next].id, 2);
    assert_int_equal(trace[next - 1].kind, EV_LOAD);
    assert_true(trace[next].start - trace[end].end <= HANDLING);
    assert_int_equal(trace[next].watch_owned, 0);
    assert_int_equal(trace[next].watch_byte, 0);
    for (size_t p = 0; p < RAM_PAGES; p++)
        for (size_t i = 0; i < PAGE_SIZE; i++)
            if (pages[p][i])
                fail_msg("a's page %zu, byte %zu: 0x%x after release", p, i, pages[p][i]);
    /* b and c go on sharing the CPU by slices, a never runs again. */
    size_t shared_end = last_run(2) < last_run(3) ? last_run(2) : last_run(3);
    struct turn t[TRACE_MAX];
    size_t n = turns(next, shared_end + 1, t, TRACE_MAX);
    const unsigned ids[] = {2, 3};
    check_slices(t, n, ids, 2, false);
    assert_true(n >= 10);
    for (size_t k = end + 1; k < trace_len; k++)
        assert_int_not_equal(trace[k].id, 1);

    check_row(&grp.rows[0], "a", "exited, status 7", 1);
    assert_int_equal(grp.rows[0].status, HV_STATUS_GUEST_FAILED);
    check_row(&grp.rows[1], "b", "exited, status 0", 2);
    check_row(&grp.rows[2], "c", "exited, status 0", 3);
    assert_true(console_contains("guest \"a\" exited with status 7"));
}

/* ---- 4. the last VM runs without a slice and sched_run returns when it ends ---------- */

static void last_vm_alone(unsigned watchdog_s)
{
    static const struct guest_step shorter[] = {{2 * SLICE + SLICE / 2, ACT_EXIT, 0}};
    static const struct guest_step longer[] = {{10 * SLICE, ACT_EXIT, 0}};
    info.options.watchdog_s = watchdog_s;
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "a", shorter, 1);
    group_add(&grp, "b", longer, 1);
    info.options.watchdog_s = WATCHDOG_DEFAULT_S;
    group_run(&grp);
    uint64_t returned = fake_tsc_now;
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    /* After a's end, b's remaining 8 ms run in one entry, up to its own exit: the only
     * deadline is its watchdog's next look (none without a watchdog). */
    size_t end = last_run(1), next = next_run(end, 2);
    assert_int_equal(next, last_run(2));
    assert_int_equal(trace[next].act, ACT_EXIT);
    assert_int_equal(trace[next].end - trace[next].start, 10 * SLICE - held(2, next));
    assert_true(held(2, next) <= 2 * SLICE && held(2, next) + 2 * HANDLING >= 2 * SLICE);
    if (watchdog_s) {
        assert_int_equal(trace[next].deadline, trace[next].watchdog_look);
        assert_true(trace[next].deadline >= trace[next].start + watchdog_s * FAKE_TSC_HZ / 2);
    } else
        assert_int_equal(trace[next].deadline, VCPU_NO_DEADLINE);
    /* Before, while both ran, every deadline was a slice's end. */
    for (size_t k = 0; k < end; k++)
        if (trace[k].kind == EV_RUN)
            assert_true(trace[k].deadline <= trace[k].start + SLICE);
    /* sched_run returned when b ended: nothing after its last run but the report. */
    assert_int_equal(trace_len, next + 1);
    assert_true(returned - trace[next].end <= HANDLING);
    check_row(&grp.rows[0], "a", "exited, status 0", 1);
    check_row(&grp.rows[1], "b", "exited, status 0", 2);
}

static void test_last_vm_runs_without_slice(void **state)
{
    (void)state;
    last_vm_alone(WATCHDOG_DEFAULT_S);
    last_vm_alone(0);
}

/* ---- 5. a stopped VM does not stop the others ---------------------------------------- */

static void test_stopped_vm_others_go_on(void **state)
{
    (void)state;
    static const struct guest_step faults[] = {{SLICE + SLICE / 2, ACT_TRIPLE_FAULT, 0}};
    static const struct guest_step busy[] = {{5 * SLICE, ACT_EXIT, 0}};
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "faulty", faults, 1);
    group_add(&grp, "ok", busy, 1);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_GUEST_FAILED);
    check_loads();

    size_t end = last_run(1);
    assert_int_equal(trace[end].act, ACT_TRIPLE_FAULT);
    assert_true(last_run(2) > end);
    assert_int_equal(held(2, trace_len), 5 * SLICE); /* all of its work was done */
    assert_int_equal(grp.rows[0].status, HV_STATUS_GUEST_FAILED);
    assert_int_equal(grp.rows[1].status, HV_STATUS_OK);
    check_row(&grp.rows[0], "faulty", "stopped: triple fault: an exception while deliv", 1);
    check_row(&grp.rows[1], "ok", "exited, status 0", 2);
    assert_true(console_contains("guest \"faulty\" stopped: triple fault"));
    assert_true(console_contains("guest \"ok\" exited with status 0"));
}

/* ---- 6. every VM waits: the CPU idles until a tick; a HLT nothing can wake ----------- */

#define NOTHING_ARMED                                                                          \
    "HLT with interrupts enabled, but no unmasked timer or receiver could ever interrupt "     \
    "the guest"

static void test_all_waiting_idle_then_nothing_armed(void **state)
{
    (void)state;
    static const struct guest_step a_steps[] = {
        {SHORT_WORK, ACT_HLT, 0}, {SHORT_WORK, ACT_HLT, 0}, {SHORT_WORK, ACT_EXIT, 0}};
    static const struct guest_step b_steps[] = {{SHORT_WORK, ACT_HLT, 0},
                                                {SHORT_WORK / 2, ACT_MASK_TIMER, 0},
                                                {SHORT_WORK / 2, ACT_HLT, 0}};
    struct group grp;
    group_begin(&grp);
    struct vm *a = group_add(&grp, "a", a_steps, 3);
    struct vm *b = group_add(&grp, "b", b_steps, 3);
    fake_pic_init(&a->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&a->platform, PIT_DIV_2_5MS);
    fake_pic_init(&b->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&b->platform, PIT_DIV_4MS);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_GUEST_FAILED);
    check_loads();

    /* The whole schedule. Whenever every VM waits, nothing runs until the first tick of
     * one is due, and that VM runs soon after it: the scheduler idled, polling. */
    static const struct {
        unsigned id;
        enum act act;
        int woken_by; /* the run is a wake-up by the tick due after this one's HLT */
    } expected[] = {
        {1, ACT_HLT, -1},        {2, ACT_HLT, -1}, {1, ACT_EOI, 0}, /* a's 2.5 ms tick */
        {1, ACT_HLT, -1},        {2, ACT_EOI, 1},                   /* b's 4 ms tick */
        {2, ACT_MASK_TIMER, -1}, {2, ACT_HLT, -1}, /* b is stopped at its next poll */
        {1, ACT_EOI, 3},                           /* a's 5 ms tick */
        {1, ACT_EXIT, -1},
    };
    size_t run[sizeof(expected) / sizeof(expected[0])], n = 0;
    for (size_t k = 0; k < trace_len; k++)
        if (trace[k].kind == EV_RUN) {
            assert_true(n < sizeof(run) / sizeof(run[0]));
            run[n++] = k;
        }
    assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &trace[run[i]];
        if (e->id != expected[i].id || e->act != expected[i].act)
            fail_msg("run %zu: VM %u act %d, expected VM %u act %d", i, e->id, e->act,
                     expected[i].id, expected[i].act);
        if (expected[i].woken_by < 0)
            continue;
        uint64_t due = trace[run[expected[i].woken_by]].due;
        if (e->start < due || e->start > due + HANDLING)
            fail_msg("run %zu: tick at %lu, runs at %lu", i, (unsigned long)due,
                     (unsigned long)e->start);
        assert_true(trace[run[i - 1]].end + SLICE / 2 < due); /* nothing ran meanwhile */
    }

    /* b masked its timer and halted: stopped at its next poll, a went on and exited. */
    size_t b_end = last_run(2);
    assert_int_equal(trace[b_end].act, ACT_HLT);
    assert_int_equal(trace[b_end].due, VPLATFORM_NO_DEADLINE);
    assert_true(trace[last_run(1)].start > trace[b_end].end);
    assert_true(console_contains("guest \"b\" stopped: " NOTHING_ARMED));
    /* The row keeps what fits its column (SCHED_END_MAX); the log line has it all. */
    char end[SCHED_END_MAX];
    memcpy(end, "stopped: " NOTHING_ARMED, sizeof(end) - 1);
    end[sizeof(end) - 1] = '\0';
    check_row(&grp.rows[1], "b", end, 2);
    assert_int_equal(grp.rows[1].status, HV_STATUS_GUEST_FAILED);
    check_row(&grp.rows[0], "a", "exited, status 0", 1);
    assert_int_equal(grp.rows[0].status, HV_STATUS_OK);
}

/* ---- 7. wake-up on time wherever the sleeper is in the turn order ------------------- */

/* Three VMs: two CPU-bound, the sleeper last in turn. A tick that falls in b's turn finds
 * the sleeper next; one in a's turn has b between them. Either way the sleeper must run
 * at its tick, and a and b keep equal shares (within a slice).
 * (This found a bug: pick() took b, the first ready VM after a, without polling the
 * sleeper behind it, and the sleeper woke a slice late. A woken VM now runs out of turn.) */
#define TICKS 12

static void test_wakeup_on_time_behind_a_ready_vm(void **state)
{
    (void)state;
    static const struct guest_step busy[] = {{40 * SLICE, ACT_EXIT, 0}};
    static struct guest_step sleeper[TICKS + 1];
    for (unsigned i = 0; i < TICKS; i++)
        sleeper[i] = (struct guest_step){SHORT_WORK, ACT_HLT, 0};
    sleeper[TICKS] = (struct guest_step){SHORT_WORK, ACT_EXIT, 0};
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "a", busy, 1);
    group_add(&grp, "b", busy, 1);
    struct vm *c = group_add(&grp, "sleeper", sleeper, TICKS + 1);
    fake_pic_init(&c->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&c->platform, PIT_DIV_2_5MS);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    assert_int_equal(check_wakeups(3), TICKS);
    /* While the sleeper lives, a and b share what it leaves, turn by turn. */
    struct turn t[TRACE_MAX];
    size_t n = 0, all = turns(0, last_run(3) + 1, t, TRACE_MAX);
    for (size_t i = 0; i < all; i++)
        if (t[i].id != 3)
            t[n++] = t[i];
    const unsigned ids[] = {1, 2};
    check_slices(t, n, ids, 2, true);
    check_row(&grp.rows[0], "a", "exited, status 0", 1);
    check_row(&grp.rows[1], "b", "exited, status 0", 2);
    check_row(&grp.rows[2], "sleeper", "exited, status 0", 3);
}

/* ---- 8. waking often buys no more than a fair share ---------------------------------- */

/* A "greedy" sleeper: woken every 0.5 ms, it computes 0.3 ms and halts again. Run out of
 * turn at every tick, it would take 60 % of the CPU from two CPU-bound VMs. It may wake
 * early only on its round's credit (a slice), and a turn it cuts goes on after it, so
 * while all three live it never holds more than a slice (+ hvlab's time) more than a or
 * b, and a and b stay as close to each other. (Measured: a 31.0 ms, b 31.0, greedy 18.3
 * while it lived. Without either rule it is ahead of b by 1.1 slices after 4 ms.) */
#define GREEDY_SLEEPS 60
#define GREEDY_WORK   (3 * SLICE / 10)

static void test_waking_often_takes_no_more_than_a_share(void **state)
{
    (void)state;
    static const struct guest_step busy[] = {{40 * SLICE, ACT_EXIT, 0}};
    static struct guest_step greedy[GREEDY_SLEEPS + 1];
    for (unsigned i = 0; i < GREEDY_SLEEPS; i++)
        greedy[i] = (struct guest_step){GREEDY_WORK, ACT_HLT, 0};
    greedy[GREEDY_SLEEPS] = (struct guest_step){GREEDY_WORK, ACT_EXIT, 0};
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "a", busy, 1);
    group_add(&grp, "b", busy, 1);
    struct vm *g = group_add(&grp, "greedy", greedy, GREEDY_SLEEPS + 1);
    fake_pic_init(&g->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&g->platform, PIT_DIV_0_5MS);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    size_t end = last_run(3);
    assert_true(end < last_run(1) && end < last_run(2));   /* it ended first */
    uint64_t max_ahead = SLICE + GREEDY_SLEEPS * HANDLING; /* a slice, and hvlab's time */
    for (size_t k = 0; k <= end; k++) {
        if (trace[k].kind != EV_RUN)
            continue;
        uint64_t ha = held(1, k + 1), hb = held(2, k + 1), hg = held(3, k + 1);
        /* (a and b may be ahead of it: in its own turns it halts before the slice ends) */
        if (hg > ha + max_ahead || hg > hb + max_ahead || ha > hb + max_ahead ||
            hb > ha + max_ahead)
            fail_msg("after run %zu: a held %lu ticks, b %lu, greedy %lu", k, (unsigned long)ha,
                     (unsigned long)hb, (unsigned long)hg);
    }
    check_row(&grp.rows[0], "a", "exited, status 0", 1);
    check_row(&grp.rows[1], "b", "exited, status 0", 2);
    check_row(&grp.rows[2], "greedy", "exited, status 0", 3);
}

/* ---- 9. a VM woken twice in a round has one slice for both early runs ------------------ */

/* A sleeper woken twice in one of a's turns: after the first tick it computes 0.6 slice
 * and halts, after the second it would compute for long. Its second early run may use
 * only the 0.4 slice its round has left, so from its first HLT to b's next turn it holds
 * one slice, not 1.6 (a full slice given to each early run). */
#define FIRST_EARLY_WORK (6 * SLICE / 10)

static void test_early_runs_share_one_slice(void **state)
{
    (void)state;
    static const struct guest_step busy[] = {{40 * SLICE, ACT_EXIT, 0}};
    static const struct guest_step sleeper[] = {
        {SHORT_WORK, ACT_HLT, 0}, {FIRST_EARLY_WORK, ACT_HLT, 0}, {3 * SLICE, ACT_EXIT, 0}};
    struct group grp;
    group_begin(&grp);
    group_add(&grp, "a", busy, 1);
    group_add(&grp, "b", busy, 1);
    struct vm *c = group_add(&grp, "sleeper", sleeper, 3);
    fake_pic_init(&c->platform, PIT_IRQ0_ONLY, PIC_ALL_MASKED);
    fake_pit_periodic(&c->platform, PIT_DIV_0_5MS);
    group_run(&grp);
    assert_int_equal(grp.status, HV_STATUS_OK);
    check_loads();

    size_t first_hlt = next_run(0, 3), b_next = next_run(first_hlt, 2);
    assert_int_equal(trace[first_hlt].act, ACT_HLT);
    uint64_t early = held(3, b_next) - held(3, first_hlt + 1);
    if (early > SLICE + 4 * HANDLING || early + 4 * HANDLING < SLICE)
        fail_msg("the sleeper held %lu ticks out of turn before b's next turn, a slice is %lu",
                 (unsigned long)early, (unsigned long)SLICE);
    check_row(&grp.rows[2], "sleeper", "exited, status 0", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_bound_vms_alternate_by_slices),
        cmocka_unit_test(test_hlt_waits_without_slices_woken_by_pit),
        cmocka_unit_test(test_vm_ending_mid_slice),
        cmocka_unit_test(test_last_vm_runs_without_slice),
        cmocka_unit_test(test_stopped_vm_others_go_on),
        cmocka_unit_test(test_all_waiting_idle_then_nothing_armed),
        cmocka_unit_test(test_wakeup_on_time_behind_a_ready_vm),
        cmocka_unit_test(test_waking_often_takes_no_more_than_a_share),
        cmocka_unit_test(test_early_runs_share_one_slice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
