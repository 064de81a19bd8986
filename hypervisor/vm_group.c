/*
 * vm_group.c - the guests of guest=, group by group: create the VMs of a group, let the
 * scheduler run them together, report each, and once all have run, the final table.
 */
#include "hypervisor/vm_group.h"

#include "arch/x86_64/tsc.h"
#include "hypervisor/console.h"
#include "hypervisor/fmt.h"
#include "hypervisor/input_focus.h"
#include "hypervisor/memory.h"
#include "hypervisor/string.h"

#define MS_PER_S 1000u

_Static_assert(BOOT_GROUP_MAX <= INPUT_FOCUS_SEATS_MAX, "a seat for every VM of a group");

static uint64_t read_tsc(void) { return rdtsc(); }

/* The console tag of guest i of a group: none when it runs alone (the transcript says
 * "[guest]" as always), its name when several run, "NAME#k" for the k-th of one name. */
static void group_tags(const struct boot_guest_group *g, char tags[][VM_NAME_MAX])
{
    for (unsigned i = 0; i < g->count; i++) {
        unsigned same = 0, nth = 0;
        for (unsigned j = 0; j < g->count; j++)
            if (strcmp(g->guest[j].name, g->guest[i].name) == 0) {
                same++;
                nth += j <= i;
            }
        if (same > 1)
            fmt_snprintf(tags[i], VM_NAME_MAX, "%s#%u", g->guest[i].name, nth);
        else
            fmt_snprintf(tags[i], VM_NAME_MAX, "%s", g->guest[i].name);
    }
}

enum hv_status vm_run_group(const struct boot_info *info, const struct virt_ops *hw,
                            const struct boot_guest_group *g, uint64_t tsc_hz,
                            struct vm_summary *rows)
{
    char tags[BOOT_GROUP_MAX][VM_NAME_MAX];
    struct vm *vms[BOOT_GROUP_MAX];
    struct vm_summary ran[BOOT_GROUP_MAX];
    unsigned created = 0, position_of[BOOT_GROUP_MAX];
    enum hv_status status = HV_STATUS_OK;
    size_t free_before = memory_free_pages();
    struct input_focus focus; /* who gets hvlab's serial input: the first VM at start */

    group_tags(g, tags);
    input_focus_init(&focus, g->count);
    for (unsigned i = 0; i < g->count; i++) {
        struct vm_config cfg = {.spec = &g->guest[i],
                                .tag = g->count > 1 ? tags[i] : 0,
                                .id = i + 1,
                                .takes_host_input = true, /* when in focus */
                                .tsc_hz = tsc_hz,
                                .read_tsc = read_tsc};
        struct vm *vm = vm_create(info, hw, &cfg);
        rows[i] = (struct vm_summary){.status = HV_STATUS_GUEST_FAILED};
        fmt_snprintf(rows[i].name, sizeof(rows[i].name), "%s", tags[i]);
        fmt_snprintf(rows[i].end, sizeof(rows[i].end), "not started");
        if (vm) {
            vm->vcpu.input_focus = &focus;
            vm->vcpu.input_seat = i;
            input_focus_join(&focus, i, vm->name);
            position_of[created] = i;
            vms[created++] = vm;
        } else
            status = HV_STATUS_GUEST_FAILED;
    }
    if (created > 1) { /* make bench's vm_footprint_N: the pool's own count */
        uint64_t ram = 0;
        for (unsigned k = 0; k < created; k++)
            ram += vms[k]->mem.ram_size;
        uint64_t held = (free_before - memory_free_pages()) * PAGE_SIZE - ram;
        log_info("memory: %u VMs hold %lu bytes beyond their guest RAM, %lu per VM", created,
                 (unsigned long)held, (unsigned long)(held / created));
    }
    if (created) {
        uint64_t slice_tsc = (uint64_t)info->options.slice_ms * (tsc_hz / MS_PER_S);
        if (created > 1) {
            log_info("scheduler: %u VMs share the CPU, round robin, slice %u ms", created,
                     info->options.slice_ms);
            log_info("input goes to \"%s\" (%s switches to the next VM)",
                     input_focus_name(&focus), INPUT_FOCUS_SWITCH_KEY_NAME);
        }
        if (sched_run(vms, created, slice_tsc ? slice_tsc : 1, read_tsc, ran) != HV_STATUS_OK)
            status = HV_STATUS_GUEST_FAILED;
        for (unsigned k = 0; k < created; k++)
            rows[position_of[k]] = ran[k];
    }
    /* Every page is back, whichever order the VMs ended in (selftest=oom-at shows it). */
    size_t free_after = memory_free_pages();
    if (info->options.selftest == SELFTEST_OOM_AT)
        log_info("memory pool: %lu pages free before, %lu after", (unsigned long)free_before,
                 (unsigned long)free_after);
    if (free_after != free_before)
        log_error("memory pool: the VMs of this group did not give back %ld pages",
                  (long)(free_before - free_after));
    return status;
}

enum hv_status vm_run_guests(const struct boot_info *info, const struct virt_ops *hw,
                             uint64_t tsc_hz)
{
    enum hv_status worst = HV_STATUS_OK;
    struct boot_guest_group g;
    struct vm_summary rows[BOOT_GUESTS_MAX];
    unsigned position = 0, guests = 0;
    const char *list = info->options.guest;
    while (boot_guest_group_next(&list, info->options.guest_mem, &position, &g)) {
        if (guests + g.count > BOOT_GUESTS_MAX)
            break; /* the parser refused such a list */
        if (vm_run_group(info, hw, &g, tsc_hz, rows + guests) != HV_STATUS_OK)
            worst = HV_STATUS_GUEST_FAILED;
        guests += g.count;
    }
    if (guests > 1)
        sched_report(rows, guests);
    return worst;
}
