/*
 * main.c - hv_main(): the hypervisor from hand-over to shutdown, as a table of contents.
 * Each step is one call; the files named in the comments hold the details.
 */
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/virt_backend.h"
#include "boot/boot_info.h"
#include "hypervisor/boot_report.h"
#include "hypervisor/console.h"
#include "hypervisor/memory.h"
#include "hypervisor/panic.h"
#include "hypervisor/selftest.h"
#include "hypervisor/vm_group.h"

#define WHY_MAX    192
#define HZ_PER_KHZ 1000

void hv_main(const struct boot_info *info)
{
    char why[WHY_MAX];

    if (!info || info->magic != BOOT_INFO_MAGIC)
        panic("hv_main: bad boot_info %p", (const void *)info);
    console_set_level(info->options.log_level); /* log=... (hypervisor/console.c) */
    descriptors_init();                   /* own GDT, TSS, IDT (arch/x86_64/descriptors.c) */
    pic_mask_all();                       /* no legacy interrupts (arch/x86_64/pic.c) */
    boot_report(info);                    /* what the boot layer handed over (boot_report.c) */
    memory_init(info);                    /* page allocator over the pool (memory.c) */
    selftest_run(info->options.selftest); /* deliberate faults, for tests (selftest.c) */

    char vendor[13];
    enum virt_kind virt = virt_detect(vendor); /* arch/x86_64/virt_detect.c */
    log_info("hardware virtualization: %s", virt_kind_name(virt));
    const struct virt_ops *hw = virt_backend_for(virt, why, sizeof(why));
    if (!hw || hw->enable(why, sizeof(why)) != 0) { /* VMXON (vmx/vmx_enable.c) */
        log_error("%s", why);
        platform_shutdown(HV_STATUS_NO_VIRT);
    }
    uint64_t tsc_hz = tsc_calibrate_hz(); /* for the watchdog (arch/x86_64/tsc.c) */
    log_info("TSC: %lu kHz (measured against the PIT)", (unsigned long)(tsc_hz / HZ_PER_KHZ));
    platform_shutdown(vm_run_guests(info, hw, tsc_hz)); /* group by group (vm_group.c) */
}
