/*
 * Shared by the libFuzzer drivers in fuzz/ and by tests/unit/text/fuzz_seeds.c, which includes
 * the drivers with TD_FUZZ_NO_MAIN defined and replays every seed under fuzz/corpus/ through the
 * same entry points (so `make test` and its sanitizer build exercise them).
 *
 * Each driver checks properties, not just "no crash"; a broken property calls FUZZ_FAIL, which
 * prints the reason and aborts (libFuzzer then saves the input as a crash).
 */
#ifndef TD_FUZZ_FUZZ_H
#define TD_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "text/vn.h"

#define FUZZ_FAIL(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "fuzz property broken at %s:%d: ", __FILE__, __LINE__);                    \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            FUZZ_FAIL("%s", #cond);                                                                \
    } while (0)

/* Largest input the drivers look at: reports are capped well below this. */
#define FUZZ_MAX_LEN 16384

static inline int fuzz_str_ok(struct vn_str s)
{
    return s.p != NULL && s.p[s.len] == '\0' && vn_utf8_check(s.p, s.len) == TD_OK;
}

static inline int fuzz_eq(struct vn_str a, struct vn_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

#endif
