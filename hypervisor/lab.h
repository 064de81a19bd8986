/*
 * lab.h - the coursework labs' stubs (labs/README.md).
 *
 * A region a lab asks a student to write is marked in the real source:
 *
 *     LAB vmx-3 BEGIN: setup_host_state()      (in a C comment)
 *     ... the reference solution ...
 *     LAB vmx-3 END
 *
 * `make lab TRACK=vmx LAB=N` writes a tree where the regions of lab N and later hold
 * lab_not_written() instead, which stops hvlab (or fails a unit test) with the message a
 * student looks for. The project itself is the reference solution: no second copy.
 */
#ifndef HVLAB_LAB_H
#define HVLAB_LAB_H

#if __STDC_HOSTED__ /* a host unit test (tests/unit): the test fails with the message */
#include <stdio.h>
#include <stdlib.h>
#define lab_not_written(lab, what)                                                             \
    (fprintf(stderr, "lab %s: %s is not written yet\n", lab, what), abort())
#else /* hvlab: stops with the message, the registers and a backtrace */
#include "hypervisor/panic.h"
#define lab_not_written(lab, what) panic("lab %s: %s is not written yet", lab, what)
#endif

#endif
