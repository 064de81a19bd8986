/*
 * fuzz_hypercall.c - libFuzzer harness for the hypercall ABI (hypervisor/handlers/
 * hypercall.c) as a guest reaches it: a VMCALL exit through exit_dispatch, on the fake
 * backend, with EAX/EBX/ECX from the input; and for the check every guest pointer goes
 * through, guest_memory_contains, with 64-bit arguments.
 *
 *   data: | RAM size (u8 kind, u32) | chunk split (2 x u16) | call (u8) | EBX (u8 kind,
 *         | u32) | ECX (u8 kind, u32) | upper halves (u32) | 64-bit gpa, len (2 x u64) |
 *
 * Guest RAM is 4 KiB .. 4 GiB, sizes and pointers drawn near the edges (RAM's end, 4 GiB,
 * a buffer that wraps), in one reservation of 4 GiB + 4 KiB of never-touched pages (they
 * read as zero and cost nothing), with the page after RAM made inaccessible: a read past
 * RAM is a crash even where AddressSanitizer sees nothing. RAM is split into up to 3
 * chunks, so copies cross chunk ends.
 *
 * Invariants checked for every input:
 *   - guest_memory_contains(gpa, len) is true iff gpa < RAM and gpa + len <= RAM, computed
 *     here in 128 bits; guest_memory_read of a range says the same, and reads it;
 *   - HC_CONSOLE_WRITE returns EINVAL for len > HC_CONSOLE_WRITE_MAX, 0 for 0, EFAULT iff
 *     [EBX, EBX + ECX) is not inside RAM, else ECX, and the guest's console shows exactly
 *     the bytes of [EBX, EBX + ECX) (filled with a pattern first);
 *   - every call returns its documented value, moves RIP past VMCALL and changes no
 *     register but RAX (and RDX for HC_TIME and HC_TICKS_LOST).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/exit_dispatch.h"
#include "hypervisor/guest_memory.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/wait.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/fake_backend.h"

#define GIB4        (1ull << 32)
#define PAGE        4096ull
#define LEN_VMCALL  3 /* 0F 01 C1 */
#define GUEST_RIP   0x100040ull
#define REG_PATTERN 0x0101010101010101ull /* gprs[i] = REG_PATTERN * (i + 1) */
#define TSC_HZ      1000000000ull         /* the fake clock: 1 GHz, standing still */
#define GUEST_LINE  "[guest] "

static uint8_t *host; /* guest-physical 0 of the reservation */
static struct guest_memory mem;
static struct fake_cpu cpu;
static struct vcpu vcpu;
static struct virtual_platform platform;

static uint64_t fake_tsc(void) { return 0; }

static void setup_once(void)
{
    host = mmap(NULL, GIB4 + PAGE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    FUZZ_CHECK(host != MAP_FAILED, "cannot reserve 4 GiB of address space");
    fake_vcpu_attach(&vcpu, &cpu, &mem);
    vcpu.guest_name = "fuzz";
    vplatform_reset(&platform, fake_tsc, TSC_HZ);
    vcpu.platform = &platform;
    vcpu.takes_host_input = true;
}

/* A value near one of the edges: kind picks which, v how far and which way. */
static uint64_t near_edge(uint8_t kind, uint32_t v, uint64_t ram, uint64_t base)
{
    int64_t off = (int32_t)v % 0x3000; /* up to 3 pages either way */
    switch (kind % 5) {
    case 0: return ram + (uint64_t)off;
    case 1: return GIB4 + (uint64_t)off;
    case 2: return base + (uint64_t)off;
    case 3: return (uint64_t)(v % 0x3000);
    default: return v;
    }
}

static uint64_t pick_ram_size(struct fuzz_input *in)
{
    static const uint64_t edges[] = {PAGE,       1ull << 20,  4ull << 20, 64ull << 20,
                                     1ull << 30, GIB4 - PAGE, GIB4};
    uint8_t kind = fuzz_u8(in);
    uint32_t v = fuzz_u32(in);
    uint64_t ram;
    switch (kind % 3) {
    case 0: ram = edges[v % (sizeof(edges) / sizeof(edges[0]))]; break;
    case 1: ram = GIB4 - (uint64_t)(v % 64) * PAGE; break;
    default: ram = ((uint64_t)v + 1) * PAGE % GIB4; break;
    }
    return ram ? ram : GIB4;
}

/* Chunks [0, a) [a, b) [b, ram) at 4 KiB boundaries (empty ones left out). */
static void build_ram(uint64_t ram, uint16_t split_a, uint16_t split_b)
{
    uint64_t pages = ram / PAGE;
    uint64_t a = split_a % (pages + 1), b = split_b % (pages + 1);
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    uint64_t cuts[] = {0, a * PAGE, b * PAGE, ram};
    mem.ram_size = ram;
    mem.chunk_count = 0;
    for (unsigned i = 0; i < 3; i++)
        if (cuts[i + 1] > cuts[i])
            mem.chunks[mem.chunk_count++] = (struct guest_ram_chunk){
                cuts[i], (uint64_t)(uintptr_t)(host + cuts[i]), cuts[i + 1] - cuts[i], false};
}

static bool inside(uint64_t gpa, uint64_t len, uint64_t ram)
{
    return gpa < ram && (unsigned __int128)gpa + len <= ram;
}

/* guest_memory_contains with any 64-bit arguments; a read of a short range agrees. */
static void check_contains(uint64_t gpa, uint64_t len)
{
    bool want = inside(gpa, len, mem.ram_size);
    FUZZ_CHECK(guest_memory_contains(&mem, gpa, len) == want,
               "contains(0x%llx, 0x%llx) with RAM 0x%llx is %d", (unsigned long long)gpa,
               (unsigned long long)len, (unsigned long long)mem.ram_size, !want);
    static uint8_t buf[2 * PAGE];
    if (len <= sizeof(buf))
        FUZZ_CHECK((guest_memory_read(&mem, gpa, buf, len) == 0) == want,
                   "read(0x%llx, 0x%llx) disagrees", (unsigned long long)gpa,
                   (unsigned long long)len);
}

/* What the console shows of the guest's bytes: the "[guest] " lines, joined. */
static size_t guest_text(char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = console_text(); (p = strstr(p, GUEST_LINE)) != NULL;) {
        p += strlen(GUEST_LINE);
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        FUZZ_CHECK(n + len <= cap, "console shows more than was written");
        memcpy(out + n, p, len);
        n += len;
        p += len;
    }
    return n;
}

static int64_t expected_result(uint32_t call, uint32_t ebx, uint32_t ecx)
{
    switch (call) {
    case HC_VERSION: return HVLAB_ABI_VERSION;
    case HC_CONSOLE_WRITE:
        return ecx > HC_CONSOLE_WRITE_MAX        ? HC_EINVAL
               : ecx == 0                        ? 0
               : !inside(ebx, ecx, mem.ram_size) ? HC_EFAULT
                                                 : (int64_t)ecx;
    case HC_MEMORY_SIZE: return (int64_t)(mem.ram_size >> 10);
    case HC_TIME: return 0;               /* the fake clock stands still */
    case HC_YIELD: return HC_EWOULDBLOCK; /* nothing armed after reset */
    case HC_TICKS_LOST: return 0;
    default: return HC_ENOSYS;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!host)
        setup_once();
    struct fuzz_input in = {data, size};
    uint64_t ram = pick_ram_size(&in);
    uint16_t split_a = fuzz_u16(&in), split_b = fuzz_u16(&in);
    build_ram(ram, split_a, split_b);
    uint8_t call_pick = fuzz_u8(&in);
    uint32_t call = call_pick < 0xF0 ? call_pick % 8u : fuzz_u32(&in);
    uint8_t kind = fuzz_u8(&in);
    uint32_t ebx = (uint32_t)near_edge(kind, fuzz_u32(&in), ram, 0);
    kind = fuzz_u8(&in);
    uint32_t ecx = (uint32_t)near_edge(kind, fuzz_u32(&in), ram - ebx, GIB4 - ebx);
    uint32_t junk = fuzz_u32(&in); /* the upper halves the handler must ignore */
    uint64_t gpa64 = fuzz_u64(&in), len64 = fuzz_u64(&in);

    check_contains(
        gpa64 % 2 ? near_edge((uint8_t)gpa64, (uint32_t)(gpa64 >> 8), ram, GIB4) : gpa64,
        len64 % 2 ? near_edge((uint8_t)len64, (uint32_t)(len64 >> 8), ram, GIB4) : len64);
    check_contains(ebx, ecx);

    /* RAM ends at an inaccessible page; the buffer holds a pattern the console must show. */
    FUZZ_CHECK(mprotect(host + ram, PAGE, PROT_NONE) == 0, "mprotect");
    bool fill =
        call == HC_CONSOLE_WRITE && ecx && ecx <= HC_CONSOLE_WRITE_MAX && inside(ebx, ecx, ram);
    for (uint32_t i = 0; fill && i < ecx; i++)
        host[ebx + i] = (uint8_t)('A' + (ebx + i) % 26);

    for (unsigned i = 0; i < GPR_COUNT; i++)
        vcpu.regs.gprs[i] = REG_PATTERN * (i + 1);
    vcpu.regs.gprs[GPR_RAX] = (uint64_t)junk << 32 | call;
    vcpu.regs.gprs[GPR_RBX] = (uint64_t)junk << 32 | ebx;
    vcpu.regs.gprs[GPR_RCX] = (uint64_t)junk << 32 | ecx;
    cpu.rip = GUEST_RIP;
    platform.uart.line_len = 0;
    console_clear();
    struct vm_exit e = {.kind = VM_EXIT_HYPERCALL, .rip = GUEST_RIP, .instr_len = LEN_VMCALL};
    enum exit_action a = exit_dispatch(&vcpu, &e);
    while (a == ACTION_WAIT) { /* HC_YIELD: polled as the scheduler does */
        enum wake_reason why = vcpu_wait_poll(&vcpu, platform.read_tsc());
        if (why != WAKE_NOT_YET)
            a = vcpu_wait_end(&vcpu, &e, why);
    }
    uart16550_flush(&platform.uart);

    if (call == HC_SHUTDOWN) {
        FUZZ_CHECK(a == ACTION_END && vcpu.exit_status == (uint8_t)ebx, "shutdown");
    } else {
        int64_t want = expected_result(call, ebx, ecx);
        bool wide = call == HC_TIME || call == HC_TICKS_LOST;
        uint64_t rax = wide ? (uint64_t)want : (uint64_t)(int64_t)(int32_t)want;
        FUZZ_CHECK(a == ACTION_RESUME && vcpu.regs.gprs[GPR_RAX] == rax,
                   "call %u (0x%x, 0x%x), RAM 0x%llx: RAX 0x%llx, want 0x%llx", call, ebx, ecx,
                   (unsigned long long)ram, (unsigned long long)vcpu.regs.gprs[GPR_RAX],
                   (unsigned long long)rax);
        FUZZ_CHECK(cpu.rip == GUEST_RIP + LEN_VMCALL, "RIP 0x%llx",
                   (unsigned long long)cpu.rip);
        for (unsigned i = 0; i < GPR_COUNT; i++)
            FUZZ_CHECK(i == GPR_RAX || (wide && i == GPR_RDX) || i == GPR_RBX || i == GPR_RCX ||
                           vcpu.regs.gprs[i] == REG_PATTERN * (i + 1),
                       "call %u changed GPR %u", call, i);
        FUZZ_CHECK(vcpu.regs.gprs[GPR_RBX] == ((uint64_t)junk << 32 | ebx) &&
                       vcpu.regs.gprs[GPR_RCX] == ((uint64_t)junk << 32 | ecx),
                   "call %u changed its arguments", call);
    }
    static char shown[2 * HC_CONSOLE_WRITE_MAX];
    size_t n = guest_text(shown, sizeof(shown));
    if (fill) {
        FUZZ_CHECK(n == ecx, "console shows %zu of %u bytes", n, ecx);
        for (uint32_t i = 0; i < ecx; i++)
            FUZZ_CHECK(shown[i] == (char)('A' + (ebx + i) % 26), "byte %u of the buffer", i);
        /* Give the pages back: the next input must find never-touched RAM again. */
        uint64_t first = ebx & ~(PAGE - 1),
                 end = ((uint64_t)ebx + ecx + PAGE - 1) & ~(PAGE - 1);
        madvise(host + first, end - first, MADV_DONTNEED);
    } else {
        FUZZ_CHECK(n == 0, "call %u printed %zu guest bytes", call, n);
    }
    FUZZ_CHECK(mprotect(host + ram, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect");
    return 0;
}
