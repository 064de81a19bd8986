/*
 * selftest.h - faults injected on purpose (load option selftest=...), so the tests can
 * check that hvlab's own failure paths print a full report and stop cleanly.
 */
#ifndef HVLAB_SELFTEST_H
#define HVLAB_SELFTEST_H

#include "boot/boot_options.h"

/* Does nothing for SELFTEST_NONE; the other cases do not return. */
void selftest_run(enum selftest which);

#endif
