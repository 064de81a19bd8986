/*
 * fpu_state.h - the guests' x87, SSE and AVX registers when several VMs share the CPU.
 *
 * hvlab's own code never touches these registers (-mgeneral-regs-only), so a guest's
 * values stay in the CPU across its exits. What must move is the state of a VM that
 * leaves the CPU for another VM: it is saved to that VM's area and the next VM's state
 * is loaded from its own. With XSAVE (CR4.OSXSAVE, xcr0.h) every component a guest may
 * enable moves (XSAVE/XRSTOR under a full XCR0); without, x87 and SSE (FXSAVE/FXRSTOR).
 * See: SDM Vol. 1, "Managing State Using the XSAVE Feature Set", "FXSAVE"; Vol. 2,
 * "XSAVE", "XRSTOR".
 */
#ifndef HVLAB_ARCH_FPU_STATE_H
#define HVLAB_ARCH_FPU_STATE_H

#include <stdint.h>

/* A save area in its power-on state (x87 control word 0x37F, MXCSR 0x1F80, everything
 * else zero), 64-byte aligned, large enough for every component the CPU has. NULL if out
 * of memory. Its pages belong to the VM being created (pages_alloc). */
void *fpu_state_alloc(void);

/* The CPU goes to the vCPU with `area` and XCR0 value `xcr0`: the state of the last one
 * loaded is saved into its own area, then this one's is loaded (XCR0 first). Nothing
 * to do if it is the one loaded already. */
void fpu_state_switch(void *area, uint64_t xcr0);

/* The area's VM is gone: never save into it again. */
void fpu_state_forget(const void *area);

#endif
