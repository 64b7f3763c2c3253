#include <string.h>

#include "http/internal.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Whether the segment out[start..end) is acceptable: not "." or "..". */
static int segment_ok(const char *out, size_t start, size_t end)
{
    size_t len = end - start;
    if (len == 1 && out[start] == '.')
        return 0;
    if (len == 2 && out[start] == '.' && out[start + 1] == '.')
        return 0;
    return 1;
}

/* Whether s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1fu;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0fu;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += n + 1;
    }
    return 1;
}

int http_path_decode(const char *raw, char *out, size_t n)
{
    if (raw == NULL || raw[0] != '/' || n < 2)
        return -1;
    size_t o = 0;
    size_t seg_start = 1; /* first byte of the current segment in out */
    out[o++] = '/';
    for (const char *p = raw + 1;; p++) {
        char c = *p;
        if (c == '\0' || c == '?' || c == '#') {
            /* end of the path: the last segment may be empty (trailing slash) */
            if (o > seg_start && !segment_ok(out, seg_start, o))
                return -1;
            break;
        }
        if (c == '/') {
            if (o == seg_start)
                return -1; /* empty segment: "//" */
            if (!segment_ok(out, seg_start, o))
                return -1;
            if (o + 1 >= n)
                return -1;
            out[o++] = '/';
            seg_start = o;
            continue;
        }
        unsigned char b;
        if (c == '%') {
            int h = hexval(p[1]);
            int l = h < 0 ? -1 : hexval(p[2]);
            if (h < 0 || l < 0)
                return -1;
            b = (unsigned char)(h * 16 + l);
            p += 2;
            if (b == '/')
                return -1; /* an encoded slash would hide a segment boundary */
        } else {
            b = (unsigned char)c;
        }
        if (b < 0x20 || b == 0x7f || b == '\\')
            return -1;
        if (o + 1 >= n)
            return -1;
        out[o++] = (char)b;
    }
    out[o] = '\0';
    if (!utf8_ok((const unsigned char *)out, o))
        return -1;
    return (int)o;
}
