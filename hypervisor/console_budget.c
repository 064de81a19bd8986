/*
 * console_budget.c - a token bucket per VM over hvlab's console (see console_budget.h).
 */
#include "hypervisor/console_budget.h"

#include "hypervisor/console.h"
#include "hypervisor/muldiv.h"

#define KIB 1024u

void console_budget_init(struct console_budget *b, const char *name, uint64_t (*read_tsc)(void),
                         uint64_t tsc_hz)
{
    *b = (struct console_budget){.read_tsc = read_tsc,
                                 .tsc_hz = tsc_hz,
                                 .tokens = CONSOLE_BURST_BYTES,
                                 .last_tsc = read_tsc(),
                                 .name = name};
}

/* Tokens earned since last_tsc; last_tsc moves only by the time those tokens cost, so
 * no fraction of a byte is lost between calls. */
static void refill(struct console_budget *b)
{
    uint64_t now = b->read_tsc();
    if (!b->tsc_hz || now <= b->last_tsc)
        return;
    uint64_t earned = muldiv_floor(now - b->last_tsc, CONSOLE_RATE_BYTES_PER_S, b->tsc_hz);
    if (!earned)
        return;
    b->last_tsc += muldiv_floor(earned, b->tsc_hz, CONSOLE_RATE_BYTES_PER_S);
    b->tokens =
        b->tokens + earned > CONSOLE_BURST_BYTES ? CONSOLE_BURST_BYTES : b->tokens + earned;
}

bool console_budget_take(struct console_budget *b, size_t bytes)
{
    refill(b);
    if (bytes <= b->tokens) {
        b->tokens -= bytes;
        return true;
    }
    if (b->dropped_lines++ == 0)
        log_warn("guest \"%s\" prints more than its share of the console (%u KiB, then "
                 "%u KiB/s): its lines are dropped, and counted, until it slows down",
                 b->name, CONSOLE_BURST_BYTES / KIB, CONSOLE_RATE_BYTES_PER_S / KIB);
    b->dropped_bytes += bytes;
    return false;
}
