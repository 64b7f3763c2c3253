/*
 * Triage: category + urgency + risk score + signals + entities from a report's text.
 * Pure functions, no I/O: the lexicon, model, teencode map and known-bad domain set are parsed
 * from buffers the caller read, once at start-up, into an immutable struct triage shared by all
 * threads. triage_classify() allocates its verdict from the caller's arena.
 *
 * Taxonomy: ../shared/data/taxonomy.md, shipped as data/triage/taxonomy.
 */
#ifndef TD_TRIAGE_TRIAGE_H
#define TD_TRIAGE_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "text/vn.h"

enum triage_urgency { URG_LOW = 0, URG_MEDIUM, URG_HIGH, URG_CRITICAL };

#define TRIAGE_NCAT 14
/* Category codes in taxonomy order; index = enum triage_category. */
enum triage_category {
    CAT_SELF_HARM = 0,
    CAT_ONLINE_KIDNAPPING,
    CAT_SEXTORTION,
    CAT_TRAFFICKING,
    CAT_SCAM,
    CAT_IMPERSONATION,
    CAT_LOAN_HARASSMENT,
    CAT_ACCOUNT_TAKEOVER,
    CAT_CYBERBULLYING,
    CAT_PRIVACY_LEAK,
    CAT_HARMFUL_CONTENT,
    CAT_WELLBEING,
    CAT_QUESTION,
    CAT_OTHER,
};

const char *triage_category_code(enum triage_category c); /* "self_harm", ... */
const char *triage_urgency_code(enum triage_urgency u);   /* "low" ... "critical" */
/** Parse a code; returns 0 and sets *out, or -1 if unknown. */
int triage_category_parse(const char *code, enum triage_category *out);
int triage_urgency_parse(const char *code, enum triage_urgency *out);

struct triage_signal {
    struct vn_str phrase; /* as written in the original text (NUL-terminated copy) */
    size_t start, end;    /* byte span in the original text */
    double weight;
    int category;     /* enum triage_category, or -1 for a modifier not tied to one */
    const char *kind; /* "phrase", "critical", "imminence", "isolation", "money", "deadline",
                         "publish_threat", "past", "negation", "blocklist", ... */
    int folded_only;  /* matched only in folded form (ambiguous without marks) */
};

struct triage_verdict {
    enum triage_category category;
    enum triage_urgency urgency;
    int score;        /* risk 0..100 */
    int needs_review; /* a human should check: folded-only critical signal, low confidence */
    struct triage_signal *signals;
    size_t nsignals;
    struct vn_entities entities;
    const char *reasons[8]; /* short machine codes explaining the urgency, NULL-terminated */
};

struct triage; /* opaque: lexicon + model + teencode + blocklist */

struct triage_inputs {
    const char *lexicon;
    size_t lexicon_len; /* data/triage/lexicon */
    const char *model;
    size_t model_len; /* data/triage/model (may be NULL: lexicon only) */
    const char *teencode;
    size_t teencode_len; /* data/text/teencode.tsv (may be NULL) */
    const char *blocklist;
    size_t blocklist_len; /* known-bad domains, one per line, hosts-file
                             lines "0.0.0.0 host" accepted (may be NULL) */
};

/**
 * Build a classifier from the given buffers. On error returns TD_EINVAL with a message naming the
 * input and line in err. The result is malloc'd; free with triage_free.
 */
enum td_err triage_load(const struct triage_inputs *in, struct triage **out, char *err,
                        size_t errlen);
void triage_free(struct triage *t);

/**
 * Classify one text (UTF-8, as the student wrote it). TD_EUTF8 on invalid UTF-8, TD_ENOMEM when
 * the arena is exhausted. Never returns a lower urgency on doubt.
 */
enum td_err triage_classify(const struct triage *t, struct arena *a, const char *text, size_t len,
                            struct triage_verdict *out);

/** Whether a canonical host (or one of its parent domains, at dot boundaries) is known-bad. */
int triage_host_is_bad(const struct triage *t, const char *host, size_t len);

/* ---------- additions for the command line, evaluation and training ---------- */

/** The category's usual urgency (taxonomy table). */
enum triage_urgency triage_category_usual(enum triage_category c);

/** Sizes of the loaded parts, for reports: lexicon phrases, model features, known-bad hosts. */
size_t triage_lexicon_size(const struct triage *t);
size_t triage_model_features(const struct triage *t);
size_t triage_blocklist_size(const struct triage *t);

/** One labelled report for training. */
struct triage_example {
    const char *text;
    size_t len;
    int category; /* enum triage_category */
    int urgency;  /* enum triage_urgency */
};

/**
 * Train the naive Bayes models on n examples, tokenising with the lexicon and teencode map of
 * in (its model and blocklist are ignored), keeping features seen in at least min_df reports.
 * On success *model is a malloc'd text model (format: src/triage/model.c) the caller frees.
 * TD_EINVAL (err names the input) on a bad lexicon or teencode map, TD_EUTF8 / err naming the
 * example on invalid text, TD_ENOMEM.
 */
enum td_err triage_train(const struct triage_inputs *in, const struct triage_example *ex, size_t n,
                         int min_df, char **model, size_t *model_len, char *err, size_t errlen);

#endif
