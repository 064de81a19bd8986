/*
 * linux_guest.h - start a VM with guest=linux: its bzImage and initrd (read by the boot
 * layer, boot/efi_linux.c) loaded into this VM's own RAM by the Linux boot protocol
 * (linux_boot.c), and the vCPU's start state for the kernel's 32-bit entry.
 */
#ifndef HVLAB_LINUX_GUEST_H
#define HVLAB_LINUX_GUEST_H

#include <stddef.h>

#include "boot/boot_info.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/virt_ops.h"

/* The command line when no words follow "--": the kernel's console on the VM's UART. */
#define LINUX_CMDLINE_DEFAULT "console=ttyS0"

/* Load image (format BOOT_GUEST_LINUX) into guest RAM mem with the words after "--" as
 * its command line, and fill *start. -1 with the reason, naming the file, on failure. */
int linux_guest_load(const struct boot_info *info, const struct boot_guest_image *image,
                     const struct guest_memory *mem, const char *vm_name,
                     struct guest_start *start, char *why, size_t why_len);

#endif
