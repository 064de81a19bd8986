/*
 * boot_options.h - the load options that configure a run, parsed in one place.
 *
 * Syntax: space-separated key=value words; everything after a lone "--" is the guest
 * kernel's own command line. Words without '=' (such as the file name GRUB's chainloader
 * puts first) are ignored. Example:
 *     log=debug guest=hostile mem=32M -- test=oob-read
 *
 * modules= names files of \guests\ on the boot volume that every guest gets as its
 * Multiboot modules, in order, each with its file name as the module's string:
 *     modules=env.txt,initrd.img
 *
 * guest=linux boots the Linux bzImage \linux\vmlinuz with the initrd \linux\initrd.img
 * (linux.kernel=FILE and linux.initrd=FILE name other files of \linux\); the words after
 * "--" are its command line (default "console=ttyS0").
 *
 * guest= lists the guests: ',' runs them in turn, '+' at the same time (one group of
 * VMs sharing the CPU), and NAME@SIZE gives one guest its own RAM size (else mem=):
 *     guest=hello@16M+conform,hostile   hello and conform together, then hostile
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

#define GUEST_LIST_SEPARATOR     ',' /* A,B: B runs after A */
#define GUEST_GROUP_SEPARATOR    '+' /* A+B: A and B run at the same time */
#define GUEST_SIZE_SEPARATOR     '@' /* NAME@SIZE: this guest's RAM */
#define BOOT_GROUP_MAX           8   /* VMs at the same time (docs/scheduler.md) */
#define BOOT_GUEST_NAME_MAX      32  /* one name of guest=, with its NUL */
#define BOOT_GUESTS_MAX          16  /* names in one guest= list */
#define BOOT_GUEST_LIST_MAX      128 /* the whole guest= list, with its NUL */
#define BOOT_GUEST_ARGS_MAX      256
#define MODULE_LIST_SEPARATOR    ',' /* modules=A,B: A is module 0, B module 1 */
#define BOOT_MODULES_MAX         16  /* files in one modules= list */
#define BOOT_MODULE_NAME_MAX     32  /* one file name of modules=, with its NUL */
#define BOOT_MODULE_LIST_MAX     256 /* the whole modules= list, with its NUL */
#define BOOT_OPTION_PROBLEMS_MAX 12  /* one per option word, with room to spare */
#define BOOT_OPTION_PROBLEM_LEN  192

/* guest=linux: the Linux bzImage and initrd of \linux\ (boot/efi_linux.c). */
#define BOOT_LINUX_GUEST_NAME     "linux"
#define BOOT_LINUX_FILE_MAX       32 /* linux.kernel= / linux.initrd= file name, with NUL */
#define BOOT_LINUX_KERNEL_DEFAULT "vmlinuz"
#define BOOT_LINUX_INITRD_DEFAULT "initrd.img"

#define GUEST_MEM_DEFAULT  (64ull << 20) /* 64 MiB */
#define GUEST_MEM_MIN      (4ull << 20)  /* room for the kernel, its stack and page tables */
#define WATCHDOG_DEFAULT_S 10 /* seconds without a VM exit before a guest is stopped */
#define WATCHDOG_MAX_S     3600
#define SLICE_DEFAULT_MS   10 /* the scheduler's time slice (slice=MS) */
#define SLICE_MAX_MS       1000
#define GUEST_MEM_MAX      (1ull << 30) /* the pool is sized from this: keep it modest */
#define GUEST_MEM_GRANULE  4096ull      /* guest RAM is whole 4 KiB pages */

struct boot_options {
    enum log_level log_level;             /* log=error|warn|info|debug (default info) */
    char guest[BOOT_GUEST_LIST_MAX];      /* guest=NAME[,NAME...] (default "hello") */
    uint64_t guest_mem;                   /* mem=SIZE[K|M|G] guest RAM in bytes */
    char guest_args[BOOT_GUEST_ARGS_MAX]; /* after "--": the guest kernel's command line */
    char modules[BOOT_MODULE_LIST_MAX];   /* modules=FILE[,FILE...]: files in \guests\ on
                                             the boot volume, every guest's Multiboot
                                             modules in order ("" = none, the default) */
    enum selftest selftest;               /* selftest=ud|gp|panic|oom|entry|oom-at=K */
    unsigned oom_at[BOOT_GUESTS_MAX];     /* SELFTEST_OOM_AT: K for each guest, in order */
    unsigned oom_at_count;                /* Ks given; later guests are created as usual */
    unsigned watchdog_s; /* watchdog=SECONDS: stop a guest that runs this long without
                            a single VM exit (0 = never) */
    unsigned slice_ms;   /* slice=MS: how long a VM runs before the next one's turn */
    bool gdb_wait;       /* gdb: wait for a debugger before hv_main */
    char boot_via[16];   /* boot=NAME: who started hvlab (default "uefi") */

    /* guest=linux's files in \linux\ on the boot volume (boot/efi_linux.c). */
    char linux_kernel[BOOT_LINUX_FILE_MAX]; /* linux.kernel=FILE (default vmlinuz) */
    char linux_initrd[BOOT_LINUX_FILE_MAX]; /* linux.initrd=FILE (default initrd.img; if
                                               that is absent, the guest has no initrd) */
    bool linux_initrd_given; /* linux.initrd= was given: that file must be there */

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

/* Take the next name of a guest= list (',' and '+' both separate names; "@SIZE" is not
 * part of the name): copies it into name (cut to cap-1) and advances *list past it.
 * Returns false when the list is used up. */
bool boot_guest_list_next(const char **list, char *name, size_t cap);

/* Take the next file name of a modules= list (empty entries skipped) into name (cut to
 * cap-1) and advance *list past it. Returns false when the list is used up. */
bool boot_module_list_next(const char **list, char *name, size_t cap);

/* One guest of a group: its name and RAM size. */
struct boot_guest_spec {
    char name[BOOT_GUEST_NAME_MAX];
    uint64_t mem;      /* NAME@SIZE, else default_mem */
    unsigned position; /* its place in the whole guest= list (0 = first) */
};
/* The guests that run at the same time: A+B+C. */
struct boot_guest_group {
    unsigned count;
    struct boot_guest_spec guest[BOOT_GROUP_MAX];
};
/* Take the next group of a guest= list into *g, and advance *list past it; *position
 * counts guests across groups. A group of more than BOOT_GROUP_MAX (which the parser
 * reports) is cut there: the rest form the next group. False when the list is used up. */
bool boot_guest_group_next(const char **list, uint64_t default_mem, unsigned *position,
                           struct boot_guest_group *g);

/* The guest RAM the largest group needs at once, in bytes (the pool is sized from it),
 * and how many VMs the largest group has. */
uint64_t boot_guest_list_peak_mem(const char *list, uint64_t default_mem, unsigned *peak_vms);

/* Parse a size like "64M", "4100K", "1G" or bytes. False on a syntax error or overflow. */
bool boot_parse_size(const char *s, size_t len, uint64_t *out);

/* The name of a log level ("info"), for the banner. */
const char *log_level_name(enum log_level level);

#endif
