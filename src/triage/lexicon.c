/*
 * The triage lexicon: weighted phrases with categories and flags, read from data/triage/lexicon.
 *
 * File format (UTF-8 text, one entry per line):
 *
 *     # a comment (a line whose first non-blank character is '#'); blank lines are ignored
 *     PHRASE | CATEGORY | WEIGHT | FLAGS
 *
 *   PHRASE    Vietnamese written with its marks, syllables separated by spaces ("tự tử",
 *             "thuê phòng khách sạn"). It is normalised exactly like report text (src/text: NFC,
 *             casefold, one tone placement), so "Tự Tử" and "tự tử" are the same entry. A
 *             syllable written "<n>" matches any number ("trong <n> tiếng" matches "trong 2
 *             tiếng"; "12h" is a number then "h"). At most 8 syllables. An entry matches a run of
 * report words (after teencode expansion) either on the normal forms, or on the folded forms (marks
 * stripped, đ -> d) when every report word that differs from the phrase was typed without marks:
 * "tu tu" matches "tự tử" folded-only, "từ từ" (typed with other marks) does not. CATEGORY  a
 * taxonomy code (data/triage/taxonomy) the phrase is evidence for, or "-". WEIGHT    a decimal
 * number in [-10, 10]: log-odds added to CATEGORY's score when the phrase fires (and, scaled, to
 * the risk score). FLAGS     "-" or a comma-separated list of: critical       alone enough for
 * urgency critical (suicide plan/means, farewell, isolation order, ransom, armed threat).
 * Folded-only: at least high + needs_review. imminence      happening now or very soon ("đang",
 * "ngay bây giờ", "tối nay"). isolation      an isolation/secrecy order ("không được nói với ai",
 * "tắt máy"). money          money being asked for or moved ("chuyển khoản", "nạp tiền", "stk").
 *     loss           money already lost or sent ("bị lừa mất", "đã chuyển").
 *     noloss         nothing lost yet ("chưa chuyển", "chưa mất tiền").
 *     deadline       a deadline ("trước # giờ", "trong # tiếng", "hạn").
 *     publish_threat a threat to publish or send images to others.
 *     intimate       intimate images or video.
 *     violence       a threat of physical violence.
 *     ransom         ransom, "bail", "proof of innocence" money.
 *     past           the event is in the past ("tháng trước", "năm ngoái").
 *     resolved       the event is resolved ("đã lấy lại được", "đã được hoàn tiền").
 *     question       the writer asks a question or for advice.
 *     preventive     no incident: asking to prevent ("chưa gặp", "phòng trước").
 *     negation       cancels a critical, violence or self-harm phrase that starts within 4 words
 *                    after it in the same sentence ("không có ý định" + "tự tử").
 *     guard          cancels the self-harm, critical and violence phrases lying inside it:
 *                    hyperbole and idioms ("cười chết mất", "khó muốn chết", "giết thời
 *                    gian").
 *     help           a plain cry for help ("cứu em").
 *     contacts       the writer's family, teacher or contacts are being targeted.
 *     credentials    a password or OTP was given away.
 *     travel         travel abroad or to a border under way or booked.
 *     misuse         a hijacked account is being used against others.
 *     ambiguous      the folded form is also an everyday phrase ("tu tu" = từ từ): a folded-only
 *                    match raises to high and asks for review but does not decide critical.
 *     third_party    the writer reports for someone else.
 *     offline        the event happened offline (not the hotline's online-harm scope).
 *     ongoing        the harm goes on ("vẫn nhắn", "liên tục").
 *     place          a concrete place or moment for a threat ("cổng trường", "tan học").
 *     refused        the writer refused, hung up, blocked or told someone before any harm
 *                    ("cúp máy luôn", "không làm theo", "đã báo thầy").
 *     check          the writer asks whether something is real, legal or safe ("có phải lừa
 *                    đảo không", "có hợp pháp không", "thật hay giả").
 *     missing        someone cannot be reached now ("mất liên lạc", "không liên lạc được").
 *     held           someone is held against their will now ("bị giữ ở", "không cho về").
 *     content        the writer reports a channel, page or trend ("kênh", "trào lưu"): self-harm
 *                    words not said of a person are that content's topic (harmful content).
 *
 * A guard may also carry a category and weight: "hướng dẫn tự tử" (a channel's content, not the
 * writer's intent) cancels the "tự tử" inside it and counts for harmful_content; a guard's
 * critical flag is ignored.
 *
 * Each line is an error if malformed (wrong field count, unknown category or flag, weight not a
 * number or out of range, empty or too long phrase, duplicate phrase); the message names the
 * line: "lexicon:12: unknown flag 'critcal'".
 *
 * Matching: every prefix of every phrase (as a sequence of syllable hashes) is put in two
 * open-addressing tables, one over normal forms and one over folded forms. At each report word
 * the matcher extends a rolling hash one word at a time while the prefix exists, so the cost is
 * about one or two probes per word whatever the lexicon size.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/internal.h"

#define LEX_MAX_TOK 8
#define LEX_LINE_MAX 1024

static const char *const flag_names[] = {
#define TRI_FLAG_NAME(name, str) str,
    TRI_FLAGS(TRI_FLAG_NAME)
#undef TRI_FLAG_NAME
};

const char *tri_flag_name(int bit)
{
    if (bit < 0 || bit >= TRI_NFLAGS)
        return "?";
    return flag_names[bit];
}

struct node {
    uint64_t key; /* 0 = empty */
    int32_t head; /* first entry whose full sequence has this hash, or -1 (prefix only) */
};

struct table {
    struct node *v;
    size_t mask;
    int32_t *next; /* chain of entries with the same full hash, per entry */
};

struct tri_lexicon {
    struct arena mem;
    struct tri_lex_entry *e;
    size_t n;
    struct table acc, fold;
    uint64_t hnum; /* hash of "#" */
};

size_t tri_lexicon_size(const struct tri_lexicon *lx)
{
    return lx ? lx->n : 0;
}

const struct tri_lex_entry *tri_lexicon_entry(const struct tri_lexicon *lx, size_t i)
{
    return &lx->e[i];
}

void tri_lexicon_free(struct tri_lexicon *lx)
{
    if (lx == NULL)
        return;
    arena_free(&lx->mem);
    free(lx);
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static struct node *table_slot(const struct table *t, uint64_t key)
{
    size_t i = (size_t)key & t->mask;
    while (t->v[i].key != 0 && t->v[i].key != key)
        i = (i + 1) & t->mask;
    return &t->v[i];
}

static const struct node *table_find(const struct table *t, uint64_t key)
{
    if (key == 0)
        key = 1;
    const struct node *nd = table_slot(t, key);
    return nd->key ? nd : NULL;
}

static void table_put(struct table *t, uint64_t key, int32_t entry)
{
    if (key == 0)
        key = 1;
    struct node *nd = table_slot(t, key);
    if (nd->key == 0) {
        nd->key = key;
        nd->head = -1;
    }
    if (entry >= 0) {
        t->next[entry] = nd->head;
        nd->head = entry;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Normal and folded syllables of a phrase; "<n>" becomes "#", the number item. */
static enum td_err phrase_tokens(struct arena *a, const char *ph, struct vn_str *acc,
                                 struct vn_str *fold, size_t *ntok, char *why, size_t whylen)
{
    size_t n = 0;
    const char *p = ph;
    enum td_err rc = TD_OK;
    while (*p && rc == TD_OK) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if (q == p)
            break;
        if (q - p == 3 && memcmp(p, "<n>", 3) == 0) {
            if (n == LEX_MAX_TOK) {
                seterr(why, whylen, "phrase longer than %d syllables", LEX_MAX_TOK);
                return TD_EINVAL;
            }
            acc[n] = (struct vn_str){"#", 1};
            fold[n] = acc[n];
            n++;
        } else {
            struct tri_stream st;
            rc = tri_stream_build(a, NULL, p, (size_t)(q - p), &st);
            if (rc == TD_EUTF8) {
                seterr(why, whylen, "invalid UTF-8 in phrase");
                return TD_EINVAL;
            }
            if (rc)
                return rc;
            for (size_t i = 0; i < st.n; i++) {
                if (n == LEX_MAX_TOK) {
                    seterr(why, whylen, "phrase longer than %d syllables", LEX_MAX_TOK);
                    return TD_EINVAL;
                }
                acc[n] = st.v[i].acc;
                fold[n] = st.v[i].fold;
                n++;
            }
        }
        p = q;
    }
    if (n == 0) {
        seterr(why, whylen, "empty phrase");
        return TD_EINVAL;
    }
    *ntok = n;
    return TD_OK;
}

static int parse_flags(char *s, uint32_t *out, char *why, size_t whylen)
{
    uint32_t fl = 0;
    if (strcmp(s, "-") == 0 || *s == '\0') {
        *out = 0;
        return 0;
    }
    char *p = s;
    while (p && *p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *name = trim(p);
        int found = -1;
        for (int b = 0; b < TRI_NFLAGS; b++)
            if (strcmp(name, flag_names[b]) == 0)
                found = b;
        if (found < 0) {
            seterr(why, whylen, "unknown flag '%s'", name);
            return -1;
        }
        fl |= 1u << found;
        p = comma ? comma + 1 : NULL;
    }
    *out = fl;
    return 0;
}

static uint64_t seq_hash(const struct vn_str *tok, size_t n)
{
    uint64_t h = TRI_HASH_SEED;
    for (size_t i = 0; i < n; i++)
        h = tri_hash_step(h, tri_hash_bytes(tok[i].p, tok[i].len));
    return h;
}

static int same_seq(const struct vn_str *a, const struct vn_str *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].len != b[i].len || memcmp(a[i].p, b[i].p, a[i].len) != 0)
            return 0;
    return 1;
}

static enum td_err build_tables(struct tri_lexicon *lx)
{
    size_t slots = 64;
    while (slots < lx->n * LEX_MAX_TOK * 2)
        slots *= 2;
    struct table *tabs[2] = {&lx->acc, &lx->fold};
    for (int k = 0; k < 2; k++) {
        tabs[k]->v = arena_calloc(&lx->mem, slots, sizeof(struct node));
        tabs[k]->next = arena_calloc(&lx->mem, lx->n ? lx->n : 1, sizeof(int32_t));
        if (tabs[k]->v == NULL || tabs[k]->next == NULL)
            return TD_ENOMEM;
        tabs[k]->mask = slots - 1;
    }
    for (size_t i = 0; i < lx->n; i++) {
        const struct tri_lex_entry *e = &lx->e[i];
        uint64_t ha = TRI_HASH_SEED, hf = TRI_HASH_SEED;
        for (size_t j = 0; j < e->ntok; j++) {
            ha = tri_hash_step(ha, tri_hash_bytes(e->acc[j].p, e->acc[j].len));
            hf = tri_hash_step(hf, tri_hash_bytes(e->fold[j].p, e->fold[j].len));
            int last = j + 1 == e->ntok;
            table_put(&lx->acc, ha, last ? (int32_t)i : -1);
            table_put(&lx->fold, hf, last ? (int32_t)i : -1);
        }
    }
    return TD_OK;
}

enum td_err tri_lexicon_parse(const char *buf, size_t len, struct tri_lexicon **out, char *err,
                              size_t errlen)
{
    enum td_err rc = TD_OK;
    struct tri_lexicon *lx = calloc(1, sizeof *lx);
    size_t cap = 0;
    char line[LEX_LINE_MAX];
    char why[160];
    int lineno = 0;
    *out = NULL;
    if (lx == NULL)
        return TD_ENOMEM;
    arena_init(&lx->mem, 0);
    lx->hnum = tri_hash_bytes("#", 1);
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        lineno++;
        size_t ll = end - pos;
        if (ll >= sizeof line) {
            seterr(err, errlen, "lexicon:%d: line too long", lineno);
            rc = TD_EINVAL;
            goto out;
        }
        memcpy(line, buf + pos, ll);
        line[ll] = '\0';
        pos = end < len ? end + 1 : end;
        if (memchr(line, '\0', ll) != NULL) {
            seterr(err, errlen, "lexicon:%d: NUL byte", lineno);
            rc = TD_EINVAL;
            goto out;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *field[5];
        int nf = 0;
        char *p = s;
        while (nf < 5) {
            field[nf++] = p;
            char *bar = strchr(p, '|');
            if (bar == NULL)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        if (nf != 4) {
            seterr(err, errlen,
                   "lexicon:%d: expected 4 fields 'phrase | category | weight | flags', got %d",
                   lineno, nf);
            rc = TD_EINVAL;
            goto out;
        }
        for (int i = 0; i < 4; i++)
            field[i] = trim(field[i]);
        struct tri_lex_entry e;
        memset(&e, 0, sizeof e);
        e.line = lineno;
        if (strcmp(field[1], "-") == 0) {
            e.category = -1;
        } else {
            enum triage_category c;
            if (triage_category_parse(field[1], &c) != 0) {
                seterr(err, errlen, "lexicon:%d: unknown category '%s'", lineno, field[1]);
                rc = TD_EINVAL;
                goto out;
            }
            e.category = (int)c;
        }
        char *wend = NULL;
        errno = 0;
        e.weight = strtod(field[2], &wend);
        if (wend == field[2] || *wend != '\0' || errno != 0 || !isfinite(e.weight) ||
            e.weight < -10 || e.weight > 10) {
            seterr(err, errlen, "lexicon:%d: weight '%s' is not a number in [-10, 10]", lineno,
                   field[2]);
            rc = TD_EINVAL;
            goto out;
        }
        if (parse_flags(field[3], &e.flags, why, sizeof why) != 0) {
            seterr(err, errlen, "lexicon:%d: %s", lineno, why);
            rc = TD_EINVAL;
            goto out;
        }
        struct vn_str acc[LEX_MAX_TOK], fold[LEX_MAX_TOK];
        rc = phrase_tokens(&lx->mem, field[0], acc, fold, &e.ntok, why, sizeof why);
        if (rc == TD_EINVAL) {
            seterr(err, errlen, "lexicon:%d: %s", lineno, why);
            goto out;
        }
        if (rc)
            goto out;
        /* Duplicates: same normal form as an earlier entry. Linear is fine at load time for a
         * few thousand entries; compare hashes first. */
        uint64_t h = seq_hash(acc, e.ntok);
        for (size_t i = 0; i < lx->n; i++) {
            if (lx->e[i].ntok == e.ntok && seq_hash(lx->e[i].acc, e.ntok) == h &&
                same_seq(lx->e[i].acc, acc, e.ntok)) {
                seterr(err, errlen, "lexicon:%d: duplicate phrase '%s' (first on line %d)", lineno,
                       field[0], lx->e[i].line);
                rc = TD_EINVAL;
                goto out;
            }
        }
        e.phrase = arena_strdup(&lx->mem, field[0]);
        e.acc = arena_alloc(&lx->mem, e.ntok * sizeof *e.acc);
        e.fold = arena_alloc(&lx->mem, e.ntok * sizeof *e.fold);
        if (e.phrase == NULL || e.acc == NULL || e.fold == NULL) {
            rc = TD_ENOMEM;
            goto out;
        }
        memcpy(e.acc, acc, e.ntok * sizeof *acc);
        memcpy(e.fold, fold, e.ntok * sizeof *fold);
        if (lx->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct tri_lex_entry *nv = realloc(lx->e, ncap * sizeof *nv);
            if (nv == NULL) {
                rc = TD_ENOMEM;
                goto out;
            }
            lx->e = nv;
            cap = ncap;
        }
        lx->e[lx->n++] = e;
    }
    /* Move the entries into the arena so one arena_free releases everything. */
    if (lx->n) {
        struct tri_lex_entry *ev = arena_alloc(&lx->mem, lx->n * sizeof *ev);
        if (ev == NULL) {
            rc = TD_ENOMEM;
            goto out;
        }
        memcpy(ev, lx->e, lx->n * sizeof *ev);
        free(lx->e);
        lx->e = ev;
        cap = 0;
    }
    rc = build_tables(lx);
out:
    if (rc) {
        if (cap)
            free(lx->e);
        tri_lexicon_free(lx);
        if (rc == TD_ENOMEM)
            seterr(err, errlen, "lexicon: out of memory");
    } else {
        *out = lx;
    }
    return rc;
}

/* ---------- matching ---------- */

static uint64_t item_hash(const struct tri_lexicon *lx, const struct tri_item *it, int folded)
{
    (void)lx;
    return folded ? it->hfold : it->hacc;
}

static int tok_eq(const struct vn_str *a, const struct vn_str *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Whether entry e matches items [i, i+ntok) on normal forms (return 1), on folded forms only
 * with every differing word typed without marks (return 2), or not at all (0). */
static int verify(const struct tri_lex_entry *e, const struct tri_item *it)
{
    int acc_ok = 1;
    for (size_t k = 0; k < e->ntok; k++) {
        const struct tri_item *x = &it[k];
        if (e->acc[k].len == 1 && e->acc[k].p[0] == '#') {
            if (x->kind != VN_TOK_NUMBER)
                return 0;
            continue;
        }
        if (tok_eq(&e->acc[k], &x->acc))
            continue;
        acc_ok = 0;
        if (x->marked || !tok_eq(&e->fold[k], &x->fold))
            return 0;
    }
    return acc_ok ? 1 : 2;
}

static int sentence_break(const char *text, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (text[i] == '.' || text[i] == '!' || text[i] == '?' || text[i] == ';' || text[i] == '\n')
            return 1;
    return 0;
}

static enum td_err add_match(struct arena *a, struct tri_matches *m, size_t *cap,
                             struct tri_match x)
{
    if (m->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct tri_match *nv = arena_alloc(a, ncap * sizeof *nv);
        if (nv == NULL)
            return TD_ENOMEM;
        if (m->n)
            memcpy(nv, m->v, m->n * sizeof *nv);
        m->v = nv;
        *cap = ncap;
    }
    m->v[m->n++] = x;
    return TD_OK;
}

enum td_err tri_lexicon_match(const struct tri_lexicon *lx, struct arena *a,
                              const struct tri_stream *st, const char *text, size_t len,
                              struct tri_matches *out)
{
    size_t cap = 0;
    out->v = NULL;
    out->n = 0;
    if (lx == NULL || lx->n == 0)
        return TD_OK;
    for (size_t i = 0; i < st->n; i++) {
        size_t first_of_pos = out->n;
        for (int folded = 0; folded < 2; folded++) {
            const struct table *t = folded ? &lx->fold : &lx->acc;
            uint64_t h = TRI_HASH_SEED;
            for (size_t k = 0; k < LEX_MAX_TOK && i + k < st->n; k++) {
                const struct tri_item *x = &st->v[i + k];
                uint64_t th = x->kind == VN_TOK_NUMBER ? lx->hnum : item_hash(lx, x, folded);
                h = tri_hash_step(h, th);
                const struct node *nd = table_find(t, h);
                if (nd == NULL)
                    break;
                for (int32_t ei = nd->head; ei >= 0; ei = t->next[ei]) {
                    const struct tri_lex_entry *e = &lx->e[ei];
                    if (e->ntok != k + 1)
                        continue;
                    int v = verify(e, &st->v[i]);
                    if (v == 0)
                        continue;
                    /* Already found at this position (on normal forms)? */
                    int dup = 0;
                    for (size_t j = first_of_pos; j < out->n; j++)
                        if (out->v[j].entry == (uint32_t)ei)
                            dup = 1;
                    if (dup)
                        continue;
                    /* An ambiguous phrase typed without marks is as uncertain as a folded
                     * match even when the phrase itself has no marks ("vay": vay or vậy). */
                    if (v == 1 && (e->flags & TRI_F(AMBIGUOUS))) {
                        int unmarked = 1;
                        for (size_t q = i; q <= i + k; q++)
                            if (st->v[q].marked)
                                unmarked = 0;
                        if (unmarked)
                            v = 2;
                    }
                    struct tri_match mt = {(uint32_t)ei, (uint32_t)i, (uint32_t)(i + k), v == 2, 0};
                    enum td_err rc = add_match(a, out, &cap, mt);
                    if (rc)
                        return rc;
                }
            }
        }
    }
    /* Guards cancel the alarms they contain (self-harm, critical or violence phrases); the
     * other words inside stay ("áp lực" in "áp lực muốn chết" still says stress). */
    for (size_t g = 0; g < out->n; g++) {
        const struct tri_lex_entry *ge = &lx->e[out->v[g].entry];
        if (!(ge->flags & TRI_F(GUARD)))
            continue;
        for (size_t j = 0; j < out->n; j++) {
            if (j == g)
                continue;
            const struct tri_lex_entry *je = &lx->e[out->v[j].entry];
            if ((je->flags & TRI_F(GUARD)) || (je->category != CAT_SELF_HARM &&
                                               !(je->flags & (TRI_F(CRITICAL) | TRI_F(VIOLENCE)))))
                continue;
            if (out->v[j].first >= out->v[g].first && out->v[j].last <= out->v[g].last)
                out->v[j].cancelled = out->v[g].folded_only ? 4 : 1;
        }
    }
    /* A phrase inside a longer one is read as part of it ("mất tiền" in "không mất tiền",
     * folded "coc" in "bat coc"): the longer, more specific reading wins. A critical phrase
     * yields only to a longer critical phrase (or a guard, above). */
    for (size_t g = 0; g < out->n; g++) {
        const struct tri_lex_entry *ge = &lx->e[out->v[g].entry];
        if (ge->flags & (TRI_F(GUARD) | TRI_F(NEGATION)))
            continue;
        for (size_t j = 0; j < out->n; j++) {
            const struct tri_lex_entry *je = &lx->e[out->v[j].entry];
            if (j == g || out->v[j].cancelled || (je->flags & (TRI_F(GUARD) | TRI_F(NEGATION))))
                continue;
            if ((je->flags & TRI_F(CRITICAL)) && !(ge->flags & TRI_F(CRITICAL)))
                continue;
            if (out->v[j].first >= out->v[g].first && out->v[j].last <= out->v[g].last &&
                out->v[j].last - out->v[j].first < out->v[g].last - out->v[g].first)
                out->v[j].cancelled = 3;
        }
    }
    /* Negations cancel a critical or self-harm phrase starting soon after, same sentence. */
    for (size_t g = 0; g < out->n; g++) {
        const struct tri_lex_entry *ge = &lx->e[out->v[g].entry];
        if (!(ge->flags & TRI_F(NEGATION)) || out->v[g].cancelled)
            continue;
        size_t nl = out->v[g].last;
        for (size_t j = 0; j < out->n; j++) {
            const struct tri_lex_entry *je = &lx->e[out->v[j].entry];
            if (!(je->flags & (TRI_F(CRITICAL) | TRI_F(VIOLENCE))) && je->category != CAT_SELF_HARM)
                continue;
            if (je->flags & (TRI_F(NEGATION) | TRI_F(GUARD)))
                continue;
            /* It starts after the negation (or inside it, running past its end: "không có ý
             * nghĩ" + "ý nghĩ tự hại") and within 4 words of its end. */
            size_t f = out->v[j].first;
            if (f <= out->v[g].first || out->v[j].last <= nl || f > nl + 4)
                continue;
            size_t from = st->v[nl].end, to = f > nl ? st->v[f].start : from;
            if (to > len)
                to = len;
            if (from < to && sentence_break(text, from, to))
                continue;
            if (!out->v[j].cancelled)
                out->v[j].cancelled = 2;
        }
    }
    return TD_OK;
}
