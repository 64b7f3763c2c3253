/*
 * The token stream the lexicon and the model read: src/text tokens after teencode expansion, one
 * item per word, each with its normal and folded form and the span of its source token.
 *
 * Numbers are generalised: a token made of digits becomes the item "#" (so the lexicon can say
 * "trong # tiếng" and the model learns "# phút" rather than "15 phút"); a token that starts with
 * digits and ends with letters ("12h", "5tr", "30p") becomes "#" followed by the letters.
 */
#include <string.h>

#include "triage/internal.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static enum td_err push(struct arena *a, struct tri_stream *st, size_t *cap, struct vn_str acc,
                        struct vn_str fold, size_t start, size_t end, int kind)
{
    if (st->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct tri_item *nv = arena_alloc(a, ncap * sizeof *nv);
        if (nv == NULL)
            return TD_ENOMEM;
        if (st->n)
            memcpy(nv, st->v, st->n * sizeof *nv);
        st->v = nv;
        *cap = ncap;
    }
    struct tri_item *it = &st->v[st->n++];
    it->acc = acc;
    it->fold = fold;
    it->hacc = tri_hash_bytes(acc.p, acc.len);
    it->hfold = tri_hash_bytes(fold.p, fold.len);
    it->start = start;
    it->end = end;
    it->marked = acc.len != fold.len || memcmp(acc.p, fold.p, acc.len) != 0;
    it->kind = kind;
    return TD_OK;
}

static const struct vn_str NUM_ITEM = {"#", 1};

/* A token starting with a digit: "#" plus, if it ends in letters, the letters. */
static enum td_err push_number(struct arena *a, struct tri_stream *st, size_t *cap,
                               const struct vn_token *t)
{
    enum td_err rc = push(a, st, cap, NUM_ITEM, NUM_ITEM, t->start, t->end, VN_TOK_NUMBER);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < t->acc.len && (is_digit(t->acc.p[i]) || t->acc.p[i] == '.' || t->acc.p[i] == ','))
        i++;
    if (i >= t->acc.len)
        return TD_OK;
    /* The fold of the letters is the same suffix of the folded token only when the digits are
     * ASCII (they are), so cut it from the folded form by the same digit prefix. */
    size_t j = 0;
    while (j < t->fold.len &&
           (is_digit(t->fold.p[j]) || t->fold.p[j] == '.' || t->fold.p[j] == ','))
        j++;
    struct vn_str acc = {t->acc.p + i, t->acc.len - i};
    struct vn_str fold = {t->fold.p + j, t->fold.len - j};
    if (fold.len == 0)
        fold = acc;
    return push(a, st, cap, acc, fold, t->start, t->end, VN_TOK_WORD);
}

/* The tail of an English contraction ("don't", "I'm", "can’t"): the tokenizer splits at the
 * apostrophe and the teencode map would read "t" as "tôi" and "m" as "mày"; keep it as written. */
static int english_clitic(const char *text, const struct vn_token *prev, const struct vn_token *t)
{
    static const char *const tails[] = {"t", "m", "s", "re", "ve", "ll", "d"};
    size_t gap = t->start - prev->end;
    int apos = (gap == 1 && text[prev->end] == '\'') ||
               (gap == 3 && memcmp(text + prev->end, "\xe2\x80\x99", 3) == 0);
    if (!apos || t->start < prev->end)
        return 0;
    for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++)
        if (t->acc.len == strlen(tails[k]) && memcmp(t->acc.p, tails[k], t->acc.len) == 0)
            return 1;
    return 0;
}

enum td_err tri_stream_build(struct arena *a, const struct vn_teencode *tc, const char *text,
                             size_t len, struct tri_stream *out)
{
    struct vn_tokens toks;
    size_t cap = 0;
    out->v = NULL;
    out->n = 0;
    enum td_err rc = vn_tokenize(a, tc, text, len, &toks);
    if (rc)
        return rc;
    for (size_t i = 0; i < toks.n && rc == TD_OK; i++) {
        const struct vn_token *t = &toks.v[i];
        if (t->acc.len == 0)
            continue;
        if (t->kind == VN_TOK_NUMBER || is_digit(t->acc.p[0])) {
            rc = push_number(a, out, &cap, t);
            continue;
        }
        int same = t->exp.p == NULL ||
                   (t->exp.len == t->acc.len && memcmp(t->exp.p, t->acc.p, t->acc.len) == 0) ||
                   (i > 0 && english_clitic(text, &toks.v[i - 1], t));
        if (same) {
            rc = push(a, out, &cap, t->acc, t->fold, t->start, t->end, (int)t->kind);
            continue;
        }
        /* Expansion: one item per space-separated word, each folded on its own. */
        size_t p = 0;
        while (p < t->exp.len && rc == TD_OK) {
            while (p < t->exp.len && t->exp.p[p] == ' ')
                p++;
            size_t q = p;
            while (q < t->exp.len && t->exp.p[q] != ' ')
                q++;
            if (q > p) {
                struct vn_str w = {t->exp.p + p, q - p};
                struct vn_str f;
                rc = vn_fold(a, w.p, w.len, &f);
                if (rc == TD_OK)
                    rc = push(a, out, &cap, w, f, t->start, t->end, VN_TOK_WORD);
            }
            p = q;
        }
    }
    return rc;
}
