/*
 * Sessions: POST /api/v1/session (login), GET (who am I), DELETE (log out), and the hooks the
 * HTTP server calls for HTTP_F_AUTH / HTTP_F_CSRF routes.
 *
 * Cookie: td_session=<256-bit token, base64url>; Path=/; HttpOnly; SameSite=Strict; Max-Age =
 * the idle lifetime. The CSRF token (X-CSRF-Token) is derived from the session token, so GET can
 * hand it out again after a page reload.
 */
#include <stdio.h>
#include <string.h>

#include "api/cases.h"
#include "core/auth.h"
#include "lib/json.h"

#define COOKIE "td_session"

static const char clear_cookie[] = COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

/* ---------- hooks ---------- */

static enum td_err hook_authenticate(struct http_request *req, struct http_response *res)
{
    const char *token = http_cookie(req, COOKIE);
    struct actor *a;
    if (token == NULL)
        return TD_EAUTH;
    a = arena_alloc(req->arena, sizeof *a);
    char *copy = arena_strdup(req->arena, token);
    if (a == NULL || copy == NULL)
        return TD_ENOMEM;
    enum td_err rc = auth_session(&api_cases()->core, token, a, NULL);
    if (rc == TD_EAUTH) {
        http_add_header(res, "Set-Cookie", clear_cookie);
        return rc;
    }
    if (rc)
        return rc;
    req->account = a;
    req->session = copy;
    return TD_OK;
}

static enum td_err hook_authorize(struct http_request *req, unsigned roles)
{
    const struct actor *a = req->account;
    unsigned bit = 0;
    if (a == NULL)
        return TD_EAUTH;
    switch (a->role) {
    case ROLE_COUNSELLOR:
        bit = API_ROLE_COUNSELLOR;
        break;
    case ROLE_LEAD:
        bit = API_ROLE_LEAD;
        break;
    case ROLE_CITY:
        bit = API_ROLE_CITY;
        break;
    case ROLE_ADMIN:
        bit = API_ROLE_ADMIN;
        break;
    case ROLE_NONE:
    case ROLE_SYSTEM:
        break;
    }
    return (roles & bit) ? TD_OK : TD_EFORBIDDEN;
}

static enum td_err hook_check_csrf(struct http_request *req)
{
    const char *hdr = http_header(req, "X-CSRF-Token");
    if (req->session == NULL || hdr == NULL || !auth_csrf_ok(&api_cases()->core, req->session, hdr))
        return TD_ECSRF;
    return TD_OK;
}

const struct http_auth_ops api_auth_ops = {hook_authenticate, hook_authorize, hook_check_csrf};

/* ---------- endpoints ---------- */

static json_t *session_body(const struct actor *a, const char *csrf)
{
    return json_pack("{s:o,s:s}", "account", api_account_json(a), "csrf_token", csrf);
}

enum td_err api_session_login(struct http_request *req, struct http_response *res)
{
    struct api_cases *s = api_cases();
    struct auth_login lg;
    size_t ulen = 0, plen = 0;
    const char *user = td_json_str(req->body, "username", &ulen);
    const char *pw = td_json_str(req->body, "password", &plen);
    enum td_err rc = http_rate_limit(req, res, s->login_ip, req->client_ip);
    if (rc)
        return rc;
    /* A value of the wrong type is "invalid", not "missing" (tester finding). */
    if (user && ulen > 200)
        return http_fail(res, TD_EINVAL, "username", "error.field_too_long");
    if (user == NULL || ulen == 0)
        return http_fail(res, TD_EINVAL, "username",
                         user == NULL && json_object_get(req->body, "username") != NULL
                             ? "error.field_invalid"
                             : "error.field_required");
    if (pw == NULL || plen == 0)
        return http_fail(res, TD_EINVAL, "password",
                         pw == NULL && json_object_get(req->body, "password") != NULL
                             ? "error.field_invalid"
                             : "error.field_required");
    rc = http_rate_limit(req, res, s->login_user, user);
    if (rc)
        return rc;
    rc = auth_login(&s->core, req->arena, user, pw, plen, &lg);
    if (rc == TD_EAUTH) /* say what went wrong, not "login required" (tester finding) */
        return http_fail(res, rc, NULL, "error.login_failed");
    if (rc)
        return http_fail(res, rc, NULL, NULL);
    int64_t ttl = (int64_t)s->core.cfg->session_ttl_min * 60;
    char *cookie = arena_printf(req->arena,
                                COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; "
                                       "Max-Age=%lld",
                                lg.token, (long long)ttl);
    if (cookie == NULL)
        return TD_ENOMEM;
    rc = http_add_header(res, "Set-Cookie", cookie);
    if (rc)
        return rc;
    http_reply_json(res, 200, session_body(&lg.actor, lg.csrf));
    return TD_OK;
}

enum td_err api_session_get(struct http_request *req, struct http_response *res)
{
    char csrf[CSRF_TOKEN_LEN + 1];
    secret_csrf_token(api_cases()->core.st, req->session, csrf);
    http_reply_json(res, 200, session_body(api_actor(req), csrf));
    return TD_OK;
}

enum td_err api_session_logout(struct http_request *req, struct http_response *res)
{
    enum td_err rc = auth_logout(&api_cases()->core, req->arena, req->session, api_actor(req));
    if (rc)
        return rc;
    rc = http_add_header(res, "Set-Cookie", clear_cookie);
    if (rc)
        return rc;
    http_reply_json(res, 204, NULL);
    return TD_OK;
}
