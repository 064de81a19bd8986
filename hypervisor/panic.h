/*
 * panic.h - stop hvlab when one of its own invariants breaks.
 */
#ifndef HVLAB_PANIC_H
#define HVLAB_PANIC_H

/* Print "hvlab: PANIC: <message>", the registers and a backtrace, then shut down with
 * HV_STATUS_PANIC. For failures a caller can handle, return an error instead. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *format, ...);

#endif
