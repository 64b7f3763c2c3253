/* Helpers shared by the src/text unit tests (a header: each tests/unit .c file is a program). */
#ifndef TD_TEST_TEXT_COMMON_H
#define TD_TEST_TEXT_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/fileutil.h"
#include "text/vn.h"

/* Normal form of a C string (arena-owned). NULL on error. */
static inline const char *norm(struct arena *a, const char *s)
{
    struct vn_str o;
    return vn_normalize(a, s, strlen(s), &o) == TD_OK ? o.p : NULL;
}

static inline const char *fold(struct arena *a, const char *s)
{
    struct vn_str o;
    return vn_fold(a, s, strlen(s), &o) == TD_OK ? o.p : NULL;
}

/* The repository's teencode map, parsed (the tests run from the repository root). */
static inline struct vn_teencode *load_teencode(void)
{
    char *buf = NULL;
    size_t len = 0;
    struct vn_teencode *tc = NULL;
    char err[256];
    if (td_read_file("data/text/teencode.tsv", 1 << 22, &buf, &len) != TD_OK) {
        fprintf(stderr, "cannot read data/text/teencode.tsv (run from the repository root)\n");
        return NULL;
    }
    if (vn_teencode_parse(buf, len, &tc, err, sizeof err) != TD_OK)
        fprintf(stderr, "teencode: %s\n", err);
    free(buf);
    return tc;
}

/* Space-joined expansions of the tokens of s ("" for none). */
static inline const char *expand(struct arena *a, const struct vn_teencode *tc, const char *s)
{
    struct vn_tokens t;
    if (vn_tokenize(a, tc, s, strlen(s), &t) != TD_OK)
        return NULL;
    size_t cap = 1;
    for (size_t i = 0; i < t.n; i++)
        cap += t.v[i].exp.len + 1;
    char *o = arena_alloc(a, cap);
    size_t w = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.v[i].exp.len == 0)
            continue;
        if (w)
            o[w++] = ' ';
        memcpy(o + w, t.v[i].exp.p, t.v[i].exp.len);
        w += t.v[i].exp.len;
    }
    o[w] = '\0';
    return o;
}

#endif
