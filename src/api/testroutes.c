/*
 * Handlers served only with TONGDAI_TEST_ROUTES=1, so the API tests can reach server paths no
 * production route exercises yet: a small body limit, a slow handler (graceful shutdown), a
 * rate-limited route.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "api/api.h"

/* POST /api/v1/_test/echo: {"received": <the body>} */
enum td_err api_test_echo(struct http_request *req, struct http_response *res)
{
    json_t *out = json_object();
    if (out == NULL || json_object_set(out, "received", req->body) != 0)
        return TD_ENOMEM;
    http_reply_json(res, 200, out);
    return TD_OK;
}

/* GET /api/v1/_test/sleep?ms=N (0..10000): answers {"slept":N} after N ms. */
enum td_err api_test_sleep(struct http_request *req, struct http_response *res)
{
    const char *q = http_query(req, "ms");
    long ms = 0;
    if (q != NULL) {
        char *end;
        errno = 0;
        ms = strtol(q, &end, 10);
        if (errno || end == q || *end != '\0' || ms < 0 || ms > 10000)
            return http_fail(res, TD_EINVAL, "ms", NULL);
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    json_t *out = json_pack("{s:I}", "slept", (json_int_t)ms);
    if (out == NULL)
        return TD_ENOMEM;
    http_reply_json(res, 200, out);
    return TD_OK;
}

/* GET /api/v1/_test/limited: 3 per minute per client address, then 429 with Retry-After. */
enum td_err api_test_limited(struct http_request *req, struct http_response *res)
{
    enum td_err rc = http_rate_limit(req, res, api_ctx(req)->test_rl, req->client_ip);
    if (rc != TD_OK)
        return rc;
    json_t *out = json_pack("{s:b}", "ok", 1);
    if (out == NULL)
        return TD_ENOMEM;
    http_reply_json(res, 200, out);
    return TD_OK;
}
