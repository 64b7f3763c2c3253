#include <stdio.h>
#include <string.h>

#include "http/internal.h"

static const struct {
    const char *name;
    unsigned bit;
} methods[] = {
    {"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},     {"POST", HTTP_POST},       {"PUT", HTTP_PUT},
    {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OPTIONS},
};

unsigned http_method_parse(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return methods[i].bit;
    return 0;
}

void http_allow_string(unsigned mask, char *out, size_t n)
{
    size_t o = 0;
    if (n == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!(mask & methods[i].bit))
            continue;
        int w = snprintf(out + o, n - o, "%s%s", o ? ", " : "", methods[i].name);
        if (w < 0 || (size_t)w >= n - o)
            return;
        o += (size_t)w;
    }
}

int http_route_check(const struct http_route *r, char *err, size_t errlen)
{
    const char *p = r->pattern;
    unsigned bits = r->method;
    if (p == NULL || p[0] != '/' || r->handler == NULL || bits == 0 || (bits & (bits - 1))) {
        snprintf(err, errlen,
                 "route %s: needs a pattern starting with '/', a handler and one "
                 "method",
                 p ? p : "(null)");
        return -1;
    }
    size_t nparams = 0;
    for (const char *s = p; *s; s++) {
        if (*s == '{') {
            const char *close = strchr(s, '}');
            if (s[-1] != '/' || close == NULL || close == s + 1 ||
                (close[1] != '\0' && close[1] != '/') || ++nparams > HTTP_MAX_PARAMS) {
                snprintf(err, errlen, "route %s: bad {param} segment", p);
                return -1;
            }
            s = close;
        } else if (*s == '}' || (*s == '/' && s[1] == '/')) {
            snprintf(err, errlen, "route %s: bad pattern", p);
            return -1;
        }
    }
    return 0;
}

struct capture {
    const char *name;
    size_t name_len;
    const char *val;
    size_t val_len;
};

/* Match path against pattern; captures filled (at most HTTP_MAX_PARAMS). 1 on a match. */
static int match(const char *pat, const char *path, struct capture *cap, size_t *ncap)
{
    const char *p = pat, *s = path;
    size_t n = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(s, '/');
            if (end == NULL)
                end = s + strlen(s);
            if (close == NULL || end == s || n >= HTTP_MAX_PARAMS)
                return 0;
            cap[n].name = p + 1;
            cap[n].name_len = (size_t)(close - p - 1);
            cap[n].val = s;
            cap[n].val_len = (size_t)(end - s);
            n++;
            p = close + 1;
            s = end;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return 0;
        }
    }
    if (*p != '\0' || *s != '\0')
        return 0;
    *ncap = n;
    return 1;
}

const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          unsigned method, const char *path, struct arena *a,
                                          struct http_kv *params, size_t *nparams, unsigned *allow)
{
    struct capture cap[HTTP_MAX_PARAMS];
    size_t ncap = 0;
    unsigned want = method == HTTP_HEAD ? HTTP_GET : method;
    *allow = 0;
    *nparams = 0;
    for (size_t i = 0; i < n; i++) {
        const struct http_route *r = &routes[i];
        if (!match(r->pattern, path, cap, &ncap))
            continue;
        if (r->method != want) {
            *allow |= r->method;
            if (r->method == HTTP_GET)
                *allow |= HTTP_HEAD;
            continue;
        }
        for (size_t j = 0; j < ncap; j++) {
            params[j].name = arena_strndup(a, cap[j].name, cap[j].name_len);
            params[j].value = arena_strndup(a, cap[j].val, cap[j].val_len);
            if (params[j].name == NULL || params[j].value == NULL)
                return NULL;
        }
        *nparams = ncap;
        return r;
    }
    return NULL;
}

/* Whether seg[0..len) is a literal (non-{param}) segment of some route's pattern. */
static int literal_segment(const struct http_route *routes, size_t nroutes, const char *seg,
                           size_t len)
{
    for (size_t i = 0; i < nroutes; i++) {
        const char *p = routes[i].pattern;
        while (*p == '/') {
            const char *start = p + 1;
            const char *end = strchr(start, '/');
            if (end == NULL)
                end = start + strlen(start);
            if ((size_t)(end - start) == len && *start != '{' && memcmp(start, seg, len) == 0)
                return 1;
            p = end;
        }
    }
    return 0;
}

/* Whether seg[0..len) is made only of dots, raw or encoded (".", "..", "%2e%2E"): no personal
 * data, and worth seeing in a log of refused traversal attempts. */
static int dots_only(const char *seg, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (seg[i] == '.')
            i++;
        else if (len - i >= 3 && seg[i] == '%' && seg[i + 1] == '2' && (seg[i + 2] | 0x20) == 'e')
            i += 3;
        else
            return 0;
    }
    return len > 0;
}

void http_log_path(const struct http_route *routes, size_t nroutes,
                   const struct http_route *matched, const char *path, int raw, char *out, size_t n)
{
    if (n == 0)
        return;
    out[0] = '\0';
    if (matched != NULL) {
        snprintf(out, n, "%s", matched->pattern);
        return;
    }
    if (path == NULL)
        path = "";
    size_t plen = strcspn(path, "?#");
    int api = plen >= 4 && memcmp(path, "/api", 4) == 0 && (plen == 4 || path[4] == '/');
    if (!raw && !api) {
        snprintf(out, n, "%.*s", (int)(plen < 4096 ? plen : 4096), path);
        return;
    }
    size_t o = 0, i = 0;
    while (i < plen && o + 1 < n) {
        if (path[i] == '/') {
            out[o++] = '/';
            i++;
            continue;
        }
        size_t len = strcspn(path + i, "/?#");
        if (len > plen - i)
            len = plen - i;
        const char *seg = path + i;
        size_t keep = literal_segment(routes, nroutes, seg, len) || dots_only(seg, len) ? len : 0;
        if (keep == 0) {
            seg = "*";
            keep = 1;
        }
        if (o + keep >= n)
            break;
        memcpy(out + o, seg, keep);
        o += keep;
        i += len;
    }
    out[o] = '\0';
}
