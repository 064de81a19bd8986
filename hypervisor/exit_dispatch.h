/*
 * exit_dispatch.h - route a VM exit to its handler.
 */
#ifndef HVLAB_EXIT_DISPATCH_H
#define HVLAB_EXIT_DISPATCH_H

#include "hypervisor/vcpu.h"

/* Count the exit, call the handler for exit->kind, return what it decided. */
enum exit_action exit_dispatch(struct vcpu *vcpu, const struct vm_exit *exit);

#endif
