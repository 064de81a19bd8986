/*
 * fuzz_boot_options.c - libFuzzer harness for what the user writes: \hvlab.cfg and the
 * UEFI load options, assembled into one line (boot/cmdline.c) and parsed
 * (boot/boot_options.c), the way boot/efi_main.c collect_cmdline() does it.
 *
 *   data: | flags u8 | cfg length u16 | hvlab.cfg bytes | load options (UCS-2) |
 *   flags bit 0: parse the cfg bytes directly as the line (any bytes, up to a NUL)
 *
 * Invariants checked for every input:
 *   - the line is NUL-terminated inside its BOOT_CMDLINE_MAX buffer; the cfg's comments,
 *     line ends and tabs are gone, words are one space apart; text that is not ASCII
 *     adds nothing;
 *   - every option in force is a value the option allows (mem= 4M..1G in 4 KiB, ...);
 *     each string is terminated inside its array; guest= gives 1..BOOT_GUESTS_MAX names
 *     through boot_guest_list_next, each a file name \guests\NAME.elf can be made of;
 *   - each problem is non-empty, says what it got, and points at a word of the line;
 *   - round trip: the options written back as a line ("log=... mem=...K -- args") parse
 *     with no problem to the same options.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boot/boot_info.h"
#include "boot/boot_options.h"
#include "boot/cmdline.h"
#include "tests/fuzz/fuzz_check.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool terminated(const char *s, size_t cap) { return memchr(s, '\0', cap) != NULL; }

/* The assembled line: printable ASCII, one space between words, no '#' from the cfg
 * (whose words end at cfg_end). */
static void check_line(const char *line, size_t cfg_end)
{
    size_t n = strnlen(line, BOOT_CMDLINE_MAX);
    FUZZ_CHECK(n < BOOT_CMDLINE_MAX, "line not terminated");
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(line[i] >= 0x20 && line[i] <= 0x7E && (line[i] != '#' || i >= cfg_end),
                   "line byte 0x%02x at %zu", (unsigned char)line[i], i);
        FUZZ_CHECK(line[i] != ' ' || (i > 0 && i + 1 < n && line[i - 1] != ' '),
                   "stray space at %zu of \"%s\"", i, line);
    }
}

static void check_options(const char *line, const struct boot_options *o, unsigned problems)
{
    FUZZ_CHECK(problems == o->problem_count, "returned %u, count %u", problems,
               o->problem_count);
    FUZZ_CHECK(o->log_level <= LOG_DEBUG && o->selftest <= SELFTEST_ENTRY, "log %d selftest %d",
               o->log_level, o->selftest);
    FUZZ_CHECK(o->guest_mem >= GUEST_MEM_MIN && o->guest_mem <= GUEST_MEM_MAX &&
                   o->guest_mem % GUEST_MEM_GRANULE == 0,
               "mem 0x%llx", (unsigned long long)o->guest_mem);
    FUZZ_CHECK(o->watchdog_s <= WATCHDOG_MAX_S, "watchdog %u", o->watchdog_s);
    FUZZ_CHECK(terminated(o->guest, sizeof(o->guest)) &&
                   terminated(o->guest_args, sizeof(o->guest_args)) &&
                   terminated(o->boot_via, sizeof(o->boot_via)) && o->boot_via[0],
               "a string option is not terminated (or boot= is empty)");

    const char *list = o->guest;
    char name[BOOT_GUEST_NAME_MAX];
    unsigned names = 0;
    while (boot_guest_list_next(&list, name, sizeof(name))) {
        names++;
        FUZZ_CHECK(names <= BOOT_GUESTS_MAX, "more than %u guests", BOOT_GUESTS_MAX);
        size_t len = strlen(name);
        FUZZ_CHECK(len >= 1 && len < BOOT_GUEST_NAME_MAX && strlen(list) < sizeof(o->guest),
                   "guest name \"%s\"", name);
        for (size_t i = 0; i < len; i++)
            FUZZ_CHECK(
                (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
                    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_',
                "guest name \"%s\" is no file name", name);
    }
    FUZZ_CHECK(names >= 1, "no guest in \"%s\"", o->guest);

    size_t line_len = strlen(line);
    for (unsigned i = 0; i < problems && i < BOOT_OPTION_PROBLEMS_MAX; i++) {
        const char *text = o->problems[i];
        size_t at = o->problem_at[i];
        FUZZ_CHECK(terminated(text, BOOT_OPTION_PROBLEM_LEN) && text[0], "problem %u empty", i);
        FUZZ_CHECK(strstr(text, ", got: ") != NULL, "problem %u says not what it got: %s", i,
                   text);
        FUZZ_CHECK(at < line_len && !is_space(line[at]) && (at == 0 || is_space(line[at - 1])),
                   "problem %u at %zu is not a word of the line", i, at);
    }
}

/* The options as a line hvlab accepts; mem= in K, so any 4 KiB multiple is exact. */
static void write_back(const struct boot_options *o, char *buf, size_t cap)
{
    static const char *const logs[] = {"error", "warn", "info", "debug"};
    static const char *const selftests[] = {"none", "ud", "gp", "panic", "oom", "entry"};
    snprintf(buf, cap, "log=%s guest=%s mem=%lluK watchdog=%u selftest=%s boot=%s%s -- %s",
             logs[o->log_level], o->guest, (unsigned long long)(o->guest_mem >> 10),
             o->watchdog_s, selftests[o->selftest], o->boot_via, o->gdb_wait ? " gdb" : "",
             o->guest_args);
}

/* Is a the same as b without b's trailing white space? (Guest arguments cut at their
 * maximum may end in a space, which a line cannot carry.) */
static bool same_but_trailing_space(const char *a, const char *b)
{
    size_t n = strlen(b);
    while (n && is_space(b[n - 1]))
        n--;
    return strlen(a) == n && memcmp(a, b, n) == 0;
}

static void check_round_trip(const struct boot_options *o)
{
    static char line[2 * BOOT_CMDLINE_MAX];
    static struct boot_options again;
    write_back(o, line, sizeof(line));
    unsigned problems = boot_options_parse(line, &again);
    FUZZ_CHECK(problems == 0, "written back as \"%s\": %s", line, again.problems[0]);
    FUZZ_CHECK(again.log_level == o->log_level && again.guest_mem == o->guest_mem &&
                   again.watchdog_s == o->watchdog_s && again.selftest == o->selftest &&
                   again.gdb_wait == o->gdb_wait && strcmp(again.guest, o->guest) == 0 &&
                   strcmp(again.boot_via, o->boot_via) == 0 &&
                   same_but_trailing_space(again.guest_args, o->guest_args),
               "\"%s\" parses to other options", line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char line[BOOT_CMDLINE_MAX];
    static struct boot_options opts;
    struct fuzz_input in = {data, size};
    uint8_t flags = fuzz_u8(&in);
    size_t cfg_len = fuzz_u16(&in);
    if (cfg_len > in.left)
        cfg_len = in.left;
    /* Heap copies of exactly the bytes: AddressSanitizer sees a read past either. */
    char *cfg = malloc(cfg_len + 1);
    size_t opt_bytes = in.left - cfg_len;
    uint16_t *ucs2 = malloc(opt_bytes ? opt_bytes : 1);
    FUZZ_CHECK(cfg && ucs2, "out of memory");
    memcpy(cfg, in.data, cfg_len);
    memcpy(ucs2, in.data + cfg_len, opt_bytes);

    if (flags & 1) {
        cfg[cfg_len] = '\0'; /* the parser alone, on any bytes */
        snprintf(line, sizeof(line), "%s", cfg);
    } else {
        size_t bad_at = 0;
        line[0] = '\0';
        if (cmdline_config_is_text(cfg, cfg_len, &bad_at)) {
            cmdline_append_config(line, sizeof(line), cfg, cfg_len);
        } else {
            FUZZ_CHECK(bad_at < cfg_len, "bad byte at %zu of %zu", bad_at, cfg_len);
            unsigned char c = (unsigned char)cfg[bad_at];
            FUZZ_CHECK(c != '\t' && c != '\n' && c != '\r' && (c < 0x20 || c > 0x7E),
                       "byte 0x%02x called not text", c);
        }
        size_t before = strlen(line);
        if (!cmdline_append_ucs2(line, sizeof(line), ucs2, opt_bytes))
            /* Appended some only if the line filled up (less the one space trimmed when
             * the cut fell between two words). */
            FUZZ_CHECK(strlen(line) == before || strlen(line) >= sizeof(line) - 2,
                       "refused load options, but appended some and did not fill the line");
        check_line(line, before);
    }
    memset(&opts, 0x5A, sizeof(opts)); /* junk: the defaults must be set, not inherited */
    unsigned problems = boot_options_parse(line, &opts);
    check_options(line, &opts, problems);
    check_round_trip(&opts);
    free(cfg);
    free(ucs2);
    return 0;
}
