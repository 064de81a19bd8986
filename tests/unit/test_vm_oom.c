/*
 * test_vm_oom.c - Host unit tests for a guest's creation running out of memory
 * (hypervisor/vm.c, memory.c; the boot option selftest=oom-at=K).
 *
 * The real vm_run_group creates the guest over the real page pool (memory.c over a
 * malloc'ed buffer), with a backend that allocates as VT-x and AMD-V do: the fake backend
 * (fake_backend.c) plus a control page and the real EPT or NPT builder. First a creation
 * with no failure counts its allocations, N; then for every K in 1..N the K-th fails:
 * the guest is not started, with one line naming what was missing, the pool's free count
 * is what it was, and the next guest is created and runs (one scripted exit: OUT to the
 * debug-exit port, status 0).
 *
 *   allocation  1          2 .. 1+R        2+R             3+R .. N
 *               VM state   guest RAM       control page    PML4, PDPT, PD
 *                          (R x 2 MiB)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/ept.h"
#include "arch/x86_64/npt.h"
#include "arch/x86_64/xcr0.h"
#include "boot/boot_info.h"
#include "hypervisor/fmt.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/memory.h"
#include "hypervisor/vm.h"
#include "hypervisor/vm_group.h"
#include "tests/unit/fake_backend.h"
#include "tests/unit/tiny_kernel.h"

#define MIB          (1ull << 20)
#define POOL_BYTES   (16 * MIB)
#define POOL_ALIGN   (2 * MIB)
#define RAM_OPTION   "mem=4M"
#define RAM_CHUNKS   2 /* 4 MiB of guest RAM in 2 MiB runs */
#define TABLE_PAGES  3 /* PML4, PDPT, PD: 4 MiB fits one PD of 2 MiB leaves */
#define CREATION_N   (1 + RAM_CHUNKS + 1 + TABLE_PAGES)
#define NO_FAILURE   SELFTEST_OOM_AT_MAX /* a K past any creation */
#define CONTROL_PAGE "fake control page"
#define GUEST        "tiny"

/* The host's XCR0 (arch/x86_64/xcr0.c) needs CR4 writes: this host offers no XSAVE. */
bool xcr0_host_enable(void) { return false; }
void xcr0_load(uint64_t value) { (void)value; }

void panic(const char *format, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    fail_msg("panic: %s", text);
    abort();
}

static struct tiny_elf kernel; /* tiny_kernel.h */

/* ---- a backend that allocates like the real ones --------------------------------- */

static struct fake_cpu cpu;
static struct ept ept;
static struct npt npt;
static bool nested_pages_amd; /* build NPT (AMD-V) rather than EPT (VT-x) */
static struct virt_ops oom_ops;

static const struct fake_step guest_exits_0[] = {{
    .exit = {.kind = VM_EXIT_IO,
             .instr_len = 1,
             .u.io = {.port = HVLAB_DEBUG_EXIT_PORT, .size = 1}},
    .set_gpr = true,
    .gpr = GPR_RAX,
    .value = 0,
}};

static int oom_vcpu_create(struct vcpu *vcpu, const struct guest_memory *mem,
                           const struct guest_start *start, char *why, size_t why_len)
{
    memset(&cpu, 0, sizeof(cpu));
    vcpu->arch = &cpu;
    if (!pages_alloc(1, 1, CONTROL_PAGE))
        return FAIL_WHY("out of memory: " CONTROL_PAGE);
    int rc = nested_pages_amd ? npt_build(&npt, mem, true, pages_source, "nested page tables")
                              : ept_build(&ept, mem, true, pages_source, "EPT tables");
    if (rc == (nested_pages_amd ? NPT_BUILD_NO_MEMORY : EPT_BUILD_NO_MEMORY))
        return FAIL_WHY("out of memory: %s page table", nested_pages_amd ? "nested" : "EPT");
    if (rc != 0)
        return FAIL_WHY("bad map");
    fake_script(&cpu, guest_exits_0, 1);
    return fake_ops.vcpu_create(vcpu, mem, start, why, why_len);
}

/* ---- the pool and the boot information --------------------------------------------- */

static struct boot_info info;
static const struct boot_guest_image image = {.name = GUEST,
                                              .data = (const uint8_t *)&kernel,
                                              .size = sizeof(kernel),
                                              .file = "built-in " GUEST ".elf",
                                              .problem = 0};
static void *pool;

static int setup(void **state)
{
    (void)state;
    tiny_elf_init(&kernel);
    pool = aligned_alloc(POOL_ALIGN, POOL_BYTES);
    assert_non_null(pool);
    info = (struct boot_info){.magic = BOOT_INFO_MAGIC,
                              .pool_base = (uint64_t)(uintptr_t)pool,
                              .pool_size = POOL_BYTES,
                              .guests = &image,
                              .guest_count = 1};
    assert_int_equal(boot_options_parse(RAM_OPTION, &info.options), 0);
    memory_init(&info);
    oom_ops = fake_ops;
    oom_ops.vcpu_create = oom_vcpu_create;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(pool);
    return 0;
}

/* Run the guest alone, as guest= position `position`. */
static enum hv_status run_guest_at(unsigned position)
{
    struct boot_guest_group g = {.count = 1};
    struct vm_summary rows[1];
    snprintf(g.guest[0].name, sizeof(g.guest[0].name), "%s", GUEST);
    g.guest[0].mem = info.options.guest_mem;
    g.guest[0].position = position;
    return vm_run_group(&info, &oom_ops, &g, 1000000000ull, rows);
}

/* Run the guest as guest= position 0 with selftest=oom-at=K; the transcript in console. */
static enum hv_status run_with_oom_at(unsigned k)
{
    info.options.selftest = SELFTEST_OOM_AT;
    info.options.oom_at[0] = k;
    info.options.oom_at_count = 1;
    console_clear();
    return run_guest_at(0);
}

/* N, read back as a boot test reads it: "creation made only N allocations". */
static unsigned count_allocations(void)
{
    assert_int_equal(run_with_oom_at(NO_FAILURE), HV_STATUS_OK);
    const char *line = strstr(console_text(), "creation made only ");
    assert_non_null(line);
    unsigned n = 0;
    assert_int_equal(sscanf(line, "creation made only %u allocations", &n), 1);
    return n;
}

/* What the K-th allocation is for, as the not-started line names it (see the top). */
static void expected_reason(unsigned k, char *out, size_t cap)
{
    if (k == 1)
        snprintf(out, cap, "out of memory: VM state (%zu pages)",
                 (size_t)((sizeof(struct vm) + PAGE_SIZE - 1) / PAGE_SIZE));
    else if (k <= 1 + RAM_CHUNKS)
        snprintf(out, cap, "out of memory: guest RAM (4 MiB), none for guest-physical 0x%llx",
                 (unsigned long long)((k - 2) * 2 * MIB));
    else if (k == 2 + RAM_CHUNKS)
        snprintf(out, cap, "out of memory: " CONTROL_PAGE);
    else
        snprintf(out, cap, "out of memory: %s page table", nested_pages_amd ? "nested" : "EPT");
}

static void every_k_fails_cleanly(void)
{
    size_t pool_free = memory_free_pages();
    unsigned n = count_allocations();
    assert_int_equal(n, CREATION_N);
    assert_int_equal(memory_free_pages(), pool_free);

    for (unsigned k = 1; k <= n + 1; k++) {
        size_t before = memory_free_pages();
        enum hv_status status = run_with_oom_at(k);
        char line[192], pool_line[96];
        snprintf(pool_line, sizeof(pool_line), "memory pool: %zu pages free before, %zu after",
                 before, before);
        if (k <= n) {
            char reason[128];
            expected_reason(k, reason, sizeof(reason));
            snprintf(line, sizeof(line), "hvlab: error: guest \"" GUEST "\" not started: %s\n",
                     reason);
            if (status != HV_STATUS_GUEST_FAILED || !console_contains(line))
                fail_msg("oom-at=%u: status %d, expected \"%s\" in:\n%s", k, status, line,
                         console_text());
            assert_false(console_contains("launching guest"));
        } else {
            snprintf(line, sizeof(line), "oom-at=%u: creation made only %u allocations", k, n);
            assert_int_equal(status, HV_STATUS_OK);
            assert_true(console_contains(line));
        }
        assert_int_equal(memory_free_pages(), before);
        assert_true(console_contains(pool_line));
        assert_false(console_contains("did not give back"));

        /* The next guest of guest= (position 1: no K) is created and runs. */
        console_clear();
        assert_int_equal(run_guest_at(1), HV_STATUS_OK);
        assert_true(console_contains("guest \"" GUEST "\" exited with status 0"));
        assert_false(console_contains("selftest:"));
        assert_int_equal(memory_free_pages(), before);
    }
}

static void test_vtx_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    nested_pages_amd = false;
    every_k_fails_cleanly();
}

static void test_amdv_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    nested_pages_amd = true;
    every_k_fails_cleanly();
}

/* Guests past the list of Ks, and other selftests, count nothing and fail nothing. */
static void test_no_k_no_failure(void **state)
{
    (void)state;
    nested_pages_amd = false;
    size_t before = memory_free_pages();
    info.options.selftest = SELFTEST_NONE;
    console_clear();
    assert_int_equal(run_guest_at(0), HV_STATUS_OK);
    assert_false(console_contains("selftest:"));
    assert_false(console_contains("memory pool:"));
    assert_int_equal(memory_free_pages(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vtx_every_allocation_fails_cleanly),
        cmocka_unit_test(test_amdv_every_allocation_fails_cleanly),
        cmocka_unit_test(test_no_k_no_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
