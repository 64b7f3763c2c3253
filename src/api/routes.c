/*
 * The API route table: the reference of every endpoint, one row each.
 *   method    pattern                          handler       flags                 roles  body
 * Flags: HTTP_F_AUTH (session needed, roles checked), HTTP_F_AUTH_OPTIONAL, HTTP_F_CSRF
 * (X-CSRF-Token on state changes), HTTP_F_JSON (JSON object body), HTTP_F_ANON (a student's
 * route: no client address in the access log). Body 0 = server.body_max.
 * Full contract: docs/api.md.
 */
#include "api/api.h"

#include "api/cases.h"
#include "http/ratelimit.h"

const struct http_route api_routes[] = {
    {HTTP_GET, "/api/v1/health", api_health, 0, 0, 0},
    {HTTP_GET, "/api/v1/i18n/{lang}", api_i18n_get, 0, 0, 0},
    {HTTP_GET, "/api/v1/institutions", api_institutions_list, 0, 0, 0},
    {HTTP_POST, "/api/v1/reports", api_report_create, HTTP_F_JSON | HTTP_F_ANON, 0, 256 * 1024},
    {HTTP_GET, "/api/v1/reports/{code}", api_report_get, HTTP_F_ANON, 0, 0},
    {HTTP_POST, "/api/v1/reports/{code}/messages", api_report_message, HTTP_F_JSON | HTTP_F_ANON, 0,
     256 * 1024},
    {HTTP_POST, "/api/v1/session", api_session_login, HTTP_F_JSON, 0, 4096},
    {HTTP_GET, "/api/v1/session", api_session_get, HTTP_F_AUTH, 0, 0},
    {HTTP_DELETE, "/api/v1/session", api_session_logout, HTTP_F_AUTH | HTTP_F_CSRF, 0, 0},
    {HTTP_GET, "/api/v1/cases", api_cases_list, HTTP_F_AUTH, API_ROLES_CASE_READERS, 0},
    {HTTP_POST, "/api/v1/cases", api_case_create, HTTP_F_AUTH | HTTP_F_CSRF | HTTP_F_JSON,
     API_ROLES_STAFF, 256 * 1024},
    {HTTP_GET, "/api/v1/cases/{code}", api_case_get, HTTP_F_AUTH, API_ROLES_CASE_READERS, 0},
    {HTTP_PATCH, "/api/v1/cases/{code}", api_case_patch, HTTP_F_AUTH | HTTP_F_CSRF | HTTP_F_JSON,
     API_ROLES_STAFF, 16 * 1024},
    {HTTP_POST, "/api/v1/cases/{code}/messages", api_case_message,
     HTTP_F_AUTH | HTTP_F_CSRF | HTTP_F_JSON, API_ROLES_STAFF, 256 * 1024},
    /* any account: city and admin get 404 from core, so contact details' existence stays hidden */
    {HTTP_GET, "/api/v1/cases/{code}/contact", api_case_contact, HTTP_F_AUTH, 0, 0},
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];

const struct http_route api_test_routes[] = {
    {HTTP_POST, "/api/v1/_test/echo", api_test_echo, HTTP_F_JSON, 0, 1024},
    {HTTP_GET, "/api/v1/_test/sleep", api_test_sleep, 0, 0, 0},
    {HTTP_GET, "/api/v1/_test/limited", api_test_limited, 0, 0, 0},
};
const size_t api_test_nroutes = sizeof api_test_routes / sizeof api_test_routes[0];

enum td_err api_init(struct api_ctx *ctx, char *err, size_t errlen)
{
    if (ctx->test_routes) {
        ctx->test_rl = ratelimit_new(3, 60, 1024);
        if (ctx->test_rl == NULL)
            return TD_ENOMEM;
    }
    return api_cases_init(ctx, err, errlen);
}

void api_fini(struct api_ctx *ctx)
{
    api_cases_fini(ctx);
    ratelimit_free(ctx->test_rl);
    ctx->test_rl = NULL;
}
