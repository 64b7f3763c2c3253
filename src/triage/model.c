/*
 * The statistical part of triage: two multinomial naive Bayes models (category and urgency)
 * over binary features, written by `tongdai triage train` to data/triage/model.
 *
 * Features of a report (tri_features): each distinct one counts once per report.
 *   - unigrams of the normal (accented) form and of the folded form of every word after
 *     teencode expansion (numbers are "#");
 *   - bigrams of adjacent words, in both forms;
 *   - one feature per flag of each lexicon phrase that fired and was not cancelled, and one per
 *     lexicon category seen, so the model learns how the hand-written signals relate to labels.
 * Each feature is a 32-bit hash (FNV-1a 64 of the words, mixed, low 32 bits), with a different
 * seed per feature kind. Collisions at a few thousand features are rare and harmless.
 *
 * File format (UTF-8 text, LF):
 *
 *     # comments anywhere
 *     tdmodel 1
 *     alpha 0.5
 *     classes self_harm online_kidnapping ... other | low medium high critical
 *     ndocs N1 ... N14 | U1 ... U4          documents per category | per urgency
 *     ntok T1 ... T14 | V1 ... V4           feature occurrences per class (kept features only)
 *     vocab V                               number of feature lines that follow
 *     f HHHHHHHH i:c,i:c,... | i:c,...      a feature: 8 hex digits, then sparse counts per
 *                                           category index and per urgency index ("-" if none)
 *
 * The class lines must list the taxonomy codes in the order of enum triage_category and the
 * urgencies low..critical; a model for another taxonomy is rejected. Log-probabilities use
 * Laplace smoothing with alpha: log((count + alpha) / (ntok_c + alpha * vocab)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/internal.h"

#define NCLS (TRIAGE_NCAT + TRI_NURG)

/* ---------- features ---------- */

enum {
    FK_UNI_ACC = 1,
    FK_UNI_FOLD,
    FK_BI_ACC,
    FK_BI_FOLD,
    FK_FLAG,
    FK_LEXCAT,
};

static uint32_t fk_hash(int kind, uint64_t h)
{
    uint64_t x = tri_hash_step(TRI_HASH_SEED + (uint64_t)(unsigned)kind * UINT64_C(0x1000193), h);
    x ^= x >> 32;
    return (uint32_t)x;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t item_h(const struct tri_item *it, int folded)
{
    if (it->kind == VN_TOK_NUMBER)
        return 0x23; /* "#" */
    return folded ? it->hfold : it->hacc;
}

enum td_err tri_features(struct arena *a, const struct tri_stream *st, const struct tri_matches *m,
                         const struct tri_lexicon *lx, struct tri_feats *out)
{
    size_t cap = st->n * 4 + (m ? m->n * 4 : 0) + 1;
    uint32_t *v = arena_alloc(a, cap * sizeof *v);
    size_t n = 0;
    if (v == NULL)
        return TD_ENOMEM;
    for (size_t i = 0; i < st->n; i++) {
        v[n++] = fk_hash(FK_UNI_ACC, item_h(&st->v[i], 0));
        v[n++] = fk_hash(FK_UNI_FOLD, item_h(&st->v[i], 1));
        if (i + 1 < st->n) {
            v[n++] =
                fk_hash(FK_BI_ACC, tri_hash_step(item_h(&st->v[i], 0), item_h(&st->v[i + 1], 0)));
            v[n++] =
                fk_hash(FK_BI_FOLD, tri_hash_step(item_h(&st->v[i], 1), item_h(&st->v[i + 1], 1)));
        }
    }
    if (m && lx) {
        for (size_t j = 0; j < m->n; j++) {
            if (m->v[j].cancelled)
                continue;
            const struct tri_lex_entry *e = tri_lexicon_entry(lx, m->v[j].entry);
            for (int b = 0; b < TRI_NFLAGS && n + 1 < cap; b++)
                if (e->flags & (1u << b) && b != TRI_FB_GUARD && b != TRI_FB_NEGATION)
                    v[n++] = fk_hash(FK_FLAG, (uint64_t)b + 1);
            if (e->category >= 0 && n < cap)
                v[n++] = fk_hash(FK_LEXCAT, (uint64_t)e->category + 1);
        }
    }
    qsort(v, n, sizeof *v, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || v[w - 1] != v[i])
            v[w++] = v[i];
    out->v = v;
    out->n = w;
    return TD_OK;
}

/* ---------- the loaded model ---------- */

struct mfeat {
    uint32_t key;
    int used;
    float lp[NCLS]; /* log P(feature | class) */
};

struct tri_model {
    struct mfeat *tab;
    size_t mask, nfeat;
    double prior[NCLS]; /* log P(class) */
};

size_t tri_model_nfeatures(const struct tri_model *m)
{
    return m ? m->nfeat : 0;
}

void tri_model_free(struct tri_model *m)
{
    if (m == NULL)
        return;
    free(m->tab);
    free(m);
}

static const struct mfeat *mfind(const struct tri_model *m, uint32_t key)
{
    size_t i = key & m->mask;
    while (m->tab[i].used) {
        if (m->tab[i].key == key)
            return &m->tab[i];
        i = (i + 1) & m->mask;
    }
    return NULL;
}

static struct mfeat *mslot(struct tri_model *m, uint32_t key)
{
    size_t i = key & m->mask;
    while (m->tab[i].used && m->tab[i].key != key)
        i = (i + 1) & m->mask;
    return &m->tab[i];
}

/* Read "i:c,i:c" (or "-") into counts[0..n). Returns 0 or -1. */
static int parse_sparse(const char **pp, const char *end, double *counts, int n)
{
    const char *p = *pp;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '-') {
        *pp = p + 1;
        return 0;
    }
    for (;;) {
        char *q;
        long i = strtol(p, &q, 10);
        if (q == p || q >= end || *q != ':' || i < 0 || i >= n)
            return -1;
        p = q + 1;
        double c = strtod(p, &q);
        if (q == p || c < 0)
            return -1;
        counts[i] += c;
        p = q;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        break;
    }
    *pp = p;
    return 0;
}

static int parse_row(const char *p, const char *end, double *v, int n)
{
    for (int i = 0; i < n; i++) {
        char *q;
        v[i] = strtod(p, &q);
        if (q == p || q > end)
            return -1;
        p = q;
    }
    return 0;
}

enum td_err tri_model_parse(const char *buf, size_t len, struct tri_model **out, char *err,
                            size_t errlen)
{
    enum td_err rc = TD_EINVAL;
    struct tri_model *m = calloc(1, sizeof *m);
    double alpha = 0.5, ndocs[NCLS] = {0}, ntok[NCLS] = {0};
    size_t vocab = 0, seen = 0;
    int have_magic = 0, have_classes = 0, have_ndocs = 0, have_ntok = 0;
    int lineno = 0;
    char line[1024];
    *out = NULL;
    if (m == NULL)
        return TD_ENOMEM;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        lineno++;
        size_t ll = end - pos;
        if (ll >= sizeof line) {
            snprintf(err, errlen, "model:%d: line too long", lineno);
            goto out;
        }
        memcpy(line, buf + pos, ll);
        line[ll] = '\0';
        pos = end < len ? end + 1 : end;
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (ll == 0 || line[0] == '#')
            continue;
        const char *lend = line + ll;
        if (!have_magic) {
            if (strcmp(line, "tdmodel 1") != 0) {
                snprintf(err, errlen, "model:%d: expected 'tdmodel 1'", lineno);
                goto out;
            }
            have_magic = 1;
        } else if (strncmp(line, "alpha ", 6) == 0) {
            char *q;
            alpha = strtod(line + 6, &q);
            if (q == line + 6 || !(alpha > 0 && alpha <= 10)) {
                snprintf(err, errlen, "model:%d: bad alpha", lineno);
                goto out;
            }
        } else if (strncmp(line, "classes ", 8) == 0) {
            const char *p = line + 8;
            for (int i = 0; i < NCLS; i++) {
                while (*p == ' ' || *p == '|')
                    p++;
                const char *q = p;
                while (*q && *q != ' ')
                    q++;
                const char *want =
                    i < TRIAGE_NCAT ? triage_category_code((enum triage_category)i)
                                    : triage_urgency_code((enum triage_urgency)(i - TRIAGE_NCAT));
                if ((size_t)(q - p) != strlen(want) || memcmp(p, want, (size_t)(q - p)) != 0) {
                    snprintf(err, errlen, "model:%d: class %d is not '%s'", lineno, i, want);
                    goto out;
                }
                p = q;
            }
            have_classes = 1;
        } else if (strncmp(line, "ndocs ", 6) == 0 || strncmp(line, "ntok ", 5) == 0) {
            int isdocs = line[1] == 'd';
            double *dst = isdocs ? ndocs : ntok;
            char *bar = strchr(line, '|');
            if (bar == NULL) {
                snprintf(err, errlen, "model:%d: missing '|'", lineno);
                goto out;
            }
            *bar = '\0';
            if (parse_row(line + (isdocs ? 6 : 5), bar, dst, TRIAGE_NCAT) != 0 ||
                parse_row(bar + 1, lend, dst + TRIAGE_NCAT, TRI_NURG) != 0) {
                snprintf(err, errlen, "model:%d: bad counts", lineno);
                goto out;
            }
            if (isdocs)
                have_ndocs = 1;
            else
                have_ntok = 1;
        } else if (strncmp(line, "vocab ", 6) == 0) {
            char *q;
            long v = strtol(line + 6, &q, 10);
            if (q == line + 6 || v < 0 || v > 10000000 || m->tab) {
                snprintf(err, errlen, "model:%d: bad vocab", lineno);
                goto out;
            }
            vocab = (size_t)v;
            size_t slots = 16;
            while (slots < vocab * 2)
                slots *= 2;
            m->tab = calloc(slots, sizeof *m->tab);
            if (m->tab == NULL) {
                rc = TD_ENOMEM;
                goto out;
            }
            m->mask = slots - 1;
        } else if (strncmp(line, "f ", 2) == 0) {
            if (m->tab == NULL || !have_classes || !have_ntok || seen >= vocab) {
                snprintf(err, errlen, "model:%d: feature before header or past vocab", lineno);
                goto out;
            }
            char *q;
            unsigned long key = strtoul(line + 2, &q, 16);
            if (q != line + 10 || key > 0xfffffffful) {
                snprintf(err, errlen, "model:%d: bad feature hash", lineno);
                goto out;
            }
            double cnt[NCLS] = {0};
            const char *p = q;
            if (parse_sparse(&p, lend, cnt, TRIAGE_NCAT) != 0) {
                snprintf(err, errlen, "model:%d: bad category counts", lineno);
                goto out;
            }
            while (p < lend && *p == ' ')
                p++;
            if (p >= lend || *p != '|') {
                snprintf(err, errlen, "model:%d: missing '|'", lineno);
                goto out;
            }
            p++;
            if (parse_sparse(&p, lend, cnt + TRIAGE_NCAT, TRI_NURG) != 0) {
                snprintf(err, errlen, "model:%d: bad urgency counts", lineno);
                goto out;
            }
            struct mfeat *f = mslot(m, (uint32_t)key);
            if (f->used) {
                snprintf(err, errlen, "model:%d: duplicate feature", lineno);
                goto out;
            }
            f->used = 1;
            f->key = (uint32_t)key;
            for (int i = 0; i < NCLS; i++)
                f->lp[i] = (float)cnt[i]; /* turned into log-probabilities below */
            seen++;
        } else {
            snprintf(err, errlen, "model:%d: unknown line", lineno);
            goto out;
        }
    }
    if (!have_magic || !have_classes || !have_ndocs || !have_ntok || m->tab == NULL ||
        seen != vocab) {
        snprintf(err, errlen, "model: incomplete (header or %zu of %zu features)", seen, vocab);
        goto out;
    }
    double dc = 0, du = 0;
    for (int i = 0; i < TRIAGE_NCAT; i++)
        dc += ndocs[i];
    for (int i = TRIAGE_NCAT; i < NCLS; i++)
        du += ndocs[i];
    for (int i = 0; i < NCLS; i++) {
        double tot = i < TRIAGE_NCAT ? dc : du;
        int k = i < TRIAGE_NCAT ? TRIAGE_NCAT : TRI_NURG;
        m->prior[i] = log((ndocs[i] + 1.0) / (tot + k));
    }
    double denom[NCLS];
    for (int i = 0; i < NCLS; i++)
        denom[i] = log(ntok[i] + alpha * (double)(vocab + 1));
    for (size_t s = 0; s <= m->mask; s++) {
        struct mfeat *f = &m->tab[s];
        if (!f->used)
            continue;
        for (int i = 0; i < NCLS; i++)
            f->lp[i] = (float)(log(f->lp[i] + alpha) - denom[i]);
    }
    m->nfeat = vocab;
    rc = TD_OK;
out:
    if (rc) {
        tri_model_free(m);
    } else {
        *out = m;
    }
    return rc;
}

static void normalise(double *v, int n)
{
    double mx = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] > mx)
            mx = v[i];
    double s = 0;
    for (int i = 0; i < n; i++)
        s += exp(v[i] - mx);
    double ls = mx + log(s);
    for (int i = 0; i < n; i++)
        v[i] -= ls;
}

void tri_model_score(const struct tri_model *m, const struct tri_feats *f, double cat[TRIAGE_NCAT],
                     double urg[TRI_NURG])
{
    double s[NCLS];
    if (m == NULL) {
        for (int i = 0; i < TRIAGE_NCAT; i++)
            cat[i] = -log((double)TRIAGE_NCAT);
        for (int i = 0; i < TRI_NURG; i++)
            urg[i] = -log((double)TRI_NURG);
        return;
    }
    for (int i = 0; i < NCLS; i++)
        s[i] = m->prior[i];
    for (size_t j = 0; j < f->n; j++) {
        const struct mfeat *x = mfind(m, f->v[j]);
        if (x == NULL)
            continue;
        for (int i = 0; i < NCLS; i++)
            s[i] += x->lp[i];
    }
    normalise(s, TRIAGE_NCAT);
    normalise(s + TRIAGE_NCAT, TRI_NURG);
    memcpy(cat, s, sizeof(double) * TRIAGE_NCAT);
    memcpy(urg, s + TRIAGE_NCAT, sizeof(double) * TRI_NURG);
}

/* ---------- training ---------- */

struct tfeat {
    uint32_t key;
    int used;
    uint32_t cnt[NCLS];
};

struct tri_trainer {
    struct tfeat *tab;
    size_t mask, n;
    uint32_t ndocs[NCLS];
};

struct tri_trainer *tri_trainer_new(void)
{
    struct tri_trainer *tr = calloc(1, sizeof *tr);
    if (tr == NULL)
        return NULL;
    tr->tab = calloc(1024, sizeof *tr->tab);
    if (tr->tab == NULL) {
        free(tr);
        return NULL;
    }
    tr->mask = 1023;
    return tr;
}

void tri_trainer_free(struct tri_trainer *tr)
{
    if (tr == NULL)
        return;
    free(tr->tab);
    free(tr);
}

static struct tfeat *tslot(struct tfeat *tab, size_t mask, uint32_t key)
{
    size_t i = key & mask;
    while (tab[i].used && tab[i].key != key)
        i = (i + 1) & mask;
    return &tab[i];
}

static enum td_err tgrow(struct tri_trainer *tr)
{
    size_t nslots = (tr->mask + 1) * 2;
    struct tfeat *nt = calloc(nslots, sizeof *nt);
    if (nt == NULL)
        return TD_ENOMEM;
    for (size_t i = 0; i <= tr->mask; i++)
        if (tr->tab[i].used)
            *tslot(nt, nslots - 1, tr->tab[i].key) = tr->tab[i];
    free(tr->tab);
    tr->tab = nt;
    tr->mask = nslots - 1;
    return TD_OK;
}

enum td_err tri_trainer_add(struct tri_trainer *tr, const struct tri_feats *f, int category,
                            int urgency)
{
    if (category < 0 || category >= TRIAGE_NCAT || urgency < 0 || urgency >= TRI_NURG)
        return TD_EINVAL;
    for (size_t j = 0; j < f->n; j++) {
        if ((tr->n + 1) * 2 > tr->mask + 1) {
            enum td_err rc = tgrow(tr);
            if (rc)
                return rc;
        }
        struct tfeat *x = tslot(tr->tab, tr->mask, f->v[j]);
        if (!x->used) {
            x->used = 1;
            x->key = f->v[j];
            tr->n++;
        }
        x->cnt[category]++;
        x->cnt[TRIAGE_NCAT + urgency]++;
    }
    tr->ndocs[category]++;
    tr->ndocs[TRIAGE_NCAT + urgency]++;
    return TD_OK;
}

static int cmp_tfeat(const void *a, const void *b)
{
    const struct tfeat *x = *(const struct tfeat *const *)a, *y = *(const struct tfeat *const *)b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static enum td_err write_sparse(struct sb *out, const uint32_t *cnt, int n)
{
    enum td_err rc = TD_OK;
    int any = 0;
    for (int i = 0; i < n && rc == TD_OK; i++) {
        if (cnt[i] == 0)
            continue;
        rc = sb_printf(out, "%s%d:%u", any ? "," : "", i, cnt[i]);
        any = 1;
    }
    if (!any && rc == TD_OK)
        rc = sb_putc(out, '-');
    return rc;
}

enum td_err tri_trainer_write(const struct tri_trainer *tr, int min_df, struct sb *out)
{
    enum td_err rc = TD_OK;
    const struct tfeat **keep = malloc((tr->n + 1) * sizeof *keep);
    size_t nk = 0;
    uint64_t ntok[NCLS] = {0};
    if (keep == NULL)
        return TD_ENOMEM;
    for (size_t i = 0; i <= tr->mask; i++) {
        const struct tfeat *x = &tr->tab[i];
        if (!x->used)
            continue;
        uint32_t df = 0;
        for (int c = 0; c < TRIAGE_NCAT; c++)
            df += x->cnt[c];
        if (df < (uint32_t)(min_df > 0 ? min_df : 1))
            continue;
        keep[nk++] = x;
        for (int c = 0; c < NCLS; c++)
            ntok[c] += x->cnt[c];
    }
    qsort(keep, nk, sizeof *keep, cmp_tfeat);
    rc = sb_puts(out, "# tongdai triage model: multinomial naive Bayes over hashed syllable\n"
                      "# n-grams (format: src/triage/model.c). Written by `tongdai triage train`.\n"
                      "tdmodel 1\nalpha 0.5\nclasses");
    for (int i = 0; i < TRIAGE_NCAT && rc == TD_OK; i++)
        rc = sb_printf(out, " %s", triage_category_code((enum triage_category)i));
    if (rc == TD_OK)
        rc = sb_puts(out, " |");
    for (int i = 0; i < TRI_NURG && rc == TD_OK; i++)
        rc = sb_printf(out, " %s", triage_urgency_code((enum triage_urgency)i));
    const char *rows[2] = {"ndocs", "ntok"};
    for (int r = 0; r < 2 && rc == TD_OK; r++) {
        rc = sb_printf(out, "\n%s", rows[r]);
        for (int i = 0; i < NCLS && rc == TD_OK; i++)
            rc = sb_printf(out, "%s %llu", i == TRIAGE_NCAT ? " |" : "",
                           (unsigned long long)(r == 0 ? tr->ndocs[i] : ntok[i]));
    }
    if (rc == TD_OK)
        rc = sb_printf(out, "\nvocab %zu\n", nk);
    for (size_t k = 0; k < nk && rc == TD_OK; k++) {
        rc = sb_printf(out, "f %08x ", keep[k]->key);
        if (rc == TD_OK)
            rc = write_sparse(out, keep[k]->cnt, TRIAGE_NCAT);
        if (rc == TD_OK)
            rc = sb_puts(out, " | ");
        if (rc == TD_OK)
            rc = write_sparse(out, keep[k]->cnt + TRIAGE_NCAT, TRI_NURG);
        if (rc == TD_OK)
            rc = sb_putc(out, '\n');
    }
    free(keep);
    return rc;
}
