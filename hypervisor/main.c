/*
 * main.c - hv_main(): the hypervisor from hand-over to shutdown, as a table of contents.
 * Each step is one call; the files named in the comments hold the details.
 */
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/virt_detect.h"
#include "boot/boot_info.h"
#include "hypervisor/boot_report.h"
#include "hypervisor/console.h"
#include "hypervisor/memory.h"
#include "hypervisor/panic.h"
#include "hypervisor/selftest.h"

void hv_main(const struct boot_info *info)
{
    if (!info || info->magic != BOOT_INFO_MAGIC)
        panic("hv_main: bad boot_info %p", (const void *)info);
    console_set_level(info->options.log_level); /* log=... (hypervisor/console.c) */
    descriptors_init();        /* own GDT, TSS, IDT (arch/x86_64/descriptors.c) */
    boot_report(info);         /* what the boot layer handed over (boot_report.c) */
    memory_init(info);         /* page allocator over the pool (memory.c) */
    selftest_run(info->options.selftest); /* deliberate faults, for tests (selftest.c) */

    char vendor[13];
    enum virt_kind virt = virt_detect(vendor); /* arch/x86_64/virt_detect.c */
    log_info("hardware virtualization: %s", virt_kind_name(virt));
    if (virt == VIRT_NONE) {
        log_error("this CPU offers neither VT-x nor AMD-V: no guest can run "
                  "(in QEMU use -cpu host with KVM, or boot in Bochs)");
        platform_shutdown(HV_STATUS_NO_VIRT);
    }
    platform_shutdown(HV_STATUS_OK);
}
