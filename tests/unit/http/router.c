/* Route matching, {param} capture, 405 Allow sets, pattern checks, method names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"

static enum td_err h(struct http_request *req, struct http_response *res)
{
    (void)req;
    (void)res;
    return TD_OK;
}

static const struct http_route routes[] = {
    {HTTP_GET, "/api/v1/health", h, 0, 0, 0},
    {HTTP_GET, "/api/v1/cases", h, HTTP_F_AUTH, 1, 0},
    {HTTP_POST, "/api/v1/cases", h, HTTP_F_AUTH | HTTP_F_CSRF | HTTP_F_JSON, 3, 0},
    {HTTP_GET, "/api/v1/cases/{code}", h, HTTP_F_AUTH, 0, 0},
    {HTTP_PATCH, "/api/v1/cases/{code}", h, HTTP_F_AUTH | HTTP_F_JSON, 0, 0},
    {HTTP_POST, "/api/v1/cases/{code}/messages", h, HTTP_F_JSON, 0, 4096},
    {HTTP_GET, "/api/v1/x/{a}/y/{b}", h, 0, 0, 0},
};
#define N (sizeof routes / sizeof routes[0])

static void matches_literals_and_params(void **state)
{
    (void)state;
    struct arena a;
    struct http_kv params[HTTP_MAX_PARAMS];
    size_t np;
    unsigned allow;
    arena_init(&a, 0);
    const struct http_route *r =
        http_route_match(routes, N, HTTP_GET, "/api/v1/health", &a, params, &np, &allow);
    assert_ptr_equal(r, &routes[0]);
    assert_int_equal(np, 0);

    r = http_route_match(routes, N, HTTP_POST, "/api/v1/cases", &a, params, &np, &allow);
    assert_ptr_equal(r, &routes[2]);

    r = http_route_match(routes, N, HTTP_PATCH, "/api/v1/cases/7KQ2M9XD", &a, params, &np, &allow);
    assert_ptr_equal(r, &routes[4]);
    assert_int_equal(np, 1);
    assert_string_equal(params[0].name, "code");
    assert_string_equal(params[0].value, "7KQ2M9XD");

    r = http_route_match(routes, N, HTTP_POST, "/api/v1/cases/AB/messages", &a, params, &np,
                         &allow);
    assert_ptr_equal(r, &routes[5]);
    assert_string_equal(params[0].value, "AB");

    r = http_route_match(routes, N, HTTP_GET, "/api/v1/x/1/y/two", &a, params, &np, &allow);
    assert_ptr_equal(r, &routes[6]);
    assert_int_equal(np, 2);
    assert_string_equal(params[0].name, "a");
    assert_string_equal(params[0].value, "1");
    assert_string_equal(params[1].name, "b");
    assert_string_equal(params[1].value, "two");

    /* HEAD is answered by GET routes */
    r = http_route_match(routes, N, HTTP_HEAD, "/api/v1/health", &a, params, &np, &allow);
    assert_ptr_equal(r, &routes[0]);
    arena_free(&a);
}

static void unknown_paths_and_wrong_methods(void **state)
{
    (void)state;
    struct arena a;
    struct http_kv params[HTTP_MAX_PARAMS];
    size_t np;
    unsigned allow;
    char buf[80];
    arena_init(&a, 0);
    static const char *const unknown[] = {
        "/api/v1/healthz",
        "/api/v1/health/",
        "/api/v1/cases/",
        "/api/v1/cases/A/B",
        "/api/v1/x/1/y/",
        "/api/v1",
        "/",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_null(http_route_match(routes, N, HTTP_GET, unknown[i], &a, params, &np, &allow));
        if (allow != 0)
            fail_msg("%s: allow %u", unknown[i], allow);
    }
    assert_null(
        http_route_match(routes, N, HTTP_DELETE, "/api/v1/cases/Z", &a, params, &np, &allow));
    assert_int_equal(allow, HTTP_GET | HTTP_HEAD | HTTP_PATCH);
    http_allow_string(allow, buf, sizeof buf);
    assert_string_equal(buf, "GET, HEAD, PATCH");
    assert_null(http_route_match(routes, N, HTTP_PUT, "/api/v1/cases", &a, params, &np, &allow));
    http_allow_string(allow, buf, sizeof buf);
    assert_string_equal(buf, "GET, HEAD, POST");
    /* an unknown method (0) on a known path is a 405 too */
    assert_null(http_route_match(routes, N, 0, "/api/v1/health", &a, params, &np, &allow));
    assert_int_equal(allow, HTTP_GET | HTTP_HEAD);
    arena_free(&a);
}

static void checks_patterns(void **state)
{
    (void)state;
    char err[160];
    for (size_t i = 0; i < N; i++)
        assert_int_equal(http_route_check(&routes[i], err, sizeof err), 0);
    static const struct http_route bad[] = {
        {HTTP_GET, "api/v1", h, 0, 0, 0},
        {HTTP_GET, "/api/{}", h, 0, 0, 0},
        {HTTP_GET, "/api/x{a}", h, 0, 0, 0},
        {HTTP_GET, "/api/{a}x", h, 0, 0, 0},
        {HTTP_GET, "/api/{a", h, 0, 0, 0},
        {HTTP_GET, "/api/a}", h, 0, 0, 0},
        {HTTP_GET, "/api//a", h, 0, 0, 0},
        {HTTP_GET, "/{a}/{b}/{c}/{d}/{e}", h, 0, 0, 0},
        {HTTP_GET | HTTP_POST, "/api/a", h, 0, 0, 0},
        {0, "/api/a", h, 0, 0, 0},
        {HTTP_GET, "/api/a", NULL, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (http_route_check(&bad[i], err, sizeof err) != -1)
            fail_msg("accepted pattern %s", bad[i].pattern);
}

static void method_names(void **state)
{
    (void)state;
    assert_int_equal(http_method_parse("GET"), HTTP_GET);
    assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
    assert_int_equal(http_method_parse("get"), 0);
    assert_int_equal(http_method_parse("BREW"), 0);
    assert_string_equal(http_content_type("/a/b.JS"), "text/javascript; charset=utf-8");
    assert_string_equal(http_content_type("/x.webmanifest"), "application/manifest+json");
    assert_string_equal(http_content_type("/x.woff2"), "font/woff2");
    assert_string_equal(http_content_type("/dir.d/noext"), "application/octet-stream");
}

static void log_path_never_shows_parameters(void **state)
{
    (void)state;
    char out[128];
    /* a matched route: its pattern */
    http_log_path(routes, N, &routes[5], "/api/v1/cases/K1CN58YW/messages", 0, out, sizeof out);
    assert_string_equal(out, "/api/v1/cases/{code}/messages");
    /* unmatched /api paths: segments that are no route's literal become "*" */
    http_log_path(routes, N, NULL, "/api/v1/cases/K1CN58YW/bogus", 0, out, sizeof out);
    assert_string_equal(out, "/api/v1/cases/*/*");
    http_log_path(routes, N, NULL, "/api/v1/nope", 0, out, sizeof out);
    assert_string_equal(out, "/api/v1/*");
    http_log_path(routes, N, NULL, "/api", 0, out, sizeof out);
    assert_string_equal(out, "/api");
    http_log_path(routes, N, NULL, "/api/", 0, out, sizeof out);
    assert_string_equal(out, "/api/");
    /* "{code}" itself is not a literal */
    http_log_path(routes, N, NULL, "/api/v1/{code}", 0, out, sizeof out);
    assert_string_equal(out, "/api/v1/*");
    /* raw (undecoded) targets are redacted wherever they point, query cut */
    http_log_path(routes, N, NULL, "/api/v1/cases/K1CN58YW%ff?x=1", 1, out, sizeof out);
    assert_string_equal(out, "/api/v1/cases/*");
    http_log_path(routes, N, NULL, "/%61pi/v1/cases/K1CN58YW%00", 1, out, sizeof out);
    assert_string_equal(out, "/*/v1/cases/*");
    http_log_path(routes, N, NULL, "http://h/api/v1/cases/K1CN58YW", 1, out, sizeof out);
    assert_string_equal(out, "*//*/api/v1/cases/*");
    http_log_path(routes, N, NULL, NULL, 1, out, sizeof out);
    assert_string_equal(out, "");
    /* dot segments stay visible (refused traversal attempts), nothing else */
    http_log_path(routes, N, NULL, "/../etc/passwd", 1, out, sizeof out);
    assert_string_equal(out, "/../*/*");
    http_log_path(routes, N, NULL, "/api/v1/%2e%2E/.x/K1.", 1, out, sizeof out);
    assert_string_equal(out, "/api/v1/%2e%2E/*/*");
    /* static files as they are, without the query */
    http_log_path(routes, N, NULL, "/console/main.js?v=2", 0, out, sizeof out);
    assert_string_equal(out, "/console/main.js");
    http_log_path(routes, N, NULL, "/apix/K1CN58YW", 0, out, sizeof out);
    assert_string_equal(out, "/apix/K1CN58YW");
    /* truncation stays inside the buffer */
    char small[8];
    http_log_path(routes, N, NULL, "/api/v1/cases/AAAA", 0, small, sizeof small);
    assert_string_equal(small, "/api/v1");
    http_log_path(routes, N, &routes[5], "/x", 0, small, sizeof small);
    assert_string_equal(small, "/api/v1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_literals_and_params),
        cmocka_unit_test(unknown_paths_and_wrong_methods),
        cmocka_unit_test(checks_patterns),
        cmocka_unit_test(method_names),
        cmocka_unit_test(log_path_never_shows_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
