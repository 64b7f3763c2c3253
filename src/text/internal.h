/*
 * Private to src/text: the scanner shared by the normaliser, the tokenizer and the entity
 * extractor.
 *
 * The scanner reads valid UTF-8 once and turns it into "clusters": one base code point (after
 * look-alike replacement, canonical decomposition and casefolding) with the combining marks that
 * follow it, and the byte span of the original text it came from. Zero-width, format and control
 * characters produce no cluster (they are dropped, so "ch\u200bết" is one word); tab and newline
 * become a space cluster.
 *
 * A cluster whose base is a Latin letter and whose marks are only Vietnamese ones (at most one
 * vowel modifier that fits the vowel — circumflex on a/e/o, breve on a, horn on o/u — and at most
 * one tone) is "pure": its marks are kept as (mod, tone) and it composes through a table. Any
 * other cluster keeps its marks in scan->x (original order) and composes through utf8proc.
 * Vietnamese-specific repair: a modifier typed after the tone ("e" U+0301 U+0302) still gives
 * "ế", since pure clusters do not remember the order.
 *
 * Word-level steps (look-alike letters from Cyrillic/Greek inside Latin words, collapse of a
 * letter repeated 3+ times, canonical tone placement) run on a run of letter clusters
 * (word_fix) and then word_emit writes the normal and folded forms.
 */
#ifndef TD_TEXT_INTERNAL_H
#define TD_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "text/vn.h"

/* A character keeps at most this many combining marks (Unicode's stream-safe limit); more are
 * dropped, so "zalgo" text costs linear time. */
#define VN_MAX_MARKS 30

enum vn_cls {
    VN_C_DROP = 0, /* removed from the word (a collapsed repeat) */
    VN_C_LETTER,
    VN_C_DIGIT,
    VN_C_SPACE,
    VN_C_PUNCT,
    VN_C_SYMBOL,
};

enum { VN_MOD_NONE = 0, VN_MOD_CIRC, VN_MOD_BREVE, VN_MOD_HORN };
enum { VN_TONE_NONE = 0, VN_TONE_GRAVE, VN_TONE_ACUTE, VN_TONE_HOOK, VN_TONE_TILDE, VN_TONE_DOT };

struct vn_clu {
    uint32_t base;     /* lower-case base code point */
    uint8_t cls;       /* enum vn_cls */
    uint8_t mod;       /* VN_MOD_* (pure clusters) */
    uint8_t tone;      /* VN_TONE_* (pure clusters) */
    uint8_t ascii;     /* original code point was ASCII (for the fast paths) */
    uint32_t nx;       /* extra marks in scan->x; > 0 means not pure */
    uint32_t xoff;     /* index of the first extra mark */
    size_t start, end; /* byte span in the original text */
};

struct vn_scan {
    struct vn_clu *c;
    size_t n, cap;
    uint32_t *x;
    size_t nx, xcap;
    int has_x;     /* any cluster with extra marks */
    int has_twin;  /* any Greek or Cyrillic letter (word_fix looks for look-alikes) */
    int all_ascii; /* the input was plain ASCII */
};

/* utf8.c */
/** Decode one code point of valid-or-not UTF-8 at s[0..len); returns its length (1..4), or 0 if
 * the sequence is invalid (overlong, surrogate, > U+10FFFF, truncated, stray continuation). */
size_t vn_utf8_dec(const unsigned char *s, size_t len, uint32_t *cp);
/** Encode cp (<= U+10FFFF) into out (4 bytes room); returns the length. */
size_t vn_utf8_enc(uint32_t cp, char *out);

/* scan.c */
/** Scan s into clusters (arena). TD_EUTF8 on invalid input, TD_ENOMEM. */
enum td_err vn_scan_text(struct arena *a, const char *s, size_t len, struct vn_scan *sc);
/** Apply the word-level steps to the letter run [b, e) of sc (in place). */
void vn_word_fix(struct vn_scan *sc, size_t b, size_t e);
/** Upper bound of the bytes vn_emit_* write for clusters [b, e). */
size_t vn_emit_bound(const struct vn_scan *sc, size_t b, size_t e);
/** Write the normal form of clusters [b, e) (DROP clusters skipped) to out; returns bytes. */
size_t vn_emit_acc(const struct vn_scan *sc, size_t b, size_t e, char *out);
/** Write the folded form of clusters [b, e) to out; returns bytes. */
size_t vn_emit_fold(const struct vn_scan *sc, size_t b, size_t e, char *out);

/** Is c a Vietnamese vowel base letter (a e i o u y)? */
int vn_is_vowel(uint32_t c);

/* teencode.c: expansion over a token array (tokenize.c calls it). */
enum td_err vn_teencode_apply(struct arena *a, const struct vn_teencode *tc, const char *s,
                              struct vn_token *t, size_t n);
/** Is fold (a folded token) the key of an entry whose FROM ends with one of ~ ` ' glued to a
 * word ("di~", "b`", "đ'")? tokenize.c uses it to keep such a mark in the token. */
int vn_teencode_has_key(const struct vn_teencode *tc, const char *acc, size_t len);

/* canon.c */
/** Canonical E.164 of the digit string d[0..n) (no separators) into e164 (>= 20 bytes); returns
 * its length, or 0 if it is not a Vietnamese phone number. */
int vn_phone_digits(const char *d, size_t n, char *e164);
/** Canonical host (lower-case, punycode, no trailing dot, no "www."). TD_EINVAL if not a host. */
enum td_err vn_canon_host(struct arena *a, const char *s, size_t len, struct vn_str *out);
/** Length of s without the punctuation a sentence glues to the end of a URL. */
size_t vn_url_trim(const char *s, size_t len);

/* small helpers */
static inline int vn_is_ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}
static inline int vn_is_ascii_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int vn_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

#endif
