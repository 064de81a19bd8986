/*
 * uart16550.h - the emulated COM1 UART: what the rest of the core may ask of it.
 */
#ifndef HVLAB_DEVICES_UART16550_H
#define HVLAB_DEVICES_UART16550_H

#include "hypervisor/vcpu.h"

/* Registers back to their reset values, no pending output (a new guest starts). */
void uart16550_reset(void);

/* One byte of guest output, as if written to THR (also used by HC_CONSOLE_WRITE). */
void uart16550_put(struct vcpu *vcpu, char c);

/* Print the pending partial line, if any (the guest ended without a final newline). */
void uart16550_flush(struct vcpu *vcpu);

#endif
