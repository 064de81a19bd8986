/*
 * boot_options.h - the load options that configure a run, parsed in one place.
 *
 * Syntax: space-separated key=value words; everything after a lone "--" is the guest
 * kernel's own command line. Words without '=' (such as the file name GRUB's chainloader
 * puts first) are ignored. Example:
 *     log=debug guest=hostile mem=32M -- test=oob-read
 */
#ifndef HVLAB_BOOT_OPTIONS_H
#define HVLAB_BOOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Faults injected on purpose, to test hvlab's own failure paths. */
enum selftest {
    SELFTEST_NONE,
    SELFTEST_UD,     /* execute ud2 in the hypervisor: #UD report */
    SELFTEST_GP,     /* read a non-canonical address: #GP report */
    SELFTEST_PANIC,  /* call panic() */
    SELFTEST_OOM,    /* allocate until the page pool is exhausted */
    SELFTEST_ENTRY,  /* corrupt the guest state (CR0.PG without PE): VM entry must fail
                       and the VM-entry checker must name the rule */
    SELFTEST_OOM_AT, /* oom-at=K[+K...]: the i-th guest's creation runs out of memory at
                        its K-th page allocation (boot_options.oom_at; hypervisor/vm.c) */
};
#define SELFTEST_OOM_AT_MAX 99999u /* the largest K: more than any creation makes */

#define GUEST_LIST_SEPARATOR     ','
#define BOOT_GUEST_NAME_MAX      32  /* one name of guest=, with its NUL */
#define BOOT_GUESTS_MAX          16  /* names in one guest= list */
#define BOOT_GUEST_LIST_MAX      128 /* the whole guest= list, with its NUL */
#define BOOT_GUEST_ARGS_MAX      256
#define BOOT_OPTION_PROBLEMS_MAX 12 /* one per option word, with room to spare */
#define BOOT_OPTION_PROBLEM_LEN  160

#define GUEST_MEM_DEFAULT  (64ull << 20) /* 64 MiB */
#define GUEST_MEM_MIN      (4ull << 20)  /* room for the kernel, its stack and page tables */
#define WATCHDOG_DEFAULT_S 10 /* seconds without a VM exit before a guest is stopped */
#define WATCHDOG_MAX_S     3600
#define GUEST_MEM_MAX      (1ull << 30) /* the pool is sized from this: keep it modest */
#define GUEST_MEM_GRANULE  4096ull      /* guest RAM is whole 4 KiB pages */

struct boot_options {
    enum log_level log_level;             /* log=error|warn|info|debug (default info) */
    char guest[BOOT_GUEST_LIST_MAX];      /* guest=NAME[,NAME...] (default "hello") */
    uint64_t guest_mem;                   /* mem=SIZE[K|M|G] guest RAM in bytes */
    char guest_args[BOOT_GUEST_ARGS_MAX]; /* after "--": the guest's Multiboot cmdline */
    enum selftest selftest;               /* selftest=ud|gp|panic|oom|entry|oom-at=K */
    unsigned oom_at[BOOT_GUESTS_MAX];     /* SELFTEST_OOM_AT: K for each guest, in order */
    unsigned oom_at_count;                /* Ks given; later guests are created as usual */
    unsigned watchdog_s; /* watchdog=SECONDS: stop a guest that runs this long without
                            a single VM exit (0 = never) */
    bool gdb_wait;       /* gdb: wait for a debugger before hv_main */
    char boot_via[16];   /* boot=NAME: who started hvlab (default "uefi") */

    /* Problems found while parsing; reported by the boot layer, never silently dropped.
     * Each names the word, what it allows and what hvlab uses instead ("mem= must be
     * within 4M..1G, got: 3M; using 64M"); problem_at is where the word starts in the
     * command line, so the boot layer can tell hvlab.cfg's words from the load options'. */
    unsigned problem_count;
    char problems[BOOT_OPTION_PROBLEMS_MAX][BOOT_OPTION_PROBLEM_LEN];
    size_t problem_at[BOOT_OPTION_PROBLEMS_MAX];
};

/* Fill *opts with the defaults, then apply the words of cmdline. A bad word changes
 * nothing: the value in force stays (the default, or what an earlier word set). Returns
 * problem_count. */
unsigned boot_options_parse(const char *cmdline, struct boot_options *opts);

/* Take the next name of a comma-separated guest= list: copies it into name (cut to cap-1)
 * and advances *list past it and its comma. Returns false when the list is used up. */
bool boot_guest_list_next(const char **list, char *name, size_t cap);

/* The name of a log level ("info"), for the banner. */
const char *log_level_name(enum log_level level);

#endif
