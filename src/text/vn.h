/*
 * Vietnamese text handling: validation, normalisation, folding, teencode, syllable tokens and
 * entity extraction. Pure functions: no I/O, no globals written after start-up. Everything a
 * function returns is allocated from the caller's arena and lives as long as that arena.
 *
 * Normal form ("acc" below), applied identically to reports, lexicon phrases, model features and
 * search queries:
 *   valid UTF-8 -> NFC -> look-alikes replaced (U+00D0 Ð -> Đ, U+00F0 ð -> đ, ...) ->
 *   zero-width and control characters dropped (newline and tab become a space) -> casefold ->
 *   one tone placement (the "old" style: òa, óe, úy — "hoà" becomes "hòa", "thuý" -> "thúy") ->
 *   a letter repeated 3+ times collapses to one ("đcccc" -> "đc", "okkkk" -> "ok").
 * Also: a character keeps at most 30 combining marks (Unicode's stream-safe limit; "zalgo" text
 * loses the rest), and styled letters (full-width, mathematical, circled) become plain ones.
 * Folded form ("fold"): the normal form with every combining mark stripped and đ -> d.
 */
#ifndef TD_TEXT_VN_H
#define TD_TEXT_VN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"

/** A byte slice; not NUL-terminated unless said so. */
struct vn_str {
    const char *p;
    size_t len;
};

/* ---------- validation and normalisation ---------- */

/** TD_OK if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF), else TD_EUTF8. */
enum td_err vn_utf8_check(const char *s, size_t len);

/** Number of code points in valid UTF-8 s[0..len). */
size_t vn_utf8_count(const char *s, size_t len);

/**
 * The normal form of s (see top of file), NUL-terminated, in the arena.
 * TD_EUTF8 on invalid input, TD_ENOMEM when the arena is exhausted.
 */
enum td_err vn_normalize(struct arena *a, const char *s, size_t len, struct vn_str *out);

/** The folded form of s (normalises first), NUL-terminated. Same errors as vn_normalize. */
enum td_err vn_fold(struct arena *a, const char *s, size_t len, struct vn_str *out);

/** NFC only (no casefold), for storing text as the student wrote it. Same errors. */
enum td_err vn_nfc(struct arena *a, const char *s, size_t len, struct vn_str *out);

/* ---------- teencode ---------- */

struct vn_teencode; /* opaque, immutable after parse; shared by all threads */

/**
 * Parse a teencode map (format specified at the top of src/text/teencode.c and of
 * data/text/teencode.tsv). On error, TD_EINVAL and a message with the line number in err.
 * The result is malloc'd; free with vn_teencode_free.
 */
enum td_err vn_teencode_parse(const char *buf, size_t len, struct vn_teencode **out, char *err,
                              size_t errlen);
void vn_teencode_free(struct vn_teencode *tc);

/* ---------- tokens ---------- */

enum vn_tok_kind {
    VN_TOK_WORD = 1, /* letters (a syllable, or a Latin word such as "ok", "facebook") */
    VN_TOK_NUMBER,   /* digits, possibly with . , separators inside ("2.000.000", "1,5") */
    VN_TOK_SYMBOL,   /* emoji and other symbols, kept so signals like "😭" can be weighted */
};

struct vn_token {
    enum vn_tok_kind kind;
    struct vn_str acc;  /* normal form of the token (NUL-terminated) */
    struct vn_str fold; /* folded form (NUL-terminated) */
    struct vn_str exp; /* teencode expansion in normal form, e.g. "không", "số tài khoản"; may
                          contain spaces; equals acc when the token is not teencode; empty
                          (len 0) for the 2nd.. token of a phrase whose whole expansion went to
                          its first token */
    size_t start, end; /* byte span [start, end) in the ORIGINAL input */
    /* Added after the first cut: */
    struct vn_str xfold; /* folded form of exp (== fold when the token is not teencode) */
    struct vn_str alt;   /* other senses the teencode map gives an ambiguous token without
                            rewriting it ("cu" -> "cặc", "phò" -> "đĩ"), normal form, may contain
                            spaces, several senses joined by '|'; {NULL, 0} if none. Use it for
                            features (profanity), never as the meaning of the token. */
};

struct vn_tokens {
    struct vn_token *v;
    size_t n;
};

/**
 * Split s into tokens. Punctuation and spaces separate tokens and are not returned.
 * tc may be NULL (then exp == acc for every token). Expansion is context-aware where the map
 * says so (e.g. "ck" -> "chuyển khoản" only near money words) and never rewrites real words
 * such as single letters, "ban", "tu".
 * Errors: TD_EUTF8, TD_ENOMEM.
 */
enum td_err vn_tokenize(struct arena *a, const struct vn_teencode *tc, const char *s, size_t len,
                        struct vn_tokens *out);

/* ---------- entities ---------- */

enum vn_entity_kind {
    VN_ENT_PHONE = 1,    /* value: E.164, "+84912345678" */
    VN_ENT_URL,          /* value: canonical URL without scheme: "host/path?kept=params";
                            host lower-case, punycode, no "www.", tracking params and trailing dots
                            stripped. host: the canonical host. */
    VN_ENT_DOMAIN,       /* a bare domain written without scheme or path: value == host */
    VN_ENT_BANK_ACCOUNT, /* value: digits only */
    VN_ENT_MONEY,        /* value: decimal đồng as text; amount: the integer */
    VN_ENT_SOCIAL,       /* value: "platform:handle", e.g. "facebook:ctsv.caodang.hotro",
                            "zalo:+84912345678", "tiktok:@name", "telegram:@name"; platforms:
                            facebook zalo telegram tiktok instagram threads x youtube, or
                            "unknown" for an @handle after "nick"/"tài khoản" with no platform
                            named in the text */
    VN_ENT_EMAIL,        /* value: lower-cased address */
};

struct vn_entity {
    enum vn_entity_kind kind;
    struct vn_str value; /* canonical form (NUL-terminated) */
    struct vn_str host;  /* URL, DOMAIN, SOCIAL from a link: canonical host; else {NULL,0} */
    int64_t amount;      /* MONEY: integer đồng; else 0 */
    size_t start, end;   /* byte span [start, end) in the ORIGINAL input */
    /* Added after the first cut: */
    struct vn_str url; /* SOCIAL from a link: the canonical URL (as a URL value); else {NULL,0} */
    const char *currency; /* MONEY: "VND", "USD" or "EUR" as written; else NULL. A foreign amount
                             is converted to đồng in amount/value at a fixed rough rate
                             (VN_RATE_USD, VN_RATE_EUR) so sizes compare; amount_orig keeps it. */
    int64_t amount_orig;  /* MONEY: the amount in its own currency (== amount for VND) */
};

/* Rough conversion rates used only to compare foreign amounts with đồng amounts. */
#define VN_RATE_USD 25000
#define VN_RATE_EUR 27000

struct vn_entities {
    struct vn_entity *v;
    size_t n;
};

/**
 * Find entities in s (original text, any case, with or without diacritics).
 * Spans do not overlap; entities are in text order. Errors: TD_EUTF8, TD_ENOMEM.
 */
enum td_err vn_extract_entities(struct arena *a, const char *s, size_t len,
                                struct vn_entities *out);

/**
 * The same, reusing tokens the caller already has from vn_tokenize(a, tc, s, len, toks) on the
 * same text (saves a second scan; the teencode map does not matter). Added after the first cut.
 */
enum td_err vn_extract_entities_tok(struct arena *a, const char *s, size_t len,
                                    const struct vn_tokens *toks, struct vn_entities *out);

/** Canonicalisers, also used on their own (API input, blocklist import). TD_EINVAL if not one. */
enum td_err vn_canon_phone(struct arena *a, const char *s, size_t len, struct vn_str *out);
enum td_err vn_canon_url(struct arena *a, const char *s, size_t len, struct vn_str *out,
                         struct vn_str *host);
enum td_err vn_canon_email(struct arena *a, const char *s, size_t len, struct vn_str *out);

/* "phone", "url", "domain", "bank_account", "money", "social_handle" (the name the labelled
 * corpus uses), "email" */
const char *vn_entity_kind_name(enum vn_entity_kind k);

#endif
