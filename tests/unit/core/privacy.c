/* Sealing and unsealing contact details (src/core/privacy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/privacy.h"

static const char pt[] = "{\"name\":\"Ngọc Anh\",\"phone\":\"+84388555012\"}";

static void round_trip_and_no_plaintext_in_blob(void **state)
{
    (void)state;
    unsigned char key[32];
    struct arena a;
    unsigned char *blob;
    size_t blen;
    char *out;
    size_t olen;
    randombytes_buf(key, sizeof key);
    arena_init(&a, 0);
    assert_int_equal(privacy_seal(key, "7KQ2M9XD", pt, strlen(pt), &a, &blob, &blen), TD_OK);
    assert_int_equal(blen, 24 + strlen(pt) + 16);
    assert_null(memmem(blob, blen, "+84388555012", 12));
    assert_int_equal(privacy_unseal(key, "7KQ2M9XD", blob, blen, &a, &out, &olen), TD_OK);
    assert_int_equal(olen, strlen(pt));
    assert_string_equal(out, pt);
    /* Two seals of the same text differ (random nonce). */
    unsigned char *blob2;
    size_t blen2;
    assert_int_equal(privacy_seal(key, "7KQ2M9XD", pt, strlen(pt), &a, &blob2, &blen2), TD_OK);
    assert_memory_not_equal(blob, blob2, blen);
    arena_free(&a);
}

static void wrong_case_key_or_tampering_fail(void **state)
{
    (void)state;
    unsigned char key[32], other[32];
    struct arena a;
    unsigned char *blob;
    size_t blen;
    char *out;
    size_t olen;
    randombytes_buf(key, sizeof key);
    randombytes_buf(other, sizeof other);
    arena_init(&a, 0);
    assert_int_equal(privacy_seal(key, "7KQ2M9XD", pt, strlen(pt), &a, &blob, &blen), TD_OK);
    /* sealed for another case: the blob does not open when moved */
    assert_int_equal(privacy_unseal(key, "7KQ2M9XE", blob, blen, &a, &out, &olen), TD_EINTERNAL);
    assert_int_equal(privacy_unseal(other, "7KQ2M9XD", blob, blen, &a, &out, &olen), TD_EINTERNAL);
    blob[30] ^= 1;
    assert_int_equal(privacy_unseal(key, "7KQ2M9XD", blob, blen, &a, &out, &olen), TD_EINTERNAL);
    blob[30] ^= 1;
    assert_int_equal(privacy_unseal(key, "7KQ2M9XD", blob, 20, &a, &out, &olen), TD_EINTERNAL);
    assert_int_equal(privacy_unseal(key, "7KQ2M9XD", NULL, 0, &a, &out, &olen), TD_EINTERNAL);
    assert_int_equal(privacy_unseal(key, "7KQ2M9XD", blob, blen, &a, &out, &olen), TD_OK);
    arena_free(&a);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_and_no_plaintext_in_blob),
        cmocka_unit_test(wrong_case_key_or_tampering_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
