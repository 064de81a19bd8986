/*
 * stub_console.c - hypervisor/console.h and exception_name() for host unit tests.
 *
 * The real console writes to the serial port; this one appends to a buffer the tests
 * search (console_text, console_contains in fake_backend.h). Formatting is hvlab's own
 * fmt_vformat (hypervisor/fmt.c), so tests see exactly what the hypervisor would print.
 * exception_name() lives in arch/x86_64/exceptions.c, which needs isr.S: the copy here
 * names the vectors the tests use the same way.
 */
#include <stdarg.h>
#include <string.h>

#include "arch/x86_64/exceptions.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "tests/unit/fake_backend.h"

#define CONSOLE_BUF_SIZE (64 * 1024)

static char text[CONSOLE_BUF_SIZE];
static size_t text_len;
static enum log_level current_level = LOG_DEBUG; /* tests see every line */

static const char *const level_tags[] = {
    [LOG_ERROR] = "error: ",
    [LOG_WARN] = "warning: ",
    [LOG_INFO] = "",
    [LOG_DEBUG] = "debug: ",
};

/* fmt_sink: append one character; past the end of the buffer, drop it. */
static void buffer_sink(char c, void *ctx)
{
    (void)ctx;
    if (text_len + 1 < sizeof(text)) {
        text[text_len++] = c;
        text[text_len] = '\0';
    }
}

const char *console_text(void) { return text; }

void console_clear(void)
{
    text_len = 0;
    text[0] = '\0';
}

bool console_contains(const char *needle) { return strstr(text, needle) != NULL; }

void console_init(void) { console_clear(); }

void console_set_level(enum log_level level) { current_level = level; }

enum log_level console_level(void) { return current_level; }

void kprintf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fmt_vformat(buffer_sink, 0, format, ap);
    va_end(ap);
}

void log_msg(enum log_level level, const char *format, ...)
{
    if (level > current_level)
        return;
    kprintf("hvlab: %s", level_tags[level]);
    va_list ap;
    va_start(ap, format);
    fmt_vformat(buffer_sink, 0, format, ap);
    va_end(ap);
    buffer_sink('\n', 0);
}

const char *exception_name(unsigned vector)
{
    switch (vector) {
    case EXC_INVALID_OPCODE: return "#UD invalid opcode";
    case EXC_GENERAL_PROTECTION: return "#GP general protection";
    case EXC_PAGE_FAULT: return "#PF page fault";
    default: return "reserved vector";
    }
}
