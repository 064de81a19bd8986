/*
 * fuzz_check.h - what every libFuzzer harness in tests/fuzz/ shares: an invariant check
 * that stops the run with a message (libFuzzer then saves the input as a crash file),
 * and a reader that turns the fuzzer's bytes into the fields of a structured input.
 *
 *   data: | u8 | u32 | u64 | ... rest (e.g. a string) |     past the end every field is 0
 */
#ifndef HVLAB_TESTS_FUZZ_CHECK_H
#define HVLAB_TESTS_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken invariant is a crash: abort() makes libFuzzer keep the input. */
#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__, #cond);       \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* The fuzzer's bytes, consumed front to back. */
struct fuzz_input {
    const uint8_t *data;
    size_t left;
};

/* Take n bytes (little-endian) as an integer; missing bytes read as 0. */
static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && in->left; i++, in->left--)
        v |= (uint64_t)*in->data++ << (8 * i);
    return v;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in) { return (uint8_t)fuzz_take(in, 1); }
static inline uint16_t fuzz_u16(struct fuzz_input *in) { return (uint16_t)fuzz_take(in, 2); }
static inline uint32_t fuzz_u32(struct fuzz_input *in) { return (uint32_t)fuzz_take(in, 4); }
static inline uint64_t fuzz_u64(struct fuzz_input *in) { return fuzz_take(in, 8); }

#endif
