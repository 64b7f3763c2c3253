/*
 * Teencode map: the abbreviations and spellings students type, mapped to ordinary words.
 *
 * File format (data/text/teencode.tsv; the same text is at the top of that file):
 *   - UTF-8 text, one entry per line; "\r\n" line ends are accepted.
 *   - A line starting with '#' is a comment; blank lines are ignored.
 *   - An entry is FROM <TAB> TO, optionally followed by <TAB> CONDITIONS.
 *       FROM  one word ("ko") or a phrase of several words separated by single spaces ("đậu má").
 *             It is compared with the normal form of tokens (vn.h), so case, decomposed input and
 *             tone placement do not matter. A FROM written with "d" also matches a token written
 *             with "đ" when no entry has the "đ" spelling ("dc" matches "đc").
 *             A one-word FROM may end with one of ~ ` ' glued to it ("di~"): the tokenizer then
 *             keeps that character in the token.
 *       TO    the expansion, written in ordinary Vietnamese (normalised at load). For a one-word
 *             FROM it may have several words ("stk" -> "số tài khoản"). For a phrase with as many
 *             words in TO as in FROM, word i of the phrase becomes word i of TO; otherwise the
 *             first token of the phrase gets all of TO and the others an empty expansion.
 *       CONDITIONS  space-separated terms; all must hold for the entry to apply:
 *             money        a number or a money word (see @money) within 5 tokens either side
 *             !money       none within 5 tokens
 *             num          the previous token is a number with only spaces between ("500k")
 *             !num         it is not
 *             prev=a|b|c   the previous token is one of these words (compared folded; the
 *                          last word of the previous token's expansion counts too) and only
 *                          spaces, or one glued '.', '-' or '/' ("v.v"), separate the two
 *             !prev=a|b|c  it is none of them (or there is no previous token)
 *             next=a|b|c   the next token (folded) is one of these, separated as for prev=
 *             !next=a|b|c  it is none of them (or there is no next token)
 *             alt          do not rewrite: record TO as another possible sense of the token
 *                          (vn_token.alt), for features such as profanity where guessing wrong
 *                          would destroy a real word ("cu", "hãm"). Every alt entry that holds
 *                          adds its sense; several senses are joined with '|'.
 *   - Several entries may share a FROM; they are tried in file order and the first rewriting
 *     entry whose conditions hold wins; alt entries are all collected, before or after it.
 *   - A directive line "@money w1 w2 ..." adds words (compared folded) that count as money
 *     context for the "money" condition. Numbers always count.
 *
 * Why conditions rather than a plain dictionary: most short teencode is also a real word or a
 * pronoun ("a" anh / "a" exclamation, "ck" chuyển khoản / chồng, "k" không / nghìn). An entry
 * only fires where the context makes it safe; otherwise the token stays as written.
 */
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"

enum {
    C_ALT = 1u << 0,
    C_MONEY = 1u << 1,
    C_NOMONEY = 1u << 2,
    C_NUM = 1u << 3,
    C_NONUM = 1u << 4,
};

struct wordset {
    struct vn_str *w;
    size_t n;
    int neg;
};

struct tc_entry {
    struct vn_str *from; /* nfrom words, normal form */
    size_t nfrom;
    struct vn_str to; /* normal form */
    struct vn_str tofold;
    struct vn_str *tow; /* phrase: nfrom words of TO (normal form) */
    struct vn_str *towf;
    unsigned flags;
    struct wordset prev, next;
    size_t next_entry; /* next entry with the same first word, or SIZE_MAX */
};

struct tc_slot {
    const char *key;
    size_t klen;
    size_t first, last;
};

struct vn_teencode {
    struct arena mem;
    struct tc_entry *e;
    size_t ne, ecap;
    struct tc_slot *slot;
    size_t nslot; /* power of two */
    struct vn_str *money;
    size_t nmoney, moneycap;
};

#define TC_WINDOW 5

static uint32_t fnv(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

static const struct tc_slot *find_slot(const struct vn_teencode *tc, const char *k, size_t n)
{
    if (tc->nslot == 0)
        return NULL;
    size_t m = tc->nslot - 1, i = fnv(k, n) & m;
    while (tc->slot[i].key != NULL) {
        if (tc->slot[i].klen == n && memcmp(tc->slot[i].key, k, n) == 0)
            return &tc->slot[i];
        i = (i + 1) & m;
    }
    return NULL;
}

int vn_teencode_has_key(const struct vn_teencode *tc, const char *acc, size_t len)
{
    return tc != NULL && find_slot(tc, acc, len) != NULL;
}

/* ---------- parsing ---------- */

static void set_err(char *err, size_t errlen, size_t line, const char *msg)
{
    if (err == NULL || errlen == 0)
        return;
    size_t o = 0;
    const char *pre = "teencode line ";
    for (size_t i = 0; pre[i] && o + 1 < errlen; i++)
        err[o++] = pre[i];
    char num[24];
    size_t nl = 0;
    do {
        num[nl++] = (char)('0' + line % 10);
        line /= 10;
    } while (line && nl < sizeof num);
    while (nl && o + 1 < errlen)
        err[o++] = num[--nl];
    if (o + 2 < errlen) {
        err[o++] = ':';
        err[o++] = ' ';
    }
    for (size_t i = 0; msg[i] && o + 1 < errlen; i++)
        err[o++] = msg[i];
    err[o] = '\0';
}

/* Split a normalised string on spaces into words (arena); returns count or SIZE_MAX (ENOMEM). */
static size_t split_words(struct arena *a, struct vn_str s, struct vn_str **out)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len;) {
        while (i < s.len && s.p[i] == ' ')
            i++;
        if (i < s.len)
            n++;
        while (i < s.len && s.p[i] != ' ')
            i++;
    }
    *out = NULL;
    if (n == 0)
        return 0;
    struct vn_str *w = arena_alloc(a, n * sizeof *w);
    if (w == NULL)
        return SIZE_MAX;
    size_t k = 0;
    for (size_t i = 0; i < s.len;) {
        while (i < s.len && s.p[i] == ' ')
            i++;
        size_t j = i;
        while (j < s.len && s.p[j] != ' ')
            j++;
        if (j > i) {
            char *c = arena_strndup(a, s.p + i, j - i);
            if (c == NULL)
                return SIZE_MAX;
            w[k].p = c;
            w[k].len = j - i;
            k++;
        }
        i = j;
    }
    *out = w;
    return n;
}

static enum td_err parse_set(struct arena *a, const char *p, size_t n, struct wordset *ws)
{
    /* "a|b|c", each word folded */
    size_t cnt = 1;
    for (size_t i = 0; i < n; i++)
        cnt += p[i] == '|';
    ws->w = arena_alloc(a, cnt * sizeof *ws->w);
    if (ws->w == NULL)
        return TD_ENOMEM;
    ws->n = 0;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != '|')
            j++;
        if (j == i)
            return TD_EINVAL;
        struct vn_str f;
        enum td_err rc = vn_fold(a, p + i, j - i, &f);
        if (rc != TD_OK)
            return rc;
        if (f.len == 0)
            return TD_EINVAL;
        ws->w[ws->n++] = f;
        i = j + 1;
    }
    return TD_OK;
}

static enum td_err parse_conds(struct arena *a, const char *p, size_t n, struct tc_entry *e)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == ' ')
            i++;
        size_t j = i;
        while (j < n && p[j] != ' ')
            j++;
        if (j == i)
            break;
        const char *t = p + i;
        size_t tl = j - i;
        int neg = t[0] == '!';
        const char *b = t + neg;
        size_t bl = tl - (size_t)neg;
        enum td_err rc = TD_OK;
#define IS(lit) (bl == sizeof(lit) - 1 && memcmp(b, lit, bl) == 0)
        if (!neg && IS("alt"))
            e->flags |= C_ALT;
        else if (IS("money"))
            e->flags |= neg ? C_NOMONEY : C_MONEY;
        else if (IS("num"))
            e->flags |= neg ? C_NONUM : C_NUM;
        else if (bl > 5 && memcmp(b, "prev=", 5) == 0 && e->prev.w == NULL) {
            rc = parse_set(a, b + 5, bl - 5, &e->prev);
            e->prev.neg = neg;
        } else if (bl > 5 && memcmp(b, "next=", 5) == 0 && e->next.w == NULL) {
            rc = parse_set(a, b + 5, bl - 5, &e->next);
            e->next.neg = neg;
        } else
            rc = TD_EINVAL;
#undef IS
        if (rc != TD_OK)
            return rc;
        i = j;
    }
    return TD_OK;
}

static enum td_err add_money(struct vn_teencode *tc, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t j = i;
        while (j < n && p[j] != ' ' && p[j] != '\t')
            j++;
        if (j > i) {
            struct vn_str f;
            enum td_err rc = vn_fold(&tc->mem, p + i, j - i, &f);
            if (rc != TD_OK)
                return rc;
            if (tc->nmoney == tc->moneycap) {
                size_t nc = tc->moneycap ? tc->moneycap * 2 : 32;
                struct vn_str *nm = arena_alloc(&tc->mem, nc * sizeof *nm);
                if (nm == NULL)
                    return TD_ENOMEM;
                if (tc->nmoney)
                    memcpy(nm, tc->money, tc->nmoney * sizeof *nm);
                tc->money = nm;
                tc->moneycap = nc;
            }
            tc->money[tc->nmoney++] = f;
        }
        i = j;
    }
    return TD_OK;
}

static enum td_err parse_line(struct vn_teencode *tc, const char *p, size_t n, const char **why)
{
    struct arena *a = &tc->mem;
    const char *tab1 = memchr(p, '\t', n);
    if (tab1 == NULL) {
        *why = "expected FROM<TAB>TO[<TAB>CONDITIONS]";
        return TD_EINVAL;
    }
    const char *rest = tab1 + 1;
    size_t restn = n - (size_t)(rest - p);
    const char *tab2 = memchr(rest, '\t', restn);
    size_t ton = tab2 ? (size_t)(tab2 - rest) : restn;
    if (tab2 && memchr(tab2 + 1, '\t', n - (size_t)(tab2 + 1 - p)) != NULL) {
        *why = "too many fields";
        return TD_EINVAL;
    }
    if (tc->ne == tc->ecap) {
        size_t nc = tc->ecap ? tc->ecap * 2 : 256;
        struct tc_entry *ne = arena_alloc(a, nc * sizeof *ne);
        if (ne == NULL)
            return TD_ENOMEM;
        if (tc->ne)
            memcpy(ne, tc->e, tc->ne * sizeof *ne);
        tc->e = ne;
        tc->ecap = nc;
    }
    struct tc_entry *e = &tc->e[tc->ne];
    memset(e, 0, sizeof *e);
    e->next_entry = SIZE_MAX;
    struct vn_str from;
    enum td_err rc = vn_normalize(a, p, (size_t)(tab1 - p), &from);
    if (rc == TD_OK)
        rc = vn_normalize(a, rest, ton, &e->to);
    if (rc == TD_EUTF8)
        *why = "invalid UTF-8";
    if (rc != TD_OK)
        return rc;
    size_t nf = split_words(a, from, &e->from);
    if (nf == SIZE_MAX)
        return TD_ENOMEM;
    if (nf == 0) {
        *why = "empty FROM";
        return TD_EINVAL;
    }
    e->nfrom = nf;
    size_t nt = split_words(a, e->to, &e->tow);
    if (nt == SIZE_MAX)
        return TD_ENOMEM;
    if (nt == 0) {
        *why = "empty TO";
        return TD_EINVAL;
    }
    if ((rc = vn_fold(a, e->to.p, e->to.len, &e->tofold)) != TD_OK)
        return rc;
    if (nf > 1 && nt == nf) {
        e->towf = arena_alloc(a, nf * sizeof *e->towf);
        if (e->towf == NULL)
            return TD_ENOMEM;
        for (size_t k = 0; k < nf; k++)
            if ((rc = vn_fold(a, e->tow[k].p, e->tow[k].len, &e->towf[k])) != TD_OK)
                return rc;
    }
    if (tab2 && (rc = parse_conds(a, tab2 + 1, n - (size_t)(tab2 + 1 - p), e)) != TD_OK) {
        if (rc == TD_EINVAL)
            *why = "unknown condition (money, !money, num, !num, prev=, next=, alt)";
        return rc;
    }
    tc->ne++;
    return TD_OK;
}

static enum td_err build_index(struct vn_teencode *tc)
{
    size_t ns = 16;
    while (ns < tc->ne * 2)
        ns *= 2;
    tc->slot = arena_calloc(&tc->mem, ns, sizeof *tc->slot);
    if (tc->slot == NULL)
        return TD_ENOMEM;
    tc->nslot = ns;
    for (size_t k = 0; k < tc->ne; k++) {
        struct vn_str key = tc->e[k].from[0];
        size_t i = fnv(key.p, key.len) & (ns - 1);
        while (tc->slot[i].key != NULL &&
               !(tc->slot[i].klen == key.len && memcmp(tc->slot[i].key, key.p, key.len) == 0))
            i = (i + 1) & (ns - 1);
        struct tc_slot *s = &tc->slot[i];
        if (s->key == NULL) {
            s->key = key.p;
            s->klen = key.len;
            s->first = s->last = k;
        } else {
            tc->e[s->last].next_entry = k;
            s->last = k;
        }
    }
    return TD_OK;
}

enum td_err vn_teencode_parse(const char *buf, size_t len, struct vn_teencode **out, char *err,
                              size_t errlen)
{
    enum td_err rc = TD_OK;
    struct vn_teencode *tc = calloc(1, sizeof *tc);
    const char *why = NULL;
    size_t line = 0;
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (tc == NULL)
        return TD_ENOMEM;
    arena_init(&tc->mem, 0);
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t j = nl ? (size_t)(nl - buf) : len;
        size_t n = j - i;
        line++;
        if (n && buf[i + n - 1] == '\r')
            n--;
        const char *p = buf + i;
        i = j + 1;
        if (n == 0 || p[0] == '#')
            continue;
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k == n)
            continue;
        if (n >= 6 && memcmp(p, "@money", 6) == 0 && (n == 6 || p[6] == ' ' || p[6] == '\t')) {
            rc = add_money(tc, p + 6, n - 6);
            if (rc == TD_EUTF8)
                why = "invalid UTF-8";
        } else if (p[0] == '@') {
            rc = TD_EINVAL;
            why = "unknown directive";
        } else {
            rc = parse_line(tc, p, n, &why);
        }
        if (rc != TD_OK)
            goto out;
    }
    rc = build_index(tc);
out:
    if (rc != TD_OK) {
        if (rc == TD_EUTF8 || rc == TD_EINVAL) {
            set_err(err, errlen, line, why ? why : "invalid entry");
            rc = TD_EINVAL;
        } else {
            set_err(err, errlen, line, "out of memory");
        }
        vn_teencode_free(tc);
        return rc;
    }
    *out = tc;
    return TD_OK;
}

void vn_teencode_free(struct vn_teencode *tc)
{
    if (tc == NULL)
        return;
    arena_free(&tc->mem);
    free(tc);
}

/* ---------- application ---------- */

static int str_eq(struct vn_str a, struct vn_str b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static int in_set(const struct wordset *ws, struct vn_str w)
{
    for (size_t k = 0; k < ws->n; k++)
        if (str_eq(ws->w[k], w))
            return 1;
    return 0;
}

/* Last space-separated word of s. */
static struct vn_str last_word(struct vn_str s)
{
    size_t i = s.len;
    while (i > 0 && s.p[i - 1] != ' ')
        i--;
    struct vn_str r = {s.p + i, s.len - i};
    return r;
}

static int only_spaces(const char *s, size_t b, size_t e)
{
    for (size_t k = b; k < e; k++)
        if (s[k] != ' ' && s[k] != '\t')
            return 0;
    return 1;
}

/* Neighbours for prev=/next=: only spaces between, or one of . - / glued ("v.v", "t/m"). */
static int adjacent(const char *s, size_t b, size_t e)
{
    if (e == b + 1 && (s[b] == '.' || s[b] == '-' || s[b] == '/'))
        return 1;
    return only_spaces(s, b, e);
}

static int is_money_tok(const struct vn_teencode *tc, const struct vn_token *t)
{
    if (t->kind == VN_TOK_NUMBER)
        return 1;
    for (size_t k = 0; k < tc->nmoney; k++)
        if (str_eq(tc->money[k], t->fold))
            return 1;
    return 0;
}

static int money_near(const struct vn_teencode *tc, const struct vn_token *t, size_t n, size_t b,
                      size_t e)
{
    size_t lo = b > TC_WINDOW ? b - TC_WINDOW : 0;
    size_t hi = e + 1 + TC_WINDOW < n ? e + 1 + TC_WINDOW : n;
    for (size_t k = lo; k < hi; k++)
        if ((k < b || k > e) && is_money_tok(tc, &t[k]))
            return 1;
    return 0;
}

/* Does token t equal word w, directly or with đ written as d? */
static int tok_is(const struct vn_token *t, struct vn_str w, int dfold)
{
    if (str_eq(t->acc, w))
        return 1;
    if (!dfold)
        return 0;
    /* compare t->acc with every "đ" (C4 91) read as "d" */
    size_t i = 0, j = 0;
    while (i < t->acc.len && j < w.len) {
        if ((unsigned char)t->acc.p[i] == 0xC4 && i + 1 < t->acc.len &&
            (unsigned char)t->acc.p[i + 1] == 0x91 && w.p[j] == 'd') {
            i += 2;
            j++;
        } else if (t->acc.p[i] == w.p[j]) {
            i++;
            j++;
        } else {
            return 0;
        }
    }
    return i == t->acc.len && j == w.len;
}

static int conds_hold(const struct vn_teencode *tc, const struct tc_entry *e, const char *s,
                      const struct vn_token *t, size_t n, size_t b, size_t last)
{
    if (e->flags & (C_MONEY | C_NOMONEY)) {
        int m = money_near(tc, t, n, b, last);
        if ((e->flags & C_MONEY) && !m)
            return 0;
        if ((e->flags & C_NOMONEY) && m)
            return 0;
    }
    if (e->flags & (C_NUM | C_NONUM)) {
        int m = b > 0 && t[b - 1].kind == VN_TOK_NUMBER && only_spaces(s, t[b - 1].end, t[b].start);
        if ((e->flags & C_NUM) && !m)
            return 0;
        if ((e->flags & C_NONUM) && m)
            return 0;
    }
    if (e->prev.w) {
        int m = b > 0 && adjacent(s, t[b - 1].end, t[b].start) &&
                (in_set(&e->prev, t[b - 1].fold) || in_set(&e->prev, last_word(t[b - 1].xfold)));
        if (m == e->prev.neg)
            return 0;
    }
    if (e->next.w) {
        int m = last + 1 < n && adjacent(s, t[last].end, t[last + 1].start) &&
                in_set(&e->next, t[last + 1].fold);
        if (m == e->next.neg)
            return 0;
    }
    return 1;
}

static enum td_err set_form(struct arena *a, struct vn_str *dst, struct vn_str src)
{
    char *p = arena_strndup(a, src.p, src.len);
    if (p == NULL)
        return TD_ENOMEM;
    dst->p = p;
    dst->len = src.len;
    return TD_OK;
}

/* Add sense w to a token's alt ("a|b"), unless it is there already. */
static enum td_err add_alt(struct arena *a, const struct vn_token *t, struct vn_str *alt,
                           struct vn_str w)
{
    if (w.len == 0 || str_eq(w, t->acc))
        return TD_OK;
    if (alt->p == NULL)
        return set_form(a, alt, w);
    for (size_t i = 0; i < alt->len;) {
        size_t j = i;
        while (j < alt->len && alt->p[j] != '|')
            j++;
        if (j - i == w.len && memcmp(alt->p + i, w.p, w.len) == 0)
            return TD_OK;
        i = j + 1;
    }
    char *p = arena_alloc(a, alt->len + 1 + w.len + 1);
    if (p == NULL)
        return TD_ENOMEM;
    memcpy(p, alt->p, alt->len);
    p[alt->len] = '|';
    memcpy(p + alt->len + 1, w.p, w.len);
    p[alt->len + 1 + w.len] = '\0';
    alt->p = p;
    alt->len += 1 + w.len;
    return TD_OK;
}

static int has_dstroke(struct vn_str s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if ((unsigned char)s.p[i] == 0xC4 && (unsigned char)s.p[i + 1] == 0x91)
            return 1;
    return 0;
}

enum td_err vn_teencode_apply(struct arena *a, const struct vn_teencode *tc, const char *s,
                              struct vn_token *t, size_t n)
{
    enum td_err rc = TD_OK;
    char dbuf[64];
    size_t i = 0;
    while (i < n) {
        if (t[i].kind != VN_TOK_WORD) {
            i++;
            continue;
        }
        const struct tc_slot *sl = find_slot(tc, t[i].acc.p, t[i].acc.len);
        if (sl == NULL && t[i].acc.len < sizeof dbuf && has_dstroke(t[i].acc)) {
            size_t o = 0;
            for (size_t k = 0; k < t[i].acc.len; k++) {
                if ((unsigned char)t[i].acc.p[k] == 0xC4 && k + 1 < t[i].acc.len &&
                    (unsigned char)t[i].acc.p[k + 1] == 0x91) {
                    dbuf[o++] = 'd';
                    k++;
                } else {
                    dbuf[o++] = t[i].acc.p[k];
                }
            }
            sl = find_slot(tc, dbuf, o);
        }
        size_t used = 0;
        if (sl != NULL) {
            for (size_t k = sl->first; k != SIZE_MAX; k = tc->e[k].next_entry) {
                const struct tc_entry *e = &tc->e[k];
                size_t last = i + e->nfrom - 1;
                if (last >= n)
                    continue;
                int ok = 1;
                for (size_t w = 1; w < e->nfrom && ok; w++)
                    ok = t[i + w].kind == VN_TOK_WORD && tok_is(&t[i + w], e->from[w], 1) &&
                         only_spaces(s, t[i + w - 1].end, t[i + w].start);
                if (!ok || !conds_hold(tc, e, s, t, n, i, last))
                    continue;
                if (used > 0 && !(e->flags & C_ALT))
                    continue; /* rewritten already: only alt senses are still collected */
                if (e->flags & C_ALT) {
                    if (e->towf == NULL)
                        rc = add_alt(a, &t[i], &t[i].alt, e->to);
                    for (size_t w = 0; e->towf && w < e->nfrom && rc == TD_OK; w++)
                        rc = add_alt(a, &t[i + w], &t[i + w].alt, e->tow[w]);
                    if (rc != TD_OK)
                        return rc;
                    continue;
                }
                for (size_t w = 0; w < e->nfrom && rc == TD_OK; w++) {
                    struct vn_str to = e->to, tf = e->tofold;
                    if (e->towf) {
                        to = e->tow[w];
                        tf = e->towf[w];
                    } else if (w > 0) {
                        to.len = tf.len = 0;
                    }
                    rc = set_form(a, &t[i + w].exp, to);
                    if (rc == TD_OK)
                        rc = set_form(a, &t[i + w].xfold, tf);
                }
                if (rc != TD_OK)
                    return rc;
                used = e->nfrom;
            }
        }
        i += used ? used : 1;
    }
    return rc;
}
