/*
 * u64.h - 64-bit counts for a 32-bit guest that links no libgcc.
 *
 * GCC turns a 64-bit division on i386 into a call to libgcc's __udivdi3, which the guests
 * do not link (guest/README.md). Dividing by a 32-bit number takes two 32-bit DIVs
 * instead, which is all the benchmark needs: ticks / ops and decimal digits.
 *
 * See: Intel SDM Vol. 2A, "DIV—Unsigned Divide" (EDX:EAX / r/m32, #DE if the quotient
 * does not fit in 32 bits: never here, since the high dividend EDX is below the divisor).
 */
#ifndef BENCH_U64_H
#define BENCH_U64_H

#include <stdint.h>

#define U64_DEC_MAX 21 /* 2^64 - 1 has 20 decimal digits, plus the NUL */

/* n / d for d != 0; the remainder goes to *rem unless rem is NULL. */
uint64_t u64_divmod(uint64_t n, uint32_t d, uint32_t *rem);

/* n in decimal into buf (U64_DEC_MAX bytes); returns buf. */
char *u64_dec(char buf[U64_DEC_MAX], uint64_t n);

/* num / den with three decimals, rounded ("123.457"), into buf; returns buf. */
char *u64_ratio3(char buf[U64_DEC_MAX + 4], uint64_t num, uint32_t den);

#endif /* BENCH_U64_H */
