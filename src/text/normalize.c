/*
 * vn_normalize, vn_fold and vn_nfc: whole-string forms (see vn.h for the normal form).
 * The normal form of a text is the concatenation of the normal forms of its clusters, with the
 * word-level steps applied to each run of letters, so a token's normal form (tokenize.c) is
 * always a substring of the text's normal form.
 */
#include <string.h>
#include <utf8proc.h>

#include "text/internal.h"

static enum td_err whole(struct arena *a, const char *s, size_t len, struct vn_str *out, int fold)
{
    struct vn_scan sc;
    out->p = NULL;
    out->len = 0;
    enum td_err rc = vn_scan_text(a, s, len, &sc);
    if (rc != TD_OK)
        return rc;
    size_t cap = vn_emit_bound(&sc, 0, sc.n) + 1;
    char *buf = arena_alloc(a, cap);
    if (buf == NULL)
        return TD_ENOMEM;
    size_t o = 0, i = 0;
    while (i < sc.n) {
        size_t j = i + 1;
        if (sc.c[i].cls == VN_C_LETTER) {
            while (j < sc.n && sc.c[j].cls == VN_C_LETTER)
                j++;
            vn_word_fix(&sc, i, j);
        }
        o += fold ? vn_emit_fold(&sc, i, j, buf + o) : vn_emit_acc(&sc, i, j, buf + o);
        i = j;
    }
    buf[o] = '\0';
    out->p = buf;
    out->len = o;
    return TD_OK;
}

enum td_err vn_normalize(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    return whole(a, s, len, out, 0);
}

enum td_err vn_fold(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    return whole(a, s, len, out, 1);
}

enum td_err vn_nfc(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    out->p = NULL;
    out->len = 0;
    enum td_err rc = vn_utf8_check(s, len);
    if (rc != TD_OK)
        return rc;
    /* ASCII is its own NFC */
    size_t k = 0;
    while (k < len && (unsigned char)s[k] < 0x80)
        k++;
    if (k == len) {
        char *p = arena_strndup(a, len ? s : "", len);
        if (p == NULL)
            return TD_ENOMEM;
        out->p = p;
        out->len = len;
        return TD_OK;
    }
    /* decompose into UTF-32 (the arena holds it), compose in place, re-encode in place */
    size_t ncp = vn_utf8_count(s, len);
    size_t cap = ncp * 4 + 16;
    for (int tries = 0; tries < 2; tries++) {
        if (cap > (size_t)PTRDIFF_MAX / sizeof(utf8proc_int32_t))
            return TD_ENOMEM;
        utf8proc_int32_t *buf = arena_alloc(a, cap * sizeof *buf + 1);
        if (buf == NULL)
            return TD_ENOMEM;
        utf8proc_ssize_t n =
            utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, buf,
                               (utf8proc_ssize_t)cap, UTF8PROC_DECOMPOSE | UTF8PROC_STABLE);
        if (n < 0)
            return TD_EUTF8;
        if ((size_t)n > cap) {
            cap = (size_t)n;
            continue;
        }
        n = utf8proc_normalize_utf32(buf, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (n < 0)
            return TD_EUTF8;
        /* re-encode: UTF-8 of n code points needs at most 4n bytes, the buffer has 4*cap */
        char *o = (char *)buf;
        size_t ol = 0;
        for (utf8proc_ssize_t q = 0; q < n; q++) {
            char tmp[4];
            size_t l = vn_utf8_enc((uint32_t)buf[q], tmp);
            /* writing byte ol+l-1 never overtakes code point q (at byte 4q..4q+3): ol <= 4q */
            memcpy(o + ol, tmp, l);
            ol += l;
        }
        o[ol] = '\0';
        out->p = o;
        out->len = ol;
        return TD_OK;
    }
    return TD_ENOMEM;
}
