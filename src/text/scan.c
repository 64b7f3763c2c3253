/*
 * The scanner and the word-level steps of the normal form (see internal.h for the model).
 *
 * Why not utf8proc_map: it mallocs per call and knows nothing of Vietnamese tone placement or of
 * where each output character came from. Here each input code point is decomposed and casefolded
 * on its own (utf8proc_decompose_char, no allocation; plain ASCII never reaches utf8proc), and
 * Vietnamese vowels are recomposed through a table.
 */
#include <string.h>
#include <utf8proc.h>

#include "text/internal.h"

/* ---------- Vietnamese vowel table ---------- */

/* Rows: a ă â e ê i o ô ơ u ư y; columns: VN_TONE_NONE, GRAVE, ACUTE, HOOK, TILDE, DOT. */
static const uint16_t VN_TAB[12][6] = {
    {0x0061, 0x00E0, 0x00E1, 0x1EA3, 0x00E3, 0x1EA1}, /* a */
    {0x0103, 0x1EB1, 0x1EAF, 0x1EB3, 0x1EB5, 0x1EB7}, /* ă */
    {0x00E2, 0x1EA7, 0x1EA5, 0x1EA9, 0x1EAB, 0x1EAD}, /* â */
    {0x0065, 0x00E8, 0x00E9, 0x1EBB, 0x1EBD, 0x1EB9}, /* e */
    {0x00EA, 0x1EC1, 0x1EBF, 0x1EC3, 0x1EC5, 0x1EC7}, /* ê */
    {0x0069, 0x00EC, 0x00ED, 0x1EC9, 0x0129, 0x1ECB}, /* i */
    {0x006F, 0x00F2, 0x00F3, 0x1ECF, 0x00F5, 0x1ECD}, /* o */
    {0x00F4, 0x1ED3, 0x1ED1, 0x1ED5, 0x1ED7, 0x1ED9}, /* ô */
    {0x01A1, 0x1EDD, 0x1EDB, 0x1EDF, 0x1EE1, 0x1EE3}, /* ơ */
    {0x0075, 0x00F9, 0x00FA, 0x1EE7, 0x0169, 0x1EE5}, /* u */
    {0x01B0, 0x1EEB, 0x1EE9, 0x1EED, 0x1EEF, 0x1EF1}, /* ư */
    {0x0079, 0x1EF3, 0x00FD, 0x1EF7, 0x1EF9, 0x1EF5}, /* y */
};

/* Row of (base, mod) in VN_TAB, or -1 when the modifier does not fit the vowel. */
static int vn_row(uint32_t base, unsigned mod)
{
    switch (base) {
    case 'a':
        return mod == VN_MOD_NONE ? 0 : mod == VN_MOD_BREVE ? 1 : mod == VN_MOD_CIRC ? 2 : -1;
    case 'e':
        return mod == VN_MOD_NONE ? 3 : mod == VN_MOD_CIRC ? 4 : -1;
    case 'i':
        return mod == VN_MOD_NONE ? 5 : -1;
    case 'o':
        return mod == VN_MOD_NONE ? 6 : mod == VN_MOD_CIRC ? 7 : mod == VN_MOD_HORN ? 8 : -1;
    case 'u':
        return mod == VN_MOD_NONE ? 9 : mod == VN_MOD_HORN ? 10 : -1;
    case 'y':
        return mod == VN_MOD_NONE ? 11 : -1;
    default:
        return -1;
    }
}

int vn_is_vowel(uint32_t c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static unsigned mark_mod(uint32_t m)
{
    switch (m) {
    case 0x0302:
        return VN_MOD_CIRC;
    case 0x0306:
        return VN_MOD_BREVE;
    case 0x031B:
        return VN_MOD_HORN;
    default:
        return VN_MOD_NONE;
    }
}

static unsigned mark_tone(uint32_t m)
{
    switch (m) {
    case 0x0300:
        return VN_TONE_GRAVE;
    case 0x0301:
        return VN_TONE_ACUTE;
    case 0x0309:
        return VN_TONE_HOOK;
    case 0x0303:
        return VN_TONE_TILDE;
    case 0x0323:
        return VN_TONE_DOT;
    default:
        return VN_TONE_NONE;
    }
}

/*
 * Fast path for the precomposed letters Vietnamese uses: U+00C0..U+01B0 and U+1EA0..U+1EF9,
 * each mapped to its casefolded decomposition as a pure cluster: bits 0-6 the ASCII base letter,
 * bits 8-9 the modifier (VN_MOD_*), bits 10-12 the tone (VN_TONE_*), bit 13 "the base is đ"
 * (Đ, đ and the look-alikes Ð, ð); 0 = not a pure Vietnamese letter, ask utf8proc. Generated from
 * the Unicode data (NFD of the casefold); tests/unit/text/normalize.c checks every entry against
 * utf8proc.
 */
static const uint16_t VN_LATIN[241] = {
    0x0461, 0x0861, 0x0161, 0x1061, 0x0000, 0x0000, 0x0000, 0x0000, 0x0465, 0x0865, 0x0165, 0x0000,
    0x0469, 0x0869, 0x0000, 0x0000, 0x2000, 0x0000, 0x046F, 0x086F, 0x016F, 0x106F, 0x0000, 0x0000,
    0x0000, 0x0475, 0x0875, 0x0000, 0x0000, 0x0879, 0x0000, 0x0000, 0x0461, 0x0861, 0x0161, 0x1061,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0465, 0x0865, 0x0165, 0x0000, 0x0469, 0x0869, 0x0000, 0x0000,
    0x2000, 0x0000, 0x046F, 0x086F, 0x016F, 0x106F, 0x0000, 0x0000, 0x0000, 0x0475, 0x0875, 0x0000,
    0x0000, 0x0879, 0x0000, 0x0000, 0x0000, 0x0000, 0x0261, 0x0261, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x2000, 0x2000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x1069, 0x1069, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x1075, 0x1075, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x036F, 0x036F, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0375,
    0x0375,
};
static const uint16_t VN_EXT[90] = {
    0x1461, 0x1461, 0x0C61, 0x0C61, 0x0961, 0x0961, 0x0561, 0x0561, 0x0D61, 0x0D61, 0x1161, 0x1161,
    0x1561, 0x1561, 0x0A61, 0x0A61, 0x0661, 0x0661, 0x0E61, 0x0E61, 0x1261, 0x1261, 0x1661, 0x1661,
    0x1465, 0x1465, 0x0C65, 0x0C65, 0x1065, 0x1065, 0x0965, 0x0965, 0x0565, 0x0565, 0x0D65, 0x0D65,
    0x1165, 0x1165, 0x1565, 0x1565, 0x0C69, 0x0C69, 0x1469, 0x1469, 0x146F, 0x146F, 0x0C6F, 0x0C6F,
    0x096F, 0x096F, 0x056F, 0x056F, 0x0D6F, 0x0D6F, 0x116F, 0x116F, 0x156F, 0x156F, 0x0B6F, 0x0B6F,
    0x076F, 0x076F, 0x0F6F, 0x0F6F, 0x136F, 0x136F, 0x176F, 0x176F, 0x1475, 0x1475, 0x0C75, 0x0C75,
    0x0B75, 0x0B75, 0x0775, 0x0775, 0x0F75, 0x0F75, 0x1375, 0x1375, 0x1775, 0x1775, 0x0479, 0x0479,
    0x1479, 0x1479, 0x0C79, 0x0C79, 0x1079, 0x1079,
};

static const uint32_t MOD_MARK[4] = {0, 0x0302, 0x0306, 0x031B};
static const uint32_t TONE_MARK[6] = {0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};

/* ---------- growth ---------- */

static enum td_err grow_c(struct arena *a, struct vn_scan *sc)
{
    size_t ncap = sc->cap ? sc->cap * 2 : 64;
    struct vn_clu *nc = arena_alloc(a, ncap * sizeof *nc);
    if (nc == NULL)
        return TD_ENOMEM;
    if (sc->n)
        memcpy(nc, sc->c, sc->n * sizeof *nc);
    sc->c = nc;
    sc->cap = ncap;
    return TD_OK;
}

static enum td_err push_x(struct arena *a, struct vn_scan *sc, uint32_t m)
{
    if (sc->nx == sc->xcap) {
        size_t ncap = sc->xcap ? sc->xcap * 2 : 32;
        uint32_t *nx = arena_alloc(a, ncap * sizeof *nx);
        if (nx == NULL)
            return TD_ENOMEM;
        if (sc->nx)
            memcpy(nx, sc->x, sc->nx * sizeof *nx);
        sc->x = nx;
        sc->xcap = ncap;
    }
    sc->x[sc->nx++] = m;
    return TD_OK;
}

/* ---------- classification ---------- */

static uint8_t cls_of_category(int cat)
{
    switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return VN_C_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return VN_C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return VN_C_SPACE;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return VN_C_PUNCT;
    default:
        return VN_C_SYMBOL;
    }
}

static int is_mark_category(int cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME;
}

/* Look-alikes that hold in any context: the eths and the African D become đ. */
static uint32_t lookalike(uint32_t c)
{
    switch (c) {
    case 0x00F0: /* ð (also the casefold of Ð U+00D0) */
    case 0x0256: /* ɖ (casefold of Ɖ U+0189) */
    case 0x0111:
        return 0x0111;
    default:
        return c;
    }
}

/* Compatibility-decomposed ranges: styled letters people use to dodge filters. */
static int compat_range(uint32_t c)
{
    /* only forms that become one letter or digit: "⑴" -> "(1)" or "⒈" -> "1." would put
     * punctuation inside what was one character */
    return (c >= 0x1D400 && c <= 0x1D7FF) || /* mathematical alphanumerics */
           (c >= 0x2460 && c <= 0x2473) ||   /* circled numbers ① .. ⑳ */
           (c >= 0x24B6 && c <= 0x24EA) ||   /* circled letters Ⓐ .. ⓩ, ⓪ */
           (c >= 0x1F130 && c <= 0x1F149) || /* squared letters 🄰 .. 🅉 */
           (c >= 0xFF00 && c <= 0xFFEF);     /* half- and full-width forms */
}

/* ---------- scanning ---------- */

/* Add a cluster; returns its pointer or NULL (ENOMEM). */
static struct vn_clu *new_clu(struct arena *a, struct vn_scan *sc, uint32_t base, uint8_t cls,
                              size_t start, size_t end)
{
    if (sc->n == sc->cap && grow_c(a, sc) != TD_OK)
        return NULL;
    struct vn_clu *c = &sc->c[sc->n++];
    c->base = base;
    c->cls = cls;
    c->mod = VN_MOD_NONE;
    c->tone = VN_TONE_NONE;
    c->ascii = 0;
    c->nx = 0;
    c->xoff = (uint32_t)sc->nx;
    c->start = start;
    c->end = end;
    return c;
}

/* Attach mark m to the last cluster (which ends at end). */
static enum td_err add_mark(struct arena *a, struct vn_scan *sc, uint32_t m, size_t end)
{
    struct vn_clu *c = &sc->c[sc->n - 1];
    c->end = end;
    if (c->nx >= VN_MAX_MARKS)
        return TD_OK; /* zalgo: Unicode's stream-safe limit, the rest is noise */
    if (c->nx == 0 && c->base < 0x80 && vn_is_ascii_alpha((int)c->base)) {
        unsigned md = mark_mod(m), tn = mark_tone(m);
        if (md && c->mod == VN_MOD_NONE && vn_row(c->base, md) >= 0) {
            c->mod = (uint8_t)md;
            return TD_OK;
        }
        if (tn && c->tone == VN_TONE_NONE && vn_is_vowel(c->base)) {
            c->tone = (uint8_t)tn;
            return TD_OK;
        }
    }
    if (c->nx == 0) {
        /* becomes impure: move mod and tone to the mark list, in canonical order */
        enum td_err rc;
        c->xoff = (uint32_t)sc->nx;
        sc->has_x = 1;
        if (c->mod == VN_MOD_HORN) {
            if ((rc = push_x(a, sc, MOD_MARK[c->mod])) != TD_OK)
                return rc;
            c->nx++;
        }
        if (c->tone == VN_TONE_DOT) {
            if ((rc = push_x(a, sc, TONE_MARK[c->tone])) != TD_OK)
                return rc;
            c->nx++;
        }
        if (c->mod != VN_MOD_NONE && c->mod != VN_MOD_HORN) {
            if ((rc = push_x(a, sc, MOD_MARK[c->mod])) != TD_OK)
                return rc;
            c->nx++;
        }
        if (c->tone != VN_TONE_NONE && c->tone != VN_TONE_DOT) {
            if ((rc = push_x(a, sc, TONE_MARK[c->tone])) != TD_OK)
                return rc;
            c->nx++;
        }
        c->mod = VN_MOD_NONE;
        c->tone = VN_TONE_NONE;
    }
    enum td_err rc = push_x(a, sc, m);
    if (rc == TD_OK)
        c->nx++;
    return rc;
}

/* Sort key of a mark: its combining class, and within a class the Vietnamese vowel modifiers
 * (circumflex, breve) before everything else, so "e" + acute + circumflex reads as "ế" whether or
 * not other marks ride along (the pure path does the same); stable otherwise. */
static int mark_key(uint32_t m)
{
    int ccc = utf8proc_get_property((utf8proc_int32_t)m)->combining_class;
    return 2 * ccc + (m == 0x0302 || m == 0x0306 ? 0 : 1);
}

/* Canonical order (stable by mark_key) of a cluster's extra marks. */
static void sort_marks(uint32_t *m, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = m[i];
        int kv = mark_key(v);
        size_t j = i;
        while (j > 0 && mark_key(m[j - 1]) > kv) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = v;
    }
}

static enum td_err scan_ascii(struct arena *a, struct vn_scan *sc, unsigned c, size_t i)
{
    uint8_t cls;
    uint32_t base = c;
    if (c >= 'a' && c <= 'z')
        cls = VN_C_LETTER;
    else if (c >= 'A' && c <= 'Z') {
        cls = VN_C_LETTER;
        base = c + 32;
    } else if (c >= '0' && c <= '9')
        cls = VN_C_DIGIT;
    else if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
        cls = VN_C_SPACE;
        base = ' ';
    } else if (c < 0x20 || c == 0x7F)
        return TD_OK; /* control: dropped */
    else
        cls = VN_C_PUNCT;
    struct vn_clu *k = new_clu(a, sc, base, cls, i, i + 1);
    if (k == NULL)
        return TD_ENOMEM;
    k->ascii = 1;
    return TD_OK;
}

enum td_err vn_scan_text(struct arena *a, const char *s, size_t len, struct vn_scan *sc)
{
    const unsigned char *p = (const unsigned char *)s;
    enum td_err rc = TD_OK;
    memset(sc, 0, sizeof *sc);
    sc->all_ascii = 1;
    if (len && s == NULL)
        return TD_EUTF8;
    sc->cap = len + 16;
    sc->c = arena_alloc(a, sc->cap * sizeof *sc->c);
    if (sc->c == NULL)
        return TD_ENOMEM;
    size_t i = 0;
    while (i < len) {
        unsigned c0 = p[i];
        if (c0 < 0x80) {
            if (sc->n == sc->cap && (rc = grow_c(a, sc)) != TD_OK)
                return rc;
            if ((rc = scan_ascii(a, sc, c0, i)) != TD_OK)
                return rc;
            i++;
            continue;
        }
        sc->all_ascii = 0;
        uint32_t cp;
        size_t l = vn_utf8_dec(p + i, len - i, &cp);
        if (l == 0)
            return TD_EUTF8;
        size_t st = i, en = i + l;
        i = en;
        if (cp < 0xA0) /* C1 controls */
            continue;
        if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII */
            size_t before = sc->n;
            if ((rc = scan_ascii(a, sc, cp - 0xFEE0, st)) != TD_OK)
                return rc;
            if (sc->n > before) {
                sc->c[sc->n - 1].end = en;
                sc->c[sc->n - 1].ascii = 0;
            }
            continue;
        }
        if (cp >= 0xAC00 && cp <= 0xD7A3) { /* Hangul syllables: already NFC, no case */
            if (new_clu(a, sc, cp, VN_C_LETTER, st, en) == NULL)
                return TD_ENOMEM;
            continue;
        }
        uint16_t f = 0;
        if (cp >= 0xC0 && cp <= 0x1B0)
            f = VN_LATIN[cp - 0xC0];
        else if (cp >= 0x1EA0 && cp <= 0x1EF9)
            f = VN_EXT[cp - 0x1EA0];
        if (f) {
            struct vn_clu *nc =
                new_clu(a, sc, (f & 0x2000) ? 0x0111 : (uint32_t)(f & 0x7F), VN_C_LETTER, st, en);
            if (nc == NULL)
                return TD_ENOMEM;
            nc->mod = (uint8_t)((f >> 8) & 3);
            nc->tone = (uint8_t)((f >> 10) & 7);
            continue;
        }
        const utf8proc_property_t *pr = utf8proc_get_property((utf8proc_int32_t)cp);
        if (pr->ignorable || pr->category == UTF8PROC_CATEGORY_CF ||
            pr->category == UTF8PROC_CATEGORY_CC)
            continue;
        utf8proc_int32_t d[32];
        int bc = 0;
        utf8proc_option_t opt = UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD;
        if (compat_range(cp))
            opt = (utf8proc_option_t)(opt | UTF8PROC_COMPAT);
        utf8proc_ssize_t nd = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 32, opt, &bc);
        if (nd < 0 || nd > 32) { /* cannot happen for valid code points; keep it as is */
            d[0] = (utf8proc_int32_t)cp;
            nd = 1;
        }
        for (utf8proc_ssize_t k = 0; k < nd; k++) {
            uint32_t u = (uint32_t)d[k];
            int cat = (u == cp) ? pr->category : utf8proc_get_property(d[k])->category;
            if (is_mark_category(cat) && sc->n > 0) {
                /* a mark joins the cluster before it, even across dropped characters */
                if ((rc = add_mark(a, sc, u, en)) != TD_OK)
                    return rc;
                continue;
            }
            uint8_t cls = is_mark_category(cat) ? VN_C_SYMBOL : cls_of_category(cat);
            if (u < 0x80) {
                if (cls == VN_C_LETTER)
                    u = (uint32_t)vn_lower((int)u);
                else if (cls == VN_C_SPACE)
                    u = ' ';
            } else if (cls == VN_C_SPACE) {
                u = ' ';
            } else {
                u = lookalike(u);
                if (u >= 0x0370 && u < 0x0530)
                    sc->has_twin = 1;
            }
            struct vn_clu *nc = new_clu(a, sc, u, cls, st, en);
            if (nc == NULL)
                return TD_ENOMEM;
            if (k > 0) /* second starter of one code point: share its span */
                nc->start = st;
        }
    }
    /* canonical order of the extra marks */
    if (sc->has_x)
        for (size_t k = 0; k < sc->n; k++)
            if (sc->c[k].nx > 1)
                sort_marks(sc->x + sc->c[k].xoff, sc->c[k].nx);
    return TD_OK;
}

/* ---------- word-level steps ---------- */

/* Cyrillic and Greek letters (lower case) that look like Latin ones. */
static uint32_t latin_twin(uint32_t c)
{
    switch (c) {
    case 0x0430:
        return 'a'; /* а */
    case 0x0432:
        return 'b'; /* в (from В) */
    case 0x0435:
        return 'e'; /* е */
    case 0x043A:
        return 'k'; /* к (from К) */
    case 0x043C:
        return 'm'; /* м (from М) */
    case 0x043D:
        return 'h'; /* н (from Н) */
    case 0x043E:
        return 'o'; /* о */
    case 0x0440:
        return 'p'; /* р */
    case 0x0441:
        return 'c'; /* с */
    case 0x0442:
        return 't'; /* т (from Т) */
    case 0x0443:
        return 'y'; /* у */
    case 0x0445:
        return 'x'; /* х */
    case 0x0455:
        return 's'; /* ѕ */
    case 0x0456:
        return 'i'; /* і */
    case 0x0458:
        return 'j'; /* ј */
    case 0x04BB:
        return 'h'; /* һ */
    case 0x04CF:
        return 'l'; /* ӏ */
    case 0x0501:
        return 'd'; /* ԁ */
    case 0x051B:
        return 'q'; /* ԛ */
    case 0x051D:
        return 'w'; /* ԝ */
    case 0x03B1:
        return 'a'; /* α */
    case 0x03B2:
        return 'b'; /* β */
    case 0x03B5:
        return 'e'; /* ε */
    case 0x03B9:
        return 'i'; /* ι */
    case 0x03BA:
        return 'k'; /* κ */
    case 0x03BD:
        return 'v'; /* ν */
    case 0x03BF:
        return 'o'; /* ο */
    case 0x03C1:
        return 'p'; /* ρ */
    case 0x03C4:
        return 't'; /* τ */
    case 0x03C5:
        return 'u'; /* υ */
    case 0x03C7:
        return 'x'; /* χ */
    case 0x03B6:
        return 'z'; /* ζ */
    default:
        return 0;
    }
}

/* Final consonant clusters a Vietnamese syllable may end with. */
static int valid_final(const uint32_t *f, size_t n)
{
    if (n == 0)
        return 1;
    if (n == 1)
        return f[0] == 'c' || f[0] == 'm' || f[0] == 'n' || f[0] == 'p' || f[0] == 't';
    if (n == 2)
        return (f[0] == 'c' && f[1] == 'h') || (f[0] == 'n' && (f[1] == 'g' || f[1] == 'h'));
    return 0;
}

#define SYL_MAX 10

/* Put the single tone of a syllable where the old style wants it (òa, óe, úy). */
static void place_tone(struct vn_clu *c, const size_t *ix, size_t n)
{
    uint32_t b[SYL_MAX];
    size_t tpos = SYL_MAX;
    unsigned ntone = 0;
    for (size_t k = 0; k < n; k++) {
        const struct vn_clu *q = &c[ix[k]];
        if (q->nx)
            return;
        if (q->base != 0x0111 && !(q->base >= 'a' && q->base <= 'z'))
            return;
        b[k] = q->base;
        if (q->tone) {
            ntone++;
            tpos = k;
        }
    }
    if (ntone != 1)
        return;
    size_t i = 0;
    while (i < n && !vn_is_vowel(b[i]))
        i++;
    if (i == n)
        return;
    if (i > 0 && i + 1 < n && vn_is_vowel(b[i + 1]) &&
        ((b[i - 1] == 'q' && b[i] == 'u') || (i == 1 && b[0] == 'g' && b[i] == 'i')))
        i++; /* "qu" and "gi" onsets */
    size_t vs = i;
    while (i < n && vn_is_vowel(b[i]))
        i++;
    size_t ve = i;
    if (!valid_final(b + ve, n - ve))
        return;
    size_t nv = ve - vs, target;
    size_t lastmod = SYL_MAX;
    for (size_t k = vs; k < ve; k++)
        if (c[ix[k]].mod)
            lastmod = k;
    if (lastmod != SYL_MAX)
        target = lastmod;
    else if (nv == 1)
        target = vs;
    else if (ve < n)
        target = ve - 1;
    else if (nv == 2)
        target = vs;
    else if (nv == 3)
        target = vs + 1;
    else
        return;
    if (target == tpos)
        return;
    c[ix[target]].tone = c[ix[tpos]].tone;
    c[ix[tpos]].tone = VN_TONE_NONE;
}

void vn_word_fix(struct vn_scan *sc, size_t b, size_t e)
{
    struct vn_clu *c = sc->c;
    /* 1. Cyrillic/Greek look-alikes inside a word that also has Latin letters */
    int latin = 0, twin = 0;
    for (size_t k = b; k < e && sc->has_twin; k++) {
        if (c[k].base < 0x80)
            latin = 1;
        else if (c[k].base >= 0x0370 && c[k].base < 0x0530 && latin_twin(c[k].base))
            twin = 1;
    }
    if (latin && twin)
        for (size_t k = b; k < e; k++) {
            uint32_t t = c[k].base >= 0x0370 && c[k].base < 0x0530 ? latin_twin(c[k].base) : 0;
            if (t) {
                c[k].base = t;
                /* a Latin base may now take the Vietnamese marks it carries: settle them the
                 * way add_mark would have, so normalising again changes nothing */
                if (c[k].nx) {
                    uint32_t *m = sc->x + c[k].xoff;
                    uint32_t n = c[k].nx, j = 0;
                    unsigned md = 0, tn = 0;
                    for (; j < n; j++) {
                        unsigned mm = mark_mod(m[j]), tt = mark_tone(m[j]);
                        if (mm && !md && vn_row(t, mm) >= 0)
                            md = mm;
                        else if (tt && !tn && vn_is_vowel(t))
                            tn = tt;
                        else
                            break;
                    }
                    if (j == n) {
                        c[k].mod = (uint8_t)md;
                        c[k].tone = (uint8_t)tn;
                        c[k].nx = 0;
                    } else {
                        /* the j marks taken in canonical order, then the rest as typed */
                        uint32_t q = 0;
                        if (md == VN_MOD_HORN)
                            m[q++] = MOD_MARK[md];
                        if (tn == VN_TONE_DOT)
                            m[q++] = TONE_MARK[tn];
                        if (md && md != VN_MOD_HORN)
                            m[q++] = MOD_MARK[md];
                        if (tn && tn != VN_TONE_DOT)
                            m[q++] = TONE_MARK[tn];
                        sort_marks(m, n);
                    }
                }
            }
        }
    /* 2. a letter repeated 3+ times collapses to one (the first that carries marks), and
     * 3. tone placement on what is left, when it is syllable-sized and has a tone */
    size_t ix[SYL_MAX], n = 0;
    int has_tone = 0;
    size_t k = b;
    while (k < e) {
        size_t j = k + 1;
        while (j < e && c[j].base == c[k].base)
            j++;
        size_t keep = k;
        if (j - k >= 3) {
            for (size_t q = k; q < j; q++)
                if (c[q].mod || c[q].tone || c[q].nx) {
                    keep = q;
                    break;
                }
            for (size_t q = k; q < j; q++)
                if (q != keep)
                    c[q].cls = VN_C_DROP;
            if (n < SYL_MAX)
                ix[n] = keep;
            n++;
            has_tone |= c[keep].tone != 0;
        } else {
            for (size_t q = k; q < j; q++) {
                if (n < SYL_MAX)
                    ix[n] = q;
                n++;
                has_tone |= c[q].tone != 0;
            }
        }
        k = j;
    }
    if (has_tone && n >= 2 && n <= SYL_MAX)
        place_tone(c, ix, n);
}

/* ---------- emission ---------- */

size_t vn_emit_bound(const struct vn_scan *sc, size_t b, size_t e)
{
    size_t n = 0;
    for (size_t k = b; k < e; k++)
        n += 4 + 4 * (size_t)sc->c[k].nx;
    return n;
}

static size_t emit_one(const struct vn_scan *sc, const struct vn_clu *c, char *out)
{
    if (c->nx == 0) {
        uint32_t cp = c->base;
        if (c->mod || c->tone) {
            int row = vn_row(c->base, c->mod);
            if (row >= 0)
                cp = VN_TAB[row][c->tone];
        }
        return vn_utf8_enc(cp, out);
    }
    /* impure: compose base + marks with utf8proc (at most 63 marks take part) */
    utf8proc_int32_t buf[64];
    size_t m = c->nx < 63 ? c->nx : 63;
    buf[0] = (utf8proc_int32_t)c->base;
    for (size_t k = 0; k < m; k++)
        buf[k + 1] = (utf8proc_int32_t)sc->x[c->xoff + k];
    utf8proc_ssize_t r = utf8proc_normalize_utf32(buf, (utf8proc_ssize_t)(m + 1), UTF8PROC_COMPOSE);
    if (r < 0)
        r = (utf8proc_ssize_t)(m + 1);
    size_t o = 0;
    for (utf8proc_ssize_t k = 0; k < r; k++)
        o += vn_utf8_enc((uint32_t)buf[k], out + o);
    for (size_t k = m; k < c->nx; k++)
        o += vn_utf8_enc(sc->x[c->xoff + k], out + o);
    return o;
}

size_t vn_emit_acc(const struct vn_scan *sc, size_t b, size_t e, char *out)
{
    size_t o = 0;
    for (size_t k = b; k < e; k++) {
        const struct vn_clu *c = &sc->c[k];
        if (c->cls == VN_C_DROP)
            continue;
        if (c->base < 0x80 && c->nx == 0 && !c->mod && !c->tone)
            out[o++] = (char)c->base;
        else
            o += emit_one(sc, c, out + o);
    }
    return o;
}

size_t vn_emit_fold(const struct vn_scan *sc, size_t b, size_t e, char *out)
{
    size_t o = 0;
    for (size_t k = b; k < e; k++) {
        const struct vn_clu *c = &sc->c[k];
        if (c->cls == VN_C_DROP)
            continue;
        uint32_t cp = c->base == 0x0111 ? 'd' : c->base;
        if (cp < 0x80)
            out[o++] = (char)cp;
        else
            o += vn_utf8_enc(cp, out + o);
    }
    return o;
}
