/*
 * longmode.h - what longmode_switch.S reports back to longmode.c; also included by the assembly
 * (field offsets as numbers, checked against the struct below).
 */
#ifndef CONFORM_LONGMODE_H
#define CONFORM_LONGMODE_H

/* The value 64-bit code builds: (0x1_23456789 << 4) = 0x12_34567890. */
#define TRIP_VALUE_HIGH  0x00000001
#define TRIP_VALUE_LOW   0x23456789
#define TRIP_VALUE_SHIFT 4
#define TRIP_REACHED     1 /* stored once the far return reached compatibility mode */

/* struct long_mode_trip offsets. */
#define TRIP_EFER_ON  0
#define TRIP_VALUE64  8
#define TRIP_CS64     16
#define TRIP_RETURNED 20

#ifndef __ASSEMBLER__
#include <stdint.h>

struct long_mode_trip {
    uint32_t efer_on; /* EFER (low half) right after CR0.PG = 1 */
    uint32_t pad;
    uint64_t value64; /* what the 64-bit code stored */
    uint16_t cs64;    /* CS while in 64-bit mode */
    uint16_t pad2;
    uint32_t returned; /* TRIP_REACHED once back in compatibility mode */
};

_Static_assert(__builtin_offsetof(struct long_mode_trip, efer_on) == TRIP_EFER_ON, "efer_on");
_Static_assert(__builtin_offsetof(struct long_mode_trip, value64) == TRIP_VALUE64, "value64");
_Static_assert(__builtin_offsetof(struct long_mode_trip, cs64) == TRIP_CS64, "cs64");
_Static_assert(__builtin_offsetof(struct long_mode_trip, returned) == TRIP_RETURNED,
               "returned");

void long_mode_trip(uint32_t pml4, struct long_mode_trip *out, uint32_t go64);
#endif /* !__ASSEMBLER__ */
#endif /* CONFORM_LONGMODE_H */
