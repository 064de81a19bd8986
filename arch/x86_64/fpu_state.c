/*
 * fpu_state.c - save and load a VM's x87/SSE/AVX state at a VM switch (fpu_state.h).
 */
#include "arch/x86_64/fpu_state.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/xcr0.h"
#include "hypervisor/cr_policy.h"
#include "hypervisor/memory.h"
#include "hypervisor/string.h"

/* The legacy region (FXSAVE format) at the start of every area, and the XSAVE header.
 * See: SDM Vol. 1, "FXSAVE Area" (FCW at byte 0, MXCSR at byte 24), "XSAVE Header"
 * (XSTATE_BV at byte 512). */
#define FXSAVE_AREA_BYTES 512u
#define FCW_OFFSET        0u
#define MXCSR_OFFSET      24u
#define XSTATE_BV_OFFSET  512u
#define FCW_POWER_ON      0x037Fu /* all exceptions masked, 64-bit precision */
#define MXCSR_POWER_ON    0x1F80u /* all SIMD exceptions masked, round to nearest */

/* XSAVE/XRSTOR move the components in XCR0 AND EDX:EAX: all ones = all of XCR0. */
#define ALL_COMPONENTS 0xFFFFFFFFu

static void *loaded_area; /* whose state the CPU holds; NULL: nobody's (power-on, hvlab) */

static bool have_xsave(void) { return xcr0_host_enable(); }

static size_t area_bytes(void)
{
    if (!have_xsave())
        return FXSAVE_AREA_BYTES;
    /* CPUID.(EAX=0DH,ECX=0):ECX: the size for every component the CPU supports. */
    return cpuid(CPUID_LEAF_XSAVE, CPUID_D_SUBLEAF_XCR0).ecx;
}

void *fpu_state_alloc(void)
{
    size_t bytes = area_bytes();
    uint8_t *area = pages_alloc((bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1, "FPU/SSE/AVX state");
    if (!area)
        return 0;
    memset(area, 0, bytes);
    uint16_t fcw = FCW_POWER_ON;
    uint32_t mxcsr = MXCSR_POWER_ON;
    memcpy(area + FCW_OFFSET, &fcw, sizeof(fcw));
    memcpy(area + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
    /* XSTATE_BV x87 | SSE: XRSTOR loads FCW and MXCSR from the legacy region; every other
     * component starts in its initial configuration (zeros). */
    if (have_xsave()) {
        uint64_t bv = XCR0_X87 | XCR0_SSE;
        memcpy(area + XSTATE_BV_OFFSET, &bv, sizeof(bv));
    }
    return area;
}

/* The XCR0 a switch runs with: every component a guest may enable. SSE registers are
 * governed by CR4.OSFXSR, not XCR0, so a guest whose XCR0 is x87 alone still uses them:
 * the switch must move every component, whatever the two VMs' own XCR0 values are. */
static uint64_t every_component(void)
{
    struct cpuid_regs d = cpuid(CPUID_LEAF_XSAVE, CPUID_D_SUBLEAF_XCR0);
    return (((uint64_t)d.edx << 32) | d.eax) & XCR0_HVLAB_POLICY;
}

static void save(void *area)
{
    if (have_xsave())
        __asm__ volatile("xsave64 (%0)"
                         :
                         : "r"(area), "a"(ALL_COMPONENTS), "d"(ALL_COMPONENTS)
                         : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void load(const void *area)
{
    if (have_xsave())
        __asm__ volatile("xrstor64 (%0)"
                         :
                         : "r"(area), "a"(ALL_COMPONENTS), "d"(ALL_COMPONENTS)
                         : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void fpu_state_switch(void *area, uint64_t xcr0)
{
    if (area == loaded_area)
        return;
    if (have_xsave())
        xcr0_load(every_component());
    if (loaded_area)
        save(loaded_area);
    load(area);
    if (have_xsave())
        xcr0_load(xcr0);
    loaded_area = area;
}

void fpu_state_forget(const void *area)
{
    if (area == loaded_area)
        loaded_area = 0;
}
