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
#define OOM_AT_PREFIX    "oom-at="
#define OOM_AT_SEPARATOR '+'

static bool is_entry_end(char c)
{
    return c == '\0' || c == GUEST_LIST_SEPARATOR || c == GUEST_GROUP_SEPARATOR;
}

/* One entry NAME[@SIZE] at p: the name copied (cut to cap-1), its size (default_mem if
 * none or bad: the parser reported it), the end of the entry returned. */
static const char *take_entry(const char *p, char *name, size_t cap, uint64_t default_mem,
                              uint64_t *mem)
{
    size_t n = 0;
    for (; !is_entry_end(*p) && *p != GUEST_SIZE_SEPARATOR; p++)
        if (n + 1 < cap)
            name[n++] = *p;
    name[n] = '\0';
    *mem = default_mem;
    if (*p == GUEST_SIZE_SEPARATOR) {
        const char *size = ++p;
        while (!is_entry_end(*p))
            p++;
        uint64_t bytes;
        if (boot_parse_size(size, (size_t)(p - size), &bytes) && bytes >= GUEST_MEM_MIN &&
            bytes <= GUEST_MEM_MAX && bytes % GUEST_MEM_GRANULE == 0)
            *mem = bytes;
    }
    return p;
}

bool boot_guest_list_next(const char **list, char *name, size_t cap)
{
    const char *p = *list;
    while (*p == GUEST_LIST_SEPARATOR || *p == GUEST_GROUP_SEPARATOR) /* empty entries */
        p++;
    if (!*p)
        return false;
    uint64_t mem;
    *list = take_entry(p, name, cap, 0, &mem);
    return true;
}

bool boot_guest_group_next(const char **list, uint64_t default_mem, unsigned *position,
                           struct boot_guest_group *g)
{
    const char *p = *list;
    g->count = 0;
    while (*p == GUEST_LIST_SEPARATOR) /* empty groups: skipped */
        p++;
    while (*p && *p != GUEST_LIST_SEPARATOR && g->count < BOOT_GROUP_MAX) {
        if (*p == GUEST_GROUP_SEPARATOR) { /* an empty entry: skipped */
            p++;
            continue;
        }
        struct boot_guest_spec *s = &g->guest[g->count++];
        p = take_entry(p, s->name, sizeof(s->name), default_mem, &s->mem);
        s->position = (*position)++;
        if (*p == GUEST_GROUP_SEPARATOR)
            p++;
    }
    *list = p;
    return g->count != 0;
}

uint64_t boot_guest_list_peak_mem(const char *list, uint64_t default_mem, unsigned *peak_vms)
{
    struct boot_guest_group g;
    unsigned position = 0;
    uint64_t peak = 0;
    *peak_vms = 0;
    while (boot_guest_group_next(&list, default_mem, &position, &g)) {
        uint64_t sum = 0;
        for (unsigned i = 0; i < g.count; i++)
            sum += g.guest[i].mem;
        if (sum > peak)
            peak = sum;
        if (g.count > *peak_vms)
            *peak_vms = g.count;
    }
    return peak;
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

/* The option words, so that a problem can say what hvlab uses instead once the whole
 * line is parsed (a later word may still set the value). */
enum word {
    WORD_UNKNOWN,
    WORD_LOG,
    WORD_GUEST,
    WORD_MEM,
    WORD_WATCHDOG,
    WORD_SLICE,
    WORD_BOOT,
    WORD_SELFTEST,
    WORD_GDB,
    WORD_MODULES,
    WORD_LINUX_KERNEL,
    WORD_LINUX_INITRD,
    WORD_GUEST_ARGS
};

#define KNOWN_WORDS                                                                            \
    "log= guest= mem= modules= linux.kernel= linux.initrd= watchdog= slice= selftest= boot= "  \
    "gdb --"
#define VALUE_SHOWN_MAX 40 /* characters of a bad value quoted in its problem */
#define CUT_MARK        "..."
#define KIB_SHIFT       10
#define MIB_SHIFT       20
#define GIB_SHIFT       30

/* Text built into a fixed buffer, cut (never overrun) when full. */
struct text {
    char *buf;
    size_t cap, len;
};

static void put_chars(struct text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i] && t->len + 1 < t->cap; i++)
        t->buf[t->len++] = s[i];
    t->buf[t->len] = '\0';
}

static void put_str(struct text *t, const char *s) { put_chars(t, s, (size_t)-1); }

static void put_uint(struct text *t, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do
        digits[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        put_chars(t, &digits[--n], 1);
}

/* A size in the largest unit that divides it ("64M", "4100K", "1G"), as mem= takes it. */
static void put_size(struct text *t, uint64_t bytes)
{
    if (bytes && bytes % (1ull << GIB_SHIFT) == 0) {
        put_uint(t, bytes >> GIB_SHIFT);
        put_str(t, "G");
    } else if (bytes && bytes % (1ull << MIB_SHIFT) == 0) {
        put_uint(t, bytes >> MIB_SHIFT);
        put_str(t, "M");
    } else if (bytes % (1ull << KIB_SHIFT) == 0) {
        put_uint(t, bytes >> KIB_SHIFT);
        put_str(t, "K");
    } else {
        put_uint(t, bytes);
    }
}

/* The names of a table joined by '|': the values a word allows. */
static void put_names(struct text *t, const char *const *names, int count)
{
    for (int i = 0; i < count; i++) {
        if (i)
            put_str(t, "|");
        put_str(t, names[i]);
    }
}

/* The parse of one command line. */
struct parser {
    struct boot_options *o;
    const char *line;                         /* its start: problem_at is relative to it */
    enum word word[BOOT_OPTION_PROBLEMS_MAX]; /* the word of each problem kept */
    char dropped[BOOT_OPTION_PROBLEM_LEN];    /* scratch for problems beyond the maximum */
    struct text text;                         /* the problem being written */
};

/* Begin a problem about the word at w; the caller then writes what the word allows and
 * ends with problem_got(). Problems beyond the maximum are counted, their text dropped. */
static struct text *problem(struct parser *p, enum word word, const char *w)
{
    struct boot_options *o = p->o;
    unsigned i = o->problem_count++;
    if (i < BOOT_OPTION_PROBLEMS_MAX) {
        p->word[i] = word;
        o->problem_at[i] = (size_t)(w - p->line);
        p->text = (struct text){o->problems[i], BOOT_OPTION_PROBLEM_LEN, 0};
    } else {
        p->text = (struct text){p->dropped, sizeof(p->dropped), 0};
    }
    p->text.buf[0] = '\0';
    return &p->text;
}

/* End a problem with the value given: ", got: VALUE" (long values cut, marked "..."). */
static void problem_got(struct text *t, const char *val, size_t vlen)
{
    put_str(t, ", got: ");
    put_chars(t, val, vlen < VALUE_SHOWN_MAX ? vlen : VALUE_SHOWN_MAX);
    if (vlen > VALUE_SHOWN_MAX)
        put_str(t, CUT_MARK);
}

/* "; using VALUE": what hvlab uses instead of the bad word, once all words are in. */
static void put_in_force(struct text *t, const struct boot_options *o, enum word word)
{
    switch (word) {
    case WORD_LOG:
        put_str(t, "; using ");
        put_str(t, log_level_name(o->log_level));
        break;
    case WORD_GUEST:
        put_str(t, "; using ");
        put_str(t, o->guest);
        break;
    case WORD_MEM:
        put_str(t, "; using ");
        put_size(t, o->guest_mem);
        break;
    case WORD_WATCHDOG:
        put_str(t, "; using ");
        put_uint(t, o->watchdog_s);
        if (o->watchdog_s == 0)
            put_str(t, " (off)");
        break;
    case WORD_SLICE:
        put_str(t, "; using ");
        put_uint(t, o->slice_ms);
        break;
    case WORD_BOOT:
        put_str(t, "; using ");
        put_str(t, o->boot_via);
        break;
    case WORD_SELFTEST:
        put_str(t, "; using ");
        if (o->selftest == SELFTEST_OOM_AT) {
            put_str(t, OOM_AT_PREFIX);
            for (unsigned i = 0; i < o->oom_at_count; i++) {
                if (i)
                    put_chars(t, "+", 1);
                put_uint(t, o->oom_at[i]);
            }
        } else {
            put_str(t, selftest_names[o->selftest]);
        }
        break;
    case WORD_GDB:
        put_str(t, o->gdb_wait ? "; using gdb (a bare gdb word is given too)"
                               : "; not waiting for a debugger");
        break;
    case WORD_MODULES:
        put_str(t, "; using ");
        put_str(t, o->modules[0] ? o->modules : "none");
        break;
    case WORD_LINUX_KERNEL:
        put_str(t, "; using ");
        put_str(t, o->linux_kernel);
        break;
    case WORD_LINUX_INITRD:
        put_str(t, "; using ");
        put_str(t, o->linux_initrd);
        break;
    case WORD_GUEST_ARGS:
        put_str(t, "; using the first ");
        put_uint(t, BOOT_GUEST_ARGS_MAX - 1);
        break;
    case WORD_UNKNOWN: put_str(t, "; ignored"); break;
    }
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* What is wrong with a guest= list, in the order reported. */
enum guest_list_problem {
    GUEST_LIST_OK,
    GUEST_LIST_EMPTY,
    GUEST_LIST_BAD_CHAR,
    GUEST_LIST_NAME_TOO_LONG,
    GUEST_LIST_BAD_SIZE,
    GUEST_LIST_TOO_MANY,
    GUEST_LIST_GROUP_TOO_BIG,
    GUEST_LIST_TOO_LONG,
};

/* Check one NAME[@SIZE] entry of [e, e+len); len > 0. */
static enum guest_list_problem check_guest_entry(const char *e, size_t len)
{
    size_t name_len = 0;
    while (name_len < len && e[name_len] != GUEST_SIZE_SEPARATOR) {
        if (!is_name_char(e[name_len]))
            return GUEST_LIST_BAD_CHAR;
        name_len++;
    }
    if (name_len == 0)
        return GUEST_LIST_EMPTY;
    if (name_len >= BOOT_GUEST_NAME_MAX)
        return GUEST_LIST_NAME_TOO_LONG;
    if (name_len == len)
        return GUEST_LIST_OK;
    uint64_t bytes;
    const char *size = e + name_len + 1;
    size_t size_len = len - name_len - 1;
    if (!boot_parse_size(size, size_len, &bytes) || bytes < GUEST_MEM_MIN ||
        bytes > GUEST_MEM_MAX || bytes % GUEST_MEM_GRANULE != 0)
        return GUEST_LIST_BAD_SIZE;
    return GUEST_LIST_OK;
}

static enum guest_list_problem check_guest_entries(const char *val, size_t vlen)
{
    unsigned names = 0, in_group = 0;
    size_t start = 0;
    for (size_t i = 0; i <= vlen; i++) {
        if (i < vlen && val[i] != GUEST_LIST_SEPARATOR && val[i] != GUEST_GROUP_SEPARATOR)
            continue;
        if (i > start) { /* empty entries are skipped, as when running */
            enum guest_list_problem e = check_guest_entry(val + start, i - start);
            if (e != GUEST_LIST_OK)
                return e;
            names++;
            if (++in_group > BOOT_GROUP_MAX)
                return GUEST_LIST_GROUP_TOO_BIG;
        }
        if (i == vlen || val[i] == GUEST_LIST_SEPARATOR)
            in_group = 0;
        start = i + 1;
    }
    if (!names)
        return GUEST_LIST_EMPTY;
    if (names > BOOT_GUESTS_MAX)
        return GUEST_LIST_TOO_MANY;
    if (vlen >= BOOT_GUEST_LIST_MAX)
        return GUEST_LIST_TOO_LONG;
    return GUEST_LIST_OK;
}

/* guest=NAME[@SIZE][{,|+}NAME[@SIZE]...]: 1..BOOT_GUESTS_MAX names, each a file name
 * \guests\NAME.elf can be built from, at most BOOT_GROUP_MAX in one '+' group. True if
 * the list is good; else the problem is recorded. */
static bool check_guest_list(struct parser *p, const char *w, const char *val, size_t vlen)
{
    enum guest_list_problem e = check_guest_entries(val, vlen);
    if (e == GUEST_LIST_OK)
        return true;
    struct text *t = problem(p, WORD_GUEST, w);
    switch (e) {
    case GUEST_LIST_EMPTY: put_str(t, "guest= wants NAME[@SIZE][,NAME...|+NAME...]"); break;
    case GUEST_LIST_BAD_CHAR: put_str(t, "guest= names are letters, digits, - and _"); break;
    case GUEST_LIST_NAME_TOO_LONG:
        put_str(t, "guest= names are 1..");
        put_uint(t, BOOT_GUEST_NAME_MAX - 1);
        put_str(t, " characters");
        break;
    case GUEST_LIST_BAD_SIZE:
        put_str(t, "guest= NAME@SIZE wants a size within ");
        put_size(t, GUEST_MEM_MIN);
        put_str(t, "..");
        put_size(t, GUEST_MEM_MAX);
        put_str(t, ", a multiple of ");
        put_size(t, GUEST_MEM_GRANULE);
        break;
    case GUEST_LIST_TOO_MANY:
        put_str(t, "guest= takes at most ");
        put_uint(t, BOOT_GUESTS_MAX);
        put_str(t, " names");
        break;
    case GUEST_LIST_GROUP_TOO_BIG:
        put_str(t, "guest= runs at most ");
        put_uint(t, BOOT_GROUP_MAX);
        put_str(t, " guests at the same time (A+B+...)");
        break;
    case GUEST_LIST_TOO_LONG:
    case GUEST_LIST_OK:
    default:
        put_str(t, "guest= lists at most ");
        put_uint(t, BOOT_GUEST_LIST_MAX - 1);
        put_str(t, " characters");
        break;
    }
    problem_got(t, val, vlen);
    return false;
}

bool boot_module_list_next(const char **list, char *name, size_t cap)
{
    const char *p = *list;
    while (*p == MODULE_LIST_SEPARATOR) /* empty entries */
        p++;
    if (!*p)
        return false;
    size_t n = 0;
    for (; *p && *p != MODULE_LIST_SEPARATOR; p++)
        if (n + 1 < cap)
            name[n++] = *p;
    name[n] = '\0';
    *list = p;
    return true;
}

/* What is wrong with a modules= list, in the order reported. */
enum module_list_problem {
    MODULE_LIST_OK,
    MODULE_LIST_EMPTY,
    MODULE_LIST_BAD_CHAR,
    MODULE_LIST_NAME_TOO_LONG,
    MODULE_LIST_TOO_MANY,
    MODULE_LIST_TOO_LONG,
};

/* A file name of \guests\: name characters and '.', not starting with '.' (so neither
 * "." nor ".." nor a hidden file), at most BOOT_MODULE_NAME_MAX - 1 long. */
static enum module_list_problem check_module_name(const char *e, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_name_char(e[i]) && !(e[i] == '.' && i > 0))
            return MODULE_LIST_BAD_CHAR;
    return len >= BOOT_MODULE_NAME_MAX ? MODULE_LIST_NAME_TOO_LONG : MODULE_LIST_OK;
}

static enum module_list_problem check_module_entries(const char *val, size_t vlen)
{
    unsigned names = 0;
    size_t start = 0;
    for (size_t i = 0; i <= vlen; i++) {
        if (i < vlen && val[i] != MODULE_LIST_SEPARATOR)
            continue;
        if (i > start) { /* empty entries are skipped, as when loading */
            enum module_list_problem e = check_module_name(val + start, i - start);
            if (e != MODULE_LIST_OK)
                return e;
            names++;
        }
        start = i + 1;
    }
    if (!names)
        return MODULE_LIST_EMPTY;
    if (names > BOOT_MODULES_MAX)
        return MODULE_LIST_TOO_MANY;
    if (vlen >= BOOT_MODULE_LIST_MAX)
        return MODULE_LIST_TOO_LONG;
    return MODULE_LIST_OK;
}

/* modules=FILE[,FILE...]: 1..BOOT_MODULES_MAX file names of \guests\. A bad list
 * changes nothing (the modules in force stay) and is reported. */
static void apply_modules(struct parser *p, const char *w, const char *val, size_t vlen)
{
    enum module_list_problem e = check_module_entries(val, vlen);
    if (e == MODULE_LIST_OK) {
        copy_word(p->o->modules, sizeof(p->o->modules), val, vlen);
        return;
    }
    struct text *t = problem(p, WORD_MODULES, w);
    switch (e) {
    case MODULE_LIST_EMPTY:
        put_str(t, "modules= wants FILE[,FILE...] (files of \\guests\\)");
        break;
    case MODULE_LIST_BAD_CHAR:
        put_str(t, "modules= file names are letters, digits, -, _ and . (not first)");
        break;
    case MODULE_LIST_NAME_TOO_LONG:
        put_str(t, "modules= file names are 1..");
        put_uint(t, BOOT_MODULE_NAME_MAX - 1);
        put_str(t, " characters");
        break;
    case MODULE_LIST_TOO_MANY:
        put_str(t, "modules= takes at most ");
        put_uint(t, BOOT_MODULES_MAX);
        put_str(t, " files");
        break;
    case MODULE_LIST_TOO_LONG:
    case MODULE_LIST_OK:
    default:
        put_str(t, "modules= lists at most ");
        put_uint(t, BOOT_MODULE_LIST_MAX - 1);
        put_str(t, " characters");
        break;
    }
    problem_got(t, val, vlen);
}

/* linux.kernel=FILE or linux.initrd=FILE: one file name of \linux\, checked as a
 * modules= name is. A bad name changes nothing and is reported (false). */
static bool apply_linux_file(struct parser *p, enum word word, const char *w, const char *key,
                             size_t klen, const char *val, size_t vlen, char *dst, size_t cap)
{
    enum module_list_problem e = vlen == 0 ? MODULE_LIST_EMPTY : check_module_name(val, vlen);
    if (e == MODULE_LIST_OK) {
        copy_word(dst, cap, val, vlen);
        return true;
    }
    struct text *t = problem(p, word, w);
    put_chars(t, key, klen);
    if (e == MODULE_LIST_NAME_TOO_LONG) {
        put_str(t, "= wants a file name of 1..");
        put_uint(t, cap - 1);
        put_str(t, " characters");
    } else {
        put_str(t, "= wants a file of \\linux\\ (letters, digits, -, _ and ., not first)");
    }
    problem_got(t, val, vlen);
    return false;
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
bool boot_parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned shift = 0;
    if (len > 1) {
        switch (s[len - 1]) {
        case 'K':
        case 'k': shift = KIB_SHIFT; break;
        case 'M':
        case 'm': shift = MIB_SHIFT; break;
        case 'G':
        case 'g': shift = GIB_SHIFT; break;
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

/* selftest=oom-at=K[+K...]: 1..BOOT_GUESTS_MAX numbers, each 1..SELFTEST_OOM_AT_MAX. True
 * (and the option set) if [val, val+vlen) is one; false changes nothing. */
static bool apply_oom_at(struct boot_options *o, const char *val, size_t vlen)
{
    size_t plen = sizeof(OOM_AT_PREFIX) - 1;
    if (vlen <= plen || !word_is(val, plen, OOM_AT_PREFIX))
        return false;
    unsigned ks[BOOT_GUESTS_MAX], count = 0;
    for (size_t i = plen, start = plen; i <= vlen; i++) {
        if (i < vlen && val[i] != OOM_AT_SEPARATOR)
            continue;
        uint64_t k;
        if (count == BOOT_GUESTS_MAX || !parse_uint(val + start, i - start, &k) || k == 0 ||
            k > SELFTEST_OOM_AT_MAX)
            return false;
        ks[count++] = (unsigned)k;
        start = i + 1;
    }
    o->selftest = SELFTEST_OOM_AT;
    o->oom_at_count = count;
    for (unsigned i = 0; i < count; i++)
        o->oom_at[i] = ks[i];
    return true;
}

/* mem=SIZE: a size within GUEST_MEM_MIN..GUEST_MEM_MAX, a multiple of 4 KiB. */
static void apply_mem(struct parser *p, const char *w, const char *val, size_t vlen)
{
    uint64_t bytes;
    bool parsed = boot_parse_size(val, vlen, &bytes);
    if (parsed && bytes >= GUEST_MEM_MIN && bytes <= GUEST_MEM_MAX &&
        bytes % GUEST_MEM_GRANULE == 0) {
        p->o->guest_mem = bytes;
        return;
    }
    struct text *t = problem(p, WORD_MEM, w);
    if (!parsed) {
        put_str(t, "mem= wants a size like 64M (");
        put_size(t, GUEST_MEM_MIN);
        put_str(t, "..");
        put_size(t, GUEST_MEM_MAX);
        put_str(t, ", a multiple of ");
        put_size(t, GUEST_MEM_GRANULE);
        put_str(t, ")");
    } else if (bytes < GUEST_MEM_MIN || bytes > GUEST_MEM_MAX) {
        put_str(t, "mem= must be within ");
        put_size(t, GUEST_MEM_MIN);
        put_str(t, "..");
        put_size(t, GUEST_MEM_MAX);
    } else {
        put_str(t, "mem= must be a multiple of ");
        put_size(t, GUEST_MEM_GRANULE);
    }
    problem_got(t, val, vlen);
}

/* Apply one word: key=value, or a bare word. */
static void apply(struct parser *p, const char *w, size_t len)
{
    struct boot_options *o = p->o;
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
    struct text *t;

    if (word_is(key, klen, "log")) {
        int l = lookup(log_level_names, LOG_DEBUG + 1, val, vlen);
        if (l >= 0) {
            o->log_level = (enum log_level)l;
            return;
        }
        t = problem(p, WORD_LOG, w);
        put_str(t, "log= wants ");
        put_names(t, log_level_names, LOG_DEBUG + 1);
        problem_got(t, val, vlen);
    } else if (word_is(key, klen, "guest")) {
        if (check_guest_list(p, w, val, vlen))
            copy_word(o->guest, sizeof(o->guest), val, vlen);
    } else if (word_is(key, klen, "mem")) {
        apply_mem(p, w, val, vlen);
    } else if (word_is(key, klen, "modules")) {
        apply_modules(p, w, val, vlen);
    } else if (word_is(key, klen, "linux.kernel")) {
        apply_linux_file(p, WORD_LINUX_KERNEL, w, key, klen, val, vlen, o->linux_kernel,
                         sizeof(o->linux_kernel));
    } else if (word_is(key, klen, "linux.initrd")) {
        if (apply_linux_file(p, WORD_LINUX_INITRD, w, key, klen, val, vlen, o->linux_initrd,
                             sizeof(o->linux_initrd)))
            o->linux_initrd_given = true;
    } else if (word_is(key, klen, "watchdog")) {
        uint64_t seconds;
        if (parse_uint(val, vlen, &seconds) && seconds <= WATCHDOG_MAX_S) {
            o->watchdog_s = (unsigned)seconds;
            return;
        }
        t = problem(p, WORD_WATCHDOG, w);
        put_str(t, "watchdog= wants seconds, 0..");
        put_uint(t, WATCHDOG_MAX_S);
        put_str(t, " (0 = off)");
        problem_got(t, val, vlen);
    } else if (word_is(key, klen, "slice")) {
        uint64_t ms;
        if (parse_uint(val, vlen, &ms) && ms >= 1 && ms <= SLICE_MAX_MS) {
            o->slice_ms = (unsigned)ms;
            return;
        }
        t = problem(p, WORD_SLICE, w);
        put_str(t, "slice= wants milliseconds, 1..");
        put_uint(t, SLICE_MAX_MS);
        problem_got(t, val, vlen);
    } else if (word_is(key, klen, "boot")) {
        if (vlen != 0 && vlen < sizeof(o->boot_via)) {
            copy_word(o->boot_via, sizeof(o->boot_via), val, vlen);
            return;
        }
        t = problem(p, WORD_BOOT, w);
        put_str(t, "boot= wants a name of 1..");
        put_uint(t, sizeof(o->boot_via) - 1);
        put_str(t, " characters");
        problem_got(t, val, vlen);
    } else if (word_is(key, klen, "selftest")) {
        int s = lookup(selftest_names, SELFTEST_ENTRY + 1, val, vlen);
        if (s >= 0) {
            o->selftest = (enum selftest)s;
            return;
        }
        if (apply_oom_at(o, val, vlen))
            return;
        t = problem(p, WORD_SELFTEST, w);
        put_str(t, "selftest= wants ");
        put_names(t, selftest_names, SELFTEST_ENTRY + 1);
        put_str(t, "|" OOM_AT_PREFIX "K[+K...] (K 1..");
        put_uint(t, SELFTEST_OOM_AT_MAX);
        put_str(t, ", at most ");
        put_uint(t, BOOT_GUESTS_MAX);
        put_str(t, ")");
        problem_got(t, val, vlen);
    } else if (word_is(key, klen, "gdb")) {
        t = problem(p, WORD_GDB, w);
        put_str(t, "gdb takes no value (write gdb alone)");
        problem_got(t, w, len);
    } else {
        t = problem(p, WORD_UNKNOWN, w);
        put_str(t, "unknown option (known: " KNOWN_WORDS ")");
        problem_got(t, w, len);
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
        .slice_ms = SLICE_DEFAULT_MS,
        .selftest = SELFTEST_NONE,
        .linux_kernel = BOOT_LINUX_KERNEL_DEFAULT,
        .linux_initrd = BOOT_LINUX_INITRD_DEFAULT,
    };
    const char *p = cmdline ? cmdline : "";
    struct parser parser = {.o = o, .line = p};
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
            if (!copy_word(o->guest_args, sizeof(o->guest_args), p, rest)) {
                struct text *t = problem(&parser, WORD_GUEST_ARGS, w);
                put_str(t, "the guest command line after -- is at most ");
                put_uint(t, BOOT_GUEST_ARGS_MAX - 1);
                put_str(t, " characters");
                problem_got(t, p, rest);
            }
            break;
        }
        apply(&parser, w, len);
    }
    /* Now that every word is in, say what each bad one leaves in force. */
    for (unsigned i = 0; i < o->problem_count && i < BOOT_OPTION_PROBLEMS_MAX; i++) {
        struct text t = {o->problems[i], BOOT_OPTION_PROBLEM_LEN, 0};
        while (t.buf[t.len])
            t.len++;
        put_in_force(&t, o, parser.word[i]);
    }
    return o->problem_count;
}
