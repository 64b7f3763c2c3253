/* lib/i18n: loading, lookup with fallback, Accept-Language negotiation, placeholders, and the
 * shipped catalogs covering every error code in both languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/err.h"
#include "lib/fileutil.h"
#include "lib/i18n.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tongdai-i18n-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    i18n_unload();
    snprintf(path, sizeof path, "%s/vi.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/en.json", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

static void loads_and_falls_back(void **state)
{
    (void)state;
    char err[256];
    write_file("vi.json", "{\"a\":\"xin ch\xc3\xa0o\",\"only.vi\":\"ch\xe1\xbb\x89 c\xc3\xb3\"}");
    write_file("en.json", "{\"a\":\"hello\"}");
    assert_int_equal(i18n_load(dir, err, sizeof err), TD_OK);
    assert_string_equal(i18n_get(I18N_VI, "a"), "xin ch\xc3\xa0o");
    assert_string_equal(i18n_get(I18N_EN, "a"), "hello");
    assert_string_equal(i18n_get(I18N_EN, "only.vi"), "ch\xe1\xbb\x89 c\xc3\xb3");
    assert_null(i18n_get(I18N_EN, "missing"));
}

static void refuses_bad_catalogs(void **state)
{
    (void)state;
    char err[256];
    write_file("vi.json", "{\"a\":\"ok\"}");
    write_file("en.json", "{\"a\":1}");
    assert_int_equal(i18n_load(dir, err, sizeof err), TD_EINVAL);
    assert_non_null(strstr(err, "\"a\""));
    write_file("en.json", "{\"a\":\"x\",}");
    assert_int_equal(i18n_load(dir, err, sizeof err), TD_EINVAL);
    assert_non_null(strstr(err, "en.json:1:"));
    write_file("en.json", "[]");
    assert_int_equal(i18n_load(dir, err, sizeof err), TD_EINVAL);
    assert_int_equal(i18n_load("/nonexistent-dir", err, sizeof err), TD_EIO);
    /* the catalogs loaded before are kept */
    assert_string_equal(i18n_get(I18N_EN, "a"), "hello");
}

static void negotiates(void **state)
{
    (void)state;
    assert_int_equal(i18n_negotiate(NULL), I18N_VI);
    assert_int_equal(i18n_negotiate(""), I18N_VI);
    assert_int_equal(i18n_negotiate("en"), I18N_EN);
    assert_int_equal(i18n_negotiate("en-US,en;q=0.9"), I18N_EN);
    assert_int_equal(i18n_negotiate("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"), I18N_VI);
    assert_int_equal(i18n_negotiate("en-GB;q=0.8, vi;q=0.9"), I18N_VI);
    assert_int_equal(i18n_negotiate("vi;q=0.5, en;q=0.6"), I18N_EN);
    assert_int_equal(i18n_negotiate("en, vi"), I18N_EN);
    assert_int_equal(i18n_negotiate("vi, en"), I18N_VI);
    assert_int_equal(i18n_negotiate("fr-FR, de"), I18N_VI);
    assert_int_equal(i18n_negotiate("en;q=0"), I18N_VI);
    assert_int_equal(i18n_negotiate("eng, enx"), I18N_VI);
    assert_int_equal(i18n_negotiate("*"), I18N_VI);
    enum i18n_lang l;
    assert_int_equal(i18n_lang_parse("en", &l), 0);
    assert_int_equal(l, I18N_EN);
    assert_int_equal(i18n_lang_parse("VI-vn", &l), 0);
    assert_int_equal(l, I18N_VI);
    assert_int_equal(i18n_lang_parse("fr", &l), -1);
    assert_int_equal(i18n_lang_parse("english", &l), -1);
    assert_int_equal(i18n_lang_parse(NULL, &l), -1);
    assert_string_equal(i18n_lang_code(I18N_EN), "en");
}

static void formats_placeholders(void **state)
{
    (void)state;
    char err[256];
    write_file("vi.json", "{\"pos\":\"d\xc3\xb2ng {line}, c\xe1\xbb\x99t {column} {unknown}\"}");
    write_file("en.json", "{\"pos\":\"line {line}, column {column}\"}");
    assert_int_equal(i18n_load(dir, err, sizeof err), TD_OK);
    struct arena a;
    arena_init(&a, 0);
    const char *args[] = {"line", "3", "column", "14", NULL};
    assert_string_equal(i18n_format(&a, I18N_EN, "pos", args), "line 3, column 14");
    assert_string_equal(i18n_format(&a, I18N_VI, "pos", args),
                        "d\xc3\xb2ng 3, c\xe1\xbb\x99t 14 {unknown}");
    assert_string_equal(i18n_format(&a, I18N_EN, "pos", NULL), "line {line}, column {column}");
    assert_string_equal(i18n_format(&a, I18N_EN, "no.such.key", args), "no.such.key");
    arena_free(&a);
}

static void shipped_catalogs_cover_every_error(void **state)
{
    (void)state;
    char path[4096], err[256], key[80];
    assert_int_equal(td_share_path("data/i18n", path, sizeof path), 0);
    assert_int_equal(i18n_load(path, err, sizeof err), TD_OK);
#define CHECK(name, val, http, code)                                                               \
    snprintf(key, sizeof key, "error.%s", code);                                                   \
    if (i18n_get(I18N_VI, key) == NULL || i18n_get(I18N_EN, key) == NULL)                          \
        fail_msg("catalog misses %s", key);                                                        \
    if (strcmp(i18n_get(I18N_VI, key), i18n_get(I18N_EN, key)) == 0 && val != 0)                   \
        fail_msg("%s is not translated", key);
    TD_ERRORS(CHECK)
#undef CHECK
    assert_non_null(i18n_get(I18N_EN, "error.bad_json_at"));
    assert_non_null(strstr(i18n_get(I18N_VI, "error.bad_json_at"), "{line}"));
    assert_non_null(strstr(i18n_get(I18N_EN, "error.bad_json_at"), "{column}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_and_falls_back),
        cmocka_unit_test(refuses_bad_catalogs),
        cmocka_unit_test(negotiates),
        cmocka_unit_test(formats_placeholders),
        cmocka_unit_test(shipped_catalogs_cover_every_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
