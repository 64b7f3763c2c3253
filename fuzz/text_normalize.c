/*
 * Fuzz vn_utf8_check, vn_normalize, vn_fold and vn_nfc.
 * Properties: all agree on validity; outputs are valid NUL-terminated UTF-8; normalising is
 * idempotent; folding the normal form gives the fold; NFC is idempotent.
 */
#include "fuzz.h"

int fuzz_text_normalize(const uint8_t *d, size_t n);

int fuzz_text_normalize(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    const char *s = (const char *)d;
    struct arena a;
    arena_init(&a, 0);
    struct vn_str nf, f, c, nf2, f2, c2;
    enum td_err ok = vn_utf8_check(s, n);
    enum td_err rn = vn_normalize(&a, s, n, &nf);
    enum td_err rf = vn_fold(&a, s, n, &f);
    enum td_err rc = vn_nfc(&a, s, n, &c);
    FUZZ_CHECK(ok == TD_OK || ok == TD_EUTF8);
    FUZZ_CHECK(rn == ok && rf == ok && rc == ok);
    if (ok == TD_OK) {
        FUZZ_CHECK(fuzz_str_ok(nf) && fuzz_str_ok(f) && fuzz_str_ok(c));
        FUZZ_CHECK(vn_utf8_count(s, n) <= n);
        FUZZ_CHECK(vn_normalize(&a, nf.p, nf.len, &nf2) == TD_OK);
        if (!fuzz_eq(nf, nf2))
            FUZZ_FAIL("normal form not idempotent: [%s] -> [%s]", nf.p, nf2.p);
        FUZZ_CHECK(vn_fold(&a, nf.p, nf.len, &f2) == TD_OK);
        if (!fuzz_eq(f, f2))
            FUZZ_FAIL("fold(normal form) [%s] != fold [%s]", f2.p, f.p);
        FUZZ_CHECK(vn_nfc(&a, c.p, c.len, &c2) == TD_OK && fuzz_eq(c, c2));
        /* the fold has no combining marks and no đ */
        for (size_t i = 0; i + 1 < f.len; i++)
            FUZZ_CHECK(!((unsigned char)f.p[i] == 0xC4 && (unsigned char)f.p[i + 1] == 0x91));
    } else {
        FUZZ_CHECK(nf.p == NULL && f.p == NULL && c.p == NULL);
    }
    arena_free(&a);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_text_normalize(d, n);
}
#endif
