/*
 * The libmicrohttpd glue. One struct http_ctx per request:
 *   - created in the URI log callback (on_uri), which is the only place MHD shows the raw
 *     request target before percent-decoding it; it holds the arena, the request and response;
 *   - the access handler (on_request) follows the two-call pattern MHD 0.9.75 needs for
 *     keep-alive: the first call (headers complete) only decides routing, auth and early errors;
 *     body chunks are copied into a capped buffer; the last call (no more upload data) runs the
 *     handler and queues the response. Only an early error on a request that has a body is
 *     answered at the first call, so the body is never read (MHD then closes the connection);
 *   - freed in the completion callback (on_completed) after the access log line, or, should MHD
 *     drop a request without completing it (e.g. its own 431), when the connection closes
 *     (on_conn keeps the request in progress per connection).
 * Shutdown: http_server_stop() quiesces (no new connections), waits for the in-flight counter
 * (requests between on_uri and their completion) to reach 0, then stops the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/internal.h"
#include "http/ratelimit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/timeutil.h"

#define MHD_POOL_BYTES (32 * 1024) /* per-connection MHD memory: request line, headers */
#define DISCARD_MAX (1u << 20)     /* body bytes past the cap read before hanging up */

static const char CSP[] = "default-src 'self'; script-src 'self'; object-src 'none'; "
                          "base-uri 'none'; frame-ancestors 'none'";

struct http_server {
    struct MHD_Daemon *d;
    const struct http_route *routes;
    size_t nroutes;
    void *app;
    size_t body_max;
    size_t arena_cap;
    unsigned json_depth;
    char web_root[PATH_MAX]; /* realpath of web/, "" when missing */
    int web_fd;              /* web/ opened O_PATH, -1 when missing */
    uint16_t port;
    atomic_uint inflight;
    atomic_int stopping;
    atomic_uint_fast64_t next_id;
    uint32_t id_prefix;
    atomic_int_fast64_t refused_log_ns; /* when a refused-connection line may be logged again */
    atomic_uint refused_quiet;          /* refused connections not logged since the last line */
};

struct conn_state {
    struct http_ctx *cur; /* request in progress on this connection, if any */
};

struct http_ctx {
    struct http_request req; /* first member: http_param() & co. cast back */
    struct http_response res;
    struct arena arena;
    struct http_server *srv;
    struct MHD_Connection *conn;
    struct conn_state *cs;
    const char *raw_uri;
    char method[12];
    int64_t start_ns;
    int phase;         /* 0 before the first call, 1 reading, 2 answered */
    enum td_err early; /* error decided from the request line and headers */
    int is_api;
    unsigned allow; /* methods for a 405 */
    int has_body;
    size_t body_limit;
    struct sb body;
    int body_over;
    size_t body_seen;
    int status; /* status queued, for the access log */
    char rid[24];
    char ip[INET6_ADDRSTRLEN];
};

static const struct http_auth_ops *auth_ops;

void http_set_auth_ops(const struct http_auth_ops *ops)
{
    auth_ops = ops;
}

/* ---- request accessors ------------------------------------------------------------------ */

static struct http_ctx *ctx_of(const struct http_request *req)
{
    return (struct http_ctx *)(void *)(uintptr_t)req;
}

const char *http_param(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    return NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(ctx_of(req)->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(ctx_of(req)->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(ctx_of(req)->conn, MHD_COOKIE_KIND, name);
}

void http_reply_json(struct http_response *res, int status, json_t *body)
{
    res->status = status;
    res->json = body;
}

enum td_err http_fail(struct http_response *res, enum td_err e, const char *field,
                      const char *msg_key)
{
    res->err_field = field;
    res->err_msg_key = msg_key;
    return e;
}

enum td_err http_add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->nheaders >= HTTP_MAX_HEADERS)
        return TD_ETOOBIG;
    res->headers[res->nheaders].name = name;
    res->headers[res->nheaders].value = value;
    res->nheaders++;
    return TD_OK;
}

enum td_err http_rate_limit(struct http_request *req, struct http_response *res,
                            struct ratelimit *rl, const char *key)
{
    unsigned retry = 0;
    (void)req;
    if (rl == NULL || key == NULL)
        return TD_OK;
    enum td_err rc = ratelimit_hit(rl, key, strlen(key), td_mono_ns() / 1000000, &retry);
    if (rc == TD_ELIMIT) {
        res->retry_after = retry;
        return http_fail(res, TD_ELIMIT, NULL, NULL);
    }
    return rc;
}

unsigned http_server_inflight(const struct http_server *s)
{
    return atomic_load(&((struct http_server *)(uintptr_t)s)->inflight);
}

uint16_t http_server_port(const struct http_server *s)
{
    return s->port;
}

/* ---- access log ------------------------------------------------------------------------- */

/* A logfmt-safe quoted copy of s (at most ~200 bytes): quotes, backslashes and non-printable
 * bytes escaped so a request path cannot forge log fields or lines. */
static void logfmt_quote(char *out, size_t n, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 6 < n && o < 200; p++) {
        if (*p == '"' || *p == '\\') {
            out[o++] = '\\';
            out[o++] = (char)*p;
        } else if (*p < 0x20 || *p >= 0x7f) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

static void access_log(struct http_ctx *x, int completed)
{
    char shown[256], path[256];
    const struct http_route *rt = x->req.route;
    /* never decoded (refused early): the raw target, redacted all the same */
    int raw = x->req.path == NULL;
    http_log_path(x->srv->routes, x->srv->nroutes, rt, raw ? x->raw_uri : x->req.path, raw, shown,
                  sizeof shown);
    logfmt_quote(path, sizeof path, shown[0] ? shown : "-");
    double ms = (double)(td_mono_ns() - x->start_ns) / 1e6;
    const char *ip = rt != NULL && (rt->flags & HTTP_F_ANON) ? "-" : x->ip;
    log_info("msg=request method=%s path=%s status=%d dur_ms=%.3f id=%s ip=%s%s",
             x->method[0] ? x->method : "-", path, x->status, ms, x->rid, ip,
             completed ? "" : " aborted=1");
}

static void ctx_free(struct http_ctx *x, int completed)
{
    access_log(x, completed);
    if (x->cs != NULL)
        x->cs->cur = NULL;
    sb_free(&x->body);
    arena_free(&x->arena);
    atomic_fetch_sub(&x->srv->inflight, 1);
    free(x);
}

/* ---- MHD callbacks: connection and request lifetime ------------------------------------- */

static void on_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                    enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)c;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(struct conn_state));
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct conn_state *cs = *socket_context;
        if (cs != NULL) {
            if (cs->cur != NULL) {
                cs->cur->cs = NULL;
                ctx_free(cs->cur, 0);
            }
            free(cs);
            *socket_context = NULL;
        }
    }
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct http_server *srv = cls;
    struct http_ctx *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->srv = srv;
    x->conn = c;
    x->start_ns = td_mono_ns();
    arena_init(&x->arena, srv->arena_cap);
    sb_init(&x->body, 0);
    x->raw_uri = arena_strdup(&x->arena, uri);
    uint64_t n = atomic_fetch_add(&srv->next_id, 1);
    snprintf(x->rid, sizeof x->rid, "%08x%08x", (unsigned)srv->id_prefix, (unsigned)n);
    snprintf(x->ip, sizeof x->ip, "-");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, x->ip,
                      sizeof x->ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, x->ip,
                      sizeof x->ip);
    }
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (ci != NULL && ci->socket_context != NULL) {
        x->cs = ci->socket_context;
        x->cs->cur = x;
    }
    atomic_fetch_add(&srv->inflight, 1);
    return x;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    struct http_ctx *x = *con_cls;
    if (x == NULL)
        return;
    *con_cls = NULL;
    ctx_free(x, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
}

/* ---- routing and early checks ----------------------------------------------------------- */

static enum MHD_Result add_header_len(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    size_t *sum = cls;
    *sum += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* application/json, with no charset or charset=utf-8: JSON is UTF-8 (RFC 8259), and a body said
 * to be in another charset would be read as something it is not (tester finding:
 * "charset=latin1" was accepted). */
static int is_json_type(const char *ct)
{
    static const char want[] = "application/json";
    if (ct == NULL || strncasecmp(ct, want, sizeof want - 1) != 0)
        return 0;
    const char *p = ct + sizeof want - 1;
    if (*p != '\0' && *p != ';' && *p != ' ' && *p != '\t')
        return 0;
    while (*p) { /* parameters: ; name=value */
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *name = p;
        while (*p && *p != '=' && *p != ';')
            p++;
        size_t nlen = (size_t)(p - name);
        while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
            nlen--;
        if (*p != '=')
            continue;
        const char *val = ++p;
        while (*p && *p != ';')
            p++;
        size_t vlen = (size_t)(p - val);
        while (vlen && (*val == ' ' || *val == '\t' || *val == '"')) {
            val++;
            vlen--;
        }
        while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t' || val[vlen - 1] == '"'))
            vlen--;
        if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
            !((vlen == 5 && strncasecmp(val, "utf-8", 5) == 0) ||
              (vlen == 4 && strncasecmp(val, "utf8", 4) == 0)))
            return 0;
    }
    return 1;
}

static enum td_err check_auth(struct http_ctx *x, const struct http_route *rt)
{
    enum td_err rc = TD_OK;
    if (!(rt->flags & (HTTP_F_AUTH | HTTP_F_AUTH_OPTIONAL)))
        return TD_OK;
    if (auth_ops == NULL || auth_ops->authenticate == NULL)
        return (rt->flags & HTTP_F_AUTH) ? TD_EAUTH : TD_OK;
    rc = auth_ops->authenticate(&x->req, &x->res);
    if (rc == TD_EAUTH && !(rt->flags & HTTP_F_AUTH)) {
        x->req.account = NULL;
        x->req.session = NULL;
        return TD_OK;
    }
    if (rc != TD_OK)
        return rc;
    if ((rt->flags & HTTP_F_AUTH) && rt->roles != 0) {
        if (auth_ops->authorize == NULL)
            return TD_EFORBIDDEN;
        rc = auth_ops->authorize(&x->req, rt->roles);
        if (rc != TD_OK)
            return rc;
    }
    if (rt->flags & HTTP_F_CSRF) {
        if (x->req.account == NULL)
            return TD_EAUTH;
        if (auth_ops->check_csrf == NULL)
            return TD_ECSRF;
        rc = auth_ops->check_csrf(&x->req);
    }
    return rc;
}

/*
 * Query arguments: a NUL inside a name or value (%00) would silently cut it ("category=%00" read as
 * no filter), and a repeated name would silently keep the first ("status=new&status=open"); both
 * answer 422 naming the argument (tester findings).
 */
#define ARGS_CHECKED 32 /* names compared for repeats; the route's own are far fewer */
struct arg_check {
    const char *seen[ARGS_CHECKED];
    size_t nseen;
    const char *bad, *why;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    struct arg_check *ac = cls;
    (void)kind;
    if (key == NULL)
        return MHD_YES;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        ac->bad = key;
        ac->why = "error.field_invalid";
        return MHD_NO;
    }
    for (size_t i = 0; i < ac->nseen; i++) {
        if (strcmp(ac->seen[i], key) == 0) {
            ac->bad = key;
            ac->why = "error.field_repeated";
            return MHD_NO;
        }
    }
    if (ac->nseen < ARGS_CHECKED)
        ac->seen[ac->nseen++] = key;
    return MHD_YES;
}

static void begin(struct http_ctx *x, const char *method)
{
    struct http_server *srv = x->srv;
    struct MHD_Connection *c = x->conn;
    const struct http_route *rt = NULL;
    x->req.arena = &x->arena;
    x->req.app = srv->app;
    x->req.request_id = x->rid;
    x->req.client_ip = x->ip;
    x->res.status = 200;
    snprintf(x->method, sizeof x->method, "%s", method);
    x->req.method = http_method_parse(method);

    enum i18n_lang lang = I18N_VI;
    if (i18n_lang_parse(MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "lang"), &lang) != 0)
        lang = i18n_negotiate(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language"));
    x->req.lang = lang;

    /* Body framing is needed whatever the outcome (an early error with a body closes). */
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    unsigned long long clen = 0;
    if (cl != NULL) {
        char *end;
        errno = 0;
        clen = strtoull(cl, &end, 10);
        if (errno || end == cl || *end != '\0')
            clen = ULLONG_MAX;
    }
    x->has_body = clen > 0 || te != NULL;
    x->body_limit = srv->body_max;

    size_t hsize = strlen(method) + (x->raw_uri ? strlen(x->raw_uri) : 0) + 12;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_len, &hsize);
    x->is_api = 1; /* errors are JSON */
    if (x->raw_uri == NULL) {
        x->early = TD_ENOMEM;
        return;
    }
    if (hsize > HTTP_HEADERS_MAX) {
        x->early = TD_EHEADER;
        return;
    }
    size_t rawlen = strlen(x->raw_uri);
    char *path = arena_alloc(&x->arena, rawlen + 2);
    if (path == NULL) {
        x->early = TD_ENOMEM;
        return;
    }
    if (http_path_decode(x->raw_uri, path, rawlen + 2) < 0) {
        x->early = TD_ENOTFOUND;
        return;
    }
    x->req.path = path;
    x->is_api = strcmp(path, "/api") == 0 || strncmp(path, "/api/", 5) == 0;
    if (!x->is_api) {
        if (x->req.method != HTTP_GET && x->req.method != HTTP_HEAD) {
            x->allow = HTTP_GET | HTTP_HEAD;
            x->early = TD_EMETHOD;
            x->is_api = 1;
        }
        return;
    }
    rt = http_route_match(srv->routes, srv->nroutes, x->req.method, path, &x->arena, x->req.params,
                          &x->req.nparams, &x->allow);
    if (rt == NULL) {
        x->early = x->allow ? TD_EMETHOD : TD_ENOTFOUND;
        return;
    }
    x->req.route = rt;
    if (rt->body_max)
        x->body_limit = rt->body_max;
    x->early = check_auth(x, rt);
    if (x->early)
        return;
    if (cl != NULL && clen > x->body_limit) {
        x->early = TD_ETOOBIG;
        return;
    }
    if ((rt->flags & HTTP_F_JSON) && x->has_body &&
        !is_json_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"))) {
        x->early = TD_EMEDIA;
        return;
    }
    struct arg_check ac = {.nseen = 0, .bad = NULL, .why = NULL};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, check_arg, &ac);
    if (ac.bad) {
        x->res.err_field = *ac.bad ? ac.bad : "query";
        x->res.err_msg_key = ac.why;
        x->early = TD_EINVAL;
        return;
    }
    sb_init(&x->body, x->body_limit);
}

static void take_body(struct http_ctx *x, const char *data, size_t n)
{
    x->body_seen += n;
    if (x->body_over || x->phase != 1)
        return;
    if (sb_append(&x->body, data, n) != TD_OK) {
        x->body_over = 1;
        sb_free(&x->body);
    }
}

/* ---- responses -------------------------------------------------------------------------- */

static int add_common_headers(struct http_ctx *x, struct MHD_Response *r, int api)
{
    int ok = MHD_add_response_header(r, "Content-Security-Policy", CSP) == MHD_YES &&
             MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
             MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
             MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
             MHD_add_response_header(r, "X-Request-Id", x->rid) == MHD_YES;
    if (ok && api)
        ok = MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
    if (ok && atomic_load(&x->srv->stopping))
        ok = MHD_add_response_header(r, "Connection", "close") == MHD_YES;
    for (size_t i = 0; ok && i < x->res.nheaders; i++)
        ok = MHD_add_response_header(r, x->res.headers[i].name, x->res.headers[i].value) == MHD_YES;
    return ok;
}

/* The error object for rc, in the request's language. */
static json_t *error_json(struct http_ctx *x, enum td_err rc)
{
    struct http_response *res = &x->res;
    const char *code = td_err_code(rc);
    char defkey[64];
    snprintf(defkey, sizeof defkey, "error.%s", code);
    const char *key = res->err_msg_key;
    if (key == NULL || i18n_get(x->req.lang, key) == NULL)
        key = defkey;
    const char *msg = i18n_format(&x->arena, x->req.lang, key, res->err_msg_args);
    json_t *err = json_object();
    json_t *root = json_object();
    if (err == NULL || root == NULL)
        return NULL;
    json_object_set_new(err, "code", json_string(code));
    json_object_set_new(err, "message", json_string(msg ? msg : code));
    if (res->err_field)
        json_object_set_new(err, "field", json_string(res->err_field));
    if (json_is_object(res->err_extra))
        json_object_update_missing(err, res->err_extra);
    json_object_set_new(root, "error", err);
    return root;
}

static struct MHD_Response *api_response(struct http_ctx *x, enum td_err rc, int *status)
{
    struct http_response *res = &x->res;
    const char *body = NULL, *ctype = "application/json";
    size_t len = 0;
    json_t *j = NULL;
    if (rc == TD_OK) {
        *status = res->status ? res->status : 200;
        if (res->json != NULL) {
            j = res->json;
        } else if (res->body != NULL) {
            body = res->body;
            len = res->body_len;
            if (res->content_type)
                ctype = res->content_type;
        }
    } else {
        *status = td_err_http(rc);
        j = error_json(x, rc);
        if (j == NULL) {
            /* out of memory in the arena: a fixed body */
            static const char oom[] = "{\"error\":{\"code\":\"out_of_memory\"}}";
            *status = 500;
            body = oom;
            len = sizeof oom - 1;
        }
    }
    if (j != NULL) {
        body = td_json_dump(&x->arena, j, &len);
        if (body == NULL) {
            static const char oom[] = "{\"error\":{\"code\":\"out_of_memory\"}}";
            *status = 500;
            body = oom;
            len = sizeof oom - 1;
        }
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return NULL;
    int ok = 1;
    if (body != NULL)
        ok = MHD_add_response_header(r, "Content-Type", ctype) == MHD_YES;
    if (ok && rc == TD_EMETHOD) {
        char allow[80];
        http_allow_string(x->allow, allow, sizeof allow);
        ok = MHD_add_response_header(r, "Allow", allow) == MHD_YES;
    }
    if (ok && res->retry_after && rc != TD_OK) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", res->retry_after);
        ok = MHD_add_response_header(r, "Retry-After", ra) == MHD_YES;
    }
    if (!ok) {
        MHD_destroy_response(r);
        return NULL;
    }
    return r;
}

static enum td_err parse_body(struct http_ctx *x)
{
    const struct http_route *rt = x->req.route;
    if (x->body.len > 0) {
        x->req.raw_body = sb_cstr(&x->body);
        x->req.raw_body_len = x->body.len;
    }
    if (!(rt->flags & HTTP_F_JSON))
        return TD_OK;
    unsigned m = x->req.method;
    if (x->body.len == 0 && !(m & (HTTP_POST | HTTP_PUT | HTTP_PATCH)))
        return TD_OK;
    struct td_json_error je;
    json_t *v = NULL;
    enum td_err rc =
        td_json_parse(x->body.len ? x->body.p : "", x->body.len, x->srv->json_depth, &v, &je);
    if (rc == TD_EBADJSON && je.not_object) { /* null, 123, "str", [..]: say so (tester finding) */
        x->res.err_field = "body";
        x->res.err_msg_key = "error.body_not_object";
        x->res.err_extra = json_pack("{s:i,s:i,s:i}", "line", 1, "column", 1, "position", 0);
        return TD_EBADJSON;
    }
    if (rc == TD_EBADJSON) {
        char *line = arena_printf(&x->arena, "%d", je.line);
        char *col = arena_printf(&x->arena, "%d", je.column);
        const char **args = arena_calloc(&x->arena, 5, sizeof *args);
        if (line && col && args) {
            args[0] = "line";
            args[1] = line;
            args[2] = "column";
            args[3] = col;
            x->res.err_msg_args = args;
        }
        x->res.err_msg_key = je.too_deep ? "error.bad_json_depth" : "error.bad_json_at";
        x->res.err_extra = json_pack("{s:i,s:i,s:I}", "line", je.line, "column", je.column,
                                     "position", (json_int_t)je.position);
        return TD_EBADJSON;
    }
    if (rc == TD_OK)
        x->req.body = v;
    return rc;
}

static enum MHD_Result respond(struct http_ctx *x)
{
    struct MHD_Response *r = NULL;
    int status = 500;
    enum td_err rc = x->early;
    int api = x->is_api;
    x->phase = 2;
    if (rc == TD_OK && x->body_over)
        rc = TD_ETOOBIG;
    if (rc == TD_OK && !api) {
        const char *inm = MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, "If-None-Match");
        r = http_static_response(x->srv->web_fd, x->srv->web_root, x->req.path, inm, &status, &rc);
        if (r == NULL)
            api = 1; /* the error goes out as JSON */
    } else if (rc == TD_OK) {
        rc = parse_body(x);
        if (rc == TD_OK)
            rc = x->req.route->handler(&x->req, &x->res);
    }
    if (r == NULL)
        r = api_response(x, rc, &status);
    if (r == NULL)
        return MHD_NO;
    if (!add_common_headers(x, r, api)) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    x->status = status;
    enum MHD_Result ret = MHD_queue_response(x->conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)c;
    (void)url;
    (void)version;
    struct http_ctx *x = *con_cls;
    if (x == NULL)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    struct arena *prev = td_json_use_arena(&x->arena);
    enum MHD_Result ret = MHD_YES;
    if (x->phase == 0) {
        x->phase = 1;
        begin(x, method);
        if (x->early != TD_OK && x->has_body)
            ret = respond(x); /* never read the body; MHD closes after this response */
    } else if (*upload_size > 0) {
        take_body(x, upload_data, *upload_size);
        *upload_size = 0;
        if (x->body_over && x->body_seen > x->body_limit + DISCARD_MAX)
            ret = MHD_NO; /* a chunked flood: hang up */
    } else if (x->phase == 1) {
        ret = respond(x);
    }
    td_json_use_arena(prev);
    return ret;
}

/* ---- start and stop --------------------------------------------------------------------- */

#define REFUSED_LOG_EVERY_NS (10ll * 1000000000) /* one refused-connection line per 10 s */

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct http_server *s = cls;
    char buf[512], q[256];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    /* A connection over the total or per-address limit is closed at once. A flood of them
     * (one address opening thousands) must not become a flood of log lines: one line per
     * REFUSED_LOG_EVERY_NS, counting the ones left out since the previous line. */
    if (strstr(buf, "connection limit") != NULL) {
        int64_t now = td_mono_ns();
        int_fast64_t next = atomic_load(&s->refused_log_ns);
        if (now < next || !atomic_compare_exchange_strong(&s->refused_log_ns, &next,
                                                          now + REFUSED_LOG_EVERY_NS)) {
            atomic_fetch_add(&s->refused_quiet, 1);
            return;
        }
        unsigned quiet = atomic_exchange(&s->refused_quiet, 0);
        log_warn("msg=\"connection refused: connection limit reached (total or per address)\" "
                 "not_logged_since_last=%u",
                 quiet);
        return;
    }
    logfmt_quote(q, sizeof q, buf);
    log_warn("msg=\"http library\" detail=%s", q);
}

enum td_err http_server_start(const struct http_server_config *cfg, const struct http_route *routes,
                              size_t nroutes, void *app, struct http_server **out, char *err,
                              size_t errlen)
{
    struct sockaddr_in sa;
    *out = NULL;
    td_json_init();
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return TD_EINTERNAL;
    }
    size_t max_body = cfg->body_max;
    for (size_t i = 0; i < nroutes; i++) {
        if (http_route_check(&routes[i], err, errlen) != 0)
            return TD_EINVAL;
        if (routes[i].body_max > max_body)
            max_body = routes[i].body_max;
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->addr, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "listen address '%s' is not IPv4", cfg->addr);
        return TD_EINVAL;
    }
    struct http_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return TD_ENOMEM;
    }
    s->routes = routes;
    s->nroutes = nroutes;
    s->app = app;
    s->body_max = cfg->body_max;
    s->arena_cap = 16 * max_body + (1u << 20);
    s->json_depth = cfg->json_depth;
    randombytes_buf(&s->id_prefix, sizeof s->id_prefix);
    if (cfg->web_dir == NULL || realpath(cfg->web_dir, s->web_root) == NULL) {
        log_warn("msg=\"no web directory; static files disabled\" dir=\"%s\"",
                 cfg->web_dir ? cfg->web_dir : "");
        s->web_root[0] = '\0';
    }
    s->web_fd = s->web_root[0] ? open(s->web_root, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    unsigned threads = cfg->threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    s->d = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit ? cfg->conn_limit : 1024u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->conn_limit_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->conn_timeout ? cfg->conn_timeout : 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)MHD_POOL_BYTES, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_URI_LOG_CALLBACK,
        on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        on_conn, s,
        /* HTTP/1.1 without Host, two Content-Length headers and the like are refused with 400
         * instead of being served or left to time out (tester finding). */
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
    if (s->d == NULL) {
        snprintf(err, errlen, "cannot listen on %s:%u (address in use or not permitted)", cfg->addr,
                 (unsigned)cfg->port);
        if (s->web_fd >= 0)
            close(s->web_fd);
        free(s);
        return TD_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    *out = s;
    return TD_OK;
}

void http_server_stop(struct http_server *s, unsigned drain_ms)
{
    if (s == NULL)
        return;
    atomic_store(&s->stopping, 1);
    MHD_socket lfd = MHD_quiesce_daemon(s->d);
    /* Refuse new connections at once instead of leaving them in the backlog: shutdown() stops
     * a listening socket on Linux without freeing its descriptor, which MHD may still name. */
    if (lfd != MHD_INVALID_SOCKET)
        shutdown(lfd, SHUT_RDWR);
    int64_t deadline = td_mono_ns() + (int64_t)drain_ms * 1000000;
    while (atomic_load(&s->inflight) > 0 && td_mono_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    unsigned left = atomic_load(&s->inflight);
    if (left > 0)
        log_warn("msg=\"shutdown: requests still in flight after drain\" count=%u", left);
    MHD_stop_daemon(s->d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    if (s->web_fd >= 0)
        close(s->web_fd);
    free(s);
}
