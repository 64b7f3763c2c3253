/*
 * A set of known-bad hosts (scam, phishing, gambling) read from a list the operator supplies.
 *
 * Accepted lines: "host", or hosts-file lines "0.0.0.0 host" / "127.0.0.1 host" (the last field
 * wins); '#' starts a comment; blank lines are ignored. Hosts are lower-cased, a trailing dot and
 * a leading "www." are dropped, and Unicode (IDN) hosts are converted to punycode through the
 * URL canonicaliser, so list and report agree on one form. Lines that are not host names
 * (a URL path, spaces inside, no dot) are skipped and counted, not fatal: third-party lists
 * have irregular entries.
 *
 * Lookup (tri_hostset_has): the host itself, then each parent domain at a dot boundary
 * ("a.b.evil.com" -> "b.evil.com" -> "evil.com"), never a bare top-level label. A listed
 * "x.blogspot.com" therefore matches "x.blogspot.com" and "y.x.blogspot.com" but not
 * "blogspot.com" nor "z.blogspot.com": only what the list names, and its subdomains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/internal.h"

#define HOST_MAX 253

struct hslot {
    uint64_t h;
    uint32_t off, len; /* into pool */
};

struct tri_hostset {
    struct hslot *tab;
    size_t mask, n;
    char *pool;
    size_t pool_len, pool_cap;
    size_t skipped;
};

size_t tri_hostset_size(const struct tri_hostset *hs)
{
    return hs ? hs->n : 0;
}

void tri_hostset_free(struct tri_hostset *hs)
{
    if (hs == NULL)
        return;
    free(hs->tab);
    free(hs->pool);
    free(hs);
}

static int host_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static int find(const struct tri_hostset *hs, const char *h, size_t n, uint64_t hash)
{
    size_t i = (size_t)hash & hs->mask;
    while (hs->tab[i].len) {
        if (hs->tab[i].h == hash && hs->tab[i].len == n &&
            memcmp(hs->pool + hs->tab[i].off, h, n) == 0)
            return 1;
        i = (i + 1) & hs->mask;
    }
    return 0;
}

static enum td_err grow(struct tri_hostset *hs)
{
    size_t nslots = hs->tab ? (hs->mask + 1) * 2 : 1024;
    struct hslot *nt = calloc(nslots, sizeof *nt);
    if (nt == NULL)
        return TD_ENOMEM;
    if (hs->tab) {
        for (size_t i = 0; i <= hs->mask; i++) {
            if (!hs->tab[i].len)
                continue;
            size_t j = (size_t)hs->tab[i].h & (nslots - 1);
            while (nt[j].len)
                j = (j + 1) & (nslots - 1);
            nt[j] = hs->tab[i];
        }
    }
    free(hs->tab);
    hs->tab = nt;
    hs->mask = nslots - 1;
    return TD_OK;
}

static enum td_err add(struct tri_hostset *hs, const char *h, size_t n)
{
    uint64_t hash = tri_hash_bytes(h, n);
    if (hs->tab && find(hs, h, n, hash))
        return TD_OK;
    if (hs->tab == NULL || (hs->n + 1) * 2 > hs->mask + 1) {
        enum td_err rc = grow(hs);
        if (rc)
            return rc;
    }
    if (hs->pool_len + n > hs->pool_cap) {
        size_t ncap = hs->pool_cap ? hs->pool_cap * 2 : 65536;
        while (ncap < hs->pool_len + n)
            ncap *= 2;
        char *np = realloc(hs->pool, ncap);
        if (np == NULL)
            return TD_ENOMEM;
        hs->pool = np;
        hs->pool_cap = ncap;
    }
    memcpy(hs->pool + hs->pool_len, h, n);
    size_t i = (size_t)hash & hs->mask;
    while (hs->tab[i].len)
        i = (i + 1) & hs->mask;
    hs->tab[i] = (struct hslot){hash, (uint32_t)hs->pool_len, (uint32_t)n};
    hs->pool_len += n;
    hs->n++;
    return TD_OK;
}

/* Canonical form of one list entry into out (size > HOST_MAX); returns its length or 0. */
static size_t canon_entry(const char *s, size_t n, char *out)
{
    while (n > 0 && s[n - 1] == '.')
        n--;
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    if (!ascii) {
        struct arena a;
        struct vn_str url, host;
        size_t len = 0;
        arena_init(&a, 1 << 16);
        if (vn_canon_url(&a, s, n, &url, &host) == TD_OK && host.len > 0 && host.len <= HOST_MAX) {
            memcpy(out, host.p, host.len);
            len = host.len;
        }
        arena_free(&a);
        s = out;
        n = len;
        if (n == 0)
            return 0;
    }
    if (n == 0 || n > HOST_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (!host_char_ok(c))
            return 0;
        out[i] = (char)c;
    }
    if (n > 4 && memcmp(out, "www.", 4) == 0) {
        memmove(out, out + 4, n - 4);
        n -= 4;
    }
    if (memchr(out, '.', n) == NULL || out[0] == '.')
        return 0;
    return n;
}

enum td_err tri_hostset_parse(const char *buf, size_t len, struct tri_hostset **out, char *err,
                              size_t errlen)
{
    enum td_err rc = TD_OK;
    struct tri_hostset *hs = calloc(1, sizeof *hs);
    *out = NULL;
    if (hs == NULL)
        return TD_ENOMEM;
    rc = grow(hs);
    size_t pos = 0;
    while (rc == TD_OK && pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        size_t a = pos, b = end;
        pos = end < len ? end + 1 : end;
        const char *hash = memchr(buf + a, '#', b - a);
        if (hash)
            b = (size_t)(hash - buf);
        /* Last whitespace-separated field of the line. */
        while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\r'))
            b--;
        size_t f = b;
        while (f > a && buf[f - 1] != ' ' && buf[f - 1] != '\t')
            f--;
        if (f == b)
            continue;
        char host[HOST_MAX + 1];
        size_t n = canon_entry(buf + f, b - f, host);
        if (n == 0) {
            hs->skipped++;
            continue;
        }
        /* "0.0.0.0" alone on a line (a hosts file's own entries) is not a domain. */
        if (f == a && strspn(host, "0123456789.") == n) {
            hs->skipped++;
            continue;
        }
        rc = add(hs, host, n);
    }
    if (rc) {
        if (err && errlen)
            snprintf(err, errlen, "blocklist: out of memory");
        tri_hostset_free(hs);
        return rc;
    }
    *out = hs;
    return TD_OK;
}

int tri_hostset_has(const struct tri_hostset *hs, const char *host, size_t len)
{
    char h[HOST_MAX + 1];
    if (hs == NULL || hs->n == 0 || host == NULL || len == 0 || len > HOST_MAX)
        return 0;
    size_t n = len;
    while (n > 0 && host[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)host[i];
        h[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    size_t s = 0;
    if (n > 4 && memcmp(h, "www.", 4) == 0)
        s = 4;
    while (s < n) {
        const char *p = h + s;
        size_t m = n - s;
        if (memchr(p, '.', m) == NULL)
            break; /* a bare top-level label is never looked up */
        if (find(hs, p, m, tri_hash_bytes(p, m)))
            return 1;
        const char *dot = memchr(p, '.', m);
        s += (size_t)(dot - p) + 1;
    }
    return 0;
}
