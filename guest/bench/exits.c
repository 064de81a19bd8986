/*
 * exits.c - loops of one exiting instruction each (the shape is in exits.h).
 *
 * See: Intel SDM Vol. 3C, "Instructions That Cause VM Exits Unconditionally" (CPUID),
 *      "Instructions That Cause VM Exits Conditionally" (IN/OUT with I/O exiting),
 *      "VMCALL—Call to VM Monitor", "EPT Violations" (the MMIO access);
 *      AMD APM Vol. 2, "Instruction Intercepts" (CPUID, IOIO, VMMCALL), "Nested Page
 *      Faults"; docs/hypercalls.md (HC_VERSION).
 */
#include "exits.h"

#include "cpuid.h"
#include "hlt.h"
#include "measure.h"
#include "uart.h"

#define NULL_PORT     0x80 /* POST-code port: no device under hvlab (not 0xF4: that ends us) */
#define UART_LSR_PORT (COM1_PORT + UART_LSR)

/* The common loop: ESI counts down, EDI is copied to EAX before the op (exits.h). */
#define BENCH_LOOP(op) "1:\n\tmovl %%edi, %%eax\n\t" op "\n\tdecl %%esi\n\tjnz 1b"

static void loop_null(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("nop") : "+S"(n) : "D"(0) : "eax", "memory");
}

/* CPUID leaf 0 (vendor): exits unconditionally under VT-x, intercepted under AMD-V. */
static void loop_cpuid(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("cpuid")
                     : "+S"(n)
                     : "D"(CPUID_LEAF_VENDOR)
                     : "eax", "ebx", "ecx", "edx", "memory");
}

/* HC_VERSION, the null hypercall: VMCALL on Intel, VMMCALL on AMD (hypercalls.md). */
static void loop_vmcall(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("vmcall") : "+S"(n) : "D"(HC_VERSION) : "eax", "memory");
}

static void loop_vmmcall(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("vmmcall") : "+S"(n) : "D"(HC_VERSION) : "eax", "memory");
}

/* One-byte OUT to a port no device claims: the cheapest I/O exit. */
static void loop_out(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("outb %%al, %[port]")
                     : "+S"(n)
                     : "D"(0), [port] "i"(NULL_PORT)
                     : "eax", "memory");
}

/* One-byte IN from the UART's line status register: an I/O exit answered by a device. */
static void loop_in(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("inb %%dx, %%al")
                     : "+S"(n)
                     : "D"(0), "d"(UART_LSR_PORT)
                     : "eax", "memory");
}

/* A 32-bit read of the hvlab-info MMIO page's magic register: an EPT violation / nested page fault
 * that the hypervisor emulates. */
static void loop_mmio(uint32_t n)
{
    __asm__ volatile(BENCH_LOOP("movl (%%ebx), %%eax")
                     : "+S"(n)
                     : "D"(0), "b"(HV_INFO_MMIO_GPA + HV_INFO_REG_MAGIC)
                     : "eax", "memory");
}

bool exits_run(const struct bench_env *env, uint32_t ops, unsigned batches)
{
    bool agree = true;

    agree &= bench_batches("null", loop_null, ops, batches);
    agree &= bench_batches("cpuid", loop_cpuid, ops, batches);
    if (env->hvlab)
        agree &= bench_batches("hypercall", hv_uses_vmmcall() ? loop_vmmcall : loop_vmcall, ops,
                               batches);
    else
        bench_not_available("hypercall", "no hvlab hypervisor");
    agree &= bench_batches("out", loop_out, ops, batches);
    agree &= bench_batches("in", loop_in, ops, batches);
    if (!env->hvlab)
        bench_not_available("mmio", "no hvlab hypervisor");
    else if (!(env->features & HV_FEATURE_MMIO_INFO))
        bench_not_available("mmio", "hvlab offers no hvlab-info MMIO page (feature bit 5)");
    else
        agree &= bench_batches("mmio", loop_mmio, ops, batches);
    agree &= hlt_run(env, ops, batches); /* its own loop, with a timer interrupt: hlt.c */
    return agree;
}
