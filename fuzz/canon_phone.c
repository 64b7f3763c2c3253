/*
 * Fuzz vn_canon_phone.
 * Properties: a canonical phone is "+84" and 9 digits (mobile 3/5/7/8/9) or 10 digits (landline
 * 2), is its own canonical form, and the input holds the same national digits.
 */
#include "fuzz.h"

int fuzz_canon_phone(const uint8_t *d, size_t n);

int fuzz_canon_phone(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    const char *s = (const char *)d;
    struct arena a;
    arena_init(&a, 0);
    struct vn_str p, p2;
    enum td_err r = vn_canon_phone(&a, s, n, &p);
    FUZZ_CHECK(r == TD_OK || r == TD_EINVAL);
    if (r == TD_OK) {
        FUZZ_CHECK(fuzz_str_ok(p) && (p.len == 12 || p.len == 13));
        FUZZ_CHECK(memcmp(p.p, "+84", 3) == 0);
        for (size_t i = 3; i < p.len; i++)
            FUZZ_CHECK(p.p[i] >= '0' && p.p[i] <= '9');
        FUZZ_CHECK(p.len == 13 ? p.p[3] == '2' : strchr("35789", p.p[3]) != NULL);
        if (vn_canon_phone(&a, p.p, p.len, &p2) != TD_OK || !fuzz_eq(p, p2))
            FUZZ_FAIL("canonical phone not stable: [%s]", p.p);
        /* the input's digits end with the national number */
        char dig[64];
        size_t nd = 0;
        for (size_t i = 0; i < n && nd < sizeof dig; i++)
            if (s[i] >= '0' && s[i] <= '9')
                dig[nd++] = s[i];
        size_t nat = p.len - 3;
        FUZZ_CHECK(nd >= nat && memcmp(dig + nd - nat, p.p + 3, nat) == 0);
    } else {
        FUZZ_CHECK(p.p == NULL);
    }
    arena_free(&a);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_canon_phone(d, n);
}
#endif
