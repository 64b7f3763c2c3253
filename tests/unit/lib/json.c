/* lib/json: arena allocation for jansson, bounded parsing with positions, dumping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/json.h"

static int setup(void **state)
{
    (void)state;
    td_json_init();
    return 0;
}

static void parses_objects(void **state)
{
    (void)state;
    struct td_json_error e;
    json_t *v = NULL;
    const char *in = "{\"text\":\"Em bị lừa\",\"n\":[1,2,{\"x\":null}]}";
    assert_int_equal(td_json_parse(in, strlen(in), 16, &v, &e), TD_OK);
    size_t len = 0;
    assert_string_equal(td_json_str(v, "text", &len), "Em bị lừa");
    assert_int_equal(len, strlen("Em bị lừa"));
    assert_null(td_json_str(v, "n", NULL));
    assert_null(td_json_str(v, "missing", NULL));
    json_decref(v);
}

static void reports_positions(void **state)
{
    (void)state;
    struct td_json_error e;
    json_t *v = NULL;
    const char *in = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    assert_int_equal(td_json_parse(in, strlen(in), 16, &v, &e), TD_EBADJSON);
    assert_null(v);
    assert_int_equal(e.line, 3);
    assert_true(e.column >= 8 && e.column <= 11);
    assert_int_equal(e.too_deep, 0);
    static const char *const bad[] = {
        "",
        "[1]",
        "\"s\"",
        "{\"a\":1}x",
        "{\"a\":1,\"a\":2}",
        "{\"a\":\"\\u0000\"}",
        "{\"a\":\"\xff\"}",
        "{'a':1}",
        "{\"a\":01}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (td_json_parse(bad[i], strlen(bad[i]), 16, &v, &e) != TD_EBADJSON)
            fail_msg("accepted %s", bad[i]);
        assert_true(e.line >= 1 && e.column >= 1);
    }
}

static void bounds_depth(void **state)
{
    (void)state;
    char buf[256];
    struct td_json_error e;
    json_t *v = NULL;
    size_t pos = 0;
    /* depth 4: {"a":[[[1]]]} */
    const char *d4 = "{\"a\":[[[1]]]}";
    assert_int_equal(td_json_parse(d4, strlen(d4), 4, &v, &e), TD_OK);
    json_decref(v);
    assert_int_equal(td_json_parse(d4, strlen(d4), 3, &v, &e), TD_EBADJSON);
    assert_int_equal(e.too_deep, 1);
    assert_int_equal(e.position, 7);
    assert_int_equal(e.column, 8);
    /* brackets inside strings do not count, escaped quotes do not end strings */
    const char *s = "{\"a\":\"[[[[\\\"[[[[\",\"b\":[1]}";
    assert_int_equal(td_json_depth_ok(s, strlen(s), 2, &pos), 0);
    assert_int_equal(td_json_parse(s, strlen(s), 2, &v, &e), TD_OK);
    json_decref(v);
    /* very deep input is refused before jansson recurses into it */
    size_t n = 0;
    for (; n < 100; n++)
        buf[n] = '[';
    buf[n] = '\0';
    assert_int_equal(td_json_depth_ok(buf, n, 16, &pos), -1);
    assert_int_equal(pos, 16);
}

static void allocates_from_the_arena(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct arena *prev = td_json_use_arena(&a);
    assert_null(prev);
    size_t before = a.used;
    struct td_json_error e;
    json_t *v = NULL;
    const char *in = "{\"k\":\"value\",\"list\":[1,2,3]}";
    assert_int_equal(td_json_parse(in, strlen(in), 8, &v, &e), TD_OK);
    assert_true(a.used > before);
    json_object_set_new(v, "extra", json_string("added in the arena"));
    size_t len = 0;
    char *out = td_json_dump(&a, v, &len);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    assert_non_null(strstr(out, "\"extra\":\"added in the arena\""));
    json_decref(v); /* a no-op for arena blocks, and harmless */
    td_json_use_arena(NULL);
    arena_free(&a); /* everything goes at once; LeakSanitizer would see a leak otherwise */

    /* outside an arena jansson uses the heap as usual */
    json_t *h = json_pack("{s:i}", "x", 1);
    assert_non_null(h);
    json_decref(h);
}

static void arena_cap_is_out_of_memory(void **state)
{
    (void)state;
    struct arena a;
    char big[8192];
    arena_init(&a, 4096);
    td_json_use_arena(&a);
    big[0] = '{';
    size_t o = 1;
    for (int i = 0; i < 500 && o < sizeof big - 16; i++) {
        int w = snprintf(big + o, sizeof big - o, "%s\"k%d\":%d", i ? "," : "", i, i);
        o += (size_t)w;
    }
    big[o++] = '}';
    struct td_json_error e;
    json_t *v = NULL;
    assert_int_equal(td_json_parse(big, o, 8, &v, &e), TD_ENOMEM);
    td_json_use_arena(NULL);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_objects),
        cmocka_unit_test(reports_positions),
        cmocka_unit_test(bounds_depth),
        cmocka_unit_test(allocates_from_the_arena),
        cmocka_unit_test(arena_cap_is_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
