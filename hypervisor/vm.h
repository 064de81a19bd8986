/*
 * vm.h - one virtual machine: everything that belongs to one guest, in one place.
 *
 *   struct vm  (in pages of the pool the VM owns: memory.h, owner = vm->id)
 *   |- name, id (its memory owner tag and its VPID / ASID), RAM size, state
 *   |- guest memory: the map of its RAM (guest_memory.h); the backend's EPT/NPT
 *   |- vcpu: registers, the backend's state (VMCS or VMCB), exit statistics, watchdog
 *   |- virtual platform: PIC, PIT, UART, port B, the port bus's record, MMIO page
 *   `- its share of the CPU, its last exit
 *
 * Life: vm_create (load, build, report the footprint) -> vm_run, one slice at a time,
 * by the scheduler (scheduler.c) -> vm_report_end -> vm_destroy (every page back, scrubbed).
 */
#ifndef HVLAB_VM_H
#define HVLAB_VM_H

#include "arch/x86_64/platform.h"
#include "boot/boot_info.h"
#include "hypervisor/console_budget.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virt_ops.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/wait.h"

#define VM_NAME_MAX (BOOT_GUEST_NAME_MAX + 4) /* "counter#2" when a name repeats */

enum vm_state {
    VM_READY,   /* can run */
    VM_WAITING, /* in HLT or HC_YIELD: waits for an interrupt (wait.h) */
    VM_ENDED,   /* exited or stopped; reported */
};

struct vm {
    unsigned id; /* 1..BOOT_GROUP_MAX: memory owner and TLB tag (VPID / ASID) */
    char name[VM_NAME_MAX];
    enum vm_state state;
    enum wake_reason wake; /* why its wait ended (vm_poll), for vm_run to complete it */
    enum hv_status status; /* once ended: HV_STATUS_OK if it exited with status 0 */
    struct vcpu vcpu;
    struct virtual_platform platform;
    struct vm_exit exit;           /* its last exit */
    bool entered;                  /* it ran: exit holds its last exit */
    uint64_t cpu_tsc;              /* host TSC ticks it held the CPU (exits handled included) */
    uint64_t left_cpu_tsc;         /* when it last left the CPU (scheduler.c) */
    uint64_t early_tsc;            /* CPU time taken out of turn this round (scheduler.c) */
    uint64_t entry_tsc;            /* just before the first VM entry of its last vm_run */
    uint64_t footprint_bytes;      /* pages it owns beyond guest RAM, in bytes */
    struct console_budget console; /* its share of the console, with other VMs */
    struct guest_memory mem;       /* large: last */
};

/* What a creation needs beyond the boot information. */
struct vm_config {
    const struct boot_guest_spec *spec; /* name, RAM size, place in guest= */
    const char *tag;            /* the console tag for its UART ("conform", "counter#2") */
    unsigned id;                /* 1..BOOT_GROUP_MAX, unique among the VMs that exist */
    bool takes_host_input;      /* hvlab's serial input goes to this VM */
    uint64_t tsc_hz;            /* host TSC frequency (0 if unknown): the watchdog's unit */
    uint64_t (*read_tsc)(void); /* the host clock (rdtsc; unit tests pass a fake) */
};

/* Create VM `cfg` for guest image cfg->spec->name: its pages taken under its own id,
 * counted and, with selftest=oom-at=K for its position, failing from the K-th on. NULL
 * after one line saying why it did not start; every page it took is back then. */
struct vm *vm_create(const struct boot_info *info, const struct virt_ops *ops,
                     const struct vm_config *cfg);

/* Why vm_run returned. */
enum vm_run_result {
    VM_RUN_SLICE_OVER, /* the time slice ended (or another VM's event is due) */
    VM_RUN_WAITS,      /* the guest waits for an interrupt: vm->state is VM_WAITING */
    VM_RUN_ENDED,      /* the guest exited or was stopped: vm->state is VM_ENDED */
};

/* Run the VM until host TSC `until` (VCPU_NO_DEADLINE: until it waits or ends): bring
 * its devices to now, deliver events, arm the time source, enter, dispatch each exit. */
enum vm_run_result vm_run(struct vm *vm, uint64_t until);

/* A waiting VM at host TSC `now`: still waiting, or its wait is over (VM_READY; also when
 * nothing can wake it: the next vm_run completes the HLT or HC_YIELD, which for a HLT
 * that nothing can wake ends the VM). Touches only the VM's devices, not its vCPU, so it
 * may run while another VM's vCPU is loaded. Returns its state. */
enum vm_state vm_poll(struct vm *vm, uint64_t now);

/* Report how an ended VM ended (status, stop reason with its exit and state, exits by
 * reason); sets vm->status. */
void vm_report_end(struct vm *vm);

/* Let go of the VM: the backend's hold on it (VMCLEAR), then every page it owns, its
 * RAM scrubbed. vm is invalid afterwards. */
void vm_destroy(struct vm *vm);

#endif
