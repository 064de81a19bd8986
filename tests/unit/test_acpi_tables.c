/*
 * test_acpi_tables.c - Host unit tests for the VM's ACPI tables (hypervisor/acpi_tables.c).
 *
 * The tests read the block the way an OS does: scan 16-byte boundaries for the RSDP, check
 * its checksums, follow it to the RSDT and the XSDT, find each table by signature, check
 * every checksum, and read the fields at the byte offsets the ACPI 6.4 tables give. The
 * offsets here are written out as numbers from the specification, on purpose: they check
 * the header's names instead of repeating them.
 *   RSDP 5.2.5.3 | header 5.2.6 | RSDT 5.2.7 | XSDT 5.2.8 | FADT 5.2.9 (Table 5.9) |
 *   FACS 5.2.10 | DSDT 5.2.11.1 | MADT 5.2.12 | AML 20.2
 * The last tests play an OS's power-off: read \_S5_ from the DSDT's AML, write its
 * SLP_TYP with SLP_EN to the PM1a_CNT port the FADT names, and see the model power off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/acpi_tables.h"
#include "hypervisor/devices/acpi_pm.h"
#include "hypervisor/devices/io_apic.h"
#include "hypervisor/guest_memory.h"
#include "tests/unit/host_pages.h"

#define BIOS_AREA     0xE0000ull /* where the lead puts the block; the RSDP scan range */
#define BIOS_AREA_END 0x100000ull
#define RSDP_STEP     16u
#define BUF_SIZE      ACPI_TABLES_MAX_SIZE
#define TABLE_MAX     8u
#define PADDING_BYTE  0xA5u /* buffer fill before building: tables must not depend on it */
#define GUEST_RAM     (2ull << 20)

/* ---- the block, as guest memory at `base` ---- */

static uint8_t buf[BUF_SIZE];
static uint64_t base;
static size_t used;

static void build_at(uint64_t gpa)
{
    memset(buf, PADDING_BYTE, sizeof(buf));
    base = gpa;
    used = acpi_tables_build(buf, sizeof(buf), gpa);
    assert_true(used > 0);
    assert_true(used <= sizeof(buf));
}

/* Host pointer to guest-physical [gpa, gpa+len), which must lie in the block. */
static const uint8_t *at(uint64_t gpa, uint64_t len)
{
    assert_true(gpa >= base);
    assert_true(gpa + len <= base + used);
    return buf + (gpa - base);
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    for (size_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* The OS's scan: the first 16-byte boundary in [from, to) with "RSD PTR " and a good
 * ACPI 1.0 checksum (ACPI 6.4, 5.2.5.1). 0 if none. */
static uint64_t scan_rsdp(uint64_t from, uint64_t to)
{
    for (uint64_t gpa = from; gpa + 20 <= to; gpa += RSDP_STEP) {
        if (gpa < base || gpa + 20 > base + used)
            continue;
        const uint8_t *p = buf + (gpa - base);
        if (memcmp(p, "RSD PTR ", 8) == 0 && sum(p, 20) == 0)
            return gpa;
    }
    return 0;
}

/* A table's header, checked as an OS checks it: in the block, length at least a header,
 * the whole table sums to zero, hvlab's IDs. Returns the table. */
static const uint8_t *table_at(uint64_t gpa, const char *signature)
{
    const uint8_t *t = at(gpa, 36);
    uint32_t length = rd32(t + 4);
    assert_true(length >= 36);
    t = at(gpa, length);
    assert_memory_equal(t, signature, 4);
    assert_int_equal(sum(t, length), 0);
    assert_memory_equal(t + 10, "HVLAB ", 6);   /* OEMID */
    assert_memory_equal(t + 16, "HVLABVM ", 8); /* OEM Table ID */
    assert_int_equal(rd32(t + 24), 1);          /* OEM Revision */
    assert_memory_equal(t + 28, "HVLB", 4);     /* Creator ID */
    assert_int_equal(rd32(t + 32), 1);          /* Creator Revision */
    return t;
}

/* The tables a root table lists (entry_size 4: RSDT, 8: XSDT). Returns how many. */
static unsigned root_entries(const uint8_t *root, unsigned entry_size, uint64_t *entries)
{
    uint32_t length = rd32(root + 4);
    assert_int_equal((length - 36) % entry_size, 0);
    unsigned n = (length - 36) / entry_size;
    assert_true(n <= TABLE_MAX);
    for (unsigned i = 0; i < n; i++)
        entries[i] = entry_size == 4 ? rd32(root + 36 + 4 * i) : rd64(root + 36 + 8 * i);
    return n;
}

static const uint8_t *rsdp(void)
{
    uint64_t gpa = scan_rsdp(BIOS_AREA, BIOS_AREA_END);
    assert_int_equal(gpa, base);
    return at(gpa, 36);
}

/* Find a table by signature through the XSDT (what a 2.0+ OS uses). */
static const uint8_t *find_table(const char *signature)
{
    uint64_t entries[TABLE_MAX];
    const uint8_t *xsdt = table_at(rd64(rsdp() + 24), "XSDT");
    unsigned n = root_entries(xsdt, 8, entries);
    for (unsigned i = 0; i < n; i++)
        if (memcmp(at(entries[i], 4), signature, 4) == 0)
            return table_at(entries[i], signature);
    fail_msg("no %s table", signature);
    return 0;
}

static uint64_t gpa_of(const uint8_t *p) { return base + (uint64_t)(p - buf); }

static int setup(void **state)
{
    (void)state;
    build_at(BIOS_AREA);
    return 0;
}

/* ---- RSDP and root tables ---- */

static void test_rsdp_is_found_by_the_bios_area_scan(void **state)
{
    (void)state;
    const uint8_t *r = rsdp();
    assert_int_equal(sum(r, 20), 0);            /* Checksum: the ACPI 1.0 part */
    assert_int_equal(sum(r, 36), 0);            /* Extended Checksum: all of it */
    assert_memory_equal(r + 9, "HVLAB ", 6);    /* OEMID */
    assert_int_equal(r[15], 2);                 /* Revision: 2, with XSDT */
    assert_int_equal(rd32(r + 20), 36);         /* Length */
    assert_int_equal(r[33] | r[34] | r[35], 0); /* Reserved */
    assert_true(rd32(r + 16) != 0);             /* RsdtAddress */
    assert_true(rd64(r + 24) != 0);             /* XsdtAddress */
}

static void test_rsdt_and_xsdt_list_the_same_tables(void **state)
{
    (void)state;
    const uint8_t *r = rsdp();
    const uint8_t *rsdt = table_at(rd32(r + 16), "RSDT");
    const uint8_t *xsdt = table_at(rd64(r + 24), "XSDT");
    assert_int_equal(rsdt[8], 1); /* Revision */
    assert_int_equal(xsdt[8], 1);
    uint64_t from_rsdt[TABLE_MAX], from_xsdt[TABLE_MAX];
    unsigned n = root_entries(rsdt, 4, from_rsdt);
    assert_int_equal(root_entries(xsdt, 8, from_xsdt), n);
    assert_int_equal(n, 2);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(from_rsdt[i], from_xsdt[i]);
    assert_memory_equal(at(from_xsdt[0], 4), "FACP", 4);
    assert_memory_equal(at(from_xsdt[1], 4), "APIC", 4);
}

/* Every table found from the roots and the FADT lies in the block, on a 16-byte boundary,
 * and no two overlap; the FACS is 64-byte aligned. */
static void test_tables_are_aligned_and_do_not_overlap(void **state)
{
    (void)state;
    const uint8_t *r = rsdp();
    const uint8_t *fadt = find_table("FACP");
    uint64_t start[7] = {
        base,
        rd32(r + 16),
        rd64(r + 24),
        gpa_of(fadt),
        rd32(fadt + 36),
        rd32(fadt + 40),
        gpa_of(find_table("APIC")),
    };
    uint64_t length[7] = {36, 0, 0, 0, 64, 0, 0};
    for (unsigned i = 0; i < 7; i++) {
        if (length[i] == 0)
            length[i] = rd32(at(start[i], 8) + 4);
        at(start[i], length[i]);
        assert_int_equal(start[i] % 16, 0);
        for (unsigned j = 0; j < i; j++)
            assert_true(start[i] >= start[j] + length[j] || start[j] >= start[i] + length[i]);
    }
    assert_int_equal(start[4] % 64, 0);
}

/* ---- FADT ---- */

static void test_fadt_fields_at_their_table_5_9_offsets(void **state)
{
    (void)state;
    const uint8_t *f = find_table("FACP");
    assert_int_equal(rd32(f + 4), 276);                 /* ACPI 6.4's FADT length */
    assert_int_equal(f[8], 6);                          /* Major version */
    assert_int_equal(f[131], 4);                        /* FADT Minor Version */
    assert_int_equal(f[45], 0);                         /* Preferred_PM_Profile: unspecified */
    assert_int_equal(rd16(f + 46), 9);                  /* SCI_INT */
    assert_int_equal(rd32(f + 48), 0);                  /* SMI_CMD: none, always in ACPI mode */
    assert_int_equal(f[52] | f[53] | f[54] | f[55], 0); /* ACPI_ENABLE..PSTATE_CNT */
    assert_int_equal(rd32(f + 56), 0x600);              /* PM1a_EVT_BLK */
    assert_int_equal(rd32(f + 60), 0);                  /* PM1b_EVT_BLK */
    assert_int_equal(rd32(f + 64), 0x604);              /* PM1a_CNT_BLK */
    assert_int_equal(rd32(f + 68), 0);                  /* PM1b_CNT_BLK */
    assert_int_equal(rd32(f + 72), 0);                  /* PM2_CNT_BLK */
    assert_int_equal(rd32(f + 76), 0x608);              /* PM_TMR_BLK: the PM timer */
    assert_int_equal(rd32(f + 80) | rd32(f + 84), 0);   /* GPE0_BLK, GPE1_BLK */
    assert_int_equal(f[88], 4);                         /* PM1_EVT_LEN */
    assert_int_equal(f[89], 2);                         /* PM1_CNT_LEN */
    assert_int_equal(f[90] | f[92] | f[93], 0); /* PM2, GPE0/1 lengths */
    assert_int_equal(f[91], 4);                 /* PM_TMR_LEN */
    assert_true(rd16(f + 96) > 100);                    /* P_LVL2_LAT: no C2 */
    assert_true(rd16(f + 98) > 1000);                   /* P_LVL3_LAT: no C3 */
    assert_int_equal(rd16(f + 109), 0x7); /* IAPC_BOOT_ARCH: legacy, 8042, no VGA */
    for (unsigned i = 116; i < 129; i++)  /* RESET_REG (12) and RESET_VALUE: none */
        assert_int_equal(f[i], 0);
    for (unsigned i = 132; i < 276; i++) /* X_ fields, sleep registers, hypervisor ID */
        assert_int_equal(f[i], 0);
}

static void test_fadt_flags_say_a_pc_without_buttons(void **state)
{
    (void)state;
    uint32_t flags = rd32(find_table("FACP") + 112);
    assert_true(flags & (1u << 0));   /* WBINVD */
    assert_true(flags & (1u << 2));   /* PROC_C1 */
    assert_true(flags & (1u << 4));   /* PWR_BUTTON: not a fixed feature */
    assert_true(flags & (1u << 5));   /* SLP_BUTTON */
    assert_true(flags & (1u << 6));   /* FIX_RTC: no RTC wake status */
    assert_true(flags & (1u << 8));   /* TMR_VAL_EXT: the PM timer is 32 bits wide */
    assert_false(flags & (1u << 10)); /* RESET_REG_SUP: no reset register */
    assert_false(flags & (1u << 20)); /* HW_REDUCED_ACPI: full fixed hardware */
    assert_int_equal(flags, 0x175); /* ... and TMR_VAL_EXT (bit 8): a 32-bit PM timer */
}

static void test_fadt_points_to_facs_and_dsdt(void **state)
{
    (void)state;
    const uint8_t *f = find_table("FACP");
    const uint8_t *facs = at(rd32(f + 36), 64); /* FIRMWARE_CTRL */
    assert_memory_equal(facs, "FACS", 4);
    assert_int_equal(rd32(facs + 4), 64); /* Length */
    assert_int_equal(rd32(facs + 8), 0);  /* Hardware Signature */
    assert_int_equal(rd32(facs + 12), 0); /* Firmware Waking Vector: none */
    assert_int_equal(rd32(facs + 16), 0); /* Global Lock: free */
    assert_int_equal(facs[32], 2);        /* Version */
    const uint8_t *dsdt = table_at(rd32(f + 40), "DSDT");
    assert_int_equal(dsdt[8], 2); /* Revision 2: 64-bit AML integers */
}

/* What the OS reads at PM1a_CNT once it takes the machine: SCI_EN = 1, since SMI_CMD = 0
 * says there is no legacy mode to switch from (ACPI 6.4, 4.8.3.4). */
static void test_pm1a_cnt_named_by_the_fadt_reads_sci_en(void **state)
{
    (void)state;
    const uint8_t *f = find_table("FACP");
    struct acpi_pm pm;
    acpi_pm_reset(&pm);
    uint32_t cnt = acpi_pm_read(&pm, rd32(f + 64) - rd32(f + 56), f[89]);
    assert_int_equal(cnt & 1u, 1u);
}

/* ---- DSDT and its AML ---- */

static void test_dsdt_aml_is_the_s5_package_byte_for_byte(void **state)
{
    (void)state;
    static const uint8_t expected[] = {
        0x08, 0x5C, '_',  'S',  '5', '_', /* NameOp, RootChar, NameSeg */
        0x12, 0x08, 0x04,                 /* PackageOp, PkgLength 8, NumElements 4 */
        0x0A, 0x05, 0x0A, 0x05,           /* BytePrefix 5, BytePrefix 5 */
        0x00, 0x00,                       /* ZeroOp, ZeroOp */
    };
    /* The DSDT is not listed in the roots: the FADT points to it. */
    const uint8_t *d = table_at(rd32(find_table("FACP") + 40), "DSDT");
    assert_int_equal(rd32(d + 4), 36 + sizeof(expected));
    assert_memory_equal(d + 36, expected, sizeof(expected));
    assert_int_equal(acpi_dsdt_aml_size, sizeof(expected));
}

/* An AML integer that is a ConstObj or a ByteConst (20.2.3); advances *p. */
static uint64_t aml_small_integer(const uint8_t **p)
{
    uint8_t op = *(*p)++;
    switch (op) {
    case 0x00: return 0;       /* ZeroOp */
    case 0x01: return 1;       /* OneOp */
    case 0x0A: return *(*p)++; /* BytePrefix ByteData */
    default: fail_msg("AML opcode 0x%x is not a small integer", op); return 0;
    }
}

/* Read \_S5_ as an AML interpreter would: DefName, NameString, DefPackage. Returns its
 * first element (PM1a SLP_TYP) and checks the package ends where PkgLength says. */
static unsigned s5_slp_typ_from_dsdt(void)
{
    const uint8_t *d = table_at(rd32(find_table("FACP") + 40), "DSDT");
    const uint8_t *p = d + 36, *end = d + rd32(d + 4);
    assert_int_equal(*p++, 0x08); /* NameOp */
    if (*p == 0x5C)               /* RootChar: the DSDT is in the root anyway */
        p++;
    assert_memory_equal(p, "_S5_", 4);
    p += 4;
    assert_int_equal(*p++, 0x12); /* PackageOp */
    const uint8_t *pkg = p;
    assert_int_equal(*p >> 6, 0); /* a one-byte PkgLength */
    unsigned pkg_length = *p++ & 0x3F;
    unsigned count = *p++; /* NumElements */
    assert_true(count >= 2);
    unsigned slp_typ_a = (unsigned)aml_small_integer(&p);
    for (unsigned i = 1; i < count; i++)
        aml_small_integer(&p);
    assert_ptr_equal(p, pkg + pkg_length); /* PkgLength counted itself and all elements */
    assert_ptr_equal(p, end);              /* nothing else in the DSDT */
    return slp_typ_a;
}

static void test_s5_package_parses_to_the_models_soft_off_type(void **state)
{
    (void)state;
    assert_int_equal(s5_slp_typ_from_dsdt(), ACPI_PM_SLP_TYP_S5);
}

/* An OS's poweroff: SLP_TYP from \_S5_ into PM1a_CNT, then with SLP_EN (ACPI 6.4, 16.1.3
 * "Sleeping/Wake Control"), at the port the FADT names. */
static void test_os_power_off_through_the_tables_reaches_the_model(void **state)
{
    (void)state;
    const uint8_t *f = find_table("FACP");
    unsigned offset = rd32(f + 64) - rd32(f + 56); /* PM1a_CNT, from the event block */
    uint32_t slp_typ = s5_slp_typ_from_dsdt() << 10, slp_en = 1u << 13;
    struct acpi_pm pm;
    acpi_pm_reset(&pm);
    uint32_t cnt = acpi_pm_read(&pm, offset, 2);
    assert_int_equal(acpi_pm_write(&pm, offset, 2, cnt | slp_typ), ACPI_PM_NONE);
    assert_int_equal(acpi_pm_write(&pm, offset, 2, cnt | slp_typ | slp_en), ACPI_PM_POWER_OFF);
}

/* ---- MADT ---- */

/* The n-th interrupt controller structure of `type`, walking them as an OS does (each one
 * says its length); NULL if there is none. */
static const uint8_t *madt_entry(const uint8_t *madt, unsigned type, unsigned n)
{
    uint32_t length = rd32(madt + 4);
    for (uint32_t off = 44; off < length;) {
        const uint8_t *e = madt + off;
        assert_true(off + 2 <= length);
        assert_true(e[1] >= 2);
        assert_true(off + e[1] <= length);
        if (e[0] == type && n-- == 0)
            return e;
        off += e[1];
    }
    return 0;
}

static void test_madt_header_and_local_apic(void **state)
{
    (void)state;
    const uint8_t *m = find_table("APIC");
    assert_int_equal(rd32(m + 4), 44 + 8 + 12 + 10 + 10);
    assert_int_equal(rd32(m + 36), 0xFEE00000u); /* Local Interrupt Controller Address */
    assert_int_equal(rd32(m + 40), 1u);          /* PCAT_COMPAT: there are 8259s */
    const uint8_t *lapic = madt_entry(m, 0, 0);
    assert_non_null(lapic);
    assert_int_equal(lapic[1], 8);
    assert_int_equal(lapic[2], 0);         /* ACPI Processor UID */
    assert_int_equal(lapic[3], 0);         /* APIC ID: the vCPU's */
    assert_int_equal(rd32(lapic + 4), 1u); /* Enabled */
    assert_null(madt_entry(m, 0, 1));      /* one processor */
}

static void test_madt_io_apic_matches_the_model(void **state)
{
    (void)state;
    const uint8_t *io = madt_entry(find_table("APIC"), 1, 0);
    assert_non_null(io);
    assert_int_equal(io[1], 12);
    assert_int_equal(io[3], 0);                  /* Reserved */
    assert_int_equal(rd32(io + 4), 0xFEC00000u); /* I/O APIC Address */
    assert_int_equal(rd32(io + 8), 0);           /* Global System Interrupt Base */
    /* The ID is the one the chip reports in IOAPICID after reset. */
    struct io_apic chip;
    io_apic_reset(&chip);
    io_apic_write(&chip, IO_APIC_IOREGSEL, IO_APIC_REG_ID);
    uint32_t id = io_apic_read(&chip, IO_APIC_IOWIN) >> IO_APIC_ID_SHIFT & IO_APIC_ID_MASK;
    assert_int_equal(io[2], id);
}

static void test_madt_overrides_pit_to_pin_2_and_sci_level_high(void **state)
{
    (void)state;
    const uint8_t *m = find_table("APIC");
    const uint8_t *pit = madt_entry(m, 2, 0), *sci = madt_entry(m, 2, 1);
    assert_non_null(pit);
    assert_non_null(sci);
    assert_null(madt_entry(m, 2, 2));
    assert_int_equal(pit[1], 10);
    assert_int_equal(pit[2], 0);                                       /* Bus: ISA */
    assert_int_equal(pit[3], 0);                                       /* Source: IRQ 0 */
    assert_int_equal(rd32(pit + 4), 2);                                /* GSI 2 */
    assert_int_equal(rd32(pit + 4), (uint32_t)io_apic_isa_irq_pin(0)); /* as wired */
    assert_int_equal(rd16(pit + 8), 0); /* conforms to ISA: edge, active high */
    assert_int_equal(sci[2], 0);
    assert_int_equal(sci[3], rd16(find_table("FACP") + 46)); /* the FADT's SCI_INT */
    assert_int_equal(rd32(sci + 4), 9);
    assert_int_equal(rd16(sci + 8), 0x000D); /* level (11b << 2), active high (01b) */
}

/* ---- placement, errors, install ---- */

/* Built at another 16-byte boundary, the FACS still lands on a 64-byte one, and the
 * pointers follow the block. */
static void test_build_elsewhere_keeps_pointers_and_facs_alignment(void **state)
{
    (void)state;
    build_at(BIOS_AREA + 0x30);
    const uint8_t *f = find_table("FACP");
    assert_int_equal(rd32(f + 36) % 64, 0);
    assert_memory_equal(at(rd32(f + 36), 4), "FACS", 4);
    assert_int_equal(s5_slp_typ_from_dsdt(), ACPI_PM_SLP_TYP_S5);
}

static void test_build_refuses_bad_address_or_small_buffer(void **state)
{
    (void)state;
    assert_int_equal(acpi_tables_build(buf, sizeof(buf), BIOS_AREA + 8), 0);  /* unaligned */
    assert_int_equal(acpi_tables_build(buf, used - 1, BIOS_AREA), 0);         /* too small */
    assert_int_equal(acpi_tables_build(buf, sizeof(buf), 0x100000000ull), 0); /* >= 4 GiB */
    assert_int_equal(acpi_tables_build(buf, sizeof(buf), 0xFFFFFF00ull), 0);  /* crosses it */
    assert_int_equal(acpi_tables_build(buf, used, BIOS_AREA), used);          /* just fits */
}

static void test_install_copies_the_block_into_guest_ram(void **state)
{
    (void)state;
    struct host_pages src = {0};
    struct guest_memory *mem = calloc(1, sizeof(*mem));
    char why[128];
    assert_non_null(mem);
    assert_int_equal(
        guest_memory_create(mem, GUEST_RAM, host_pages_alloc, &src, why, sizeof(why)), 0);
    uint64_t bytes = 0;
    assert_int_equal(acpi_install(mem, BIOS_AREA, &bytes), BIOS_AREA);
    assert_int_equal(bytes, used);
    uint8_t copy[BUF_SIZE];
    assert_int_equal(guest_memory_read(mem, BIOS_AREA, copy, bytes), 0);
    assert_memory_equal(copy, buf, bytes);
    assert_int_equal(acpi_install(mem, GUEST_RAM - 0x100, &bytes), 0); /* past RAM's end */
    host_pages_free_all(&src);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rsdp_is_found_by_the_bios_area_scan, setup),
        cmocka_unit_test_setup(test_rsdt_and_xsdt_list_the_same_tables, setup),
        cmocka_unit_test_setup(test_tables_are_aligned_and_do_not_overlap, setup),
        cmocka_unit_test_setup(test_fadt_fields_at_their_table_5_9_offsets, setup),
        cmocka_unit_test_setup(test_fadt_flags_say_a_pc_without_buttons, setup),
        cmocka_unit_test_setup(test_fadt_points_to_facs_and_dsdt, setup),
        cmocka_unit_test_setup(test_pm1a_cnt_named_by_the_fadt_reads_sci_en, setup),
        cmocka_unit_test_setup(test_dsdt_aml_is_the_s5_package_byte_for_byte, setup),
        cmocka_unit_test_setup(test_s5_package_parses_to_the_models_soft_off_type, setup),
        cmocka_unit_test_setup(test_os_power_off_through_the_tables_reaches_the_model, setup),
        cmocka_unit_test_setup(test_madt_header_and_local_apic, setup),
        cmocka_unit_test_setup(test_madt_io_apic_matches_the_model, setup),
        cmocka_unit_test_setup(test_madt_overrides_pit_to_pin_2_and_sci_level_high, setup),
        cmocka_unit_test_setup(test_build_elsewhere_keeps_pointers_and_facs_alignment, setup),
        cmocka_unit_test_setup(test_build_refuses_bad_address_or_small_buffer, setup),
        cmocka_unit_test_setup(test_install_copies_the_block_into_guest_ram, setup),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
