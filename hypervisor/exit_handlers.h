/*
 * exit_handlers.h - one handler per kind of VM exit (files in hypervisor/handlers).
 *
 * The calling convention, once for all: a handler gets the vCPU and the decoded exit,
 * does what the guest asked (or refuses it), moves RIP past the instruction when the
 * instruction is done, and returns ACTION_RESUME to run the guest again or ACTION_END
 * (via vcpu_stop() or a device that ends the guest) to end it.
 */
#ifndef HVLAB_EXIT_HANDLERS_H
#define HVLAB_EXIT_HANDLERS_H

#include "hypervisor/vcpu.h"

typedef enum exit_action (*exit_handler)(struct vcpu *vcpu, const struct vm_exit *exit);

enum exit_action handle_cpuid(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_io(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_hlt(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_hypercall(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_msr_read(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_msr_write(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_cr_access(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_xsetbv(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_memory_violation(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_memory_misconfig(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_triple_fault(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_exception(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_interrupt(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_virt_instruction(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_interrupt_window(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_timer(struct vcpu *vcpu, const struct vm_exit *exit);
enum exit_action handle_unexpected(struct vcpu *vcpu, const struct vm_exit *exit);

#endif
