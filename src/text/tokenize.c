/*
 * vn_tokenize: syllable tokens with their normal, folded and expanded forms and their exact
 * byte span in the original text.
 *
 * Tokens are runs of letter clusters (WORD), runs of digits with "." or "," between two digits
 * (NUMBER: "2.000.000", "1,5"), and single symbol clusters (SYMBOL: emoji). A letter run and a
 * digit run that touch are two tokens ("5tr" -> "5" "tr", "k0" -> "k" "0"), so the map can say
 * "tr after a number means triệu". Spaces and punctuation separate tokens; zero-width and
 * control characters do not (they are dropped inside the token, so "ch<ZWSP>ết" is "chết" with a
 * span covering the ZWSP). One exception keeps a tone-mark key glued to a word when the map has
 * the result as a key: "di~", "b`", "đ'" (students type the tone after the word when the input
 * method is off).
 */
#include <string.h>

#include "text/internal.h"

static int is_num_sep(const struct vn_clu *c)
{
    return c->cls == VN_C_PUNCT && (c->base == '.' || c->base == ',');
}

/* End of the token starting at cluster i (exclusive); 0 if cluster i starts no token. */
static size_t token_end(const struct vn_scan *sc, size_t i, enum vn_tok_kind *kind)
{
    const struct vn_clu *c = sc->c;
    size_t n = sc->n, j = i + 1;
    switch (c[i].cls) {
    case VN_C_LETTER:
        while (j < n && c[j].cls == VN_C_LETTER)
            j++;
        *kind = VN_TOK_WORD;
        return j;
    case VN_C_DIGIT:
        for (;;) {
            while (j < n && c[j].cls == VN_C_DIGIT)
                j++;
            if (j + 1 < n && is_num_sep(&c[j]) && c[j + 1].cls == VN_C_DIGIT &&
                c[j].start == c[j - 1].end && c[j + 1].start == c[j].end)
                j += 2;
            else
                break;
        }
        *kind = VN_TOK_NUMBER;
        return j;
    case VN_C_SYMBOL:
        *kind = VN_TOK_SYMBOL;
        return j;
    default:
        return 0;
    }
}

static int is_glue_mark(uint32_t b)
{
    return b == '~' || b == '`' || b == '\'';
}

enum td_err vn_tokenize(struct arena *a, const struct vn_teencode *tc, const char *s, size_t len,
                        struct vn_tokens *out)
{
    struct vn_scan sc;
    enum vn_tok_kind kind = VN_TOK_WORD;
    out->v = NULL;
    out->n = 0;
    enum td_err rc = vn_scan_text(a, s, len, &sc);
    if (rc != TD_OK)
        return rc;
    if (sc.n == 0)
        return TD_OK;
    /* one pass: the token array grows by doubling; the forms of all tokens fit in one buffer
     * (normal form <= 4 bytes per cluster and mark, fold <= 4 per cluster, 2 NULs and at most
     * 2 glued bytes per token, tokens <= clusters) */
    size_t cap = sc.n / 2 + 8;
    size_t bytes = 12 * sc.n + 4 * sc.nx + 16;
    struct vn_token *v = arena_alloc(a, cap * sizeof *v);
    char *buf = arena_alloc(a, bytes);
    if (v == NULL || buf == NULL)
        return TD_ENOMEM;
    size_t o = 0, k = 0;
    for (size_t i = 0; i < sc.n;) {
        size_t j = token_end(&sc, i, &kind);
        if (j == 0) {
            i++;
            continue;
        }
        if (k == cap) {
            struct vn_token *nv = arena_alloc(a, 2 * cap * sizeof *nv);
            if (nv == NULL)
                return TD_ENOMEM;
            memcpy(nv, v, k * sizeof *v);
            v = nv;
            cap *= 2;
        }
        struct vn_token *t = &v[k++];
        if (kind == VN_TOK_WORD)
            vn_word_fix(&sc, i, j);
        t->kind = kind;
        t->start = sc.c[i].start;
        t->end = sc.c[j - 1].end;
        t->acc.p = buf + o;
        t->acc.len = vn_emit_acc(&sc, i, j, buf + o);
        o += t->acc.len;
        /* "di~": keep a glued tone key when the map knows the result */
        int glued = 0;
        if (kind != VN_TOK_SYMBOL && tc != NULL && j < sc.n && is_glue_mark(sc.c[j].base) &&
            sc.c[j].cls == VN_C_PUNCT && sc.c[j].start == sc.c[j - 1].end &&
            (j + 1 == sc.n || (sc.c[j + 1].cls != VN_C_LETTER && sc.c[j + 1].cls != VN_C_DIGIT))) {
            buf[o] = (char)sc.c[j].base;
            if (vn_teencode_has_key(tc, t->acc.p, t->acc.len + 1)) {
                glued = 1;
                t->kind = VN_TOK_WORD; /* "4`" is a word of the map, not a number */
                t->acc.len++;
                o++;
                t->end = sc.c[j].end;
            }
        }
        buf[o++] = '\0';
        t->fold.p = buf + o;
        t->fold.len = vn_emit_fold(&sc, i, j, buf + o);
        o += t->fold.len;
        if (glued)
            buf[o++] = (char)sc.c[j].base;
        t->fold.len += (size_t)glued;
        buf[o++] = '\0';
        t->exp = t->acc;
        t->xfold = t->fold;
        t->alt.p = NULL;
        t->alt.len = 0;
        i = j + (size_t)glued;
    }
    out->v = v;
    out->n = k;
    if (tc != NULL)
        rc = vn_teencode_apply(a, tc, s, v, k);
    return rc;
}
