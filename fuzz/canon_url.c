/*
 * Fuzz vn_canon_url (and vn_canon_email on the same bytes).
 * Properties: a canonical URL is printable ASCII with no scheme, starts with its host, and is its
 * own canonical form; the host is lower-case ASCII; a canonical e-mail is lower-case and is its
 * own canonical form.
 */
#include "fuzz.h"

int fuzz_canon_url(const uint8_t *d, size_t n);

int fuzz_canon_url(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    const char *s = (const char *)d;
    struct arena a;
    arena_init(&a, 0);
    struct vn_str u, h, u2, h2, e, e2;
    enum td_err r = vn_canon_url(&a, s, n, &u, &h);
    FUZZ_CHECK(r == TD_OK || r == TD_EINVAL);
    if (r == TD_OK) {
        FUZZ_CHECK(fuzz_str_ok(u) && fuzz_str_ok(h) && h.len > 0 && h.len <= u.len);
        FUZZ_CHECK(memcmp(u.p, h.p, h.len) == 0);
        for (size_t i = 0; i < u.len; i++)
            FUZZ_CHECK((unsigned char)u.p[i] > 0x20 && (unsigned char)u.p[i] < 0x7F);
        for (size_t i = 0; i < h.len; i++)
            FUZZ_CHECK(!(h.p[i] >= 'A' && h.p[i] <= 'Z'));
        /* no scheme left: any "://" comes after the host */
        FUZZ_CHECK(strstr(u.p, "://") == NULL || strstr(u.p, "://") >= u.p + h.len);
        if (vn_canon_url(&a, u.p, u.len, &u2, &h2) != TD_OK)
            FUZZ_FAIL("canonical URL [%s] is refused", u.p);
        if (!fuzz_eq(u, u2) || !fuzz_eq(h, h2))
            FUZZ_FAIL("canonical URL not stable: [%s] -> [%s]", u.p, u2.p);
    } else {
        FUZZ_CHECK(u.p == NULL);
    }
    r = vn_canon_email(&a, s, n, &e);
    FUZZ_CHECK(r == TD_OK || r == TD_EINVAL);
    if (r == TD_OK) {
        FUZZ_CHECK(fuzz_str_ok(e) && strchr(e.p, '@') != NULL);
        for (size_t i = 0; i < e.len; i++)
            FUZZ_CHECK(!(e.p[i] >= 'A' && e.p[i] <= 'Z'));
        if (vn_canon_email(&a, e.p, e.len, &e2) != TD_OK || !fuzz_eq(e, e2))
            FUZZ_FAIL("canonical e-mail not stable: [%s]", e.p);
    }
    arena_free(&a);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_canon_url(d, n);
}
#endif
