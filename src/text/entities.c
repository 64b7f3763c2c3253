/*
 * Entity extraction: phones, URLs and bare domains, social handles and profile links, e-mail
 * addresses, bank account numbers and amounts of money, each with its byte span in the original
 * text.
 *
 * How: the structural things (addresses, links, digit groups) are read from the original bytes;
 * the words around them (cues: "stk", a bank name, "triệu", a platform name) come from the tokens
 * (vn_tokenize), compared in folded form so "so tai khoan" and "số tài khoản" are the same cue.
 * Every finder adds candidates with a priority; overlapping candidates are resolved by priority
 * (e-mail, then links, then an account number right after "stk", then phones, other account
 * numbers, money, handles), and the survivors are returned in text order.
 *
 * Decisions worth knowing:
 *   - A bare domain (no scheme, no "www.", no path) needs a TLD from the "strong" list below, so
 *     "v.v", "2.000", "TP.HCM" and "ok.la" are not domains. A host with a path or scheme may use
 *     any TLD in either list.
 *   - A digit group that is a valid phone number is a phone, except right after an account cue
 *     ("STK 0912345678": many banks let the phone number be the account number).
 *   - Money needs a unit or a currency sign ("5tr", "500k", "2.000.000đ", "$950"), or a
 *     thousands-grouped number after a money word ("chuyển 500.000"). "2-3tr" is one amount with
 *     the upper bound (safety first). "1tr5" is 1 500 000.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/internal.h"

/* ---------- cue words ---------- */

enum {
    CUE_ACCT = 1u << 0,    /* stk, tk, số tài khoản, account */
    CUE_BANK = 1u << 1,    /* a bank or wallet name, "ngân hàng", "bank" */
    CUE_MONEYV = 1u << 2,  /* a word that puts a bare number in money context */
    CUE_HANDLE = 1u << 3,  /* nick, acc, tài khoản, kênh, page, id, username */
    CUE_NICKSEP = 1u << 4, /* nick, username, id: a handle may follow without '@' */
    CUE_PLAT_SHIFT = 8,    /* bits 8..11: platform id (1..8) */
};

enum { P_NONE = 0, P_FB, P_ZALO, P_TG, P_TT, P_IG, P_THREADS, P_X, P_YT };
static const char *const PLATFORM[] = {"unknown",   "facebook", "zalo", "telegram", "tiktok",
                                       "instagram", "threads",  "x",    "youtube"};
/* platforms whose handles are written with '@' in the value */
static const int PLAT_AT[] = {1, 0, 0, 1, 1, 1, 1, 1, 1};

struct cue {
    const char *w;
    unsigned bits;
};

#define PL(p) ((unsigned)(p) << CUE_PLAT_SHIFT)

/* Sorted by w (strcmp order): compute_cues buckets it by first letter. Folded forms. */
static const struct cue CUES[] = {
    {"abbank", CUE_BANK},
    {"acb", CUE_BANK},
    {"acc", CUE_HANDLE},
    {"account", CUE_ACCT | CUE_HANDLE},
    {"agribank", CUE_BANK},
    {"bacabank", CUE_BANK},
    {"bank", CUE_BANK},
    {"banking", CUE_BANK},
    {"baovietbank", CUE_BANK},
    {"bidv", CUE_BANK},
    {"cbbank", CUE_BANK},
    {"chuyen", CUE_MONEYV},
    {"citibank", CUE_BANK},
    {"coc", CUE_MONEYV},
    {"eximbank", CUE_BANK},
    {"face", PL(P_FB)},
    {"facebook", PL(P_FB)},
    {"fb", PL(P_FB)},
    {"gpbank", CUE_BANK},
    {"hdbank", CUE_BANK},
    {"hsbc", CUE_BANK},
    {"id", CUE_HANDLE | CUE_NICKSEP},
    {"ig", PL(P_IG)},
    {"insta", PL(P_IG)},
    {"instagram", PL(P_IG)},
    {"kenh", CUE_HANDLE},
    {"kienlongbank", CUE_BANK},
    {"lienvietpostbank", CUE_BANK},
    {"lpbank", CUE_BANK},
    {"luong", CUE_MONEYV},
    {"mbbank", CUE_BANK},
    {"mess", PL(P_FB)},
    {"messenger", PL(P_FB)},
    {"momo", CUE_BANK},
    {"msb", CUE_BANK},
    {"nap", CUE_MONEYV},
    {"namabank", CUE_BANK},
    {"ncb", CUE_BANK},
    {"nick", CUE_HANDLE | CUE_NICKSEP},
    {"nickname", CUE_HANDLE | CUE_NICKSEP},
    {"nop", CUE_MONEYV},
    {"oceanbank", CUE_BANK},
    {"ocb", CUE_BANK},
    {"page", CUE_HANDLE},
    {"phi", CUE_MONEYV},
    {"pvcombank", CUE_BANK},
    {"sacombank", CUE_BANK},
    {"saigonbank", CUE_BANK},
    {"scb", CUE_BANK},
    {"seabank", CUE_BANK},
    {"shb", CUE_BANK},
    {"shinhan", CUE_BANK},
    {"shopeepay", CUE_BANK},
    {"stk", CUE_ACCT},
    {"tcb", CUE_BANK},
    {"techcombank", CUE_BANK},
    {"tele", PL(P_TG)},
    {"telegram", PL(P_TG)},
    {"threads", PL(P_THREADS)},
    {"tien", CUE_MONEYV},
    {"tiktok", PL(P_TT)},
    {"tk", CUE_ACCT | CUE_HANDLE},
    {"tpbank", CUE_BANK},
    {"tra", CUE_MONEYV},
    {"twitter", PL(P_X)},
    {"uob", CUE_BANK},
    {"user", CUE_HANDLE | CUE_NICKSEP},
    {"username", CUE_HANDLE | CUE_NICKSEP},
    {"vcb", CUE_BANK},
    {"vib", CUE_BANK},
    {"vietbank", CUE_BANK},
    {"vietcombank", CUE_BANK},
    {"vietinbank", CUE_BANK},
    {"viettelpay", CUE_BANK},
    {"vnpay", CUE_BANK},
    {"vpbank", CUE_BANK},
    {"woori", CUE_BANK},
    {"youtube", PL(P_YT)},
    {"yt", PL(P_YT)},
    {"zalo", PL(P_ZALO)},
    {"zalopay", CUE_BANK},
    {"zl", PL(P_ZALO)},
};

static int fold_is(const struct vn_token *t, const char *w)
{
    size_t n = strlen(w);
    return t->fold.len == n && memcmp(t->fold.p, w, n) == 0;
}

static int acc_is(const struct vn_token *t, const char *w)
{
    size_t n = strlen(w);
    return t->acc.len == n && memcmp(t->acc.p, w, n) == 0;
}

/* ---------- candidates ---------- */

struct cand {
    struct vn_entity e;
    int prio; /* lower wins */
};

enum { PR_EMAIL = 10, PR_URL = 20, PR_ACCT_DIRECT = 30, PR_PHONE = 40, PR_BANK = 50 };
enum { PR_MONEY = 60, PR_HANDLE = 70 };

struct ctx {
    struct arena *a;
    const char *s;
    size_t len;
    const struct vn_token *t;
    size_t nt;
    unsigned *cue;
    unsigned char *platprev; /* [k]: platform of the nearest platform word before token k */
    struct cand *c;
    size_t nc, cap;
};

static struct cand *add(struct ctx *x, enum vn_entity_kind kind, size_t start, size_t end, int prio)
{
    if (x->nc == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 16;
        struct cand *nc = arena_alloc(x->a, ncap * sizeof *nc);
        if (nc == NULL)
            return NULL;
        if (x->nc)
            memcpy(nc, x->c, x->nc * sizeof *nc);
        x->c = nc;
        x->cap = ncap;
    }
    struct cand *c = &x->c[x->nc++];
    memset(c, 0, sizeof *c);
    c->e.kind = kind;
    c->e.start = start;
    c->e.end = end;
    c->prio = prio;
    return c;
}

/* Index of the first token that ends after byte b. */
static size_t tok_at(const struct ctx *x, size_t b)
{
    size_t lo = 0, hi = x->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->t[mid].end <= b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Any token in [lo, hi) (clamped) with one of the cue bits? */
static int cue_in(const struct ctx *x, size_t lo, size_t hi, unsigned bits)
{
    if (hi > x->nt)
        hi = x->nt;
    for (size_t k = lo; k < hi; k++)
        if (x->cue[k] & bits)
            return 1;
    return 0;
}

static void compute_cues(struct ctx *x)
{
    /* CUES is sorted: bucket it by first letter, then compare within the bucket */
    enum { NC = sizeof CUES / sizeof CUES[0] };
    size_t bs[27], idx = 0;
    for (int c = 0; c < 26; c++) {
        bs[c] = idx;
        while (idx < NC && CUES[idx].w[0] == 'a' + c)
            idx++;
    }
    bs[26] = NC;
    for (size_t k = 0; k < x->nt; k++) {
        const struct vn_token *t = &x->t[k];
        x->cue[k] = 0;
        if (t->kind != VN_TOK_WORD || t->fold.len < 2 || t->fold.len > 16)
            continue;
        unsigned char c0 = (unsigned char)t->fold.p[0];
        if (c0 < 'a' || c0 > 'z')
            continue;
        for (size_t q = bs[c0 - 'a']; q < bs[c0 - 'a' + 1]; q++)
            if (strncmp(CUES[q].w, t->fold.p, t->fold.len) == 0 && CUES[q].w[t->fold.len] == '\0') {
                x->cue[k] |= CUES[q].bits;
                break;
            }
        /* two-word cues, marked on both words */
        if (k > 0 && fold_is(t, "khoan") && fold_is(&x->t[k - 1], "tai")) {
            x->cue[k] |= CUE_ACCT | CUE_HANDLE;
            x->cue[k - 1] |= CUE_ACCT | CUE_HANDLE;
        }
        if (k > 0 && fold_is(t, "hang") && fold_is(&x->t[k - 1], "ngan")) {
            x->cue[k] |= CUE_BANK;
            x->cue[k - 1] |= CUE_BANK;
        }
        /* "MB" is a bank unless it follows a number (megabytes) */
        if (fold_is(t, "mb") && !(k > 0 && x->t[k - 1].kind == VN_TOK_NUMBER))
            x->cue[k] |= CUE_BANK;
    }
    unsigned char last = P_NONE;
    for (size_t k = 0; k <= x->nt; k++) {
        x->platprev[k] = last;
        if (k < x->nt && (x->cue[k] >> CUE_PLAT_SHIFT))
            last = (unsigned char)(x->cue[k] >> CUE_PLAT_SHIFT);
    }
}

/* ---------- byte helpers ---------- */

static int is_alnum(int c)
{
    return vn_is_ascii_alpha(c) || vn_is_ascii_digit(c);
}

/* Byte length of the character at s[i] if it can be part of a host name (ASCII letter, digit,
 * '-', '_' or a non-ASCII letter, mark or digit), else 0. */
static size_t hostch(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return (is_alnum(c) || c == '-' || c == '_') ? 1 : 0;
    uint32_t cp;
    size_t l = vn_utf8_dec((const unsigned char *)s + i, len - i, &cp);
    if (l == 0)
        return 0;
    int cat = utf8proc_get_property((utf8proc_int32_t)cp)->category;
    if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) || cat == UTF8PROC_CATEGORY_ND)
        return l;
    return 0;
}

/* End of a URL's path/query starting at i: stops at spaces, quotes, angle brackets and
 * non-ASCII characters that are not letters, marks or digits. */
static size_t url_tail(const char *s, size_t len, size_t i)
{
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
            c == '}' || c == '|' || c == '^')
            break;
        if (c >= 0x80) {
            size_t l = hostch(s, len, i);
            if (l == 0)
                break;
            i += l;
            continue;
        }
        i++;
    }
    return i;
}

/* ---------- TLDs ---------- */

static const char *const TLD_STRONG[] = {
    "app",     "asia", "bet",   "best",    "bid",  "biz",    "bond",  "buzz", "casino", "cc",
    "cf",      "cfd",  "click", "cloud",   "club", "com",    "cyou",  "edu",  "fun",    "ga",
    "games",   "gov",  "gq",    "icu",     "info", "io",     "life",  "link", "live",   "ltd",
    "ly",      "ml",   "mobi",  "monster", "net",  "online", "org",   "pro",  "pw",     "sbs",
    "shop",    "site", "space", "store",   "tech", "tk",     "today", "top",  "vip",    "vn",
    "website", "win",  "work",  "world",   "xyz",  "zone",   NULL,
};
static const char *const TLD_WEAK[] = {
    "ac", "ai", "am",  "at",  "au", "be", "ca", "ch",  "cn", "co", "cz", "de", "es",
    "eu", "fm", "fr",  "gg",  "hk", "id", "im", "in",  "is", "it", "jp", "kr", "la",
    "lv", "me", "men", "moi", "my", "nl", "no", "ph",  "pl", "ru", "se", "sg", "so",
    "sx", "th", "to",  "tv",  "tw", "uk", "us", "vin", "ws", NULL,
};

/* 2: strong TLD, 1: weak, 0: not a TLD we accept in text. */
static int tld_class(const char *p, size_t n)
{
    char low[12];
    if (n < 2 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!vn_is_ascii_alpha(p[i]))
            return 0;
        low[i] = (char)vn_lower(p[i]);
    }
    low[n] = '\0';
    for (size_t i = 0; TLD_STRONG[i]; i++)
        if (strcmp(TLD_STRONG[i], low) == 0)
            return 2;
    for (size_t i = 0; TLD_WEAK[i]; i++)
        if (strcmp(TLD_WEAK[i], low) == 0)
            return 1;
    return 0;
}

/* ---------- links and social profiles ---------- */

static int host_is(struct vn_str h, const char *name)
{
    size_t n = strlen(name);
    return h.len == n && memcmp(h.p, name, n) == 0;
}

/* First path segment of a canonical URL value after its host ("host/seg/..."). */
static struct vn_str first_seg(struct vn_str v, struct vn_str h, size_t *rest)
{
    struct vn_str r = {NULL, 0};
    size_t i = h.len;
    while (i < v.len && v.p[i] != '/' && v.p[i] != '?')
        i++; /* port */
    if (i >= v.len || v.p[i] != '/')
        return r;
    i++;
    size_t j = i;
    while (j < v.len && v.p[j] != '/' && v.p[j] != '?')
        j++;
    r.p = v.p + i;
    r.len = j - i;
    *rest = j;
    return r;
}

static int seg_ok(struct vn_str g, int allow_at)
{
    if (g.len < 1 || g.len > 64)
        return 0;
    for (size_t i = 0; i < g.len; i++) {
        char c = g.p[i];
        if (!(is_alnum(c) || c == '.' || c == '_' || c == '-' || (allow_at && i == 0 && c == '@')))
            return 0;
    }
    return 1;
}

static int seg_in(struct vn_str g, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == g.len && memcmp(list[i], g.p, g.len) == 0)
            return 1;
    return 0;
}

/* Value "platform:handle" for a profile link, or {NULL,0}. */
static enum td_err social_of_url(struct arena *a, struct vn_str v, struct vn_str h,
                                 struct vn_str *out)
{
    static const char *const fb_skip[] = {
        "share", "sharer",    "sharer.php", "story.php", "photo",         "photo.php",  "photos",
        "watch", "events",    "login",      "login.php", "permalink.php", "reel",       "posts",
        "help",  "policies",  "privacy",    "settings",  "marketplace",   "gaming",     "hashtag",
        "pages", "l.php",     "dialog",     "plugins",   "ads",           "business",   "messages",
        "notes", "video.php", "media",      "stories",   "recover",       "checkpoint", NULL,
    };
    static const char *const ig_skip[] = {"p",        "reel",   "reels", "stories", "explore",
                                          "accounts", "direct", "tv",    NULL};
    static const char *const x_skip[] = {"i",       "home",  "search",  "intent",   "share",
                                         "hashtag", "login", "explore", "settings", NULL};
    out->p = NULL;
    out->len = 0;
    size_t rest = 0;
    struct vn_str g = first_seg(v, h, &rest);
    int plat = P_NONE;
    const char *pre = "";
    struct vn_str handle = g;
    char tmp[24];
    if (host_is(h, "facebook.com") || host_is(h, "m.facebook.com") ||
        host_is(h, "web.facebook.com") || host_is(h, "mbasic.facebook.com") ||
        host_is(h, "touch.facebook.com") || host_is(h, "fb.com") || host_is(h, "fb.me") ||
        host_is(h, "m.me")) {
        plat = P_FB;
        if (g.len == 11 && memcmp(g.p, "profile.php", 11) == 0) {
            /* profile.php?id=N */
            const char *q = memchr(v.p, '?', v.len);
            handle.p = NULL;
            while (q && q < v.p + v.len) {
                q++;
                if ((size_t)(v.p + v.len - q) > 3 && memcmp(q, "id=", 3) == 0) {
                    const char *e = q + 3;
                    while (e < v.p + v.len && vn_is_ascii_digit(*e))
                        e++;
                    if (e > q + 3) {
                        handle.p = q + 3;
                        handle.len = (size_t)(e - (q + 3));
                    }
                    break;
                }
                q = memchr(q, '&', (size_t)(v.p + v.len - q));
            }
            if (handle.p == NULL)
                return TD_OK;
        } else if (g.len == 6 && memcmp(g.p, "groups", 6) == 0) {
            size_t r2 = 0;
            struct vn_str v2 = {v.p + rest, v.len - rest};
            struct vn_str h2 = {v.p + rest, 0};
            struct vn_str g2 = first_seg(v2, h2, &r2);
            if (!seg_ok(g2, 0))
                return TD_OK;
            pre = "groups/";
            handle = g2;
        } else if (!seg_ok(g, 0) || seg_in(g, fb_skip)) {
            return TD_OK;
        }
    } else if (host_is(h, "zalo.me")) {
        plat = P_ZALO;
        if (!seg_ok(g, 0))
            return TD_OK;
        int digits = 1;
        for (size_t i = 0; i < g.len; i++)
            digits &= vn_is_ascii_digit(g.p[i]);
        if (digits && g.len < 16 && vn_phone_digits(g.p, g.len, tmp) > 0) {
            handle.p = tmp;
            handle.len = strlen(tmp);
        } else if (g.len == 1 && g.p[0] == 'g') {
            return TD_OK; /* group invite */
        }
    } else if (host_is(h, "t.me") || host_is(h, "telegram.me")) {
        plat = P_TG;
        if (!seg_ok(g, 0) || g.p[0] == '+' ||
            seg_in(g, (const char *const[]){"joinchat", "s", "c", "share", NULL}))
            return TD_OK;
    } else if (host_is(h, "tiktok.com") || host_is(h, "m.tiktok.com")) {
        plat = P_TT;
        if (g.len < 2 || g.p[0] != '@' || !seg_ok(g, 1))
            return TD_OK;
    } else if (host_is(h, "instagram.com")) {
        plat = P_IG;
        if (!seg_ok(g, 0) || seg_in(g, ig_skip))
            return TD_OK;
    } else if (host_is(h, "threads.net") || host_is(h, "threads.com")) {
        plat = P_THREADS;
        if (g.len < 2 || g.p[0] != '@' || !seg_ok(g, 1))
            return TD_OK;
    } else if (host_is(h, "twitter.com") || host_is(h, "x.com")) {
        plat = P_X;
        if (!seg_ok(g, 0) || seg_in(g, x_skip))
            return TD_OK;
    } else if (host_is(h, "youtube.com") || host_is(h, "m.youtube.com")) {
        plat = P_YT;
        if (g.len < 2 || g.p[0] != '@' || !seg_ok(g, 1))
            return TD_OK;
    } else {
        return TD_OK;
    }
    const char *pn = PLATFORM[plat];
    size_t pl = strlen(pn), prl = strlen(pre);
    int at = PLAT_AT[plat] && handle.len && handle.p[0] != '@';
    char *o = arena_alloc(a, pl + 1 + prl + (size_t)at + handle.len + 1);
    if (o == NULL)
        return TD_ENOMEM;
    size_t w = 0;
    memcpy(o, pn, pl);
    w = pl;
    o[w++] = ':';
    memcpy(o + w, pre, prl);
    w += prl;
    if (at)
        o[w++] = '@';
    for (size_t i = 0; i < handle.len; i++)
        o[w++] = (char)vn_lower(handle.p[i]);
    o[w] = '\0';
    out->p = o;
    out->len = w;
    return TD_OK;
}

/* A link candidate for s[b..e): URL, DOMAIN (bare, no path) or SOCIAL (profile link). */
static enum td_err add_link(struct ctx *x, size_t b, size_t e, int bare)
{
    struct vn_str v, h;
    e = b + vn_url_trim(x->s + b, e - b);
    if (e <= b)
        return TD_OK;
    enum td_err rc = vn_canon_url(x->a, x->s + b, e - b, &v, &h);
    if (rc == TD_ENOMEM)
        return rc;
    if (rc != TD_OK)
        return TD_OK;
    struct vn_str soc;
    if ((rc = social_of_url(x->a, v, h, &soc)) != TD_OK)
        return rc;
    enum vn_entity_kind kind = soc.p                    ? VN_ENT_SOCIAL
                               : bare && v.len == h.len ? VN_ENT_DOMAIN
                                                        : VN_ENT_URL;
    struct cand *c = add(x, kind, b, e, PR_URL);
    if (c == NULL)
        return TD_ENOMEM;
    c->e.host = h;
    if (soc.p) {
        c->e.value = soc;
        c->e.url = v;
    } else {
        c->e.value = kind == VN_ENT_DOMAIN ? h : v;
    }
    return TD_OK;
}

static int ci_eq(const char *p, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vn_lower(p[i]) != lit[i])
            return 0;
    return 1;
}

/* URLs with a scheme: "http://", "https://" (and the defanged "hxxp(s)://"). */
static enum td_err find_scheme_urls(struct ctx *x)
{
    const char *s = x->s;
    size_t len = x->len;
    for (size_t i = 0; i + 3 <= len; i++) {
        if (s[i] != ':' || s[i + 1] != '/' || i + 2 >= len || s[i + 2] != '/')
            continue;
        size_t b = i;
        while (b > 0 && vn_is_ascii_alpha(s[b - 1]) && i - b < 6)
            b--;
        size_t sl = i - b;
        if (!((sl == 4 && (ci_eq(s + b, "http", 4) || ci_eq(s + b, "hxxp", 4))) ||
              (sl == 5 && (ci_eq(s + b, "https", 5) || ci_eq(s + b, "hxxps", 5)))))
            continue;
        size_t e = url_tail(s, len, i + 3);
        enum td_err rc = add_link(x, b, e, 0);
        if (rc != TD_OK)
            return rc;
        i = e > i ? e - 1 : i;
    }
    return TD_OK;
}

/* Bare hosts: "vaynhanh-sinhvien.xyz", "facebook.com/x", "www.abc.vn". */
static enum td_err find_bare_hosts(struct ctx *x)
{
    const char *s = x->s;
    size_t len = x->len;
    size_t pos = 0; /* bytes before pos are done */
    while (pos < len) {
        /* a host has a dot with a label character on both sides: look only there */
        const char *d = memchr(s + pos, '.', len - pos);
        if (d == NULL)
            break;
        size_t dot = (size_t)(d - s);
        if (dot == pos || dot + 1 >= len || s[dot + 1] == '-' || !hostch(s, len, dot + 1)) {
            pos = dot + 1;
            continue;
        }
        /* back to the start of this run of host characters and dots */
        size_t i = dot;
        while (i > pos) {
            size_t pb = i - 1;
            while (pb > pos && ((unsigned char)s[pb] & 0xC0) == 0x80)
                pb--;
            if (s[pb] == '.' || hostch(s, len, pb))
                i = pb;
            else
                break;
        }
        while (i < dot && (s[i] == '-' || s[i] == '_' || s[i] == '.'))
            i++;
        if (i == dot) {
            pos = dot + 1;
            continue;
        }
        if (i > 0) {
            /* not inside an address or a path */
            char p = s[i - 1];
            if (p == '@' || p == '/' || p == '%' || p == '\\' || p == '=' || p == '&' || p == '+' ||
                p == '.') {
                size_t l;
                pos = i;
                while (pos < len && ((l = hostch(s, len, pos)) != 0 || s[pos] == '.'))
                    pos += l ? l : 1;
                continue;
            }
        }
        /* labels */
        size_t j = i, labels = 0, last = i;
        for (;;) {
            size_t ls = j;
            size_t l;
            while (j < len && (l = hostch(s, len, j)) != 0)
                j += l;
            if (j == ls)
                break;
            labels++;
            last = ls;
            if (j + 1 < len && s[j] == '.' && hostch(s, len, j + 1) && s[j + 1] != '-')
                j++;
            else
                break;
        }
        size_t he = j;
        int tc = labels >= 2 ? tld_class(s + last, he - last) : 0;
        int www = he - i > 4 && ci_eq(s + i, "www.", 4);
        if (tc == 0 || (he < len && s[he] == '@')) {
            pos = he > dot ? he : dot + 1;
            continue;
        }
        size_t e = he;
        if (e + 1 < len && s[e] == ':' && vn_is_ascii_digit(s[e + 1])) {
            e++;
            while (e < len && vn_is_ascii_digit(s[e]))
                e++;
        }
        int path = e < len && (s[e] == '/' || s[e] == '?' || s[e] == '#');
        if (path)
            e = url_tail(s, len, e);
        if (path || www || tc == 2) {
            enum td_err rc = add_link(x, i, e, 1);
            if (rc != TD_OK)
                return rc;
        }
        pos = e > dot ? e : dot + 1;
    }
    return TD_OK;
}

/* ---------- e-mail and @handles ---------- */

static int local_ch(int c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

static int handle_ch(int c)
{
    return is_alnum(c) || c == '.' || c == '_';
}

/* Platform for a handle at tokens [tb, te): nearest platform word within 12 tokens before or 3
 * after; if none but a generic cue (nick, tài khoản, kênh...) is near, the nearest platform word
 * anywhere before; P_NONE with *known = 0 when there is no cue at all. */
static int platform_near(const struct ctx *x, size_t tb, size_t te, int *known)
{
    *known = 1;
    for (size_t d = 1; d <= 12; d++) {
        if (tb >= d && (x->cue[tb - d] >> CUE_PLAT_SHIFT))
            return (int)(x->cue[tb - d] >> CUE_PLAT_SHIFT);
        if (d <= 3 && te + d - 1 < x->nt && (x->cue[te + d - 1] >> CUE_PLAT_SHIFT))
            return (int)(x->cue[te + d - 1] >> CUE_PLAT_SHIFT);
    }
    size_t lo = tb > 6 ? tb - 6 : 0;
    if (!cue_in(x, lo, tb, CUE_HANDLE) && !cue_in(x, te, te + 2, CUE_HANDLE)) {
        *known = 0;
        return P_NONE;
    }
    return x->platprev[tb];
}

static enum td_err add_handle(struct ctx *x, size_t b, size_t hb, size_t e)
{
    /* s[b..e) is the whole span, s[hb..e) the handle without '@' */
    size_t tb = tok_at(x, b), te = tok_at(x, e);
    int known;
    int plat = platform_near(x, tb, te, &known);
    if (!known)
        return TD_OK;
    const char *pn = PLATFORM[plat];
    size_t pl = strlen(pn), hl = e - hb;
    int at = PLAT_AT[plat];
    char *o = arena_alloc(x->a, pl + 2 + hl + 1);
    if (o == NULL)
        return TD_ENOMEM;
    size_t w = 0;
    memcpy(o, pn, pl);
    w = pl;
    o[w++] = ':';
    if (at)
        o[w++] = '@';
    for (size_t k = hb; k < e; k++)
        o[w++] = (char)vn_lower(x->s[k]);
    o[w] = '\0';
    struct cand *c = add(x, VN_ENT_SOCIAL, b, e, PR_HANDLE);
    if (c == NULL)
        return TD_ENOMEM;
    c->e.value.p = o;
    c->e.value.len = w;
    return TD_OK;
}

static enum td_err find_at(struct ctx *x)
{
    const char *s = x->s;
    size_t len = x->len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '@')
            continue;
        /* e-mail: local part to the left, a domain with a dot to the right */
        /* both walks are bounded (local part <= 64, domain <= 255 bytes), so a text full of
         * '@' stays linear */
        size_t b = i;
        while (b > 0 && i - b < 65 && local_ch(s[b - 1]))
            b--;
        while (b < i && s[b] == '.')
            b++;
        size_t e = i + 1, lastdot = 0;
        size_t l;
        while (e < len && e - i < 256 && ((l = hostch(s, len, e)) != 0 || s[e] == '.')) {
            if (s[e] == '.')
                lastdot = e;
            e += l ? l : 1;
        }
        while (e > i + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
            e--;
        lastdot = 0;
        for (size_t k = i + 1; k < e; k++)
            if (s[k] == '.')
                lastdot = k;
        /* "http://user:pw@host" is a URL's user info, not an address */
        int in_url = 0;
        for (size_t q = b; q > 0 && b - q < 128 && !in_url && (unsigned char)s[q - 1] > 0x20; q--)
            in_url = q >= 3 && s[q - 1] == '/' && s[q - 2] == '/' && s[q - 3] == ':';
        if (b < i && lastdot > i + 1 && !in_url) {
            struct vn_str v;
            enum td_err rc = vn_canon_email(x->a, s + b, e - b, &v);
            if (rc == TD_ENOMEM)
                return rc;
            if (rc == TD_OK) {
                struct cand *c = add(x, VN_ENT_EMAIL, b, e, PR_EMAIL);
                if (c == NULL)
                    return TD_ENOMEM;
                c->e.value = v;
                i = e - 1;
                continue;
            }
        }
        /* @handle: not glued to a word before it */
        if (i > 0 && (handle_ch(s[i - 1]) || (unsigned char)s[i - 1] >= 0x80))
            continue;
        size_t he = i + 1;
        while (he < len && handle_ch(s[he]) && he - i <= 32)
            he++;
        if (he < len && handle_ch(s[he]))
            continue; /* too long */
        while (he > i + 1 && s[he - 1] == '.')
            he--;
        if (he - (i + 1) < 2 || he - (i + 1) > 30)
            continue;
        enum td_err rc = add_handle(x, i, i + 1, he);
        if (rc != TD_OK)
            return rc;
        i = he - 1;
    }
    return TD_OK;
}

/* "nick: trinh.ng.2004": a handle without '@' right after nick / username / id. */
static enum td_err find_nick(struct ctx *x)
{
    const char *s = x->s;
    size_t len = x->len;
    for (size_t k = 0; k < x->nt; k++) {
        if (!(x->cue[k] & CUE_NICKSEP))
            continue;
        size_t i = x->t[k].end;
        while (i < len && (s[i] == ' ' || s[i] == ':'))
            i++;
        if (i >= len || !is_alnum(s[i]) || i - x->t[k].end > 4)
            continue;
        size_t e = i;
        int special = 0, letters = 0;
        while (e < len && handle_ch(s[e]) && e - i <= 32) {
            letters |= vn_is_ascii_alpha(s[e]);
            e++;
        }
        if (e < len &&
            (handle_ch(s[e]) || s[e] == '@' || s[e] == '/' || (unsigned char)s[e] >= 0x80))
            continue;
        while (e > i && s[e - 1] == '.')
            e--;
        for (size_t q = i; q < e; q++)
            special |= s[q] == '.' || s[q] == '_' || vn_is_ascii_digit(s[q]);
        if (e - i < 3 || e - i > 30 || !special || !letters)
            continue;
        enum td_err rc = add_handle(x, i, i, e);
        if (rc != TD_OK)
            return rc;
    }
    return TD_OK;
}

/* ---------- digit groups: phones and bank accounts ---------- */

#define MAXG 8

struct groups {
    size_t n;          /* groups */
    size_t end[MAXG];  /* byte end of group g */
    size_t ndig[MAXG]; /* digits in group g */
    char sep[MAXG];    /* separator before group g (0 for the first) */
    char d[24];        /* all digits */
    size_t nd;
};

static int money_unit_after(const struct ctx *x, size_t e);

static int money_shaped(const struct groups *g, size_t ng)
{
    if (ng < 2 || g->ndig[0] > 3)
        return 0;
    int dotcomma = 0;
    for (size_t k = 1; k < ng; k++) {
        if (g->ndig[k] != 3)
            return 0;
        dotcomma |= g->sep[k] == '.' || g->sep[k] == ',';
    }
    return dotcomma;
}

static enum td_err find_digits(struct ctx *x)
{
    const char *s = x->s;
    size_t len = x->len;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        int plus = c == '+' && i + 1 < len && vn_is_ascii_digit(s[i + 1]);
        int paren = c == '(' && i + 1 < len && vn_is_ascii_digit(s[i + 1]);
        if (!vn_is_ascii_digit(c) && !plus && !paren) {
            i++;
            continue;
        }
        if (i > 0) {
            char p = s[i - 1];
            if (is_alnum(p) || p == '_' || p == '/' || p == '\\' || p == '$' ||
                ((p == '.' || p == ',') && i > 1 && vn_is_ascii_digit(s[i - 2]))) {
                while (i < len && (vn_is_ascii_digit(s[i]) || s[i] == '+' || s[i] == '('))
                    i++;
                continue;
            }
        }
        size_t start = i;
        size_t j = i + (size_t)(plus || paren);
        struct groups g;
        memset(&g, 0, sizeof g);
        int open = paren;
        for (;;) {
            size_t ds = j;
            while (j < len && vn_is_ascii_digit(s[j]) && g.nd < sizeof g.d - 1)
                g.d[g.nd++] = s[j++];
            if (j < len && vn_is_ascii_digit(s[j])) { /* too many digits: give up this run */
                while (j < len && vn_is_ascii_digit(s[j]))
                    j++;
                g.n = 0;
                break;
            }
            g.ndig[g.n] = j - ds;
            g.end[g.n] = j;
            g.n++;
            if (g.n == MAXG)
                break;
            /* separator: one of " .-", or ") " / ")" closing an area code */
            size_t k = j;
            char sp = 0;
            if (open && k < len && s[k] == ')') {
                open = 0;
                k++;
                sp = ')';
                if (k < len && s[k] == ' ')
                    k++;
            } else if (k < len && (s[k] == ' ' || s[k] == '.' || s[k] == '-' || s[k] == ',')) {
                sp = s[k];
                k++;
            }
            if (sp == 0 || k >= len || !vn_is_ascii_digit(s[k]))
                break;
            g.sep[g.n] = sp;
            j = k;
        }
        size_t runend = j;
        if (g.n == 0) {
            i = runend > i ? runend : i + 1;
            continue;
        }
        /* phone: the longest group prefix that is a valid number */
        size_t ti = tok_at(x, start);
        int direct = ti > 0 && cue_in(x, ti >= 3 ? ti - 3 : 0, ti, CUE_ACCT);
        size_t nd = 0;
        size_t best_phone = 0;
        char e164[24];
        for (size_t k = 0; k < g.n; k++) {
            nd += g.ndig[k];
            if (nd > 15)
                break;
            if (g.sep[k] == ',')
                break;
            if ((!plus || (g.d[0] == '8' && g.d[1] == '4')) && vn_phone_digits(g.d, nd, e164) > 0)
                best_phone = k + 1;
        }
        if (best_phone) {
            size_t dn = 0;
            for (size_t k = 0; k < best_phone; k++)
                dn += g.ndig[k];
            vn_phone_digits(g.d, dn, e164);
            /* "(028) 3822 1234" keeps its '('; "(0912 345 678)" does not */
            size_t ps = start + (size_t)(paren && (best_phone < 2 || g.sep[1] != ')'));
            struct cand *cp = add(x, VN_ENT_PHONE, ps, g.end[best_phone - 1], PR_PHONE);
            if (cp == NULL)
                return TD_ENOMEM;
            cp->e.value.p = arena_strdup(x->a, e164);
            if (cp->e.value.p == NULL)
                return TD_ENOMEM;
            cp->e.value.len = strlen(e164);
        }
        /* bank account: 8..19 digits near a cue, not money */
        if (!plus) {
            size_t best = 0;
            nd = 0;
            for (size_t k = 0; k < g.n; k++) {
                nd += g.ndig[k];
                if (nd > 19)
                    break;
                if (nd >= 8)
                    best = k + 1;
            }
            if (best) {
                size_t bd = 0;
                for (size_t k = 0; k < best; k++)
                    bd += g.ndig[k];
                size_t be = g.end[best - 1];
                size_t te = tok_at(x, be);
                int near = cue_in(x, ti >= 8 ? ti - 8 : 0, te + 5, CUE_ACCT | CUE_BANK);
                int moneyish = money_shaped(&g, best) || money_unit_after(x, be);
                int phone_same = best_phone == best;
                if (near && (!moneyish || direct) && (!phone_same || direct)) {
                    struct cand *cb = add(x, VN_ENT_BANK_ACCOUNT, start + (size_t)paren, be,
                                          direct ? PR_ACCT_DIRECT : PR_BANK);
                    if (cb == NULL)
                        return TD_ENOMEM;
                    cb->e.value.p = arena_strndup(x->a, g.d, bd);
                    if (cb->e.value.p == NULL)
                        return TD_ENOMEM;
                    cb->e.value.len = bd;
                }
            }
        }
        i = runend > i ? runend : i + 1;
    }
    return TD_OK;
}

/* ---------- money ---------- */

/* Multiplier of a unit token (0 if not a unit); *cur = 1 VND, 2 USD, 3 EUR; *adj_only when the
 * unit only counts glued to the number ("500k", not "500 k"). */
static double unit_of(const struct vn_token *t, int *cur, int *adj_only)
{
    *cur = 1;
    *adj_only = 0;
    if (t->kind == VN_TOK_SYMBOL) {
        if (acc_is(t, "\xe2\x82\xab")) /* ₫ */
            return 1;
        if (acc_is(t, "\xe2\x82\xac")) { /* € */
            *cur = 3;
            return 1;
        }
        return 0;
    }
    if (t->kind != VN_TOK_WORD)
        return 0;
    if (fold_is(t, "k")) {
        *adj_only = 1;
        return 1e3;
    }
    if (fold_is(t, "nghin") || fold_is(t, "ngan"))
        return 1e3;
    if (fold_is(t, "tr") || fold_is(t, "trieu"))
        return 1e6;
    if (acc_is(t, "củ"))
        return 1e6;
    if (acc_is(t, "tỷ") || acc_is(t, "tỉ") || fold_is(t, "ty"))
        return 1e9;
    if (acc_is(t, "đ") || acc_is(t, "đồng") || fold_is(t, "vnd") || acc_is(t, "vnđ"))
        return 1;
    if (fold_is(t, "d") || fold_is(t, "dong")) {
        *adj_only = 1;
        return 1;
    }
    if (fold_is(t, "usd") || acc_is(t, "đô") || fold_is(t, "dollar") || fold_is(t, "dola") ||
        fold_is(t, "dollars")) {
        *cur = 2;
        return 1;
    }
    if (fold_is(t, "euro") || fold_is(t, "eur")) {
        *cur = 3;
        return 1;
    }
    return 0;
}

static int count_word(const struct vn_token *t)
{
    static const char *const w[] = {"view",      "views", "like",  "likes", "follow", "follower",
                                    "followers", "sub",   "subs",  "luot",  "mem",    "member",
                                    "members",   "tim",   "share", "fan",   "fans",   "nguoi",
                                    "km",        "buoc",  NULL};
    for (size_t i = 0; w[i]; i++)
        if (fold_is(t, w[i]))
            return 1;
    return 0;
}

static int only_sp(const char *s, size_t b, size_t e)
{
    if (e < b || e - b > 2)
        return 0;
    for (size_t k = b; k < e; k++)
        if (s[k] != ' ')
            return 0;
    return 1;
}

static int money_unit_after(const struct ctx *x, size_t e)
{
    size_t k = tok_at(x, e);
    if (k >= x->nt || !only_sp(x->s, e, x->t[k].start))
        return 0;
    int cur, adj;
    if (unit_of(&x->t[k], &cur, &adj) > 0 && (!adj || x->t[k].start == e))
        return 1;
    return e < x->len && x->s[e] == '$';
}

/* Parse a NUMBER token: "2.000.000" and "2,000,000" (thousands), "1,5" and "1.5" (decimal),
 * "2.000,5" (both). *grouped is set for thousands groups. Returns 0 if it is not an amount. */
static int parse_num(struct vn_str a, double *val, int *grouped)
{
    size_t ng = 0, gs[8], gl[8];
    char sep[8];
    *grouped = 0;
    size_t i = 0;
    while (i <= a.len) {
        if (ng == 8)
            return 0;
        size_t j = i;
        while (j < a.len && vn_is_ascii_digit(a.p[j]))
            j++;
        if (j < a.len && a.p[j] != '.' && a.p[j] != ',')
            return 0; /* non-ASCII digits */
        gs[ng] = i;
        gl[ng] = j - i;
        sep[ng] = j < a.len ? a.p[j] : 0;
        ng++;
        if (j - i == 0 || j - i > 15)
            return 0;
        i = j + 1;
    }
    double v = 0;
    size_t nint = ng; /* groups that form the integer part */
    int thousands = ng > 1 && gl[0] <= 3;
    for (size_t k = 1; k < ng && thousands; k++)
        if (gl[k] != 3 || sep[k - 1] != sep[0])
            thousands = 0;
    if (!thousands && ng >= 3) {
        /* "2.000,5": thousands, then one decimal group after the other separator */
        int ok = gl[0] <= 3 && sep[ng - 2] != sep[0];
        for (size_t k = 1; k + 1 < ng && ok; k++)
            ok = gl[k] == 3 && (k + 1 == ng - 1 || sep[k] == sep[0]);
        if (!ok)
            return 0;
        nint = ng - 1;
        thousands = 1;
    } else if (!thousands && ng == 2) {
        nint = 1;
    }
    for (size_t k = 0; k < nint; k++)
        for (size_t q = 0; q < gl[k]; q++)
            v = v * 10 + (a.p[gs[k] + q] - '0');
    if (nint < ng) {
        double f = 0.1;
        for (size_t q = 0; q < gl[ng - 1]; q++, f /= 10)
            v += (a.p[gs[ng - 1] + q] - '0') * f;
    }
    if (v > 1e15)
        return 0;
    *val = v;
    *grouped = thousands && nint > 1;
    return 1;
}

static enum td_err add_money(struct ctx *x, size_t b, size_t e, double amount, int cur)
{
    double rate = cur == 2 ? VN_RATE_USD : cur == 3 ? VN_RATE_EUR : 1;
    if (!(amount >= 1) || amount * rate > 1e15) /* nobody reports a quadrillion đồng */
        return TD_OK;
    int64_t orig = (int64_t)llround(amount);
    int64_t vnd = (int64_t)llround(amount * rate);
    struct cand *c = add(x, VN_ENT_MONEY, b, e, PR_MONEY);
    if (c == NULL)
        return TD_ENOMEM;
    char *o = arena_printf(x->a, "%lld", (long long)vnd);
    if (o == NULL)
        return TD_ENOMEM;
    c->e.value.p = o;
    c->e.value.len = strlen(o);
    c->e.amount = vnd;
    c->e.amount_orig = orig;
    c->e.currency = cur == 2 ? "USD" : cur == 3 ? "EUR" : "VND";
    return TD_OK;
}

static int dollar_before(const char *s, size_t b, size_t *pos)
{
    if (b >= 1 && s[b - 1] == '$') {
        *pos = b - 1;
        return 2;
    }
    if (b >= 3 && (unsigned char)s[b - 3] == 0xE2 && (unsigned char)s[b - 2] == 0x82 &&
        (unsigned char)s[b - 1] == 0xAC) {
        *pos = b - 3;
        return 3;
    }
    return 0;
}

static enum td_err find_money(struct ctx *x)
{
    const struct vn_token *t = x->t;
    const char *s = x->s;
    for (size_t k = 0; k < x->nt; k++) {
        if (t[k].kind != VN_TOK_NUMBER)
            continue;
        double v;
        int grouped;
        if (t[k].start > 0) {
            /* not the digits of a handle, a code or a word ("ngoc2k4", "B2") */
            unsigned char p = (unsigned char)s[t[k].start - 1];
            if (is_alnum(p) || p == '_' || p == '@' || p == '.' || p == '/' || p >= 0x80)
                continue;
        }
        if (!parse_num(t[k].acc, &v, &grouped))
            continue;
        size_t b = t[k].start, e = t[k].end, last = k;
        int cur = 1;
        double mult = 0;
        size_t pre;
        int pc = dollar_before(s, b, &pre);
        if (pc) {
            cur = pc;
            mult = 1;
            b = pre;
        }
        /* unit after */
        if (mult == 0 && k + 1 < x->nt && only_sp(s, t[k].end, t[k + 1].start)) {
            int c2, adj;
            double m = unit_of(&t[k + 1], &c2, &adj);
            /* "5 trăm nghìn", "2 trăm k" */
            if (m == 0 && fold_is(&t[k + 1], "tram") && k + 2 < x->nt &&
                only_sp(s, t[k + 1].end, t[k + 2].start)) {
                double m2 = unit_of(&t[k + 2], &c2, &adj);
                if (m2 == 1e3 && c2 == 1) {
                    mult = 1e5;
                    cur = 1;
                    last = k + 2;
                    e = t[k + 2].end;
                }
            } else if (m > 0 && (!adj || t[k + 1].start == t[k].end)) {
                /* "củ" must not be a vegetable ("2 củ khoai") */
                int veg = acc_is(&t[k + 1], "củ") && k + 2 < x->nt &&
                          t[k + 2].kind == VN_TOK_WORD &&
                          only_sp(s, t[k + 1].end, t[k + 2].start) &&
                          (fold_is(&t[k + 2], "khoai") || fold_is(&t[k + 2], "hanh") ||
                           fold_is(&t[k + 2], "toi") || fold_is(&t[k + 2], "ca") ||
                           fold_is(&t[k + 2], "cai") || fold_is(&t[k + 2], "gung") ||
                           fold_is(&t[k + 2], "san") || fold_is(&t[k + 2], "dau"));
                /* "50k view", "10k follow": a count, not money */
                int count = fold_is(&t[k + 1], "k") && k + 2 < x->nt &&
                            only_sp(s, t[k + 1].end, t[k + 2].start) && count_word(&t[k + 2]);
                if (!veg && !count) {
                    mult = m;
                    cur = c2;
                    last = k + 1;
                    e = t[k + 1].end;
                }
            }
        }
        if (mult == 0 && e < x->len &&
            (s[e] == '$' || (e + 1 < x->len && s[e] == ' ' && s[e + 1] == '$'))) {
            mult = 1;
            cur = 2;
            e = s[e] == '$' ? e + 1 : e + 2;
        }
        if (mult == 0) {
            /* a thousands-grouped number after a money word: "chuyển 500.000" */
            if (grouped && v >= 1000 && cue_in(x, k >= 4 ? k - 4 : 0, k, CUE_MONEYV | CUE_ACCT)) {
                mult = 1;
            } else {
                continue;
            }
        }
        double amount = v * mult;
        /* "2k5", "2k10": born in 2005, 2010 (students' slang), not 2 500 đồng */
        if (mult == 1e3 && v == 2 && last == k + 1 && last + 1 < x->nt &&
            t[last + 1].kind == VN_TOK_NUMBER && t[last + 1].start == t[last].end &&
            t[last + 1].acc.len <= 2)
            continue;
        /* "1tr5", "1k5": digits glued after the unit are the next decimal places */
        if (mult >= 1e3 && last + 1 < x->nt && t[last + 1].kind == VN_TOK_NUMBER &&
            t[last + 1].start == t[last].end && t[last + 1].acc.len <= 3 && last > k) {
            int ok = 1;
            for (size_t q = 0; q < t[last + 1].acc.len; q++)
                ok &= vn_is_ascii_digit(t[last + 1].acc.p[q]);
            if (ok) {
                double f = 0;
                for (size_t q = 0; q < t[last + 1].acc.len; q++)
                    f = f * 10 + (t[last + 1].acc.p[q] - '0');
                amount += f * mult / pow(10.0, (double)t[last + 1].acc.len);
                last++;
                e = t[last].end;
            }
        } else if (mult >= 1e3 && last > k && last + 1 < x->nt &&
                   only_sp(s, t[last].end, t[last + 1].start) && fold_is(&t[last + 1], "ruoi")) {
            amount += mult / 2; /* "1 triệu rưỡi" */
            last++;
            e = t[last].end;
        } else if (mult >= 1e6 && last > k && last + 2 < x->nt &&
                   t[last + 1].kind == VN_TOK_NUMBER &&
                   only_sp(s, t[last].end, t[last + 1].start) &&
                   only_sp(s, t[last + 1].end, t[last + 2].start)) {
            /* "1 triệu 500 nghìn" */
            int c3, adj3;
            double m3 = unit_of(&t[last + 2], &c3, &adj3);
            double v3;
            int g3;
            if (m3 > 0 && m3 < mult && c3 == cur &&
                (!adj3 || t[last + 2].start == t[last + 1].end) &&
                parse_num(t[last + 1].acc, &v3, &g3)) {
                amount += v3 * m3;
                last += 2;
                e = t[last].end;
            }
        }
        /* range "2-3tr": the amount is the upper bound, the span covers both */
        if (k > 0 && t[k - 1].kind == VN_TOK_NUMBER && !pc) {
            size_t gb = t[k - 1].end, ge = t[k].start;
            size_t q = gb;
            while (q < ge && s[q] == ' ')
                q++;
            size_t dash = 0;
            if (q < ge && (s[q] == '-' || s[q] == '~'))
                dash = 1;
            else if (q + 3 <= ge && (unsigned char)s[q] == 0xE2 &&
                     (unsigned char)s[q + 1] == 0x80 &&
                     ((unsigned char)s[q + 2] == 0x93 || (unsigned char)s[q + 2] == 0x94))
                dash = 3;
            if (dash && only_sp(s, q + dash, ge) && q - gb <= 1) {
                double v0;
                int g0;
                if (parse_num(t[k - 1].acc, &v0, &g0) && v0 <= v)
                    b = t[k - 1].start;
            }
        }
        enum td_err rc = add_money(x, b, e, amount, cur);
        if (rc != TD_OK)
            return rc;
        k = last;
    }
    return TD_OK;
}

/* ---------- resolution ---------- */

static int cand_cmp(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;
    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    return a->e.start < b->e.start ? -1 : a->e.start > b->e.start;
}

static int ent_cmp(const void *pa, const void *pb)
{
    const struct vn_entity *a = pa, *b = pb;
    return a->start < b->start ? -1 : a->start > b->start;
}

enum td_err vn_extract_entities_tok(struct arena *a, const char *s, size_t len,
                                    const struct vn_tokens *toks, struct vn_entities *out)
{
    enum td_err rc;
    struct ctx x;
    out->v = NULL;
    out->n = 0;
    if ((rc = vn_utf8_check(s, len)) != TD_OK)
        return rc;
    memset(&x, 0, sizeof x);
    x.a = a;
    x.s = s;
    x.len = len;
    x.t = toks->v;
    x.nt = toks->n;
    x.cue = arena_alloc(a, (x.nt + 1) * sizeof *x.cue);
    x.platprev = arena_alloc(a, x.nt + 1);
    if (x.cue == NULL || x.platprev == NULL)
        return TD_ENOMEM;
    compute_cues(&x);
    if ((rc = find_at(&x)) != TD_OK || (rc = find_scheme_urls(&x)) != TD_OK ||
        (rc = find_bare_hosts(&x)) != TD_OK || (rc = find_digits(&x)) != TD_OK ||
        (rc = find_money(&x)) != TD_OK || (rc = find_nick(&x)) != TD_OK)
        return rc;
    if (x.nc == 0)
        return TD_OK;
    /* by priority, then position; keep what does not overlap a kept one (a byte map of the
     * kept spans keeps this linear in the text however many candidates there are) */
    qsort(x.c, x.nc, sizeof *x.c, cand_cmp);
    unsigned char *taken = arena_calloc(a, len + 1, 1);
    struct vn_entity *ev = arena_alloc(a, x.nc * sizeof *ev);
    if (ev == NULL || taken == NULL)
        return TD_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < x.nc; i++) {
        const struct vn_entity *c = &x.c[i].e;
        int clash = c->end <= c->start || c->end > len;
        for (size_t k = c->start; k < c->end && !clash; k++)
            clash = taken[k];
        if (clash)
            continue;
        memset(taken + c->start, 1, c->end - c->start);
        ev[n++] = *c;
    }
    qsort(ev, n, sizeof *ev, ent_cmp);
    out->v = ev;
    out->n = n;
    return TD_OK;
}

enum td_err vn_extract_entities(struct arena *a, const char *s, size_t len, struct vn_entities *out)
{
    struct vn_tokens toks;
    out->v = NULL;
    out->n = 0;
    enum td_err rc = vn_tokenize(a, NULL, s, len, &toks);
    if (rc != TD_OK)
        return rc;
    return vn_extract_entities_tok(a, s, len, &toks, out);
}
