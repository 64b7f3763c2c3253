/*
 * Canonical forms of phone numbers, URLs, hosts and e-mail addresses.
 *
 * Phones: Vietnamese numbers only. The national form is 0 + 9 digits for mobiles (03x, 05x, 07x,
 * 08x, 09x) and 0 + 10 digits for landlines (02xx); "+84", "0084" or "84" replace the leading 0.
 * The canonical form is E.164: "+84" and the national number without its 0.
 *
 * URLs: value "host[:port][/path][?query]" with no scheme, no user info and no fragment; host
 * lower-case, IDN labels in punycode (libidn2, UTS #46 non-transitional, transitional as a
 * fallback), no "www.", no trailing dot; port dropped when 80 or 443; tracking parameters
 * (utm_*, fbclid, gclid, Zalo's zarsrc/gidzl, ...) removed; a lone "/" path dropped; non-ASCII
 * bytes and "%xx" escapes in path and query written as upper-case "%XX"; trailing punctuation
 * (".,;:!?'\")]}" and closing quotes) that a sentence glued to the URL removed.
 */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"

/* ---------- phones ---------- */

static int phone_national_ok(const char *d, size_t n)
{
    if (n == 10 && d[0] == '0' &&
        (d[1] == '3' || d[1] == '5' || d[1] == '7' || d[1] == '8' || d[1] == '9'))
        return 1;
    if (n == 11 && d[0] == '0' && d[1] == '2')
        return 1;
    return 0;
}

int vn_phone_digits(const char *d, size_t n, char *e164)
{
    const char *r = d;
    size_t rn = n;
    int intl = 0;
    if (n >= 4 && memcmp(d, "0084", 4) == 0) {
        r = d + 4;
        rn = n - 4;
        intl = 1;
    } else if (n >= 11 && n <= 13 && d[0] == '8' && d[1] == '4') {
        r = d + 2;
        rn = n - 2;
        intl = 1;
    } else if (n == 0 || d[0] != '0') {
        return 0;
    }
    if (rn == 0 || rn > 12)
        return 0;
    char nat[16];
    size_t nl;
    if (intl && r[0] != '0') {
        nat[0] = '0';
        memcpy(nat + 1, r, rn);
        nl = rn + 1;
    } else {
        memcpy(nat, r, rn);
        nl = rn;
    }
    if (!phone_national_ok(nat, nl))
        return 0;
    e164[0] = '+';
    e164[1] = '8';
    e164[2] = '4';
    memcpy(e164 + 3, nat + 1, nl - 1);
    e164[nl + 2] = '\0';
    return (int)(nl + 2);
}

enum td_err vn_canon_phone(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    char d[20];
    size_t n = 0;
    int plus = 0;
    out->p = NULL;
    out->len = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (vn_is_ascii_digit(c)) {
            if (n == sizeof d - 1)
                return TD_EINVAL;
            d[n++] = c;
        } else if (c == '+' && n == 0 && !plus) {
            plus = 1;
        } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')' && c != '\t') {
            return TD_EINVAL;
        }
    }
    if (plus && (n < 2 || d[0] != '8' || d[1] != '4'))
        return TD_EINVAL; /* another country */
    char e164[24];
    int l = vn_phone_digits(d, n, e164);
    if (l <= 0)
        return TD_EINVAL;
    char *p = arena_strndup(a, e164, (size_t)l);
    if (p == NULL)
        return TD_ENOMEM;
    out->p = p;
    out->len = (size_t)l;
    return TD_OK;
}

/* ---------- hosts ---------- */

static int is_ipv4(const char *h, size_t n)
{
    unsigned parts = 0, val = 0, digits = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (digits == 0 || val > 255)
                return 0;
            parts++;
            val = digits = 0;
        } else if (vn_is_ascii_digit(h[i]) && digits < 3) {
            val = val * 10 + (unsigned)(h[i] - '0');
            digits++;
        } else {
            return 0;
        }
    }
    return parts == 4;
}

/* Check an ASCII host: labels of [a-z0-9-_], 1..63 bytes, no '-' at either end, at least two
 * labels, a TLD of letters (or punycode), <= 253 bytes. */
static int host_ascii_ok(const char *h, size_t n)
{
    if (n == 0 || n > 253)
        return 0;
    if (is_ipv4(h, n))
        return 1;
    size_t labels = 0, i = 0, last = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && h[j] != '.')
            j++;
        size_t l = j - i;
        if (l == 0 || l > 63 || h[i] == '-' || h[j - 1] == '-')
            return 0;
        for (size_t k = i; k < j; k++) {
            char c = h[k];
            if (!((c >= 'a' && c <= 'z') || vn_is_ascii_digit(c) || c == '-' || c == '_'))
                return 0;
        }
        labels++;
        last = i;
        i = j + 1;
    }
    if (labels < 2)
        return 0;
    /* TLD: letters only, or an IDN TLD in punycode */
    if (n - last >= 4 && memcmp(h + last, "xn--", 4) == 0)
        return 1;
    if (n - last < 2)
        return 0;
    for (size_t k = last; k < n; k++)
        if (!(h[k] >= 'a' && h[k] <= 'z'))
            return 0;
    return 1;
}

static enum td_err host_canon(struct arena *a, const char *s, size_t len, struct vn_str *out,
                              int strip_www)
{
    out->p = NULL;
    out->len = 0;
    while (len && s[len - 1] == '.')
        len--;
    if (len == 0 || len > 1024)
        return TD_EINVAL;
    int ascii = 1;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
        else if (s[i] == '\0')
            return TD_EINVAL;
    }
    char *h;
    size_t hl;
    if (ascii) {
        h = arena_alloc(a, len + 1);
        if (h == NULL)
            return TD_ENOMEM;
        for (size_t i = 0; i < len; i++)
            h[i] = (char)vn_lower(s[i]);
        h[len] = '\0';
        hl = len;
    } else {
        if (vn_utf8_check(s, len) != TD_OK)
            return TD_EINVAL;
        char *tmp = arena_strndup(a, s, len);
        if (tmp == NULL)
            return TD_ENOMEM;
        uint8_t *res = NULL;
        int r = idn2_lookup_u8((const uint8_t *)tmp, &res, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
        if (r != IDN2_OK) {
            idn2_free(res);
            res = NULL;
            r = idn2_lookup_u8((const uint8_t *)tmp, &res, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
        }
        if (r != IDN2_OK || res == NULL) {
            idn2_free(res);
            return TD_EINVAL;
        }
        hl = strlen((const char *)res);
        h = arena_alloc(a, hl + 1);
        if (h == NULL) {
            idn2_free(res);
            return TD_ENOMEM;
        }
        for (size_t i = 0; i < hl; i++)
            h[i] = (char)vn_lower(((const char *)res)[i]);
        h[hl] = '\0';
        idn2_free(res);
    }
    while (hl && h[hl - 1] == '.')
        h[--hl] = '\0';
    if (!host_ascii_ok(h, hl))
        return TD_EINVAL;
    /* "www." goes, as long as a registrable name remains */
    if (strip_www && hl > 4 && memcmp(h, "www.", 4) == 0 && memchr(h + 4, '.', hl - 4) != NULL) {
        h += 4;
        hl -= 4;
    }
    out->p = h;
    out->len = hl;
    return TD_OK;
}

enum td_err vn_canon_host(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    return host_canon(a, s, len, out, 1);
}

/* ---------- URLs ---------- */

static int is_tracking(const char *k, size_t n)
{
    static const char *const names[] = {
        "fbclid", "gclid",  "dclid",    "gbraid", "wbraid", "msclkid", "yclid",
        "igshid", "igsh",   "mibextid", "zarsrc", "gidzl",  "ttclid",  "_hsenc",
        "_hsmi",  "mc_cid", "mc_eid",   "__tn__", "_ga",    "_gl",     NULL,
    };
    char low[16];
    if (n >= 4 && (memcmp(k, "utm_", 4) == 0 || memcmp(k, "UTM_", 4) == 0))
        return 1;
    if (n >= 7 && (memcmp(k, "__cft__", 7) == 0 || memcmp(k, "__xts__", 7) == 0))
        return 1;
    if (n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)vn_lower(k[i]);
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], low, n) == 0)
            return 1;
    return 0;
}

size_t vn_url_trim(const char *s, size_t len)
{
    for (;;) {
        if (len == 0)
            return 0;
        unsigned char c = (unsigned char)s[len - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
            c == '"' || c == ']' || c == '}' || c == '>' || c == '*') {
            len--;
            continue;
        }
        if (c == ')') {
            /* keep a ')' that closes a '(' inside the URL */
            size_t open = 0, close = 0;
            for (size_t i = 0; i < len; i++) {
                open += s[i] == '(';
                close += s[i] == ')';
            }
            if (close > open) {
                len--;
                continue;
            }
            return len;
        }
        /* closing quotes and ellipsis: ” ’ » … */
        if (len >= 3 && (unsigned char)s[len - 3] == 0xE2 && (unsigned char)s[len - 2] == 0x80 &&
            ((unsigned char)s[len - 1] == 0x9D || (unsigned char)s[len - 1] == 0x99 ||
             (unsigned char)s[len - 1] == 0xA6)) {
            len -= 3;
            continue;
        }
        if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 && (unsigned char)s[len - 1] == 0xBB) {
            len -= 2;
            continue;
        }
        return len;
    }
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = vn_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Append s[0..n) with non-ASCII bytes, spaces and controls %-escaped and escapes upper-cased. */
static size_t put_escaped(char *o, const char *s, size_t n)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
            o[w++] = '%';
            o[w++] = HEX[hexv(s[i + 1])];
            o[w++] = HEX[hexv(s[i + 2])];
            i += 2;
        } else if (c >= 0x80 || c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>') {
            o[w++] = '%';
            o[w++] = HEX[c >> 4];
            o[w++] = HEX[c & 15];
        } else {
            o[w++] = (char)c;
        }
    }
    return w;
}

static enum td_err canon_url_once(struct arena *a, const char *s, size_t len, struct vn_str *out,
                                  struct vn_str *host)
{
    enum td_err rc;
    out->p = NULL;
    out->len = 0;
    if (host) {
        host->p = NULL;
        host->len = 0;
    }
    if (len && s == NULL)
        return TD_EINVAL;
    while (len && (s[0] == ' ' || s[0] == '\t' || s[0] == '<' || s[0] == '(' || s[0] == '"'))
        s++, len--;
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    len = vn_url_trim(s, len);
    if (len == 0 || len > 8192)
        return TD_EINVAL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
            return TD_EINVAL;
    /* scheme */
    size_t i = 0;
    if (vn_is_ascii_alpha(s[0])) {
        size_t k = 1;
        while (k < len && k < 32 &&
               (vn_is_ascii_alpha(s[k]) || vn_is_ascii_digit(s[k]) || s[k] == '+' || s[k] == '-' ||
                s[k] == '.'))
            k++;
        if (k + 3 <= len && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/')
            i = k + 3;
    }
    /* authority */
    size_t as = i;
    while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#' && s[i] != '\\')
        i++;
    size_t ae = i;
    for (size_t k = ae; k > as; k--)
        if (s[k - 1] == '@') {
            as = k;
            break;
        }
    /* port: ":digits" at the end of the authority */
    size_t he = ae;
    long port = -1;
    if (as < ae && s[as] == '[')
        return TD_EINVAL; /* IPv6 literals: not seen in reports, not worth the parsing risk */
    size_t pd = ae;
    while (pd > as && vn_is_ascii_digit(s[pd - 1]))
        pd--;
    if (pd > as && s[pd - 1] == ':') {
        if (ae - pd > 5)
            return TD_EINVAL;
        port = 0;
        for (size_t q = pd; q < ae; q++)
            port = port * 10 + (s[q] - '0');
        if (port > 65535)
            return TD_EINVAL;
        he = pd - 1;
    }
    struct vn_str h;
    if ((rc = vn_canon_host(a, s + as, he - as, &h)) != TD_OK)
        return rc;
    /* path, query (fragment dropped) */
    size_t ps = ae, pe = ae;
    while (pe < len && s[pe] != '?' && s[pe] != '#')
        pe++;
    size_t qs = pe, qe = pe;
    if (qs < len && s[qs] == '?') {
        qs++;
        qe = qs;
        while (qe < len && s[qe] != '#')
            qe++;
    }
    size_t cap = h.len + 8 + 3 * (len + 1);
    char *o = arena_alloc(a, cap);
    if (o == NULL)
        return TD_ENOMEM;
    size_t w = 0;
    memcpy(o, h.p, h.len);
    w = h.len;
    if (port > 0 && port != 80 && port != 443) {
        char pb[8];
        int pl = 0;
        long pv = port;
        do {
            pb[pl++] = (char)('0' + pv % 10);
            pv /= 10;
        } while (pv);
        o[w++] = ':';
        while (pl)
            o[w++] = pb[--pl];
    }
    size_t base = w; /* end of host[:port] */
    if (pe > ps && !(pe - ps == 1 && s[ps] == '/')) {
        size_t pw = w;
        w += put_escaped(o + w, s + ps, pe - ps);
        for (size_t k = pw; k < w; k++)
            if (o[k] == '\\')
                o[k] = '/';
    }
    if (qe > qs && s[qs - 1] == '?') {
        size_t mark = w;
        o[w++] = '?';
        size_t k = qs;
        int any = 0;
        while (k < qe) {
            size_t e = k;
            while (e < qe && s[e] != '&' && s[e] != ';')
                e++;
            size_t ke = k;
            while (ke < e && s[ke] != '=')
                ke++;
            if (e > k && !is_tracking(s + k, ke - k)) {
                if (any)
                    o[w++] = '&';
                w += put_escaped(o + w, s + k, e - k);
                any = 1;
            }
            k = e + 1;
        }
        if (!any)
            w = mark;
    }
    /* dropping a query or fragment can leave sentence punctuation, a lone '/', '?' or '&' at
     * the end ("a/b:?utm_x"): clean until stable, so the result is its own canonical form */
    for (;;) {
        size_t w0 = w, tw = vn_url_trim(o, w);
        w = tw > base ? tw : base;
        while (w > base && (o[w - 1] == '&' || o[w - 1] == '?'))
            w--;
        if (w == base + 1 && o[base] == '/')
            w = base;
        if (w == w0)
            break;
    }
    o[w] = '\0';
    out->p = o;
    out->len = w;
    if (host)
        *host = h;
    return TD_OK;
}

enum td_err vn_canon_url(struct arena *a, const char *s, size_t len, struct vn_str *out,
                         struct vn_str *host)
{
    struct vn_str h, o2, h2;
    enum td_err rc = canon_url_once(a, s, len, out, &h);
    /* cleaning one part can expose another ("?x=1&msclkid!!" loses "!!", then "msclkid" is a
     * tracking parameter): repeat until the value is its own canonical form. After the first
     * round the value is ASCII and each round only removes, so this ends; a value that needs
     * more than 32 rounds is pathological and refused. */
    int stable = 0;
    for (int i = 0; rc == TD_OK && i < 32 && !stable; i++) {
        if ((rc = canon_url_once(a, out->p, out->len, &o2, &h2)) != TD_OK)
            break;
        stable = o2.len == out->len && memcmp(o2.p, out->p, o2.len) == 0;
        *out = o2;
        h = h2;
    }
    if (rc == TD_OK && !stable)
        rc = TD_EINVAL;
    if (rc != TD_OK) {
        out->p = NULL;
        out->len = 0;
    }
    if (host)
        *host = rc == TD_OK ? h : (struct vn_str){NULL, 0};
    return rc;
}

/* ---------- e-mail ---------- */

static int local_char(int c)
{
    return vn_is_ascii_alpha(c) || vn_is_ascii_digit(c) ||
           (c != 0 && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

enum td_err vn_canon_email(struct arena *a, const char *s, size_t len, struct vn_str *out)
{
    out->p = NULL;
    out->len = 0;
    while (len && (s[0] == ' ' || s[0] == '\t' || s[0] == '<'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '>'))
        len--;
    if (len == 0 || len > 254)
        return TD_EINVAL;
    const char *at = NULL;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '@') {
            if (at)
                return TD_EINVAL;
            at = s + i;
        }
    if (at == NULL)
        return TD_EINVAL;
    size_t ll = (size_t)(at - s);
    if (ll == 0 || ll > 64 || s[0] == '.' || s[ll - 1] == '.')
        return TD_EINVAL;
    for (size_t i = 0; i < ll; i++) {
        if (!local_char(s[i]))
            return TD_EINVAL;
        if (s[i] == '.' && i + 1 < ll && s[i + 1] == '.')
            return TD_EINVAL;
    }
    const char *d = at + 1;
    size_t dl = len - ll - 1;
    if (dl == 0 || d[dl - 1] == '.')
        return TD_EINVAL;
    struct vn_str h;
    enum td_err rc = host_canon(a, d, dl, &h, 0);
    if (rc != TD_OK)
        return rc;
    if (is_ipv4(h.p, h.len))
        return TD_EINVAL;
    if (ll + 1 + h.len > 254) /* punycode can make a domain longer than it was */
        return TD_EINVAL;
    char *o = arena_alloc(a, ll + 1 + h.len + 1);
    if (o == NULL)
        return TD_ENOMEM;
    for (size_t i = 0; i < ll; i++)
        o[i] = (char)vn_lower(s[i]);
    o[ll] = '@';
    memcpy(o + ll + 1, h.p, h.len);
    o[ll + 1 + h.len] = '\0';
    out->p = o;
    out->len = ll + 1 + h.len;
    return TD_OK;
}

const char *vn_entity_kind_name(enum vn_entity_kind k)
{
    switch (k) {
    case VN_ENT_PHONE:
        return "phone";
    case VN_ENT_URL:
        return "url";
    case VN_ENT_DOMAIN:
        return "domain";
    case VN_ENT_BANK_ACCOUNT:
        return "bank_account";
    case VN_ENT_MONEY:
        return "money";
    case VN_ENT_SOCIAL:
        return "social_handle";
    case VN_ENT_EMAIL:
        return "email";
    }
    return "unknown";
}
