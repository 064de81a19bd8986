/*
 * panic.c - the report printed when hvlab cannot go on.
 */
#include "hypervisor/panic.h"

#include <stdarg.h>

#include "arch/x86_64/exceptions.h"
#include "arch/x86_64/platform.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"

#define PANIC_MESSAGE_MAX 256

void panic(const char *format, ...)
{
    struct trap_frame frame;
    cpu_capture_registers(&frame);

    char message[PANIC_MESSAGE_MAX];
    va_list ap;
    va_start(ap, format);
    fmt_vsnprintf(message, sizeof(message), format, ap);
    va_end(ap);

    kprintf("\nhvlab: PANIC: %s\n", message);
    cpu_state_print(&frame);
    platform_shutdown(HV_STATUS_PANIC);
}
