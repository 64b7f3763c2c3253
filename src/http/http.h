/*
 * http: the HTTP server (libmicrohttpd), the route table contract, requests and responses.
 *
 * Routes are data. src/api/routes.c holds one static const table of struct http_route that
 * reads like the API reference; http_server_start() takes it. For each request the server:
 *   1. decodes and canonicalises the path (refuses NUL, encoded '/', '.', '..', '//': 404);
 *   2. paths under /api/ are matched against the table (404 unknown path, 405 with Allow for a
 *      known path with another method); every other path is a static file from web/;
 *   3. refuses a request line plus headers over HTTP_HEADERS_MAX (431);
 *   4. for HTTP_F_AUTH routes calls the registered auth hook (401 without a hook or a session;
 *      403 when the role mask excludes the account), then for HTTP_F_CSRF the CSRF hook (403);
 *   5. for HTTP_F_JSON routes checks Content-Type application/json (415), the body size against
 *      the route's limit (413), nesting depth and syntax (400 naming line and column), and
 *      hands the parsed object to the handler in req->body;
 *   6. calls the handler, which returns TD_OK after filling the response, or an error code
 *      (usually through http_fail(), which names the field and the message key);
 *   7. sends JSON with the security headers (CSP, nosniff, no-referrer, DENY, no-store) and
 *      writes one logfmt access line: method, path, status, duration, id, client address. The
 *      path is the route's pattern ("/api/v1/reports/{code}"), never the real path of a route
 *      with parameters nor the query (see http_log_path); HTTP_F_ANON routes log ip=-.
 *
 * Errors leave as {"error":{"code":"<td_err_code>","message":"<catalog text>","field":"..."}}
 * with td_err_http()'s status; the message is "error.<code>" (or the route's message key) from
 * data/i18n in the request's language.
 *
 * Memory: everything a request allocates comes from req->arena (cap: 16 x its body limit plus
 * 1 MiB), including jansson values (see lib/json.h), and is freed when the response is done.
 * Strings given to the response (headers, raw bodies) must live in the arena or be static.
 *
 * Threads: handlers run on the server's worker threads (a pool sized to the cores or
 * server.threads) and may block on the database; each thread has its own store connection.
 */
#ifndef TD_HTTP_HTTP_H
#define TD_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "lib/i18n.h"

struct ratelimit;

/* Methods, as bits so that a route set can say which methods a path allows. */
enum http_method {
    HTTP_GET = 1u << 0,
    HTTP_HEAD = 1u << 1,
    HTTP_POST = 1u << 2,
    HTTP_PUT = 1u << 3,
    HTTP_PATCH = 1u << 4,
    HTTP_DELETE = 1u << 5,
    HTTP_OPTIONS = 1u << 6,
};

/* Route flags. */
#define HTTP_F_AUTH (1u << 0)          /* a session is required (401), role mask checked (403) */
#define HTTP_F_AUTH_OPTIONAL (1u << 1) /* look the session up if any; req->account may be NULL */
#define HTTP_F_CSRF (1u << 2)          /* X-CSRF-Token checked by the auth hook (403 csrf) */
#define HTTP_F_JSON (1u << 3)          /* body is a JSON object: 415 / 413 / 400, req->body */
#define HTTP_F_ANON                                                                                \
    (1u << 4) /* an anonymous student's route: the access log leaves out the                       \
                 client address (a line with the time could otherwise be joined                    \
                 with the case's audit rows to tie an address to a case) */

/* Limits that are not configurable. */
#define HTTP_HEADERS_MAX 8192 /* request line + headers, bytes; more is 431 */
#define HTTP_MAX_PARAMS 4     /* {param} segments in one pattern */
#define HTTP_MAX_HEADERS 8    /* extra response headers a handler may add */

struct http_request;
struct http_response;

/**
 * A route handler. Return TD_OK after filling res (http_reply_json), or an error: the
 * server then answers with the error JSON built from res->err_* (see http_fail). Anything the
 * handler allocates should come from req->arena.
 */
typedef enum td_err (*http_handler_fn)(struct http_request *req, struct http_response *res);

struct http_route {
    unsigned method;         /* exactly one enum http_method bit (GET routes also answer HEAD) */
    const char *pattern;     /* "/api/v1/cases/{code}/messages": literal and {name} segments */
    http_handler_fn handler; /* never NULL */
    unsigned flags;          /* HTTP_F_* */
    unsigned roles;          /* for HTTP_F_AUTH: role bit mask given to the authorize hook
                                (API_ROLE_* in api/api.h); 0 = any authenticated account */
    size_t body_max;         /* request body cap in bytes; 0 = server.body_max from config */
};

struct http_kv {
    const char *name;
    const char *value;
};

struct http_request {
    /* Filled by the server before the handler runs; read-only for handlers. */
    struct arena *arena;            /* this request's memory */
    unsigned method;                /* one enum http_method bit (HEAD reported as HEAD) */
    const char *path;               /* decoded path without the query: "/api/v1/cases/AB12" */
    const struct http_route *route; /* the matched route */
    struct http_kv params[HTTP_MAX_PARAMS]; /* path parameters, decoded, in pattern order */
    size_t nparams;
    json_t *body;           /* HTTP_F_JSON routes: the parsed object, or NULL without a body */
    const char *raw_body;   /* the request body (NUL-terminated), NULL when there was none */
    size_t raw_body_len;    /* bounded by the route's body_max */
    const char *client_ip;  /* peer address, "127.0.0.1" / "::1" (no proxy headers trusted) */
    const char *request_id; /* also sent back as X-Request-Id */
    enum i18n_lang lang;    /* cookie "lang" (vi|en), else Accept-Language, else Vietnamese */
    void *app;              /* the application context given to http_server_start */

    /* Set by the auth hook (HTTP_F_AUTH / HTTP_F_AUTH_OPTIONAL); NULL otherwise. */
    void *account;
    void *session;
};

struct http_response {
    int status;       /* status when the handler returns TD_OK; 200 by default */
    json_t *json;     /* JSON body (the response holds the reference); NULL = see body */
    const char *body; /* raw body instead of json (arena or static memory), with its type */
    size_t body_len;
    const char *content_type;
    struct http_kv headers[HTTP_MAX_HEADERS]; /* extra headers (Set-Cookie, Location, ...) */
    size_t nheaders;

    /* Error details, used when the handler returns an error (see http_fail). */
    const char *err_field;           /* the offending field ("text", "contact.phone"), or NULL */
    const char *err_msg_key;         /* catalog key of the message; NULL = "error.<code>" */
    const char *const *err_msg_args; /* NULL-terminated name, value pairs for {name} in it */
    json_t *err_extra;               /* extra members merged into the "error" object, e.g.
                                        {"allowed":["open"]}; the response holds the reference */
    unsigned retry_after;            /* seconds; sent as Retry-After (429, 503) when non-zero */
};

/* ---- helpers for handlers ------------------------------------------------------------ */

/** The decoded value of path parameter name ("code" for {code}), or NULL. */
const char *http_param(const struct http_request *req, const char *name);
/** A query-string argument, percent-decoded, or NULL when absent. */
const char *http_query(const struct http_request *req, const char *name);
/** A request header (case-insensitive name), or NULL. */
const char *http_header(const struct http_request *req, const char *name);
/** A cookie value, or NULL. */
const char *http_cookie(const struct http_request *req, const char *name);

/** Answer status with body (takes over the reference; NULL = empty body, e.g. 204). */
void http_reply_json(struct http_response *res, int status, json_t *body);

/**
 * Record an error for the response and return e, so a handler can write
 *   return http_fail(res, TD_EINVAL, "text", "error.text_too_long");
 * field and msg_key may be NULL (msg_key NULL = "error.<code>"); both must be static or live in
 * the request arena. The status is td_err_http(e).
 */
enum td_err http_fail(struct http_response *res, enum td_err e, const char *field,
                      const char *msg_key);

/**
 * Add a response header (e.g. "Set-Cookie", "Location"). name and value must be static or live
 * in the request arena. TD_ETOOBIG when HTTP_MAX_HEADERS are already set.
 */
enum td_err http_add_header(struct http_response *res, const char *name, const char *value);

/**
 * Count one event against limiter rl under key (e.g. req->client_ip or a case code). TD_OK when
 * allowed; otherwise records TD_ELIMIT with Retry-After on res and returns it, so:
 *   if ((rc = http_rate_limit(req, res, limits->login_ip, req->client_ip)) != TD_OK) return rc;
 * A NULL rl (limit switched off) always allows.
 */
enum td_err http_rate_limit(struct http_request *req, struct http_response *res,
                            struct ratelimit *rl, const char *key);

/* ---- authentication hooks (implemented by the sessions code, registered at start-up) ---- */

struct http_auth_ops {
    /**
     * Find the session of this request (cookie td_session), set req->account and
     * req->session (arena memory). TD_OK when found; TD_EAUTH when there is none or it expired
     * (the hook may add a Set-Cookie clearing it to res); TD_EDB etc. on failure.
     */
    enum td_err (*authenticate)(struct http_request *req, struct http_response *res);
    /** Whether req->account has one of the roles in mask: TD_OK or TD_EFORBIDDEN. */
    enum td_err (*authorize)(struct http_request *req, unsigned roles);
    /** Compare the X-CSRF-Token header with the session's: TD_OK or TD_ECSRF. */
    enum td_err (*check_csrf)(struct http_request *req);
};

/**
 * Register the hooks (before http_server_start; ops must outlive the server). Without hooks,
 * HTTP_F_AUTH routes answer 401 and HTTP_F_AUTH_OPTIONAL routes run with account NULL.
 */
void http_set_auth_ops(const struct http_auth_ops *ops);

/* ---- the server ---------------------------------------------------------------------- */

struct http_server_config {
    const char *addr;           /* IPv4 address to bind, e.g. "127.0.0.1" */
    uint16_t port;              /* 0 = any free port (see http_server_port) */
    unsigned threads;           /* worker threads; 0 = number of online cores */
    unsigned conn_limit;        /* concurrent connections */
    unsigned conn_limit_per_ip; /* concurrent connections from one client address; 0 = no limit
                                   (more are closed at once, before any byte is read) */
    unsigned conn_timeout;      /* idle seconds before a connection is closed */
    size_t body_max;            /* default body cap for routes with body_max 0 */
    unsigned json_depth;        /* JSON nesting limit */
    const char *web_dir;        /* directory of static files (td_share_path("web")) */
};

struct http_server;

/**
 * Start serving routes[0..nroutes) (the table must outlive the server) on cfg's address.
 * app is handed to handlers as req->app. TD_EIO with err filled when the address cannot be
 * bound; TD_EINVAL for a bad route table (pattern syntax).
 */
enum td_err http_server_start(const struct http_server_config *cfg, const struct http_route *routes,
                              size_t nroutes, void *app, struct http_server **out, char *err,
                              size_t errlen);

/** The bound port (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);

/**
 * Graceful stop: stop accepting connections, let requests in flight finish (at most drain_ms;
 * responses then carry Connection: close), close every connection and free the server.
 */
void http_server_stop(struct http_server *s, unsigned drain_ms);

/** Requests received and not yet completed (for shutdown and tests). */
unsigned http_server_inflight(const struct http_server *s);

#endif
