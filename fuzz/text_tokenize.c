/*
 * Fuzz vn_tokenize (with and without the repository's teencode map) and vn_teencode_parse.
 * An input starting with "#!map\n" holds its own map up to "\n#!text\n" and the text after it.
 * Properties: spans are in bounds, non-empty, increasing and non-overlapping; every form is valid
 * NUL-terminated UTF-8; without a map the normal form of a token's span is its normal form and
 * exp/xfold equal acc/fold; a map only changes exp, xfold and alt (and may glue one tone key).
 */
#include "fuzz.h"

int fuzz_text_tokenize(const uint8_t *d, size_t n);

static struct vn_teencode *repo_map(void)
{
    static int tried;
    static struct vn_teencode *tc;
    if (!tried) {
        tried = 1;
        const char *path = getenv("TONGDAI_TEENCODE");
        FILE *f = fopen(path ? path : "data/text/teencode.tsv", "rb");
        char *buf = malloc(1 << 20), err[256];
        size_t len = 0;
        if (f && buf) {
            len = fread(buf, 1, 1 << 20, f);
            vn_teencode_parse(buf, len, &tc, err, sizeof err);
        }
        if (f)
            fclose(f);
        free(buf);
    }
    return tc;
}

static void check_tokens(struct arena *a, const char *s, size_t n, const struct vn_tokens *t,
                         int with_map)
{
    size_t prev_end = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct vn_token *k = &t->v[i];
        FUZZ_CHECK(k->kind == VN_TOK_WORD || k->kind == VN_TOK_NUMBER || k->kind == VN_TOK_SYMBOL);
        FUZZ_CHECK(k->start < k->end && k->end <= n && k->start >= prev_end);
        prev_end = k->end;
        FUZZ_CHECK(fuzz_str_ok(k->acc) && fuzz_str_ok(k->fold) && k->acc.len > 0);
        FUZZ_CHECK(k->exp.p != NULL && k->exp.p[k->exp.len] == '\0');
        FUZZ_CHECK(k->xfold.p != NULL && k->xfold.p[k->xfold.len] == '\0');
        FUZZ_CHECK(vn_utf8_check(k->exp.p, k->exp.len) == TD_OK);
        FUZZ_CHECK(k->alt.p == NULL || fuzz_str_ok(k->alt));
        if (!with_map) {
            struct vn_str one;
            FUZZ_CHECK(vn_normalize(a, s + k->start, k->end - k->start, &one) == TD_OK);
            if (!fuzz_eq(one, k->acc))
                FUZZ_FAIL("token [%s] but its span normalises to [%s]", k->acc.p, one.p);
            FUZZ_CHECK(fuzz_eq(k->exp, k->acc) && fuzz_eq(k->xfold, k->fold) && k->alt.p == NULL);
        }
    }
}

int fuzz_text_tokenize(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    const char *s = (const char *)d;
    struct arena a;
    arena_init(&a, 0);
    struct vn_teencode *own = NULL;
    const struct vn_teencode *tc = repo_map();
    if (n > 6 && memcmp(s, "#!map\n", 6) == 0) {
        const char *sep = NULL;
        for (size_t i = 6; i + 8 <= n && !sep; i++)
            if (memcmp(s + i, "\n#!text\n", 8) == 0)
                sep = s + i;
        size_t ml = sep ? (size_t)(sep - s) : n;
        char err[128];
        enum td_err r = vn_teencode_parse(s, ml, &own, err, sizeof err);
        FUZZ_CHECK(r == TD_OK || r == TD_EINVAL);
        FUZZ_CHECK((r == TD_OK) == (own != NULL));
        FUZZ_CHECK(r == TD_OK || (err[0] != '\0' && strlen(err) < sizeof err));
        if (own)
            tc = own;
        if (sep) {
            s = sep + 8;
            n -= ml + 8;
        } else {
            n = 0;
        }
    }
    struct vn_tokens t0, t1;
    enum td_err r0 = vn_tokenize(&a, NULL, s, n, &t0);
    enum td_err r1 = vn_tokenize(&a, tc, s, n, &t1);
    FUZZ_CHECK(r0 == vn_utf8_check(s, n) && r1 == r0);
    if (r0 == TD_OK) {
        check_tokens(&a, s, n, &t0, 0);
        check_tokens(&a, s, n, &t1, 1);
        FUZZ_CHECK(t1.n <= t0.n);
    } else {
        FUZZ_CHECK(t0.n == 0 && t1.n == 0);
    }
    vn_teencode_free(own);
    arena_free(&a);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_text_tokenize(d, n);
}
#endif
