/*
 * stub_serial.c - the serial port of arch/x86_64/serial.h for host unit tests.
 *
 * hypervisor/console.c (the real one: log levels, "hvlab: " prefixes, formatting) prints
 * through serial_putc(); here the characters go into a buffer the tests search
 * (console_text, console_contains in fake_backend.h) instead of out of COM1.
 */
#include <string.h>

#include "arch/x86_64/serial.h"
#include "tests/unit/fake_backend.h"

#define CONSOLE_BUF_SIZE (64 * 1024)

static char text[CONSOLE_BUF_SIZE];
static size_t text_len;

void serial_init(void) { console_clear(); }

/* One character; past the end of the buffer, dropped. */
void serial_putc(char c)
{
    if (text_len + 1 < sizeof(text)) {
        text[text_len++] = c;
        text[text_len] = '\0';
    }
}

const char *console_text(void) { return text; }

/* Host input for the guest's UART: what stub_serial_input() queued, one byte a call. */
static const char *input;

void stub_serial_input(const char *bytes) { input = bytes; }

int serial_read_byte(void) { return input && *input ? (unsigned char)*input++ : -1; }

void console_clear(void)
{
    text_len = 0;
    text[0] = '\0';
}

bool console_contains(const char *needle) { return strstr(text, needle) != NULL; }
