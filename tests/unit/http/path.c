/* http_path_decode: canonical paths pass, every traversal or smuggling form is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"

static void accepts_canonical_paths(void **state)
{
    (void)state;
    static const struct {
        const char *raw, *want;
    } ok[] = {
        {"/", "/"},
        {"/index.html", "/index.html"},
        {"/console/", "/console/"},
        {"/api/v1/cases/AB12?status=open", "/api/v1/cases/AB12"},
        {"/a%20b.html", "/a b.html"},
        {"/t%E1%BB%AB.html#frag", "/t\xe1\xbb\xab.html"},
        {"/...", "/..."},
        {"/a..b/..c", "/a..b/..c"},
        {"/.well-known/x", "/.well-known/x"}, /* hidden names are refused later, by static.c */
    };
    char out[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int n = http_path_decode(ok[i].raw, out, sizeof out);
        assert_int_equal(n, (int)strlen(ok[i].want));
        assert_string_equal(out, ok[i].want);
    }
}

static void refuses_traversal_and_smuggling(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "index.html",
        "*",
        "http://x/y",
        "/..",
        "/../etc",
        "/a/../b",
        "/a/..",
        "/.",
        "/a/./b",
        "/%2e%2e/x",
        "/%2E%2E/x",
        "/.%2e/x",
        "/%2e./x",
        "/%2e",
        "//x",
        "/a//b",
        "/a%2fb",
        "/a%2Fb",
        "/%2f",
        "/a%00b",
        "/%00",
        "/a%5cb",
        "/a\\b",
        "/a%",
        "/a%4",
        "/a%zz",
        "/a%0ab",
        "/a\x01",
        "/a%7f",
        "/x/%2e%2e%2f%2e%2e%2fetc",
        "/%ff",
        "/a%c0%af",
        "/%e0%80%af",
        "/%ed%a0%80",
        "/%f4%90%80%80",
        "/%e1%bb",
        "/\xc3",
    };
    char out[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (http_path_decode(bad[i], out, sizeof out) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(http_path_decode(NULL, out, sizeof out), -1);
}

static void refuses_when_out_is_too_small(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(http_path_decode("/abcdef", out, sizeof out), 7);
    assert_int_equal(http_path_decode("/abcdefg", out, sizeof out), -1);
    assert_int_equal(http_path_decode("/abc/defg", out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_canonical_paths),
        cmocka_unit_test(refuses_traversal_and_smuggling),
        cmocka_unit_test(refuses_when_out_is_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
