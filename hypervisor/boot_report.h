/*
 * boot_report.h - print what the boot layer handed over (memory map, ACPI, image, CPU).
 */
#ifndef HVLAB_BOOT_REPORT_H
#define HVLAB_BOOT_REPORT_H

#include "boot/boot_info.h"

void boot_report(const struct boot_info *info);

#endif
