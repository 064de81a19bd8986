/*
 * hlt.h - the "hlt" microbenchmark: HLT woken by a timer interrupt that is already due
 * (the loop and why it is built so are in hlt.c).
 */
#ifndef BENCH_HLT_H
#define BENCH_HLT_H

#include <stdbool.h>
#include <stdint.h>

#include "exits.h"

/* Time `batches` batches of `ops` HLTs, each woken by a one-shot IRQ 0 (or say why it is
 * n/a). Takes the PIC and PIT for the run and leaves every IRQ masked, IF = 0. Returns
 * false only if batches differ (a "may vary" disagreement is not one, measure.h). */
bool hlt_run(const struct bench_env *env, uint32_t ops, unsigned batches);

#endif /* BENCH_HLT_H */
