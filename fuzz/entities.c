/*
 * Fuzz vn_extract_entities (and vn_extract_entities_tok, which must agree with it).
 * Properties: entities are in text order, spans in bounds and not overlapping; every value is
 * valid NUL-terminated UTF-8 and canonical for its kind (a phone or e-mail or URL value is its own
 * canonical form; a bank account is 8..19 digits; money has a positive amount and a currency).
 */
#include "fuzz.h"

int fuzz_entities(const uint8_t *d, size_t n);

int fuzz_entities(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    const char *s = (const char *)d;
    struct arena a;
    arena_init(&a, 0);
    struct vn_entities e, e2;
    struct vn_tokens t;
    enum td_err r = vn_extract_entities(&a, s, n, &e);
    FUZZ_CHECK(r == vn_utf8_check(s, n));
    if (r == TD_OK) {
        FUZZ_CHECK(vn_tokenize(&a, NULL, s, n, &t) == TD_OK);
        FUZZ_CHECK(vn_extract_entities_tok(&a, s, n, &t, &e2) == TD_OK && e2.n == e.n);
        for (size_t i = 0; i < e.n; i++) {
            const struct vn_entity *x = &e.v[i];
            struct vn_str c, h;
            FUZZ_CHECK(x->start < x->end && x->end <= n);
            FUZZ_CHECK(i == 0 || e.v[i - 1].end <= x->start);
            FUZZ_CHECK(e2.v[i].start == x->start && e2.v[i].end == x->end);
            FUZZ_CHECK(fuzz_str_ok(x->value) && x->value.len > 0 &&
                       fuzz_eq(x->value, e2.v[i].value));
            switch (x->kind) {
            case VN_ENT_PHONE:
                FUZZ_CHECK(vn_canon_phone(&a, x->value.p, x->value.len, &c) == TD_OK &&
                           fuzz_eq(c, x->value));
                break;
            case VN_ENT_URL:
            case VN_ENT_DOMAIN:
                FUZZ_CHECK(vn_canon_url(&a, x->value.p, x->value.len, &c, &h) == TD_OK &&
                           fuzz_eq(c, x->value) && fuzz_eq(h, x->host));
                break;
            case VN_ENT_EMAIL:
                FUZZ_CHECK(vn_canon_email(&a, x->value.p, x->value.len, &c) == TD_OK &&
                           fuzz_eq(c, x->value));
                break;
            case VN_ENT_BANK_ACCOUNT:
                FUZZ_CHECK(x->value.len >= 8 && x->value.len <= 19);
                for (size_t k = 0; k < x->value.len; k++)
                    FUZZ_CHECK(x->value.p[k] >= '0' && x->value.p[k] <= '9');
                break;
            case VN_ENT_MONEY:
                FUZZ_CHECK(x->amount > 0 && x->currency != NULL && x->amount_orig > 0);
                break;
            case VN_ENT_SOCIAL:
                FUZZ_CHECK(strchr(x->value.p, ':') != NULL);
                FUZZ_CHECK(x->host.p == NULL || fuzz_str_ok(x->url));
                break;
            default:
                FUZZ_FAIL("unknown entity kind %d", (int)x->kind);
            }
        }
    } else {
        FUZZ_CHECK(e.n == 0);
    }
    arena_free(&a);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_entities(d, n);
}
#endif
