/*
 * api: one file per resource (health.c, cases.c, ...). Handlers parse and validate the JSON
 * that src/http hands them, call core/store, and render JSON. No SQL here.
 *
 * Adding an endpoint:
 *   1. write   enum td_err api_case_get(struct http_request *req, struct http_response *res);
 *      in src/api/<resource>.c and declare it below;
 *   2. add one row to api_routes[] in src/api/routes.c (method, pattern, handler, flags, roles,
 *      body limit);
 *   3. state set up once (limiters, caches, the auth hooks) goes into api_init() in routes.c.
 */
#ifndef TD_API_API_H
#define TD_API_API_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "lib/config.h"
#include "lib/err.h"

struct store;
struct triage;
struct ratelimit;

/* Role bits for http_route.roles; the auth hook maps an account's role to one of them. */
enum api_role {
    API_ROLE_COUNSELLOR = 1u << 0,
    API_ROLE_LEAD = 1u << 1,
    API_ROLE_CITY = 1u << 2,
    API_ROLE_ADMIN = 1u << 3,
};
#define API_ROLES_STAFF (API_ROLE_COUNSELLOR | API_ROLE_LEAD)
#define API_ROLES_CASE_READERS (API_ROLE_COUNSELLOR | API_ROLE_LEAD | API_ROLE_CITY)

/* Everything handlers share, built by `tongdai serve` at start-up; req->app points to it. */
struct api_ctx {
    struct store *store;         /* store_db(store) gives this thread's connection */
    const struct td_config *cfg; /* settings (limits, SLA targets, session lifetime) */
    struct triage *triage;       /* the classifier, or NULL when its data did not load */
    int64_t started_ms;          /* wall clock at start-up */
    int test_routes;             /* TONGDAI_TEST_ROUTES=1: api_test_routes are served too */
    struct ratelimit *test_rl;   /* limiter of the test-only route */
};

static inline struct api_ctx *api_ctx(const struct http_request *req)
{
    return (struct api_ctx *)req->app;
}

/* The route table (src/api/routes.c). */
extern const struct http_route api_routes[];
extern const size_t api_nroutes;

/*
 * Routes for the API tests only, served when the environment has TONGDAI_TEST_ROUTES=1 (never
 * in production): POST /api/v1/_test/echo (JSON, 1 KiB limit), GET /api/v1/_test/sleep?ms=N,
 * GET /api/v1/_test/limited (3 per minute per address).
 */
extern const struct http_route api_test_routes[];
extern const size_t api_test_nroutes;

/**
 * Build the shared state (limiters, the auth hooks via http_set_auth_ops, ...) once the store
 * and config are ready, before the server starts. TD_* with a message in err.
 */
enum td_err api_init(struct api_ctx *ctx, char *err, size_t errlen);
/** Release what api_init built (after the server stopped). */
void api_fini(struct api_ctx *ctx);

/* health.c */
enum td_err api_health(struct http_request *req, struct http_response *res);

/* i18n.c: GET /api/v1/i18n/{lang}, the message catalog for the web front end */
enum td_err api_i18n_get(struct http_request *req, struct http_response *res);

/* testroutes.c */
enum td_err api_test_echo(struct http_request *req, struct http_response *res);
enum td_err api_test_sleep(struct http_request *req, struct http_response *res);
enum td_err api_test_limited(struct http_request *req, struct http_response *res);

#endif
