/*
 * vm.c - one guest's life: memory, loading, the run loop, the report.
 *
 *   guest RAM (guest_memory.c) -> ELF + Multiboot (guest_loader.c, multiboot_info.c)
 *   -> vCPU (backend: VMCS/EPT) + virtual platform (PIC, PIT, UART)
 *   -> run loop: devices up to date, deliver events, arm the deadline, enter, exit,
 *      dispatch -> report -> free
 */
#include "hypervisor/vm.h"

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/xcr0.h"
#include "hypervisor/console.h"
#include "hypervisor/cpuid_policy.h"
#include "hypervisor/cr_policy.h"
#include "hypervisor/devices/uart16550.h"
#include "hypervisor/exit_dispatch.h"
#include "hypervisor/fmt.h"
#include "hypervisor/guest_loader.h"
#include "hypervisor/interrupts.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/memory.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/multiboot_info.h"
#include "hypervisor/string.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virtual_platform.h"

#define LOADER_NAME "hvlab"
#define WHY_MAX     256
/* The boot information fits the page the guest loader keeps free for it. */
_Static_assert(MULTIBOOT_INFO_GPA + MULTIBOOT_INFO_FIXED_BYTES + BOOT_GUEST_ARGS_MAX +
                       sizeof(LOADER_NAME) <=
                   MULTIBOOT_INFO_RESERVED_END,
               "the Multiboot information outgrows its reserved page");
#define FOOTPRINT_LINE_MAX 256
#define GUEST_RAM_TAG      "guest RAM"

/* The kernel of guest `name`, or NULL after saying why that guest cannot start (the boot
 * layer found no file and no built-in kernel of that name, or could not read its file). */
static const struct boot_guest_image *find_guest(const struct boot_info *info, const char *name)
{
    for (size_t i = 0; i < info->guest_count; i++) {
        const struct boot_guest_image *g = &info->guests[i];
        if (strcmp(g->name, name) != 0)
            continue;
        if (!g->problem)
            return g;
        log_error("guest \"%s\" not started: %s: %s", name, g->file, g->problem);
        return 0;
    }
    log_error("guest \"%s\" not started: no guest kernel has that name", name);
    return 0;
}

/* Load the kernel into guest RAM; a refusal names the file it came from. */
static int load_kernel(const struct guest_memory *mem, const struct boot_guest_image *image,
                       struct guest_image *loaded, char *why, size_t why_len)
{
    char reason[WHY_MAX];
    if (guest_load_elf(mem, image->data, image->size, loaded, reason, sizeof(reason)) == 0)
        return 0;
    return FAIL_WHY("%s: %s", image->file, reason);
}

static uint64_t read_tsc(void) { return rdtsc(); }

/* The guest's view of one CPUID leaf, with CR4 as at reset (OSXSAVE clear). */
static struct cpuid_result guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs hw = cpuid(leaf, subleaf);
    return cpuid_policy_apply(leaf, subleaf,
                              (struct cpuid_result){hw.eax, hw.ebx, hw.ecx, hw.edx}, 0);
}

/* What the guest's CPUID lets it set in CR4 and XCR0. XSAVE is offered only if hvlab can
 * load the guest's XCR0 (xcr0.h); the guest's XCR0 starts at its reset value, x87 only. */
static void set_cpu_limits(struct vcpu *vcpu)
{
    struct cpuid_result leaf1 = guest_cpuid(CPUID_LEAF_FEATURES, 0);
    if (!xcr0_host_enable())
        leaf1.ecx &= ~CPUID_1_ECX_XSAVE;
    vcpu->limits = cr_policy_limits(leaf1, guest_cpuid(CPUID_LEAF_EXT_FEATURES7, 0),
                                    guest_cpuid(CPUID_LEAF_XSAVE, CPUID_D_SUBLEAF_XCR0));
    vcpu->xcr0 = XCR0_X87;
}

/* The run loop: bring the devices to now and deliver an event (interrupts.c) when
 * something changed or a device event is due, arm the time source for the next device
 * event or the watchdog's next look, enter the guest, dispatch its exit; until a handler
 * ends it. Most exits change nothing on the platform (CPUID, a hypercall, a polled UART)
 * and skip straight to the entry: the hot path `make bench` measures. Returns false if
 * the guest never ran because VM entry failed (there is no exit to report). */
static bool run(struct vcpu *vcpu, struct vm_exit *exit)
{
    struct virtual_platform *vp = vcpu->platform;
    uint64_t device_due = 0; /* the next device event (host TSC) */
    for (;;) {
        uint64_t now = vp->read_tsc();
        if (vp->changed || now >= device_due || vcpu->pending_event.valid) {
            vp->changed = false;
            vplatform_update(vp, now);
            device_due = vplatform_next_deadline(vp, now);
            vcpu_deliver_events(vcpu);
        }
        uint64_t deadline = device_due == VPLATFORM_NO_DEADLINE ? VCPU_NO_DEADLINE : device_due;
        if (vcpu->watchdog_tsc && vcpu->watchdog_look_tsc < deadline)
            deadline = vcpu->watchdog_look_tsc;
        vcpu->deadline_tsc = deadline;
        if (vcpu->limits.xcr0_supported)
            xcr0_load(vcpu->xcr0);
        if (vcpu->ops->vcpu_run(vcpu, exit) != 0) {
            vcpu_stop(vcpu, "VM entry failed (the VM-entry checker's finding is above)");
            return false;
        }
        vcpu_note_interrupted_event(vcpu, exit);
        if (exit_dispatch(vcpu, exit) == ACTION_END)
            return true;
    }
}

static void report_exits(const struct vcpu *vcpu)
{
    log_info("exits by reason (%lu in all):", (unsigned long)vcpu->exits);
    log_info("  reason      count  name");
    for (uint32_t r = 0; r < VCPU_RAW_REASONS_MAX; r++)
        if (vcpu->exits_by_reason[r])
            log_info("  %6u %10lu  %s", r, (unsigned long)vcpu->exits_by_reason[r],
                     vcpu->ops->exit_reason_name(r));
    if (io_bus_unclaimed_accesses())
        log_info("  (%lu accesses to ports no device claims)",
                 (unsigned long)io_bus_unclaimed_accesses());
    if (vcpu->interrupts_injected)
        log_info("  %lu interrupts injected", (unsigned long)vcpu->interrupts_injected);
}

/* How the guest ended; `exit` is the last exit, or NULL if it never ran. */
static enum hv_status report_end(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uart16550_flush(&vcpu->platform->uart);
    if (vcpu->end == GUEST_EXITED) {
        log_info("guest \"%s\" exited with status %u", vcpu->guest_name, vcpu->exit_status);
        report_exits(vcpu);
        return vcpu->exit_status == 0 ? HV_STATUS_OK : HV_STATUS_GUEST_FAILED;
    }
    log_warn("guest \"%s\" stopped: %s", vcpu->guest_name, vcpu->stop_reason);
    if (exit) {
        log_warn("  at exit 0x%lx (%s), qualification 0x%lx, guest RIP 0x%lx",
                 (unsigned long)exit->hw_code, vcpu->ops->exit_code_name(exit->hw_code),
                 (unsigned long)exit->qualification, (unsigned long)exit->rip);
        vcpu->ops->dump_guest(vcpu);
    }
    report_exits(vcpu);
    log_info("the hypervisor goes on");
    return HV_STATUS_GUEST_FAILED;
}

/* Per-VM memory beyond guest RAM, from the allocator's ledger: one line, by purpose,
 * plus the statically allocated per-VM state. */
static void report_footprint(const struct vcpu *vcpu)
{
    struct memory_ledger_entry e[MEMORY_LEDGER_MAX];
    size_t n = memory_ledger_close(e, MEMORY_LEDGER_MAX);
    char parts[FOOTPRINT_LINE_MAX];
    size_t used = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n && i < MEMORY_LEDGER_MAX; i++) {
        if (strcmp(e[i].what, GUEST_RAM_TAG) == 0)
            continue;
        bytes += e[i].pages * PAGE_SIZE;
        used += fmt_snprintf(parts + used, sizeof(parts) - used, "%s%s %lu", used ? ", " : "",
                             e[i].what, (unsigned long)(e[i].pages * PAGE_SIZE));
        if (used >= sizeof(parts))
            break;
    }
    uint64_t statics = sizeof(*vcpu) + sizeof(*vcpu->platform);
    log_info("footprint: %lu bytes per VM beyond guest RAM (%s; static vCPU and device state "
             "%lu)",
             (unsigned long)(bytes + statics), parts, (unsigned long)statics);
}

/* TSC at each boot stage, once (the first guest): `make bench` turns them into costs. */
static void report_boot_cost(const struct boot_info *info)
{
    static bool reported;
    if (reported)
        return;
    reported = true;
    uint64_t ready = rdtsc();
    log_info("boot cost: entry at TSC %lu", (unsigned long)info->tsc_entry);
    log_info("boot cost: exit_boot_services at TSC %lu",
             (unsigned long)info->tsc_boot_services_done);
    log_info("boot cost: vcpu_ready at TSC %lu", (unsigned long)ready);
}

/* Build guest RAM, load the kernel, write the Multiboot information, create the vCPU. */
static int prepare(const struct boot_info *info, const struct boot_guest_image *image,
                   struct guest_memory *mem, struct vcpu *vcpu, char *why, size_t why_len)
{
    struct guest_image loaded;
    struct multiboot_boot mb;

    if (guest_memory_create(mem, info->options.guest_mem, pages_source, GUEST_RAM_TAG, why,
                            why_len) != 0 ||
        load_kernel(mem, image, &loaded, why, why_len) != 0 ||
        multiboot_info_build(mem, MULTIBOOT_INFO_GPA, loaded.load_start, loaded.load_end,
                             info->options.guest_args, LOADER_NAME, &mb, why, why_len) != 0)
        return -1;
    log_info("guest \"%s\": %u segments at 0x%x-0x%x, entry 0x%x, %lu MiB RAM, "
             "cmdline \"%s\"",
             image->name, loaded.segments, loaded.load_start, loaded.load_end, loaded.entry,
             (unsigned long)(mem->ram_size >> 20), info->options.guest_args);

    struct guest_start start = {.eip = loaded.entry, .eax = mb.eax, .ebx = mb.ebx};
    return vcpu->ops->vcpu_create(vcpu, mem, &start, why, why_len);
}

/* Create the VM (prepare), its page allocations counted and, with selftest=oom-at=K for
 * this guest, failing from the K-th on (memory.c). Nothing is given back here: the
 * caller rolls the pool back to its checkpoint, whichever step failed. */
static int create(const struct boot_info *info, const struct boot_guest_image *image,
                  unsigned oom_at, struct guest_memory *mem, struct vcpu *vcpu, char *why,
                  size_t why_len)
{
    memory_ledger_open();
    int rc = prepare(info, image, mem, vcpu, why, why_len);
    unsigned made = memory_count_stop();
    if (rc != 0) {
        memory_ledger_close(0, 0);
        return -1;
    }
    if (oom_at)
        log_info("selftest: oom-at=%u: creation made only %u allocations", oom_at, made);
    report_footprint(vcpu);
    if (info->options.selftest == SELFTEST_ENTRY) {
        /* CR0.PG=1 with PE=0 is never a valid guest state, unrestricted or not. */
        log_info("selftest: setting guest CR0.PG without CR0.PE before the first entry");
        vcpu->ops->set_reg(vcpu, VCPU_REG_CR0, CR0_PG | CR0_ET);
    }
    return 0;
}

/* Which page allocation of the creation of guest number `position` (in guest=) fails on
 * purpose: selftest=oom-at=K[+K...] gives the i-th K to the i-th guest; 0 for none. */
static unsigned oom_at_for(const struct boot_options *o, unsigned position)
{
    return o->selftest == SELFTEST_OOM_AT && position < o->oom_at_count ? o->oom_at[position]
                                                                        : 0;
}

/* Every page a guest took is back: the pool's free count is what it was before. */
static void check_pool(const char *name, size_t free_before, bool report)
{
    size_t free_after = memory_free_pages();
    if (report)
        log_info("memory pool: %lu pages free before, %lu after", (unsigned long)free_before,
                 (unsigned long)free_after);
    if (free_after != free_before)
        log_error("memory pool: guest \"%s\" did not give back %ld pages (%lu free before, "
                  "%lu after)",
                  name, (long)(free_before - free_after), (unsigned long)free_before,
                  (unsigned long)free_after);
}

enum hv_status vm_run_guest(const struct boot_info *info, const struct virt_ops *ops,
                            const char *name, unsigned position, uint64_t tsc_hz)
{
    static struct guest_memory mem; /* large: keep it off the stack */
    static struct vcpu vcpu;
    static struct virtual_platform platform;
    struct vm_exit exit;
    struct memory_checkpoint checkpoint;
    char why[WHY_MAX];

    const struct boot_guest_image *image = find_guest(info, name);
    if (!image)
        return HV_STATUS_GUEST_FAILED;
    /* Counted from here: the checkpoint is the creation's first allocation. */
    unsigned oom_at = oom_at_for(&info->options, position);
    size_t free_before = memory_free_pages();
    memory_count_start(oom_at);
    if (memory_checkpoint(&checkpoint) != 0) {
        memory_count_stop();
        log_error("guest \"%s\" not started: out of memory: memory checkpoint (%lu %s)", name,
                  (unsigned long)checkpoint.pages, checkpoint.pages == 1 ? "page" : "pages");
        check_pool(name, free_before, oom_at != 0);
        return HV_STATUS_GUEST_FAILED;
    }

    memset(&vcpu, 0, sizeof(vcpu));
    vcpu.ops = ops;
    vcpu.mem = &mem;
    vcpu.guest_name = image->name;
    vcpu.platform = &platform;
    vcpu.watchdog_s = info->options.watchdog_s;
    vcpu.watchdog_tsc = (uint64_t)info->options.watchdog_s * tsc_hz;
    vcpu.deadline_tsc = VCPU_NO_DEADLINE;
    set_cpu_limits(&vcpu);
    io_bus_reset();
    mmio_bus_reset();
    vplatform_reset(&platform, read_tsc, tsc_hz);

    enum hv_status status;
    if (create(info, image, oom_at, &mem, &vcpu, why, sizeof(why)) != 0) {
        log_error("guest \"%s\" not started: %s", name, why);
        status = HV_STATUS_GUEST_FAILED;
    } else {
        if (vcpu.watchdog_tsc && ops->time_source)
            log_info("watchdog: a guest that runs %u s without an exit of its own is stopped "
                     "(time source: %s)",
                     vcpu.watchdog_s, ops->time_source);
        report_boot_cost(info);
        log_info("launching guest \"%s\"", name);
        vcpu.watchdog_last_look_tsc = platform.read_tsc();
        vcpu.watchdog_look_tsc = vcpu.watchdog_last_look_tsc + vcpu.watchdog_tsc;
        bool exited = run(&vcpu, &exit);
        status = report_end(&vcpu, exited ? &exit : 0);
    }
    ops->vcpu_destroy(&vcpu);
    memory_rollback(&checkpoint);
    check_pool(name, free_before, oom_at != 0);
    return status;
}
