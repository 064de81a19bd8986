/*
 * work.c - the no-exit workloads (see work.h).
 *
 * work-cpu: a xorshift32 generator, registers only.
 * work-mem: one read-modify-write per 64-byte line of every 4 KiB page in
 *           [WALK_START, WALK_END), clipped to the "available" memory the loader reported.
 *           With paging off every access goes through EPT/NPT alone under hvlab; hvlab maps
 *           guest RAM up front, so no access exits.
 * Instruction counts do not see TLB misses or the longer two-dimensional page walk of
 * EPT/NPT: in the emulators these ratios only show exits (there should be none).
 *
 * See: Intel SDM Vol. 3C, "EPT Translation Mechanism"; AMD APM Vol. 2, "Nested Paging";
 *      Multiboot 0.6.96, 3.3 "Boot information format"; Marsaglia, "Xorshift RNGs" (2003).
 */
#include "work.h"

#include "measure.h"
#include "print.h"

#define CPU_ITERATIONS 1000000u   /* 11 instructions each with GCC 12 -O2 */
#define WALK_START     0x400000u  /* 4 MiB: above the kernel (1 MiB) and the loader's data */
#define WALK_END       0x3C00000u /* 60 MiB: inside hvlab's default 64 MiB and QEMU's -m 64 */
#define LINE_SIZE      64u        /* cache-line stride */
#define PAGE_SIZE      4096u
#define XORSHIFT_SEED  0x2545F491u

static volatile uint32_t cpu_result; /* read by nobody: volatile keeps the loop */
static uintptr_t walk_base;

/* n rounds of xorshift32 (Marsaglia's 13, 17, 5 triple). */
static void work_cpu(uint32_t n)
{
    uint32_t x = XORSHIFT_SEED;

    while (n--) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    cpu_result = x;
}

/* Add 1 to the first dword of n consecutive 64-byte lines from walk_base. */
static void work_mem(uint32_t n)
{
    volatile uint32_t *p = (volatile uint32_t *)walk_base;

    for (; n; n--, p += LINE_SIZE / sizeof(*p))
        *p += 1;
}

/* The end of the available memory that holds [WALK_START, end), at most WALK_END; 0 if
 * WALK_START itself is not available RAM. */
static uint32_t walk_end(const struct multiboot_info *mbi)
{
    uint64_t end = 0;

    if (mbi->flags & MULTIBOOT_INFO_MMAP) {
        multiboot_for_each_mmap(e, mbi)
        {
            if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->base_addr <= WALK_START &&
                e->base_addr + e->length > WALK_START)
                end = e->base_addr + e->length;
        }
    } else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        end = MULTIBOOT_UPPER_MEMORY_START + (uint64_t)mbi->mem_upper * 1024;
    }
    if (end > WALK_END)
        end = WALK_END;
    end &= ~(uint64_t)(PAGE_SIZE - 1);
    return end > WALK_START ? (uint32_t)end : 0;
}

bool work_run(const struct multiboot_info *mbi, unsigned batches)
{
    bool agree = true;

    kprintf("bench: work-cpu: xorshift32, %u rounds per batch, registers only\n",
            CPU_ITERATIONS);
    agree &= bench_batches("work-cpu", work_cpu, CPU_ITERATIONS, batches);

    uint32_t end = walk_end(mbi);
    if (end == 0) {
        bench_not_available("work-mem", "no available RAM at 4 MiB");
        return agree;
    }
    walk_base = WALK_START;
    kprintf("bench: work-mem: 0x%08x-0x%08x, %u pages, one read-modify-write per %u-byte "
            "line\n",
            WALK_START, end - 1, (end - WALK_START) / PAGE_SIZE, LINE_SIZE);
    agree &= bench_batches("work-mem", work_mem, (end - WALK_START) / LINE_SIZE, batches);
    return agree;
}
