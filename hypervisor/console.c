/*
 * console.c - log levels and printf on top of the serial driver.
 */
#include "hypervisor/console.h"

#include <stdarg.h>

#include "arch/x86_64/serial.h"
#include "hypervisor/fmt.h"

static enum log_level current_level = LOG_INFO;

static const char *const level_tags[] = {
    [LOG_ERROR] = "error: ",
    [LOG_WARN] = "warning: ",
    [LOG_INFO] = "",
    [LOG_DEBUG] = "debug: ",
};

static void serial_sink(char c, void *ctx)
{
    (void)ctx;
    serial_putc(c);
}

void console_init(void) { serial_init(); }

void console_set_level(enum log_level level) { current_level = level; }

enum log_level console_level(void) { return current_level; }

void kprintf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fmt_vformat(serial_sink, 0, format, ap);
    va_end(ap);
}

/* The VM whose exits are being handled, when several share the CPU (scheduler.c). */
static const char *vm_context;

void console_set_vm(const char *name) { vm_context = name; }

void log_msg(enum log_level level, const char *format, ...)
{
    if (level > current_level)
        return;
    kprintf("hvlab: %s", level_tags[level]);
    if (vm_context)
        kprintf("[%s] ", vm_context);
    va_list ap;
    va_start(ap, format);
    fmt_vformat(serial_sink, 0, format, ap);
    va_end(ap);
    serial_putc('\n');
}
