/*
 * Private to src/http/: path canonicalisation, route matching and static files. Declared here
 * so unit tests (tests/unit/http/) can reach them; nothing outside src/http includes this.
 */
#ifndef TD_HTTP_INTERNAL_H
#define TD_HTTP_INTERNAL_H

#include <stddef.h>

#include "http/http.h"
#include "lib/arena.h"

struct MHD_Response;

/**
 * Decode the path of a raw request target (everything before '?' or '#') into out (size n).
 * Percent escapes are decoded. Refused (-1): a target not starting with '/', an invalid escape,
 * NUL, control bytes, '\\' raw or encoded, an encoded '/' (%2F), an empty segment ("//") other
 * than a final one (a trailing slash), "." or ".." segments, raw or encoded (%2e%2e), and a
 * result that is not well-formed UTF-8 (so handlers, logs and JSON only ever see UTF-8).
 * Returns the decoded length, or -1 (also when out is too small).
 */
int http_path_decode(const char *raw, char *out, size_t n);

/** Check a route's pattern syntax; -1 with a message in err. */
int http_route_check(const struct http_route *r, char *err, size_t errlen);

/**
 * The route for method and decoded path, with its {param} values copied into arena a, or NULL.
 * On NULL, *allow holds the methods some route accepts for this path (0: unknown path).
 * HEAD matches GET routes, and GET routes add HEAD to *allow.
 */
const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          unsigned method, const char *path, struct arena *a,
                                          struct http_kv *params, size_t *nparams, unsigned *allow);

/**
 * The path as the access log shows it, into out (size n, truncated, NUL-terminated), so that no
 * log line carries a path parameter (a student's case code) or whatever was typed in its place:
 *   - a matched route: its pattern ("/api/v1/reports/{code}");
 *   - any other path under /api, and any path that could not be decoded (raw): each segment
 *     that is not a literal segment of some route, nor only dots ("..", "%2e%2e"), becomes
 *     "*" (a mistyped report URL shows as /api/v1/reports followed by a "*" segment);
 *   - other decoded paths (static files): as they are.
 * The query string ('?' or '#' onwards) is never included. raw says path is the undecoded
 * request target.
 */
void http_log_path(const struct http_route *routes, size_t nroutes,
                   const struct http_route *matched, const char *path, int raw, char *out,
                   size_t n);

/** "GET, HEAD, POST" for a method mask, into out. */
void http_allow_string(unsigned mask, char *out, size_t n);

/** The method bit for a method name, 0 if unknown. */
unsigned http_method_parse(const char *name);

/** Content-Type for a file name by its extension ("application/octet-stream" if unknown). */
const char *http_content_type(const char *name);

/**
 * A response for static file path (decoded, canonical) under the web root: rootfd is the root
 * directory opened with O_PATH (or -1), root its realpath without a trailing slash. On success
 * sets *status (200, 304 when if_none_match matches, 301 to add a trailing slash to a
 * directory) and returns the response with Content-Type, ETag, Cache-Control and Location set as
 * fitting. On failure returns NULL: *rc is TD_ENOTFOUND for anything missing, hidden (a segment
 * starting with '.'), not a regular file, or resolving outside the root (symlinks are followed
 * only while they stay inside); TD_ENOMEM.
 */
struct MHD_Response *http_static_response(int rootfd, const char *root, const char *path,
                                          const char *if_none_match, int *status, enum td_err *rc);

/** Tests: 1 = resolve with realpath() as on kernels without openat2, 0 = back to openat2. */
void http_static_force_fallback(int on);

#endif
