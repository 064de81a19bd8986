/*
 * input_focus.h - which VM of a group hvlab's serial input goes to (the "focus").
 *
 * What is typed on hvlab's console (the COM1 of the machine it runs on) goes to one VM
 * at a time. The first VM of the group has the focus at start; the key
 * INPUT_FOCUS_SWITCH_KEY (Ctrl-]) moves it to the next VM still running, in guest= order,
 * wrapping around; when the VM in focus ends, the focus moves on the same way. The key
 * itself is hvlab's and never reaches a guest.
 *
 *   seats 0..count-1 (guest= order)    running[seat]    focus: one running seat or none
 *
 * Pure logic: no device, no console. wait.c feeds it the bytes and prints the changes.
 */
#ifndef HVLAB_INPUT_FOCUS_H
#define HVLAB_INPUT_FOCUS_H

#include <stdbool.h>

/* Ctrl-] (ASCII GS, 0x1D): not one of the keys a terminal turns into a signal (Ctrl-C,
 * Ctrl-\, Ctrl-Z), not QEMU's -nographic escape (Ctrl-A), not a busybox shell's line
 * editing key; telnet's escape, for the same reason. */
#define INPUT_FOCUS_SWITCH_KEY      0x1D
#define INPUT_FOCUS_SWITCH_KEY_NAME "Ctrl-]"

#define INPUT_FOCUS_SEATS_MAX 16 /* at least BOOT_GROUP_MAX (vm_group.c checks) */
#define INPUT_FOCUS_NONE      (-1) /* no seat has the focus: none is running */

struct input_focus {
    unsigned count;                            /* seats 0..count-1 */
    int seat;                                  /* the seat in focus, or INPUT_FOCUS_NONE */
    bool running[INPUT_FOCUS_SEATS_MAX];       /* its VM runs (created, not ended) */
    const char *name[INPUT_FOCUS_SEATS_MAX];   /* its VM's name, for the console */
};

/* count seats (at most INPUT_FOCUS_SEATS_MAX), none running, no focus. */
void input_focus_init(struct input_focus *f, unsigned count);

/* The VM at seat runs now, named name; it takes the focus if no seat has it. */
void input_focus_join(struct input_focus *f, unsigned seat, const char *name);

/* True if seat has the focus. */
bool input_focus_has(const struct input_focus *f, unsigned seat);

/* The switch key: the focus moves to the next running seat after it. True if it moved
 * (false with one VM running, or none). */
bool input_focus_switch(struct input_focus *f);

/* The VM at seat ended: it stops running; if it had the focus, the focus moves to the
 * next running seat (none if no other runs). True if the focus moved to another VM. */
bool input_focus_leave(struct input_focus *f, unsigned seat);

/* The name of the VM in focus, or 0 if none. */
const char *input_focus_name(const struct input_focus *f);

#endif
