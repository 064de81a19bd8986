/*
 * boot_options.c - parse hvlab's load options (see boot_options.h for the syntax).
 *
 * Pure string code: it runs in the UEFI app and in the host unit tests alike.
 */
#include "boot/boot_options.h"

static const char *const log_level_names[] = {
    [LOG_ERROR] = "error",
    [LOG_WARN] = "warn",
    [LOG_INFO] = "info",
    [LOG_DEBUG] = "debug",
};

static const char *const selftest_names[] = {
    [SELFTEST_NONE] = "none",   [SELFTEST_UD] = "ud",   [SELFTEST_GP] = "gp",
    [SELFTEST_PANIC] = "panic", [SELFTEST_OOM] = "oom", [SELFTEST_ENTRY] = "entry",
};

bool boot_guest_list_next(const char **list, char *name, size_t cap)
{
    const char *p = *list;
    while (*p == GUEST_LIST_SEPARATOR) /* empty entries: skipped */
        p++;
    if (!*p)
        return false;
    size_t n = 0;
    for (; *p && *p != GUEST_LIST_SEPARATOR; p++)
        if (n + 1 < cap)
            name[n++] = *p;
    name[n] = '\0';
    *list = p;
    return true;
}

const char *log_level_name(enum log_level level)
{
    if ((unsigned)level >= sizeof(log_level_names) / sizeof(log_level_names[0]))
        return "?";
    return log_level_names[level];
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Does the word [w, w+len) equal the NUL-terminated string s? */
static bool word_is(const char *w, size_t len, const char *s)
{
    size_t i = 0;
    for (; i < len && s[i]; i++)
        if (w[i] != s[i])
            return false;
    return i == len && s[i] == '\0';
}

/* Copy at most cap-1 bytes of [src, src+len) and terminate; false if it did not fit. */
static bool copy_word(char *dst, size_t cap, const char *src, size_t len)
{
    bool fits = len < cap;
    size_t n = fits ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
    dst[n] = '\0';
    return fits;
}

/* Record a problem as "PREFIX: WORD" (the word cut to fit). */
static void problem(struct boot_options *o, const char *prefix, const char *w, size_t len)
{
    if (o->problem_count >= BOOT_OPTION_PROBLEMS_MAX) {
        o->problem_count++; /* counted, text dropped: the count still tells */
        return;
    }
    char *out = o->problems[o->problem_count++];
    size_t n = 0;
    for (; *prefix && n < BOOT_OPTION_PROBLEM_LEN - 3; prefix++)
        out[n++] = *prefix;
    out[n++] = ':';
    out[n++] = ' ';
    for (size_t i = 0; i < len && n < BOOT_OPTION_PROBLEM_LEN - 1; i++)
        out[n++] = w[i];
    out[n] = '\0';
}

/* Parse a decimal number that is all of [s, s+len). False on syntax error or overflow. */
static bool parse_uint(const char *s, size_t len, uint64_t *out)
{
    uint64_t value = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || value > (UINT64_MAX - 9) / 10)
            return false;
        value = value * 10 + (uint64_t)(s[i] - '0');
    }
    *out = value;
    return true;
}

/* Parse "64M", "65536K", "1G" or plain bytes. False on syntax error or overflow. */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned shift = 0;
    if (len > 1) {
        switch (s[len - 1]) {
        case 'K':
        case 'k': shift = 10; break;
        case 'M':
        case 'm': shift = 20; break;
        case 'G':
        case 'g': shift = 30; break;
        default: break;
        }
    }
    uint64_t value;
    if (!parse_uint(s, shift ? len - 1 : len, &value) || value > (UINT64_MAX >> shift))
        return false;
    *out = value << shift;
    return true;
}

/* Find value in a name table; -1 if absent. */
static int lookup(const char *const *names, int count, const char *v, size_t len)
{
    for (int i = 0; i < count; i++)
        if (word_is(v, len, names[i]))
            return i;
    return -1;
}

/* Apply one key=value word. */
static void apply(struct boot_options *o, const char *w, size_t len)
{
    size_t eq = 0;
    while (eq < len && w[eq] != '=')
        eq++;
    if (eq == len) {
        if (word_is(w, len, "gdb"))
            o->gdb_wait = true;
        return; /* other bare words: e.g. the file name GRUB passes first */
    }
    const char *key = w, *val = w + eq + 1;
    size_t klen = eq, vlen = len - eq - 1;

    if (word_is(key, klen, "log")) {
        int l = lookup(log_level_names, LOG_DEBUG + 1, val, vlen);
        if (l < 0)
            problem(o, "log= wants error|warn|info|debug, got", val, vlen);
        else
            o->log_level = (enum log_level)l;
    } else if (word_is(key, klen, "guest")) {
        if (vlen == 0 || vlen >= sizeof(o->guest))
            problem(o, "guest= name empty or too long", val, vlen);
        else
            copy_word(o->guest, sizeof(o->guest), val, vlen);
    } else if (word_is(key, klen, "mem")) {
        uint64_t bytes;
        if (!parse_size(val, vlen, &bytes))
            problem(o, "mem= wants a size like 64M, got", val, vlen);
        else if (bytes < GUEST_MEM_MIN || bytes > GUEST_MEM_MAX)
            problem(o, "mem= must be within 4M..1G, got", val, vlen);
        else if (bytes % 4096)
            problem(o, "mem= must be a multiple of 4K, got", val, vlen);
        else
            o->guest_mem = bytes;
    } else if (word_is(key, klen, "watchdog")) {
        uint64_t seconds;
        if (!parse_uint(val, vlen, &seconds) || seconds > WATCHDOG_MAX_S)
            problem(o, "watchdog= wants seconds, 0..3600, got", val, vlen);
        else
            o->watchdog_s = (unsigned)seconds;
    } else if (word_is(key, klen, "boot")) {
        if (vlen == 0 || vlen >= sizeof(o->boot_via))
            problem(o, "boot= name empty or too long", val, vlen);
        else
            copy_word(o->boot_via, sizeof(o->boot_via), val, vlen);
    } else if (word_is(key, klen, "selftest")) {
        int t = lookup(selftest_names, SELFTEST_ENTRY + 1, val, vlen);
        if (t < 0)
            problem(o, "selftest= wants ud|gp|panic|oom|entry, got", val, vlen);
        else
            o->selftest = (enum selftest)t;
    } else {
        problem(o, "unknown option", w, len);
    }
}

unsigned boot_options_parse(const char *cmdline, struct boot_options *o)
{
    *o = (struct boot_options){
        .log_level = LOG_INFO,
        .guest = "hello",
        .boot_via = "uefi",
        .guest_mem = GUEST_MEM_DEFAULT,
        .watchdog_s = WATCHDOG_DEFAULT_S,
        .selftest = SELFTEST_NONE,
    };
    const char *p = cmdline ? cmdline : "";
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && !is_space(*p))
            p++;
        size_t len = (size_t)(p - w);
        if (word_is(w, len, "--")) {
            while (is_space(*p))
                p++;
            size_t rest = 0;
            while (p[rest])
                rest++;
            while (rest && is_space(p[rest - 1]))
                rest--;
            if (!copy_word(o->guest_args, sizeof(o->guest_args), p, rest))
                problem(o, "guest command line too long, cut to", o->guest_args, 40);
            break;
        }
        apply(o, w, len);
    }
    return o->problem_count;
}
