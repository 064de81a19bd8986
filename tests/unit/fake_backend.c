/*
 * fake_backend.c - struct virt_ops over a plain struct fake_cpu (see fake_backend.h).
 */
#include "tests/unit/fake_backend.h"

static struct fake_cpu *cpu_of(struct vcpu *vcpu) { return vcpu->arch; }

static int fake_enable(char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    return 0;
}

static void fake_vcpu_destroy(struct vcpu *vcpu) { (void)vcpu; }

static void fake_vcpu_load(struct vcpu *vcpu) { cpu_of(vcpu)->load_calls++; }

static int fake_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                            const struct guest_start *start, char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    vcpu->mem = mem;
    cpu_of(vcpu)->rip = start->eip;
    vcpu->regs.gprs[GPR_RAX] = start->eax;
    vcpu->regs.gprs[GPR_RBX] = start->ebx;
    return 0;
}

/* Replay the next scripted exit, as if the guest ran up to it from the current RIP. */
static int fake_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
    struct fake_cpu *cpu = cpu_of(vcpu);
    if (cpu->script_pos >= cpu->script_len)
        return -1;
    const struct fake_step *step = &cpu->script[cpu->script_pos++];
    if (step->set_gpr)
        vcpu_set_gpr(vcpu, step->gpr, step->value);
    *exit = step->exit;
    exit->rip = cpu->rip;
    return 0;
}

static uint64_t fake_get_reg(struct vcpu *vcpu, enum vcpu_reg reg)
{
    return (unsigned)reg < VCPU_REG_COUNT ? cpu_of(vcpu)->reg[reg] : 0;
}

static void fake_set_reg(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value)
{
    if ((unsigned)reg >= VCPU_REG_COUNT)
        return;
    cpu_of(vcpu)->reg[reg] = value;
    cpu_of(vcpu)->set_reg_calls[reg]++;
}

static uint64_t fake_get_rip(struct vcpu *vcpu) { return cpu_of(vcpu)->rip; }

static void fake_set_rip(struct vcpu *vcpu, uint64_t rip)
{
    cpu_of(vcpu)->rip = rip;
    cpu_of(vcpu)->set_rip_calls++;
}

static void fake_inject_event(struct vcpu *vcpu, const struct guest_event *event)
{
    struct fake_cpu *cpu = cpu_of(vcpu);
    cpu->injected = *event;
    cpu->inject_calls++;
}

/* RFLAGS.IF from the register slot, and a shadow flag the test sets. */
static bool fake_interrupts_open(struct vcpu *vcpu)
{
    struct fake_cpu *cpu = cpu_of(vcpu);
    return (cpu->reg[VCPU_REG_RFLAGS] & FAKE_RFLAGS_IF) && !cpu->interrupt_shadow;
}

static void fake_request_interrupt_window(struct vcpu *vcpu, bool on)
{
    struct fake_cpu *cpu = cpu_of(vcpu);
    cpu->window = on;
    cpu->window_calls++;
}

static void fake_dump_guest(struct vcpu *vcpu) { (void)vcpu; }

/* Not per-vCPU: remembers its argument in the one fake_cpu that asked last. */
static struct fake_cpu *last_attached;

static const char *fake_exit_reason_name(uint32_t raw_reason)
{
    if (last_attached)
        last_attached->last_reason_named = raw_reason;
    return FAKE_EXIT_REASON_NAME;
}

static const char *fake_exit_code_name(uint64_t hw_code)
{
    if (last_attached)
        last_attached->last_code_named = hw_code;
    return FAKE_EXIT_CODE_NAME;
}

const struct virt_ops fake_ops = {
    .name = "fake backend",
    .enable = fake_enable,
    .vcpu_create = fake_vcpu_create,
    .vcpu_run = fake_vcpu_run,
    .vcpu_load = fake_vcpu_load,
    .vcpu_destroy = fake_vcpu_destroy,
    .get_reg = fake_get_reg,
    .set_reg = fake_set_reg,
    .get_rip = fake_get_rip,
    .set_rip = fake_set_rip,
    .inject_event = fake_inject_event,
    .interrupts_open = fake_interrupts_open,
    .request_interrupt_window = fake_request_interrupt_window,
    .time_source = "fake timer",
    .dump_guest = fake_dump_guest,
    .exit_reason_name = fake_exit_reason_name,
    .raw_reason_count = VCPU_RAW_REASONS_MAX,
    .exit_code_name = fake_exit_code_name,
};

void fake_vcpu_attach(struct vcpu *vcpu, struct fake_cpu *cpu, const struct guest_memory *mem)
{
    vcpu->ops = &fake_ops;
    vcpu->arch = cpu;
    vcpu->mem = mem;
    last_attached = cpu;
}

void fake_script(struct fake_cpu *cpu, const struct fake_step *steps, size_t count)
{
    cpu->script = steps;
    cpu->script_len = count;
    cpu->script_pos = 0;
}
