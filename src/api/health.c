#include "api/api.h"
#include "store/store.h"
#include "version.h"

/* GET /api/v1/health: 200 {"status":"ok","version":"…","db":"ok"}, 503 with "db":"error" when
 * the database cannot be read (a load balancer takes the node out). */
enum td_err api_health(struct http_request *req, struct http_response *res)
{
    struct api_ctx *ctx = api_ctx(req);
    int db_ok = ctx->store != NULL && store_ping(ctx->store) == TD_OK;
    json_t *body = json_pack("{s:s,s:s,s:s}", "status", db_ok ? "ok" : "error", "version",
                             TONGDAI_VERSION, "db", db_ok ? "ok" : "error");
    if (body == NULL)
        return TD_ENOMEM;
    http_reply_json(res, db_ok ? 200 : 503, body);
    return TD_OK;
}
