/*
 * Fuzz http_path_decode (the request target of every request) and http_log_path (what the
 * access log shows of it). The input is the raw target up to its first NUL (MHD hands a C string).
 * Properties of a decoded path: it starts with '/', has the returned length, no NUL, control
 * byte, DEL or backslash, no empty segment but a final one, no "." or ".." segment, is UTF-8,
 * is no longer than the raw path, and decodes again to itself once its '%', '?' and '#' are
 * escaped. Buffers are exact-size heap blocks: the decode fits in length + 1 bytes, fails in
 * length bytes, and a refused target is refused at every size. The log path is NUL-terminated
 * inside its buffer, never has '?' or '#', and under /api or raw shows only route words, dot
 * segments and "*".
 */
#include "fuzz.h"

#include "http/internal.h"

int fuzz_http_path(const uint8_t *d, size_t n);

static enum td_err fuzz_route_handler(struct http_request *req, struct http_response *res)
{
    (void)req;
    (void)res;
    return TD_OK;
}

static const struct http_route fuzz_routes[] = {
    {HTTP_GET, "/api/v1/health", fuzz_route_handler, 0, 0, 0},
    {HTTP_GET, "/api/v1/reports/{code}", fuzz_route_handler, HTTP_F_ANON, 0, 0},
    {HTTP_POST, "/api/v1/reports/{code}/messages", fuzz_route_handler, HTTP_F_JSON, 0, 0},
    {HTTP_GET, "/api/v1/cases/{code}", fuzz_route_handler, HTTP_F_AUTH, 0, 0},
};
#define FUZZ_NROUTES (sizeof fuzz_routes / sizeof fuzz_routes[0])

/* Whether seg[0..len) is a literal segment of a route, dots only (raw or %2e), or "*". */
static int fuzz_log_segment_ok(const char *seg, size_t len)
{
    if (len == 0 || (len == 1 && seg[0] == '*'))
        return 1;
    int dots = 1;
    for (size_t i = 0; i < len && dots;) {
        if (seg[i] == '.')
            i++;
        else if (len - i >= 3 && seg[i] == '%' && seg[i + 1] == '2' && (seg[i + 2] | 0x20) == 'e')
            i += 3;
        else
            dots = 0;
    }
    if (dots)
        return 1;
    for (size_t r = 0; r < FUZZ_NROUTES; r++) {
        const char *p = fuzz_routes[r].pattern;
        while (*p == '/') {
            const char *s = p + 1;
            const char *e = strchr(s, '/');
            if (e == NULL)
                e = s + strlen(s);
            if ((size_t)(e - s) == len && *s != '{' && memcmp(s, seg, len) == 0)
                return 1;
            p = e;
        }
    }
    return 0;
}

static void fuzz_check_log_path(const char *path, int raw)
{
    char out[96];
    memset(out, 'Z', sizeof out);
    http_log_path(fuzz_routes, FUZZ_NROUTES, NULL, path, raw, out, sizeof out);
    size_t len = strnlen(out, sizeof out);
    FUZZ_CHECK(len < sizeof out);
    FUZZ_CHECK(strpbrk(out, "?#") == NULL);
    int api = strncmp(path, "/api", 4) == 0 && (path[4] == '\0' || strchr("/?#", path[4]));
    if (raw || api) {
        for (size_t i = 0; i < len;) {
            size_t sl = strcspn(out + i, "/");
            if (!fuzz_log_segment_ok(out + i, sl))
                FUZZ_FAIL("log path shows segment [%.*s] of [%s]", (int)sl, out + i, path);
            i += sl + (out[i + sl] == '/');
        }
    } else {
        size_t plen = strcspn(path, "?#");
        FUZZ_CHECK(len == (plen < sizeof out - 1 ? plen : sizeof out - 1));
        FUZZ_CHECK(memcmp(out, path, len) == 0);
    }
    /* a matched route is logged as its pattern, truncated to the buffer */
    char small[12];
    http_log_path(fuzz_routes, FUZZ_NROUTES, &fuzz_routes[2], path, raw, small, sizeof small);
    FUZZ_CHECK(strncmp(small, fuzz_routes[2].pattern, sizeof small - 1) == 0);
    FUZZ_CHECK(strlen(small) == sizeof small - 1);
}

/* Decode raw into an exact heap block of n bytes (n may be 0: a 1-byte block, size 0 given). */
static int fuzz_decode_into(const char *raw, size_t n, char **out)
{
    *out = malloc(n ? n : 1);
    FUZZ_CHECK(*out != NULL);
    return http_path_decode(raw, *out, n);
}

int fuzz_http_path(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_LEN)
        return 0;
    char *raw = malloc(n + 1);
    FUZZ_CHECK(raw != NULL);
    memcpy(raw, d, n);
    raw[n] = '\0';
    size_t rawlen = strlen(raw);
    size_t pathlen = strcspn(raw, "?#");

    char *out = NULL;
    int r = fuzz_decode_into(raw, rawlen + 2, &out); /* the size the server gives */
    fuzz_check_log_path(raw, 1);
    if (r < 0) {
        /* refused whatever the room */
        char *big = NULL;
        FUZZ_CHECK(fuzz_decode_into(raw, rawlen * 3 + 16, &big) < 0);
        free(big);
    } else {
        size_t len = (size_t)r;
        FUZZ_CHECK(len == strlen(out) && len >= 1 && len <= pathlen);
        FUZZ_CHECK(out[0] == '/');
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)out[i];
            if (c < 0x20 || c == 0x7f || c == '\\')
                FUZZ_FAIL("byte 0x%02x at %zu in decoded [%s]", c, i, raw);
        }
        FUZZ_CHECK(strstr(out, "//") == NULL);
        for (size_t i = 0; i < len;) {
            size_t sl = strcspn(out + i + 1, "/");
            const char *seg = out + i + 1;
            if ((sl == 1 && seg[0] == '.') || (sl == 2 && seg[0] == '.' && seg[1] == '.'))
                FUZZ_FAIL("dot segment in decoded [%s] of [%s]", out, raw);
            i += sl + 1;
        }
        FUZZ_CHECK(vn_utf8_check(out, len) == TD_OK);
        /* exact fit: length + 1 bytes decode, length bytes do not */
        char *fit = NULL;
        FUZZ_CHECK(fuzz_decode_into(raw, len + 1, &fit) == r && strcmp(fit, out) == 0);
        free(fit);
        FUZZ_CHECK(fuzz_decode_into(raw, len, &fit) < 0);
        free(fit);
        /* escaping '%', '?' and '#' gives a target that decodes to the same path */
        char *esc = malloc(len * 3 + 1);
        FUZZ_CHECK(esc != NULL);
        size_t e = 0;
        for (size_t i = 0; i < len; i++) {
            if (out[i] == '%' || out[i] == '?' || out[i] == '#') {
                static const char hex[] = "0123456789ABCDEF";
                esc[e++] = '%';
                esc[e++] = hex[(unsigned char)out[i] >> 4];
                esc[e++] = hex[(unsigned char)out[i] & 15];
            } else {
                esc[e++] = out[i];
            }
        }
        esc[e] = '\0';
        char *again = NULL;
        if (fuzz_decode_into(esc, e + 2, &again) != r || strcmp(again, out) != 0)
            FUZZ_FAIL("[%s] decodes to [%s], its escaped form [%s] does not", raw, out, esc);
        free(again);
        free(esc);
        fuzz_check_log_path(out, 0);
    }
    free(out);
    free(raw);
    return 0;
}

#ifndef TD_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_http_path(d, n);
}
#endif
