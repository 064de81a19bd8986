/*
 * acpi_pm.h - the ACPI fixed-hardware PM1a register blocks a guest sees: the event block
 * (PM1_STS, PM1_EN) and the control block (PM1_CNT), where an OS asks for a sleep state
 * and, with the S5 type, for the machine to power off.
 *
 *   port 0x600  PM1_STS  16 bits  status: write 1 to clear          \ PM1a_EVT_BLK
 *   port 0x602  PM1_EN   16 bits  enables: stored                   /   (4 bytes)
 *   port 0x604  PM1_CNT  16 bits  SCI_EN (reads 1), SLP_TYP, SLP_EN     PM1a_CNT_BLK (2 bytes)
 *
 * The layout is the PIIX4's (its PM I/O block: status, enable, control at +0, +2, +4) at
 * the base port 0x600 that PCs commonly give it; the FADT (acpi_tables.c) names these
 * ports, so a guest finds them there. No PM1b blocks, no PM timer, no GPE blocks.
 *
 * The machine is ACPI-only: the FADT's SMI_CMD is 0, so SCI_EN is always 1 and there is no
 * legacy mode to leave. No hvlab device sets a status bit yet (no power button, no
 * RTC alarm, no PM timer), so the SCI stays deasserted and is not wired to an interrupt
 * line; acpi_pm_set_status() and acpi_pm_sci() are there for the first device that does.
 *
 * Sleep requests (SLP_EN written as 1): the SLP_TYP values are the platform's own, and
 * the DSDT's \_S5_ package names the one this model treats as soft-off (ACPI_PM_SLP_TYP_S5).
 * The DSDT names no other state (no \_S1_-\_S4_), so an OS never asks for one; a guest
 * that writes another type anyway gets a machine that "wakes" at once: WAK_STS is set,
 * nothing else happens, and the caller is told (it logs it).
 *
 * Register width: the FADT gives PM1 registers as 16-bit (PM1_EVT_LEN 4 = two 2-byte
 * registers, PM1_CNT_LEN 2). Byte accesses reach the byte they name; a 4-byte access at
 * 0x600 reaches PM1_STS and PM1_EN together; bytes past the blocks read as all ones and
 * ignore writes (no register there).
 * See: ACPI 6.4, 4.8.4.1 "PM1 Event Grouping" (4.8.4.1.1 "PM1 Status Registers", Table
 * 4.11; 4.8.4.1.2 "PM1 Enable Registers", Table 4.12), 4.8.4.2.1 "PM1 Control Registers"
 * (Table 4.13), 4.8.3.4 "Legacy/ACPI Select and the SCI Interrupt", 7.4.2 "\_Sx (System
 * States)", 16.1 "Sleeping States".
 */
#ifndef HVLAB_DEVICES_ACPI_PM_H
#define HVLAB_DEVICES_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

/* Ports. PM1a_EVT_BLK is 4 bytes (PM1_EVT_LEN): PM1_STS, then PM1_EN at half its length;
 * PM1a_CNT_BLK is 2 bytes (PM1_CNT_LEN). See: ACPI 6.4, 4.8.4.1 and 4.8.4.2. */
#define ACPI_PM1A_EVT_PORT  0x600u
#define ACPI_PM1_EVT_LEN    4u
#define ACPI_PM1A_CNT_PORT  (ACPI_PM1A_EVT_PORT + ACPI_PM1_EVT_LEN) /* 0x604 */
#define ACPI_PM1_CNT_LEN    2u
#define ACPI_PM_PORT_COUNT  (ACPI_PM1_EVT_LEN + ACPI_PM1_CNT_LEN) /* 0x600-0x605 */
#define ACPI_PM1_STS_OFFSET 0u                      /* offsets from ACPI_PM1A_EVT_PORT */
#define ACPI_PM1_EN_OFFSET  (ACPI_PM1_EVT_LEN / 2u) /* "PM1_EVT_LEN / 2" */
#define ACPI_PM1_CNT_OFFSET ACPI_PM1_EVT_LEN
#define ACPI_PM_NO_REGISTER 0xFFu /* a byte read past the blocks */

/* PM1_STS bits, write 1 to clear (Table 4.11). Bit 11 is "ignored", the rest reserved. */
#define ACPI_PM1_TMR_STS         (1u << 0)
#define ACPI_PM1_BM_STS          (1u << 4)
#define ACPI_PM1_GBL_STS         (1u << 5)
#define ACPI_PM1_PWRBTN_STS      (1u << 8)
#define ACPI_PM1_SLPBTN_STS      (1u << 9)
#define ACPI_PM1_RTC_STS         (1u << 10)
#define ACPI_PM1_PCIEXP_WAKE_STS (1u << 14)
#define ACPI_PM1_WAK_STS         (1u << 15)
#define ACPI_PM1_STS_DEFINED                                                                   \
    (ACPI_PM1_TMR_STS | ACPI_PM1_BM_STS | ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS |             \
     ACPI_PM1_SLPBTN_STS | ACPI_PM1_RTC_STS | ACPI_PM1_PCIEXP_WAKE_STS | ACPI_PM1_WAK_STS)

/* PM1_EN bits, read/write (Table 4.12): each enable sits at its status bit's position.
 * PCIEXP_WAKE_DIS is a disable, and wakes only: it raises no SCI. */
#define ACPI_PM1_TMR_EN          (1u << 0)
#define ACPI_PM1_GBL_EN          (1u << 5)
#define ACPI_PM1_PWRBTN_EN       (1u << 8)
#define ACPI_PM1_SLPBTN_EN       (1u << 9)
#define ACPI_PM1_RTC_EN          (1u << 10)
#define ACPI_PM1_PCIEXP_WAKE_DIS (1u << 14)
#define ACPI_PM1_SCI_EVENTS                                                                    \
    (ACPI_PM1_TMR_EN | ACPI_PM1_GBL_EN | ACPI_PM1_PWRBTN_EN | ACPI_PM1_SLPBTN_EN |             \
     ACPI_PM1_RTC_EN)
#define ACPI_PM1_EN_WRITABLE (ACPI_PM1_SCI_EVENTS | ACPI_PM1_PCIEXP_WAKE_DIS)

/* PM1_CNT bits (Table 4.13). SCI_EN is set by the hardware in ACPI mode, and this machine
 * is always in it; GBL_RLS (write-only) would raise an SMI to firmware, and there is no
 * firmware: dropped. SLP_EN is write-only and reads 0. Bit 9 is "ignored": stored, as
 * software writes back what it reads. */
#define ACPI_PM1_SCI_EN        (1u << 0)
#define ACPI_PM1_BM_RLD        (1u << 1)
#define ACPI_PM1_GBL_RLS       (1u << 2)
#define ACPI_PM1_CNT_IGNORED   (1u << 9)
#define ACPI_PM1_SLP_TYP_SHIFT 10u
#define ACPI_PM1_SLP_TYP_MASK  (0x7u << ACPI_PM1_SLP_TYP_SHIFT) /* bits 12:10 */
#define ACPI_PM1_SLP_EN        (1u << 13)
#define ACPI_PM1_CNT_STORED    (ACPI_PM1_BM_RLD | ACPI_PM1_CNT_IGNORED | ACPI_PM1_SLP_TYP_MASK)

/* The SLP_TYP value of soft-off, as the DSDT's \_S5_ package gives it. Any 3-bit value
 * would do (the encoding is the platform's); 5 reads as the state it stands for. */
#define ACPI_PM_SLP_TYP_S5 5u

struct acpi_pm {
    uint16_t status;         /* PM1_STS: ACPI_PM1_STS_DEFINED bits */
    uint16_t enable;         /* PM1_EN: ACPI_PM1_EN_WRITABLE bits */
    uint16_t control;        /* PM1_CNT: ACPI_PM1_CNT_STORED bits (SCI_EN is added on read) */
    uint64_t sleeps_ignored; /* SLP_EN writes with a type other than S5 */
};

/* What a write asked of the machine. */
enum acpi_pm_request {
    ACPI_PM_NONE,
    ACPI_PM_POWER_OFF,     /* SLP_EN with SLP_TYP S5: end the VM, status 0 */
    ACPI_PM_SLEEP_IGNORED, /* SLP_EN with another type: WAK_STS set, nothing else */
};

/* Power-on state: no status, no enables, SLP_TYP 0 (SCI_EN reads 1 all the same). */
void acpi_pm_reset(struct acpi_pm *pm);

/* Guest read of `size` bytes (1, 2, 4) at `offset` from ACPI_PM1A_EVT_PORT, little-endian
 * across the registers; bytes past the blocks read ACPI_PM_NO_REGISTER. */
uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned offset, unsigned size);

/* Guest write of `size` bytes at `offset`: status bits written as 1 clear, enables and
 * control are stored, SLP_EN makes a sleep request. Returns what was asked. */
enum acpi_pm_request acpi_pm_write(struct acpi_pm *pm, unsigned offset, unsigned size,
                                   uint32_t value);

/* A device's event: set PM1_STS bits (ACPI_PM1_STS_DEFINED; others ignored). */
void acpi_pm_set_status(struct acpi_pm *pm, uint16_t bits);

/* The SCI line: asserted while a status bit is set with its enable (level, as the SCI is). */
bool acpi_pm_sci(const struct acpi_pm *pm);

#endif
