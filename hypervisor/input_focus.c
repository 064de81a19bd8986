/*
 * input_focus.c - which VM of a group gets hvlab's serial input (see input_focus.h).
 */
#include "hypervisor/input_focus.h"

void input_focus_init(struct input_focus *f, unsigned count)
{
    f->count = count < INPUT_FOCUS_SEATS_MAX ? count : INPUT_FOCUS_SEATS_MAX;
    f->seat = INPUT_FOCUS_NONE;
    for (unsigned i = 0; i < INPUT_FOCUS_SEATS_MAX; i++) {
        f->running[i] = false;
        f->name[i] = 0;
    }
}

void input_focus_join(struct input_focus *f, unsigned seat, const char *name)
{
    if (seat >= f->count)
        return;
    f->running[seat] = true;
    f->name[seat] = name;
    if (f->seat == INPUT_FOCUS_NONE)
        f->seat = (int)seat;
}

bool input_focus_has(const struct input_focus *f, unsigned seat)
{
    return f->seat != INPUT_FOCUS_NONE && (unsigned)f->seat == seat;
}

/* The first running seat after `from`, wrapping around (from itself last), or NONE. */
static int next_running(const struct input_focus *f, unsigned from)
{
    for (unsigned k = 1; k <= f->count; k++) {
        unsigned seat = (from + k) % f->count;
        if (f->running[seat])
            return (int)seat;
    }
    return INPUT_FOCUS_NONE;
}

bool input_focus_switch(struct input_focus *f)
{
    if (f->seat == INPUT_FOCUS_NONE)
        return false;
    int before = f->seat;
    f->seat = next_running(f, (unsigned)f->seat);
    return f->seat != before;
}

bool input_focus_leave(struct input_focus *f, unsigned seat)
{
    if (seat >= f->count)
        return false;
    f->running[seat] = false;
    if (!input_focus_has(f, seat))
        return false;
    f->seat = next_running(f, seat);
    return f->seat != INPUT_FOCUS_NONE;
}

const char *input_focus_name(const struct input_focus *f)
{
    return f->seat == INPUT_FOCUS_NONE ? 0 : f->name[f->seat];
}
