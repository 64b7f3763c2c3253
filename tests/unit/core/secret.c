/* Case codes, access keys, session and CSRF tokens (src/core/secret.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/secret.h"
#include "fixture.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void case_codes_are_crockford_and_distinct(void **state)
{
    (void)state;
    char seen[200][CASE_CODE_LEN + 1];
    for (int i = 0; i < 200; i++) {
        secret_case_code(seen[i]);
        assert_int_equal(strlen(seen[i]), CASE_CODE_LEN);
        for (int k = 0; k < CASE_CODE_LEN; k++)
            assert_non_null(strchr(crockford, seen[i][k]));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
    }
}

static void access_keys_have_100_bits_in_groups(void **state)
{
    (void)state;
    char k[ACCESS_KEY_SHOWN + 1], norm[ACCESS_KEY_CHARS + 1];
    secret_access_key(k);
    assert_int_equal(strlen(k), ACCESS_KEY_SHOWN);
    for (int i = 0; i < ACCESS_KEY_SHOWN; i++)
        assert_true((i % 6 == 5) ? k[i] == '-' : strchr(crockford, k[i]) != NULL);
    assert_int_equal(secret_crockford_normalize(k, ACCESS_KEY_CHARS, norm, sizeof norm),
                     ACCESS_KEY_CHARS);
    assert_true(ACCESS_KEY_CHARS * 5 >= 80);
}

static void typed_input_is_normalised(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(secret_crockford_normalize("7kq2-m9xd", 8, out, sizeof out), 8);
    assert_string_equal(out, "7KQ2M9XD");
    /* O, I, L read as 0, 1, 1; spaces ignored */
    assert_int_equal(secret_crockford_normalize("o1 il abcd", 8, out, sizeof out), 8);
    assert_string_equal(out, "0111ABCD");
    assert_int_equal(secret_crockford_normalize("7KQ2M9XU", 8, out, sizeof out), -1);  /* U */
    assert_int_equal(secret_crockford_normalize("7KQ2M9X", 8, out, sizeof out), -1);   /* short */
    assert_int_equal(secret_crockford_normalize("7KQ2M9XDD", 8, out, sizeof out), -1); /* long */
    assert_int_equal(secret_crockford_normalize("7KQ2M9X%", 8, out, sizeof out), -1);
    assert_int_equal(secret_crockford_normalize(NULL, 8, out, sizeof out), -1);
}

static void hashes_are_keyed_and_csrf_is_bound_to_the_session(void **state)
{
    (void)state;
    struct fixture a, b;
    assert_int_equal(fixture_open(&a), 0);
    assert_int_equal(fixture_open(&b), 0);
    unsigned char h1[32], h2[32], h3[32];
    assert_int_equal(secret_access_key_hash(a.st, "ABCDE-FGHJK-MNPQR-STVWX", h1), 0);
    assert_int_equal(secret_access_key_hash(a.st, "abcde fghjk mnpqr stvwx", h2), 0);
    assert_memory_equal(h1, h2, 32); /* same key however typed */
    assert_int_equal(secret_access_key_hash(b.st, "ABCDE-FGHJK-MNPQR-STVWX", h3), 0);
    assert_memory_not_equal(h1, h3, 32); /* another key file, another hash */
    assert_int_equal(secret_access_key_hash(a.st, "ABCDE-FGHJK", h3), -1);

    char t1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1];
    char c1[CSRF_TOKEN_LEN + 1], c1b[CSRF_TOKEN_LEN + 1], c2[CSRF_TOKEN_LEN + 1];
    secret_session_token(t1);
    secret_session_token(t2);
    assert_int_equal(strlen(t1), SESSION_TOKEN_LEN);
    assert_string_not_equal(t1, t2);
    secret_csrf_token(a.st, t1, c1);
    secret_csrf_token(a.st, t1, c1b);
    secret_csrf_token(a.st, t2, c2);
    assert_string_equal(c1, c1b);
    assert_string_not_equal(c1, c2);
    assert_string_not_equal(c1, t1);
    fixture_close(&a);
    fixture_close(&b);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_codes_are_crockford_and_distinct),
        cmocka_unit_test(access_keys_have_100_bits_in_groups),
        cmocka_unit_test(typed_input_is_normalised),
        cmocka_unit_test(hashes_are_keyed_and_csrf_is_bound_to_the_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
