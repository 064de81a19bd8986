/*
 * scheduler.h - several VMs on one CPU: round robin with a time slice.
 *
 * The VMs of one group (guest=A+B+C) take turns: each runs until its slice ends
 * (slice=MS), it waits for an interrupt (HLT, HC_YIELD), or it ends. The host time source
 * that already brings a guest out for its own device events (the VMX-preemption timer;
 * the local APIC timer under AMD-V) is armed for the end of the slice too, so a guest that
 * never exits by itself is still preempted. A waiting VM takes no slices: it is polled
 * (vm_poll) between slices, and the running VM's slice ends early when a waiting VM's
 * next device event is due, so a timer interrupt wakes it on time: a VM just woken runs
 * at once, out of turn, on its round's credit (at most a slice per round), and the turn it
 * cut goes on afterwards. When every VM waits, the CPU spins polling them (there is
 * nothing else to run). Policy and TLB rules: docs/scheduler.md.
 */
#ifndef HVLAB_SCHEDULER_H
#define HVLAB_SCHEDULER_H

#include "hypervisor/vm.h"

#define SCHED_END_MAX 48 /* "exited, status 0" / "stopped: ..." in a report row */

/* One VM's row of the final report, kept after the VM itself is gone. */
struct vm_summary {
    char name[VM_NAME_MAX];
    char end[SCHED_END_MAX];
    enum hv_status status;
    uint64_t exits;
    uint64_t cpu_tsc;   /* host TSC ticks it held the CPU */
    uint64_t group_tsc; /* the whole group's run, for the share */
    uint64_t ram_bytes, footprint_bytes;
};

/* Run the `count` VMs until every one has ended; each is reported (vm_report_end) and
 * destroyed as it ends, its row written to rows[i], and vms[i] set to NULL. slice_tsc is
 * the time slice in ticks of read_tsc (the host TSC; unit tests pass a fake clock).
 * Returns HV_STATUS_OK if every VM exited with status 0. */
enum hv_status sched_run(struct vm **vms, unsigned count, uint64_t slice_tsc,
                         uint64_t (*read_tsc)(void), struct vm_summary *rows);

/* Print the final report: one row per VM (name, how it ended, exits, share of its group's
 * CPU time, guest RAM and memory beyond it). */
void sched_report(const struct vm_summary *rows, unsigned count);

#endif
