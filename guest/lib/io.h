/*
 * io.h - x86 port I/O: single IN/OUT and the REP INS/OUTS string forms.
 *
 * Every guest device (the 16550 UART, the debug-exit port) sits in I/O space, and each of
 * these instructions causes an I/O-instruction VM exit under hvlab. The string forms are
 * here on purpose: they make the hypervisor decode a REP prefix, a count in ECX and a
 * buffer at ES:EDI / DS:ESI.
 *
 * See: Intel SDM Vol. 2, "IN—Input from Port", "OUT—Output to Port",
 *      "INS/INSB/INSW/INSD—Input from Port to String",
 *      "OUTS/OUTSB/OUTSW/OUTSD—Output String to Port",
 *      "REP/REPE/REPZ/REPNE/REPNZ—Repeat String Operation Prefix".
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;

    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t value;

    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t value;

    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/* Send count bytes from buf to port with one REP OUTSB (DS:ESI -> port, ECX times). */
static inline void rep_outsb(uint16_t port, const void *buf, uint32_t count)
{
    __asm__ volatile("cld; rep outsb" : "+S"(buf), "+c"(count) : "d"(port) : "memory");
}

/* Read count bytes from port into buf with one REP INSB (port -> ES:EDI, ECX times). */
static inline void rep_insb(uint16_t port, void *buf, uint32_t count)
{
    __asm__ volatile("cld; rep insb" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}

#endif /* GUEST_IO_H */
