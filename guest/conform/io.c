/*
 * io.c - port I/O of each width and the string forms, against the UART and a port no
 * device decodes (docs/hypercalls.md, section 6; hypervisor/io_bus.c).
 *
 * An IN from a port nobody decodes reads all ones, as on a PC bus where no device drives
 * the data lines (and as QEMU and hvlab's io_bus answer); an OUT to it is dropped.
 *
 * See: Intel SDM Vol. 2, "IN—Input from Port", "OUT—Output to Port",
 *      "INS/INSB/INSW/INSD—Input from Port to String", "OUTS/OUTSB/OUTSW/OUTSD—Output
 *      String to Port", "REP/REPE/REPZ/REPNE/REPNZ—Repeat String Operation Prefix".
 */
#include "conform.h"
#include "io.h"
#include "str.h"
#include "uart.h"

/* No device at this port, bare QEMU (pc machine) or under hvlab. */
#define UNCLAIMED_PORT 0xE0

#define ALL_ONES_8  0xFFu
#define ALL_ONES_16 0xFFFFu
#define ALL_ONES_32 0xFFFFFFFFu

#define INSB_COUNT 16 /* bytes REP INSB reads */
#define INSB_GUARD 4  /* bytes after them that must stay untouched */

/* Bits 31:8 of EAX before an 8-bit IN: an IN to AL must leave them as they were (SDM Vol. 1,
 * "General-Purpose Registers": an 8-bit destination changes only its own byte). */
#define EAX_HIGH_BITS 0x12345600u

/* OUT/IN of a byte: the UART's scratch register keeps what was written, and an IN to AL
 * keeps the rest of EAX. */
enum tap_outcome check_io_byte_scratch(void)
{
    static const uint8_t patterns[] = {0xA5, 0x5A, 0x00, 0xFF};

    for (unsigned i = 0; i < sizeof(patterns); i++) {
        outb(COM1_PORT + UART_SCR, patterns[i]);
        uint8_t got = inb(COM1_PORT + UART_SCR);
        if (got != patterns[i])
            return tap_fail("wrote 0x%02x to SCR (0x3ff), read 0x%02x", patterns[i], got);
    }
    uint32_t eax = EAX_HIGH_BITS;
    __asm__ volatile("inb %%dx, %%al" : "+a"(eax) : "d"((uint16_t)(COM1_PORT + UART_SCR)));
    uint32_t want = EAX_HIGH_BITS | patterns[sizeof(patterns) - 1];
    if (eax != want)
        return tap_fail("inb to AL left EAX = 0x%08x, expected 0x%08x", eax, want);
    return TAP_PASS;
}

/* A 16-bit IN from an unclaimed port: 0xFFFF. */
enum tap_outcome check_io_word_unclaimed(void)
{
    uint16_t got = inw(UNCLAIMED_PORT);

    if (got != ALL_ONES_16)
        return tap_fail("inw(0x%x) = 0x%04x, expected 0xffff", UNCLAIMED_PORT, got);
    return TAP_PASS;
}

/* A 32-bit IN from an unclaimed port: 0xFFFFFFFF. */
enum tap_outcome check_io_dword_unclaimed(void)
{
    uint32_t got = inl(UNCLAIMED_PORT);

    if (got != ALL_ONES_32)
        return tap_fail("inl(0x%x) = 0x%08x, expected 0xffffffff", UNCLAIMED_PORT, got);
    return TAP_PASS;
}

/* OUTs of each width to an unclaimed port return (no fault, nothing stops the guest) and
 * change nothing: it still reads all ones. */
enum tap_outcome check_io_out_unclaimed(void)
{
    outb(UNCLAIMED_PORT, 0x12);
    outw(UNCLAIMED_PORT, 0x1234);
    outl(UNCLAIMED_PORT, 0x12345678);
    uint8_t b = inb(UNCLAIMED_PORT);
    if (b != ALL_ONES_8)
        return tap_fail("after the OUTs inb(0x%x) = 0x%02x, expected 0xff", UNCLAIMED_PORT, b);
    return TAP_PASS;
}

/* REP OUTSB of one line to THR: ECX counts down to 0, ESI advances by the length. */
enum tap_outcome check_io_rep_outsb(void)
{
    static const char line[] = "# conform: this line was sent with rep outsb\r\n";
    const char *esi = line;
    uint32_t ecx = sizeof(line) - 1;

    uart_flush();
    __asm__ volatile("cld; rep outsb"
                     : "+S"(esi), "+c"(ecx)
                     : "d"(COM1_PORT + UART_THR)
                     : "memory");
    if (ecx != 0)
        return tap_fail("ECX = %u after rep outsb, expected 0", ecx);
    if (esi != line + sizeof(line) - 1)
        return tap_fail("ESI advanced by %d, expected %u", (int)(esi - line),
                        (unsigned)sizeof(line) - 1);
    return TAP_PASS;
}

/* REP INSB from an unclaimed port: 16 bytes of 0xFF, EDI advanced by 16, ECX = 0, and the
 * bytes after the buffer untouched. */
enum tap_outcome check_io_rep_insb(void)
{
    static uint8_t buf[INSB_COUNT + INSB_GUARD];
    uint8_t *edi = buf;
    uint32_t ecx = INSB_COUNT;

    memset(buf, 0, sizeof(buf));
    __asm__ volatile("cld; rep insb" : "+D"(edi), "+c"(ecx) : "d"(UNCLAIMED_PORT) : "memory");
    if (ecx != 0)
        return tap_fail("ECX = %u after rep insb, expected 0", ecx);
    if (edi != buf + INSB_COUNT)
        return tap_fail("EDI advanced by %d, expected %u", (int)(edi - buf), INSB_COUNT);
    for (unsigned i = 0; i < INSB_COUNT; i++)
        if (buf[i] != ALL_ONES_8)
            return tap_fail("byte %u = 0x%02x, expected 0xff", i, buf[i]);
    for (unsigned i = INSB_COUNT; i < sizeof(buf); i++)
        if (buf[i] != 0)
            return tap_fail("byte %u past the count = 0x%02x, expected untouched 0x00", i,
                            buf[i]);
    return TAP_PASS;
}
