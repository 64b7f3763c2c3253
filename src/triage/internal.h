/*
 * Internals shared by the triage files (lexicon.c, model.c, feats.c, triage.c). Not for other
 * modules: they use triage.h.
 */
#ifndef TD_TRIAGE_INTERNAL_H
#define TD_TRIAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "lib/strbuf.h"
#include "text/vn.h"
#include "triage/triage.h"

/* ---------- hashing ---------- */

static inline uint64_t tri_hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

/* Combine the hash of a token sequence so far with the next token's hash. */
static inline uint64_t tri_hash_step(uint64_t h, uint64_t th)
{
    h = (h ^ th) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 31);
}

#define TRI_HASH_SEED 0x51ed270b27a5c0ffull

/* ---------- the token stream both the lexicon and the model read ---------- */

/*
 * One word of the text after teencode expansion: a token whose expansion has several words
 * ("stk" -> "số tài khoản") gives several items, all with the token's span.
 */
struct tri_item {
    struct vn_str acc;  /* normal (accented) form */
    struct vn_str fold; /* folded form */
    uint64_t hacc, hfold;
    size_t start, end; /* byte span of the source token in the original text */
    int marked;        /* acc differs from fold: the writer typed marks on this word */
    int kind;          /* enum vn_tok_kind */
};

struct tri_stream {
    struct tri_item *v;
    size_t n;
};

/** Tokenise text (normalising it) into the stream. TD_EUTF8, TD_ENOMEM. */
enum td_err tri_stream_build(struct arena *a, const struct vn_teencode *tc, const char *text,
                             size_t len, struct tri_stream *out);

/* ---------- lexicon (lexicon.c) ---------- */

/* Flags of a lexicon phrase; the names are the ones written in data/triage/lexicon. */
#define TRI_FLAGS(X)                                                                               \
    X(CRITICAL, "critical")                                                                        \
    X(IMMINENCE, "imminence")                                                                      \
    X(ISOLATION, "isolation")                                                                      \
    X(MONEY, "money")                                                                              \
    X(LOSS, "loss")                                                                                \
    X(NOLOSS, "noloss")                                                                            \
    X(DEADLINE, "deadline")                                                                        \
    X(PUBLISH, "publish_threat")                                                                   \
    X(INTIMATE, "intimate")                                                                        \
    X(VIOLENCE, "violence")                                                                        \
    X(RANSOM, "ransom")                                                                            \
    X(PAST, "past")                                                                                \
    X(RESOLVED, "resolved")                                                                        \
    X(QUESTION, "question")                                                                        \
    X(PREVENTIVE, "preventive")                                                                    \
    X(NEGATION, "negation")                                                                        \
    X(GUARD, "guard")                                                                              \
    X(HELP, "help")                                                                                \
    X(CONTACTS, "contacts")                                                                        \
    X(CREDENTIALS, "credentials")                                                                  \
    X(TRAVEL, "travel")                                                                            \
    X(MISUSE, "misuse")                                                                            \
    X(AMBIGUOUS, "ambiguous")                                                                      \
    X(THIRDPARTY, "third_party")                                                                   \
    X(OFFLINE, "offline")                                                                          \
    X(ONGOING, "ongoing")                                                                          \
    X(PLACE, "place")                                                                              \
    X(REFUSED, "refused")                                                                          \
    X(CHECK, "check")                                                                              \
    X(MISSING, "missing")                                                                          \
    X(HELD, "held")                                                                                \
    X(CONTENT, "content")

enum tri_flag_bit {
#define TRI_FLAG_ENUM(name, str) TRI_FB_##name,
    TRI_FLAGS(TRI_FLAG_ENUM)
#undef TRI_FLAG_ENUM
        TRI_NFLAGS
};

#define TRI_F(name) (1u << TRI_FB_##name)

const char *tri_flag_name(int bit);

struct tri_lex_entry {
    const char *phrase; /* as written in the file (NUL-terminated, malloc'd in the lexicon) */
    struct vn_str *acc; /* normal form per syllable */
    struct vn_str *fold;
    size_t ntok;
    int category; /* enum triage_category or -1 */
    double weight;
    uint32_t flags;
    int line;
};

struct tri_lexicon;

enum td_err tri_lexicon_parse(const char *buf, size_t len, struct tri_lexicon **out, char *err,
                              size_t errlen);
void tri_lexicon_free(struct tri_lexicon *lx);
size_t tri_lexicon_size(const struct tri_lexicon *lx);
const struct tri_lex_entry *tri_lexicon_entry(const struct tri_lexicon *lx, size_t i);

struct tri_match {
    uint32_t entry;       /* index into the lexicon */
    uint32_t first, last; /* item indices, inclusive */
    int folded_only;
    int cancelled; /* 1 by a guard (hyperbole, idiom), 2 by a negation, 3 inside a longer phrase,
                      4 by a guard read only without marks */
};

struct tri_matches {
    struct tri_match *v;
    size_t n;
};

/**
 * Every lexicon phrase found in the stream, in text order, with guards and negation applied
 * (cancelled matches stay in the list, marked). TD_ENOMEM.
 */
enum td_err tri_lexicon_match(const struct tri_lexicon *lx, struct arena *a,
                              const struct tri_stream *st, const char *text, size_t len,
                              struct tri_matches *out);

/* ---------- model (model.c) ---------- */

#define TRI_NURG 4

struct tri_model;

/** Features of a text: hashes (32-bit) of unigrams and bigrams of both forms, deduplicated. */
struct tri_feats {
    uint32_t *v;
    size_t n;
};

enum td_err tri_features(struct arena *a, const struct tri_stream *st, const struct tri_matches *m,
                         const struct tri_lexicon *lx, struct tri_feats *out);

enum td_err tri_model_parse(const char *buf, size_t len, struct tri_model **out, char *err,
                            size_t errlen);
void tri_model_free(struct tri_model *m);
size_t tri_model_nfeatures(const struct tri_model *m);

/**
 * Log-posteriors (natural log, normalised so they sum to 1 in probability) for categories and
 * urgencies. With no model, uniform.
 */
void tri_model_score(const struct tri_model *m, const struct tri_feats *f, double cat[TRIAGE_NCAT],
                     double urg[TRI_NURG]);

/* Training: count features per class and write the text model. */
struct tri_trainer;
struct tri_trainer *tri_trainer_new(void);
enum td_err tri_trainer_add(struct tri_trainer *tr, const struct tri_feats *f, int category,
                            int urgency);
enum td_err tri_trainer_write(const struct tri_trainer *tr, int min_df, struct sb *out);
void tri_trainer_free(struct tri_trainer *tr);

/* ---------- the whole classifier ---------- */

struct tri_hostset;
enum td_err tri_hostset_parse(const char *buf, size_t len, struct tri_hostset **out, char *err,
                              size_t errlen);
void tri_hostset_free(struct tri_hostset *hs);
int tri_hostset_has(const struct tri_hostset *hs, const char *host, size_t len);
size_t tri_hostset_size(const struct tri_hostset *hs);

struct triage {
    struct tri_lexicon *lex;
    struct tri_model *model;
    struct vn_teencode *tc;
    struct tri_hostset *bad;
};

#endif
