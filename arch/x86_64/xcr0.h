/*
 * xcr0.h - the host side of XCR0: turn XSAVE on (CR4.OSXSAVE) so that hvlab can load a
 * guest's XCR0, and load it only when it changes (XSETBV is not cheap).
 * Neither VT-x nor AMD-V switches XCR0 at VM entry or exit: the value in the CPU is the
 * guest's while it runs. hvlab's own code is built with -mgeneral-regs-only and uses no
 * XSAVE state, so it can run with any guest's XCR0.
 * See: SDM Vol. 1, "Enabling the XSAVE Feature Set and XSAVE-Enabled Features".
 */
#ifndef HVLAB_ARCH_XCR0_H
#define HVLAB_ARCH_XCR0_H

#include <stdbool.h>
#include <stdint.h>

/* Set CR4.OSXSAVE if the CPU has XSAVE; true if XSETBV can be used. Idempotent. */
bool xcr0_host_enable(void);

/* Load value into XCR0 unless it is there already. Only after xcr0_host_enable(). */
void xcr0_load(uint64_t value);

#endif
