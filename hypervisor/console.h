/*
 * console.h - hvlab's log: printf-style output on the serial console, with levels.
 *
 * Every hypervisor line starts with "hvlab: " so a transcript tells hypervisor and guest
 * output apart (the guest's UART output is forwarded with "[guest] ").
 */
#ifndef HVLAB_CONSOLE_H
#define HVLAB_CONSOLE_H

#include "boot/boot_options.h" /* enum log_level */

void console_init(void);
void console_set_level(enum log_level level);
enum log_level console_level(void);

/* Print without prefix or level filter (used for tables and reports). */
void kprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Print "hvlab: " + message if level is enabled; errors and warnings are tagged. */
/* While several VMs share the CPU, the scheduler names the one running: lines it causes
 * say so, "hvlab: [conform] guest rdmsr ...". NULL: no name (one VM, or none running). */
void console_set_vm(const char *name);

void log_msg(enum log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
