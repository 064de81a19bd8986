/*
 * vm.c - one VM's life: memory, loading, the run loop, the report (see vm.h).
 *
 *   VM state + guest RAM (guest_memory.c) -> ELF + Multiboot (guest_loader.c,
 *   multiboot_info.c) -> vCPU (backend: VMCS/EPT or VMCB/NPT) + virtual platform
 *   -> run loop, one slice at a time: devices up to date, deliver events, arm the
 *      deadline, enter, exit, dispatch -> report -> free (every page of its owner id)
 */
#include "hypervisor/vm.h"

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/xcr0.h"
#include "hypervisor/console.h"
#include "hypervisor/cpuid_guest.h"
#include "hypervisor/cr_policy.h"
#include "hypervisor/devices/uart16550.h"
#include "hypervisor/exit_dispatch.h"
#include "hypervisor/fmt.h"
#include "hypervisor/guest_loader.h"
#include "hypervisor/interrupts.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/linux_guest.h"
#include "hypervisor/memory.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/multiboot_info.h"
#include "hypervisor/string.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/wait.h"

#define LOADER_NAME "hvlab"
#define WHY_MAX     256
/* The boot information fits the page the guest loader keeps free for it, with the
 * longest command line and the most modules, each with the longest name as its string. */
_Static_assert(MULTIBOOT_INFO_GPA + MULTIBOOT_INFO_FIXED_BYTES + BOOT_GUEST_ARGS_MAX +
                       sizeof(LOADER_NAME) +
                       BOOT_MODULES_MAX *
                           (MULTIBOOT_MODULE_STRUCT_BYTES + BOOT_MODULE_NAME_MAX) <=
                   MULTIBOOT_INFO_RESERVED_END,
               "the Multiboot information outgrows its reserved page");
_Static_assert(BOOT_MODULES_MAX == MULTIBOOT_MODULES_MAX, "modules= and the builder agree");
#define FOOTPRINT_LINE_MAX 256
#define GUEST_RAM_TAG      "guest RAM"
#define VM_STATE_TAG       "VM state"
#define VM_STATE_PAGES     ((sizeof(struct vm) + PAGE_SIZE - 1) / PAGE_SIZE)

/* CPUID 80000008H: EAX[7:0] is MAXPHYADDR. See: SDM Vol. 2A, CPUID. */
#define CPUID_LEAF_ADDR_SIZES      0x80000008u
#define CPUID_ADDR_SIZES_PHYS_MASK 0xFFu

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

/* The guest's view of one CPUID leaf, with CR4 as at reset (OSXSAVE clear). */
static struct cpuid_result guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
    return cpuid_for_guest(leaf, subleaf, 0);
}

/* What the guest's CPUID lets it set in CR4 and XCR0, and its physical-address width
 * (read once: string I/O walks the guest's tables for every element). XSAVE is offered
 * only if hvlab can load the guest's XCR0 (xcr0.h); the guest's XCR0 starts at its reset
 * value, x87 only. */
static void set_cpu_limits(struct vcpu *vcpu)
{
    struct cpuid_result leaf1 = guest_cpuid(CPUID_LEAF_FEATURES, 0);
    if (!xcr0_host_enable())
        leaf1.ecx &= ~CPUID_1_ECX_XSAVE;
    vcpu->limits = cr_policy_limits(leaf1, guest_cpuid(CPUID_LEAF_EXT_FEATURES7, 0),
                                    guest_cpuid(CPUID_LEAF_XSAVE, CPUID_D_SUBLEAF_XCR0));
    vcpu->limits.phys_addr_bits =
        guest_cpuid(CPUID_LEAF_ADDR_SIZES, 0).eax & CPUID_ADDR_SIZES_PHYS_MASK;
    vcpu->xcr0 = XCR0_X87;
}

/* The run loop: bring the devices to now and deliver an event (interrupts.c) when
 * something changed or a device event is due, arm the time source for the next device
 * event, the watchdog's next look or the end of the slice, enter the guest, dispatch its
 * exit; until a handler ends it or makes it wait, or the slice is over. Most exits change
 * nothing on the platform (CPUID, a hypercall, a polled UART) and skip straight to the
 * entry: the hot path `make bench` measures. */
enum vm_run_result vm_run(struct vm *vm, uint64_t until)
{
    struct vcpu *vcpu = &vm->vcpu;
    struct virtual_platform *vp = vcpu->platform;
    uint64_t device_due = 0; /* the next device event (host TSC) */
    /* A wait that vm_poll saw end is completed here, with the vCPU loaded: under VT-x
     * its registers are only reachable through its VMCS once it is current. */
    if (vcpu->waiting != VCPU_RUNNING &&
        vcpu_wait_end(vcpu, &vm->exit, vm->wake) == ACTION_END) {
        vm->state = VM_ENDED;
        return VM_RUN_ENDED;
    }
    for (bool first = true;; first = false) {
        uint64_t now = vp->read_tsc();
        if (!first && now >= until)
            return VM_RUN_SLICE_OVER;
        if (vp->changed || now >= device_due || vcpu->pending_event.valid) {
            vp->changed = false;
            vplatform_update(vp, now);
            device_due = vplatform_next_deadline(vp, now);
            vcpu_deliver_events(vcpu);
        }
        uint64_t deadline = device_due == VPLATFORM_NO_DEADLINE ? VCPU_NO_DEADLINE : device_due;
        if (vcpu->watchdog_tsc && vcpu->watchdog_look_tsc < deadline)
            deadline = vcpu->watchdog_look_tsc;
        if (until < deadline)
            deadline = until;
        vcpu->deadline_tsc = deadline;
        if (vcpu->limits.xcr0_supported)
            xcr0_load(vcpu->xcr0);
        if (first)
            vm->entry_tsc = vp->read_tsc(); /* the scheduler's switch cost ends here */
        if (vcpu->ops->vcpu_run(vcpu, &vm->exit) != 0) {
            vm->entered = false; /* no exit to report: the entry itself failed */
            vcpu_stop(vcpu, "VM entry failed (the VM-entry checker's finding is above)");
            vm->state = VM_ENDED;
            return VM_RUN_ENDED;
        }
        if (!vm->entered) /* the guest's first instruction ran (labs: vmx-3, svm-3) */
            log_info("guest \"%s\": first VM exit: exit 0x%lx (%s) at RIP 0x%lx", vm->name,
                     (unsigned long)vm->exit.hw_code,
                     vcpu->ops->exit_code_name(vm->exit.hw_code), (unsigned long)vm->exit.rip);
        vm->entered = true;
        vcpu_note_interrupted_event(vcpu, &vm->exit);
        switch (exit_dispatch(vcpu, &vm->exit)) {
        case ACTION_RESUME: break;
        case ACTION_WAIT: vm->state = VM_WAITING; return VM_RUN_WAITS;
        case ACTION_END:
        default: vm->state = VM_ENDED; return VM_RUN_ENDED;
        }
    }
}

enum vm_state vm_poll(struct vm *vm, uint64_t now)
{
    enum wake_reason why = vcpu_wait_poll(&vm->vcpu, now);
    if (why == WAKE_NOT_YET)
        return VM_WAITING;
    vm->wake = why; /* vm_run completes the wait */
    vm->state = VM_READY;
    return vm->state;
}

static void report_exits(const struct vcpu *vcpu)
{
    log_info("exits by reason (%lu in all):", (unsigned long)vcpu->exits);
    log_info("  reason      count  name");
    for (uint32_t r = 0; r < VCPU_RAW_REASONS_MAX; r++)
        if (vcpu->exits_by_reason[r])
            log_info("  %6u %10lu  %s", r, (unsigned long)vcpu->exits_by_reason[r],
                     vcpu->ops->exit_reason_name(r));
    if (io_bus_unclaimed_accesses(vcpu))
        log_info("  (%lu accesses to ports no device claims)",
                 (unsigned long)io_bus_unclaimed_accesses(vcpu));
    if (vcpu->interrupts_injected)
        log_info("  %lu interrupts injected", (unsigned long)vcpu->interrupts_injected);
}

/* How the guest ended: its status, or what it did with its last exit and its state. */
void vm_report_end(struct vm *vm)
{
    struct vcpu *vcpu = &vm->vcpu;
    uart16550_flush(&vcpu->platform->uart);
    if (vm->console.dropped_lines)
        log_info("guest \"%s\": %lu lines (%lu bytes) of its console output were dropped "
                 "(more than its share)",
                 vm->name, (unsigned long)vm->console.dropped_lines,
                 (unsigned long)vm->console.dropped_bytes);
    if (vcpu->end == GUEST_EXITED) {
        log_info("guest \"%s\" exited with status %u", vcpu->guest_name, vcpu->exit_status);
        report_exits(vcpu);
        vm->status = vcpu->exit_status == 0 ? HV_STATUS_OK : HV_STATUS_GUEST_FAILED;
        return;
    }
    if (vcpu->end == GUEST_REBOOTED) { /* not status 0: Linux also reboots on a panic */
        log_info("guest \"%s\" requested a reboot (%s)", vcpu->guest_name, vcpu->stop_reason);
        report_exits(vcpu);
        vm->status = HV_STATUS_GUEST_FAILED;
        return;
    }
    log_warn("guest \"%s\" stopped: %s", vcpu->guest_name, vcpu->stop_reason);
    if (vm->entered) {
        const struct vm_exit *exit = &vm->exit;
        log_warn("  at exit 0x%lx (%s), qualification 0x%lx, guest RIP 0x%lx",
                 (unsigned long)exit->hw_code, vcpu->ops->exit_code_name(exit->hw_code),
                 (unsigned long)exit->qualification, (unsigned long)exit->rip);
        vcpu->ops->dump_guest(vcpu);
    }
    report_exits(vcpu);
    log_info("the hypervisor goes on");
    vm->status = HV_STATUS_GUEST_FAILED;
}

/* Per-VM memory beyond guest RAM, from the allocator's ledger of its creation: one line,
 * by purpose (the VM state page holds the vCPU, its backend state and its devices). */
static void report_footprint(struct vm *vm, const struct memory_ledger_entry *e, size_t n)
{
    char parts[FOOTPRINT_LINE_MAX];
    size_t used = 0;
    uint64_t bytes = 0;
    parts[0] = '\0';
    for (size_t i = 0; i < n && i < MEMORY_LEDGER_MAX; i++) {
        if (strcmp(e[i].what, GUEST_RAM_TAG) == 0)
            continue;
        bytes += e[i].pages * PAGE_SIZE;
        if (used < sizeof(parts))
            used +=
                fmt_snprintf(parts + used, sizeof(parts) - used, "%s%s %lu", used ? ", " : "",
                             e[i].what, (unsigned long)(e[i].pages * PAGE_SIZE));
    }
    vm->footprint_bytes = bytes;
    log_info("footprint: %lu bytes per VM beyond guest RAM (%s)", (unsigned long)bytes, parts);
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

/* The modules= files as the Multiboot builder takes them; -1 with the reason if one of
 * them could not be read at boot (the guest would miss what it was given). */
static int module_files(const struct boot_info *info, struct multiboot_module_file *files,
                        char *why, size_t why_len)
{
    for (size_t i = 0; i < info->module_count; i++) {
        const struct boot_module *b = &info->modules[i];
        if (b->problem)
            return FAIL_WHY("module %lu \"%s\": %s: %s", (unsigned long)i, b->name, b->file,
                            b->problem);
        files[i] = (struct multiboot_module_file){b->name, b->data, b->size};
    }
    return 0;
}

/* Build guest RAM, load the kernel, write the Multiboot information and copy the
 * modules (this guest's own copy, in its own RAM), create the vCPU. */
static int prepare(const struct boot_info *info, const struct boot_guest_image *image,
                   uint64_t ram_bytes, struct guest_memory *mem, struct vcpu *vcpu, char *why,
                   size_t why_len)
{
    struct guest_image loaded;
    struct multiboot_boot mb;
    struct multiboot_module_file files[BOOT_MODULES_MAX];
    unsigned count = (unsigned)info->module_count;

    if (image->format == BOOT_GUEST_LINUX) { /* the Linux boot protocol (linux_guest.c) */
        struct guest_start linux_start;
        if (guest_memory_create(mem, ram_bytes, pages_source, GUEST_RAM_TAG, why, why_len) !=
                0 ||
            linux_guest_load(info, image, mem, vcpu->guest_name, &linux_start, why, why_len) !=
                0)
            return -1;
        return vcpu->ops->vcpu_create(vcpu, mem, &linux_start, why, why_len);
    }
    if (module_files(info, files, why, why_len) != 0 ||
        guest_memory_create(mem, ram_bytes, pages_source, GUEST_RAM_TAG, why, why_len) != 0 ||
        load_kernel(mem, image, &loaded, why, why_len) != 0 ||
        multiboot_info_build(mem, MULTIBOOT_INFO_GPA, loaded.load_start, loaded.load_end,
                             info->options.guest_args, LOADER_NAME, files, count, &mb, why,
                             why_len) != 0)
        return -1;
    log_info("guest \"%s\": %u segments at 0x%x-0x%x, entry 0x%x, %lu MiB RAM, "
             "cmdline \"%s\"",
             vcpu->guest_name, loaded.segments, loaded.load_start, loaded.load_end,
             loaded.entry, (unsigned long)(mem->ram_size >> 20), info->options.guest_args);
    if (count)
        log_info("guest \"%s\": %u module%s at 0x%x-0x%x", vcpu->guest_name, count,
                 count == 1 ? "" : "s", mb.modules_start, mb.modules_end);

    struct guest_start start = {.eip = loaded.entry, .eax = mb.eax, .ebx = mb.ebx};
    return vcpu->ops->vcpu_create(vcpu, mem, &start, why, why_len);
}

/* Which page allocation of the creation of guest number `position` (in guest=) fails on
 * purpose: selftest=oom-at=K[+K...] gives the i-th K to the i-th guest; 0 for none. */
static unsigned oom_at_for(const struct boot_options *o, unsigned position)
{
    return o->selftest == SELFTEST_OOM_AT && position < o->oom_at_count ? o->oom_at[position]
                                                                        : 0;
}

/* Every page a guest took is back: the pool's free count is what it was before. */
static void check_pool(const char *name, size_t free_before)
{
    size_t free_after = memory_free_pages();
    if (free_after != free_before)
        log_error("memory pool: guest \"%s\" did not give back %ld pages (%lu free before, "
                  "%lu after)",
                  name, (long)(free_before - free_after), (unsigned long)free_before,
                  (unsigned long)free_after);
}

/* The VM's RTC: the firmware's time at boot moved on by the whole seconds since it was
 * read (a later group of guest= starts later), and the BIOS's memory size bytes. */
static void start_rtc(struct virtual_platform *vp, const struct boot_info *info,
                      const struct vm_config *cfg)
{
    const struct boot_wall_clock *w = &info->wall_clock;
    if (!w->valid) {
        vplatform_rtc_start(vp, 0, cfg->spec->mem); /* the RTC's default date stays */
        return;
    }
    struct cmos_rtc_time t = {w->year, w->month, w->day, w->hour, w->minute, w->second};
    uint64_t now = cfg->read_tsc();
    if (cfg->tsc_hz && now > w->tsc)
        t = cmos_rtc_time_add(t, (now - w->tsc) / cfg->tsc_hz);
    vplatform_rtc_start(vp, &t, cfg->spec->mem);
}

/* The VM's own state, its devices at power-on, then its RAM, kernel and vCPU (prepare). */
static int build(const struct boot_info *info, const struct boot_guest_image *image,
                 const struct virt_ops *ops, const struct vm_config *cfg, struct vm *vm,
                 char *why, size_t why_len)
{
    struct vcpu *vcpu = &vm->vcpu;
    vm->id = cfg->id;
    vm->state = VM_READY;
    fmt_snprintf(vm->name, sizeof(vm->name), "%s", cfg->tag ? cfg->tag : image->name);
    vcpu->ops = ops;
    vcpu->mem = &vm->mem;
    vcpu->guest_name = vm->name;
    vcpu->platform = &vm->platform;
    vcpu->tlb_tag = (uint16_t)cfg->id;
    vcpu->takes_host_input = cfg->takes_host_input;
    vcpu->watchdog_s = info->options.watchdog_s;
    vcpu->watchdog_tsc = (uint64_t)info->options.watchdog_s * cfg->tsc_hz;
    vcpu->deadline_tsc = VCPU_NO_DEADLINE;
    set_cpu_limits(vcpu);
    vplatform_reset(&vm->platform, cfg->read_tsc, cfg->tsc_hz);
    vplatform_apic_set_phys_bits(&vm->platform, vcpu->limits.phys_addr_bits);
    if (cfg->tag) { /* several VMs share the console: tagged lines, each VM its share */
        vm->platform.uart.tag = vm->name;
        console_budget_init(&vm->console, vm->name, cfg->read_tsc, cfg->tsc_hz);
        vm->platform.uart.budget = &vm->console;
    }
    start_rtc(&vm->platform, info, cfg);
    return prepare(info, image, cfg->spec->mem, &vm->mem, vcpu, why, why_len);
}

struct vm *vm_create(const struct boot_info *info, const struct virt_ops *ops,
                     const struct vm_config *cfg)
{
    const char *name = cfg->spec->name;
    const struct boot_guest_image *image = find_guest(info, name);
    if (!image)
        return 0;
    char why[WHY_MAX];
    struct memory_ledger_entry ledger[MEMORY_LEDGER_MAX];
    unsigned oom_at = oom_at_for(&info->options, cfg->spec->position);
    size_t free_before = memory_free_pages();

    /* Counted from here: the VM state is the creation's first allocation. Every page is
     * taken in the VM's name, so whatever fails, releasing its id gives all back. */
    unsigned hvlab_owner = memory_set_owner(cfg->id);
    memory_count_start(oom_at);
    memory_ledger_open();
    struct vm *vm = pages_alloc(VM_STATE_PAGES, 1, VM_STATE_TAG);
    int rc = vm ? build(info, image, ops, cfg, vm, why, sizeof(why))
                : (fmt_snprintf(why, sizeof(why), "out of memory: %s (%lu pages)", VM_STATE_TAG,
                                (unsigned long)VM_STATE_PAGES),
                   -1);
    unsigned made = memory_count_stop();
    size_t entries = memory_ledger_close(ledger, MEMORY_LEDGER_MAX);
    memory_set_owner(hvlab_owner);
    if (rc != 0) {
        log_error("guest \"%s\" not started: %s", name, why);
        if (vm)
            ops->vcpu_destroy(&vm->vcpu);
        memory_release_owner(cfg->id);
        check_pool(name, free_before);
        return 0;
    }
    if (oom_at)
        log_info("selftest: oom-at=%u: creation made only %u allocations", oom_at, made);
    report_footprint(vm, ledger, entries);
    if (info->options.selftest == SELFTEST_ENTRY) {
        /* CR0.PG=1 with PE=0 is never a valid guest state, unrestricted or not. */
        log_info("selftest: setting guest CR0.PG without CR0.PE before the first entry");
        ops->set_reg(&vm->vcpu, VCPU_REG_CR0, CR0_PG | CR0_ET);
    }
    struct vcpu *vcpu = &vm->vcpu;
    if (vcpu->watchdog_tsc && ops->time_source)
        log_info("watchdog: a guest that runs %u s without an exit of its own is stopped "
                 "(time source: %s)",
                 vcpu->watchdog_s, ops->time_source);
    report_boot_cost(info);
    log_info("launching guest \"%s\"", vm->name);
    vm->left_cpu_tsc = vm->platform.read_tsc();
    vcpu->watchdog_last_look_tsc = vm->left_cpu_tsc;
    vcpu->watchdog_look_tsc = vcpu->watchdog_last_look_tsc + vcpu->watchdog_tsc;
    return vm;
}

void vm_destroy(struct vm *vm)
{
    unsigned id = vm->id;
    vm->vcpu.ops->vcpu_destroy(&vm->vcpu);
    memory_release_owner(id); /* the VM state itself too: vm is gone */
}
