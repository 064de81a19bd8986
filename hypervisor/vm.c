/*
 * vm.c - one guest's life: memory, loading, the run loop, the report.
 *
 *   guest RAM (guest_memory.c) -> ELF + Multiboot (guest_loader.c, multiboot_info.c)
 *   -> vCPU (backend: VMCS/EPT) -> run loop: enter, exit, dispatch -> report -> free
 */
#include "hypervisor/vm.h"

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/tsc.h"
#include "hypervisor/console.h"
#include "hypervisor/exit_dispatch.h"
#include "hypervisor/guest_loader.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/memory.h"
#include "hypervisor/multiboot_info.h"
#include "hypervisor/string.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/virtual_platform.h"

/* Where the Multiboot information goes: low memory, below any kernel (which loads at
 * 1 MiB and up) and above the real-mode IVT/BDA area a kernel may look at. */
#define MULTIBOOT_INFO_GPA 0x1000u
#define LOADER_NAME        "hvlab"
#define WHY_MAX            192

static const struct boot_guest_image *find_guest(const struct boot_info *info, const char *name)
{
    for (size_t i = 0; i < info->guest_count; i++)
        if (strcmp(info->guests[i].name, name) == 0)
            return &info->guests[i];
    log_error("no guest kernel named \"%s\"; this image has:", name);
    for (size_t i = 0; i < info->guest_count; i++)
        log_error("  %s (%lu bytes)", info->guests[i].name,
                  (unsigned long)info->guests[i].size);
    return 0;
}

/* The run loop: enter the guest, dispatch its exit, until a handler ends it. Returns
 * false if the guest never ran because VM entry failed (there is no exit to report). */
static bool run(struct vcpu *vcpu, struct vm_exit *exit)
{
    for (;;) {
        if (vcpu->ops->vcpu_run(vcpu, exit) != 0) {
            vcpu_stop(vcpu, "VM entry failed (the VM-entry checker's finding is above)");
            return false;
        }
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
        log_warn("  at exit reason %u (%s), qualification 0x%lx, guest RIP 0x%lx",
                 exit->raw_reason, vcpu->ops->exit_reason_name(exit->raw_reason),
                 (unsigned long)exit->qualification, (unsigned long)exit->rip);
        vcpu->ops->dump_guest(vcpu);
    }
    report_exits(vcpu);
    log_info("the hypervisor goes on");
    return HV_STATUS_GUEST_FAILED;
}

/* Build guest RAM, load the kernel, write the Multiboot information, create the vCPU. */
static int prepare(const struct boot_info *info, const struct boot_guest_image *image,
                   struct guest_memory *mem, struct vcpu *vcpu, char *why, size_t why_len)
{
    struct guest_image loaded;
    struct multiboot_boot mb;

    if (guest_memory_create(mem, info->options.guest_mem, pages_source, "guest RAM", why,
                            why_len) != 0)
        return -1;
    if (guest_load_elf(mem, image->data, image->size, &loaded, why, why_len) != 0)
        return -1;
    if (multiboot_info_build(mem, MULTIBOOT_INFO_GPA, loaded.load_start, loaded.load_end,
                             info->options.guest_args, LOADER_NAME, &mb, why, why_len) != 0)
        return -1;
    log_info("guest \"%s\": %u segments at 0x%x-0x%x, entry 0x%x, %lu MiB RAM, "
             "cmdline \"%s\"",
             image->name, loaded.segments, loaded.load_start, loaded.load_end, loaded.entry,
             (unsigned long)(mem->ram_size >> 20), info->options.guest_args);

    struct guest_start start = {.eip = loaded.entry, .eax = mb.eax, .ebx = mb.ebx};
    if (vcpu->ops->vcpu_create(vcpu, mem, &start, why, why_len) != 0)
        return -1;
    if (info->options.selftest == SELFTEST_ENTRY) {
        /* CR0.PG=1 with PE=0 is never a valid guest state, unrestricted or not. */
        log_info("selftest: setting guest CR0.PG without CR0.PE before the first entry");
        vcpu->ops->set_reg(vcpu, VCPU_REG_CR0, CR0_PG | CR0_ET);
    }
    return 0;
}

enum hv_status vm_run_guest(const struct boot_info *info, const struct virt_ops *ops,
                            const char *name, uint64_t tsc_hz)
{
    static struct guest_memory mem; /* large: keep it off the stack */
    static struct vcpu vcpu;
    static struct virtual_platform platform; /* the guest's devices and clock */
    struct vm_exit exit;
    struct memory_checkpoint checkpoint;
    char why[WHY_MAX];

    const struct boot_guest_image *image = find_guest(info, name);
    if (!image)
        return HV_STATUS_GUEST_FAILED;
    if (memory_checkpoint(&checkpoint) != 0)
        return HV_STATUS_GUEST_FAILED;

    memset(&vcpu, 0, sizeof(vcpu));
    vcpu.ops = ops;
    vcpu.mem = &mem;
    vcpu.guest_name = image->name;
    vcpu.watchdog_s = info->options.watchdog_s;
    vcpu.watchdog_tsc = (uint64_t)info->options.watchdog_s * tsc_hz;
    io_bus_reset();
    vplatform_reset(&platform, rdtsc, tsc_hz);
    vcpu.platform = &platform;

    enum hv_status status;
    if (prepare(info, image, &mem, &vcpu, why, sizeof(why)) != 0) {
        log_error("guest \"%s\" not started: %s", name, why);
        status = HV_STATUS_GUEST_FAILED;
    } else {
        log_info("launching guest \"%s\"", name);
        bool exited = run(&vcpu, &exit);
        status = report_end(&vcpu, exited ? &exit : 0);
    }
    memory_rollback(&checkpoint);
    return status;
}
