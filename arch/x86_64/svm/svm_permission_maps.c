/*
 * svm_permission_maps.c - the layout of SVM's I/O and MSR permission maps.
 *
 * IOPM: one bit per port, bit p of the map for port p; an access of `size` bytes at port
 * p looks at bits p .. p+size-1, which is why the map runs 3 bits past port 0xFFFF (12
 * KiB in all). MSRPM: two bits per MSR, read then write, for three ranges of 8192 MSRs
 * at byte offsets 0x000, 0x800 and 0x1000; an MSR outside them always exits. A set bit
 * means "intercept". See: AMD APM Vol. 2, "I/O Permission Map", "MSR Intercepts".
 */
#include "arch/x86_64/svm/svm.h"

#define BITS_PER_BYTE      8u
#define MSRPM_RANGE_MSRS   0x2000u /* MSRs per range */
#define MSRPM_BITS_PER_MSR 2u      /* read intercept, then write intercept */
#define MSRPM_RANGE_BYTES  (MSRPM_RANGE_MSRS * MSRPM_BITS_PER_MSR / BITS_PER_BYTE) /* 0x800 */

/* The first MSR of each range, in map order. */
static const uint32_t msrpm_range_base[] = {0x00000000u, 0xC0000000u, 0xC0010000u};
#define MSRPM_RANGES (sizeof(msrpm_range_base) / sizeof(msrpm_range_base[0]))

bool svm_msrpm_bit(uint32_t msr, uint32_t *read_bit)
{
    for (uint32_t r = 0; r < MSRPM_RANGES; r++)
        if (msr - msrpm_range_base[r] < MSRPM_RANGE_MSRS) {
            *read_bit = r * MSRPM_RANGE_BYTES * BITS_PER_BYTE +
                        (msr - msrpm_range_base[r]) * MSRPM_BITS_PER_MSR;
            return true;
        }
    return false;
}

static bool test_bit(const uint8_t *map, uint32_t bit)
{
    return (map[bit / BITS_PER_BYTE] >> (bit % BITS_PER_BYTE)) & 1u;
}

static void put_bit(uint8_t *map, uint32_t bit, bool value)
{
    uint8_t mask = (uint8_t)(1u << (bit % BITS_PER_BYTE));
    map[bit / BITS_PER_BYTE] =
        value ? map[bit / BITS_PER_BYTE] | mask : map[bit / BITS_PER_BYTE] & (uint8_t)~mask;
}

bool svm_msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read, bool intercept_write)
{
    uint32_t bit;
    if (!svm_msrpm_bit(msr, &bit))
        return false;
    put_bit(msrpm, bit, intercept_read);
    put_bit(msrpm, bit + 1, intercept_write);
    return true;
}

bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write)
{
    uint32_t bit;
    if (!svm_msrpm_bit(msr, &bit))
        return true;
    return test_bit(msrpm, bit + (write ? 1 : 0));
}

bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        if (test_bit(iopm, (uint32_t)port + i))
            return true;
    return false;
}
