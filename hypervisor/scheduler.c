/*
 * scheduler.c - round robin over the VMs of a group (see scheduler.h).
 *
 *   pick a VM (waiting ones polled): one just woken (out of turn, on its round's credit),
 *   else the rest of a turn it cut, else the next ready VM in turn -> switch to it (the
 *   backend loads its VMCS; its watchdog skips the time it was off the CPU) -> vm_run
 *   until its budget is spent -> account its CPU time and its turn
 */
#include "hypervisor/scheduler.h"

#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/wait.h"
#include "hypervisor/lab.h"

#define PERCENT   100u
#define PERMILLE  1000u
#define KIB_SHIFT 10

static void end_row(struct vm *vm, struct vm_summary *row)
{
    const struct vcpu *vcpu = &vm->vcpu;
    fmt_snprintf(row->name, sizeof(row->name), "%s", vm->name);
    if (vcpu->end == GUEST_EXITED)
        fmt_snprintf(row->end, sizeof(row->end), "exited, status %u", vcpu->exit_status);
    else if (vcpu->end == GUEST_REBOOTED)
        fmt_snprintf(row->end, sizeof(row->end), "rebooted (%s)", vcpu->stop_reason);
    else
        fmt_snprintf(row->end, sizeof(row->end), "stopped: %s", vcpu->stop_reason);
    row->status = vm->status;
    row->exits = vcpu->exits;
    row->cpu_tsc = vm->cpu_tsc;
    row->ram_bytes = vm->mem.ram_size;
    row->footprint_bytes = vm->footprint_bytes;
}

/* An ended VM, still the one loaded (its state is read for the report): reported, its
 * row kept, its memory given back. */
static void finish(struct vm **slot, struct vm_summary *row)
{
    struct vm *vm = *slot;
    vm_report_end(vm);
    vcpu_host_input_ended(&vm->vcpu); /* the input focus moves on (wait.c) */
    end_row(vm, row);
    vm_destroy(vm);
    *slot = 0;
}

/* Whose turn it is, and what is left of it when a woken VM cut in. */
struct turn {
    unsigned index;
    uint64_t left; /* ticks of its slice still to run (0: the turn is over) */
};

/* What pick() chose. */
struct choice {
    unsigned index;
    uint64_t budget; /* how long it may hold the CPU now */
    bool early;      /* it runs out of turn: woken, on its round's credit */
};

/* Poll every waiting VM; returns the first woken, in turn order (NULL if none). */
static struct vm *poll_waiting(struct vm **vms, unsigned count, const struct turn *turn,
                               uint64_t now, unsigned *index)
{
    struct vm *woken = 0;
    for (unsigned k = 1; k <= count; k++) {
        unsigned i = (turn->index + k) % count;
        struct vm *vm = vms[i];
        if (vm && vm->state == VM_WAITING && vm_poll(vm, now) == VM_READY && !woken) {
            woken = vm;
            *index = i;
        }
    }
    return woken;
}

static bool others_ready(struct vm *const *vms, unsigned count, const struct vm *vm)
{
    for (unsigned i = 0; i < count; i++)
        if (vms[i] && vms[i] != vm && vms[i]->state == VM_READY)
            return true;
    return false;
}

static struct vm *take_turn(struct vm *vm, unsigned index, uint64_t slice_tsc,
                            struct turn *turn, struct choice *c)
{
    turn->index = c->index = index;
    c->budget = vm->early_tsc < slice_tsc ? slice_tsc - vm->early_tsc : slice_tsc;
    vm->early_tsc = 0;
    return vm;
}

/* The next ready VM in turn after turn->index. A VM the turn passes starts a new round;
 * one that ran a slice early has had this turn, unless no other VM can run. */
static struct vm *next_in_turn(struct vm **vms, unsigned count, uint64_t slice_tsc,
                               struct turn *turn, struct choice *c)
{
    struct vm *skipped = 0;
    unsigned skipped_index = 0;
    for (unsigned k = 1; k <= count; k++) {
        unsigned i = (turn->index + k) % count;
        struct vm *vm = vms[i];
        if (!vm)
            continue;
        if (vm->state != VM_READY) {
            vm->early_tsc = 0;
            continue;
        }
        if (vm->early_tsc >= slice_tsc) {
            vm->early_tsc -= slice_tsc;
            if (!skipped) {
                skipped = vm;
                skipped_index = i;
            }
            continue;
        }
        return take_turn(vm, i, slice_tsc, turn, c);
    }
    return skipped ? take_turn(skipped, skipped_index, slice_tsc, turn, c) : 0;
}

/* The VM to run now. Each VM gets at most a slice per round (its round ends when the turn
 * passes it):
 *   1. one just woken runs at once, out of turn, ahead of the ready ones, so its interrupt
 *      comes on time; what it runs is taken off its own turn (vm->early_tsc), so waking
 *      often buys no more;
 *   2. else the VM whose turn was cut for it goes on with the rest of its slice;
 *   3. else the next ready VM in turn.
 * NULL if every VM still alive waits. */
static struct vm *pick(struct vm **vms, unsigned count, uint64_t slice_tsc, uint64_t now,
                       struct turn *turn, struct choice *c)
{
    unsigned w = 0;
    struct vm *woken = poll_waiting(vms, count, turn, now, &w);
    c->early = woken && woken->early_tsc < slice_tsc && others_ready(vms, count, woken);
    if (c->early) {
        /* LAB vmx-7 svm-7 BEGIN: running a woken VM out of turn in pick() */
        c->index = w;
        c->budget = slice_tsc - woken->early_tsc;
        return woken;
        /* LAB vmx-7 svm-7 END */
    }
    struct vm *current = vms[turn->index];
    if (current && current->state == VM_READY && turn->left) {
        c->index = turn->index;
        c->budget = turn->left;
        return current;
    }
    return next_in_turn(vms, count, slice_tsc, turn, c);
}

/* After a run of `used` ticks: an early run is charged to the VM's round; a turn cut
 * short (by a waiting VM's tick) keeps what is left of it. */
static void account_turn(struct vm *vm, const struct choice *c, enum vm_run_result r,
                         uint64_t used, struct turn *turn)
{
    if (c->early) {
        vm->early_tsc += used;
        return;
    }
    turn->left = r == VM_RUN_SLICE_OVER && used < c->budget ? c->budget - used : 0;
}

/* When the running VM must give the CPU back: when its budget (pick) is spent, or earlier
 * when a waiting VM's next device event (or watchdog) is due; never while it is alone. */
static uint64_t slice_end(struct vm *const *vms, unsigned count, const struct vm *running,
                          uint64_t now, uint64_t budget)
{
    uint64_t until = VCPU_NO_DEADLINE;
    for (unsigned i = 0; i < count; i++) {
        const struct vm *vm = vms[i];
        if (!vm || vm == running)
            continue;
        /* LAB vmx-7 svm-7 BEGIN: the end of a turn in slice_end() */
        if (until == VCPU_NO_DEADLINE)
            until = now + budget;
        if (vm->state == VM_WAITING) {
            uint64_t due = vcpu_wait_due(&vm->vcpu, now);
            if (due < until)
                until = due;
        }
        /* LAB vmx-7 svm-7 END */
    }
    return until;
}

/* The VM gets the CPU: the backend makes its vCPU current (VT-x: VMPTRLD) when another
 * VM ran last, and its watchdog skips the time it was off the CPU, which is no sign of
 * being stuck. */
static void switch_to(struct vm *vm, struct vm **on_cpu, uint64_t now)
{
    struct vcpu *vcpu = &vm->vcpu;
    if (*on_cpu != vm) {
        vcpu->ops->vcpu_load(vcpu);
        *on_cpu = vm;
    }
    uint64_t away = now - vm->left_cpu_tsc;
    vcpu->watchdog_last_look_tsc += away;
    vcpu->watchdog_look_tsc += away;
}

enum hv_status sched_run(struct vm **vms, unsigned count, uint64_t slice_tsc,
                         uint64_t (*read_tsc)(void), struct vm_summary *rows)
{
    unsigned alive = count;
    struct turn turn = {count - 1, 0};
    struct vm *on_cpu = 0, *last = 0;
    uint64_t start = read_tsc(), last_left = 0;
    uint64_t switches = 0, switch_tsc = 0; /* one VM's last exit handled -> next's entry */
    while (alive) {
        uint64_t now = read_tsc();
        struct choice c;
        struct vm *vm = pick(vms, count, slice_tsc, now, &turn, &c);
        if (!vm)
            continue; /* every VM waits: poll again */
        uint64_t until = slice_end(vms, count, vm, now, c.budget);
        switch_to(vm, &on_cpu, now);
        console_set_vm(count > 1 ? vm->name : 0);
        enum vm_run_result r = vm_run(vm, until);
        console_set_vm(0);
        if (last && last != vm && vm->entered && vm->entry_tsc > last_left) {
            switches++;
            switch_tsc += vm->entry_tsc - last_left;
        }
        uint64_t left = read_tsc();
        last = r == VM_RUN_ENDED ? 0 : vm;
        last_left = left;
        vm->cpu_tsc += left - now;
        vm->left_cpu_tsc = left;
        account_turn(vm, &c, r, left - now, &turn);
        if (r == VM_RUN_ENDED) {
            finish(&vms[c.index], &rows[c.index]);
            alive--;
        }
    }
    uint64_t group_tsc = read_tsc() - start;
    if (switches) /* make bench's vm_switch: in Bochs a TSC tick is one instruction */
        log_info("scheduler: %lu switches between VMs, %lu TSC ticks each on average (one "
                 "VM's last exit handled to the next VM's entry)",
                 (unsigned long)switches, (unsigned long)(switch_tsc / switches));
    enum hv_status status = HV_STATUS_OK;
    for (unsigned i = 0; i < count; i++) {
        rows[i].group_tsc = group_tsc;
        if (rows[i].status != HV_STATUS_OK)
            status = HV_STATUS_GUEST_FAILED;
    }
    return status;
}

/* "12.3": a share in per mille, printed as a percentage with one decimal. */
static void share_text(char *buf, size_t cap, uint64_t part, uint64_t whole)
{
    uint64_t pm = whole ? part * PERMILLE / whole : 0;
    fmt_snprintf(buf, cap, "%lu.%lu", (unsigned long)(pm / (PERMILLE / PERCENT)),
                 (unsigned long)(pm % (PERMILLE / PERCENT)));
}

void sched_report(const struct vm_summary *rows, unsigned count)
{
    log_info("VMs: %u", count);
    log_info("  %-16s %-40s %10s %7s %10s %10s", "name", "how it ended", "exits", "CPU %",
             "RAM KiB", "extra KiB");
    for (unsigned i = 0; i < count; i++) {
        const struct vm_summary *r = &rows[i];
        char share[16];
        share_text(share, sizeof(share), r->cpu_tsc, r->group_tsc);
        log_info("  %-16s %-40s %10lu %7s %10lu %10lu", r->name, r->end,
                 (unsigned long)r->exits, share, (unsigned long)(r->ram_bytes >> KIB_SHIFT),
                 (unsigned long)(r->footprint_bytes >> KIB_SHIFT));
    }
}
