/*
 * Triage: the verdict from the lexicon (lexicon.c), the naive Bayes models (model.c) and the
 * taxonomy's rules (../shared/data/taxonomy.md).
 *
 * Category: argmax over c of  NB_TEMPER * log P_nb(c | text) + sum of the weights of the
 * lexicon phrases for c that fired (not cancelled by a guard or a negation; a folded-only match
 * counts FOLD_DISCOUNT of its weight). Before it, a report about a channel, page or trend whose
 * self-harm words are said of no one moves them to harmful_content (reviewed, at least medium).
 * Then the taxonomy's hard rules, first match wins:
 *   - self-harm first (life first): a self-harm critical phrase (plan, means, farewell, intent),
 *     or indirect cues that together weigh SH_ACCUM (a goodbye and an apology, belongings given
 *     away, "no one needs me"), or one weighing SH_SINGLE, make it self_harm whatever else the
 *     text says (debt, a scam, bullying);
 *   - an isolation order with ransom/"bail"/"proof of innocence" money, or from someone posing as
 *     an official, and a fake official sending the student towards a border, is
 *     online_kidnapping, whatever the script began as;
 *   - intimate images with a money demand are sextortion, not a privacy leak;
 *   - a call to violence in a doxxing post or an "other" report is cyberbullying;
 *   - "is this real / legal / a scam?" with nothing lost, refused or under way is a question.
 * Urgency: the category's usual urgency (data/triage/taxonomy), moved by the flags of the
 * phrases that fired (urgency_rules below: deadlines make sextortion critical, refusals drop a
 * kidnapping script to low and a scam or impersonation to medium, travel under way or someone
 * held or unreachable makes trafficking critical, ...). The urgency model may move a usual
 * urgency the rules left alone below critical when confident, and may raise (never lower) to
 * critical when all but certain and the lexicon saw something alarming. Then floors that never
 * go down:
 *   - a threat of violence is critical in any category unless resolved;
 *   - a critical phrase matched on its written form makes the report critical unless the text
 *     says the event is past/resolved, only asks how to prevent it, or (for the scripts a refusal
 *     ends) was refused (never for self-harm);
 *   - a critical phrase matched only on folded forms (typed without marks, ambiguous) makes it at
 *     least high and sets needs_review; so do hyperbole read only without marks, self-harm
 *     wording the category did not take, and a cry for help;
 *   - self_harm is critical.
 * Score: the urgency's band (low 0-24, medium 25-49, high 50-74, critical 75-100) placed by the
 * strength of the evidence inside the band.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/internal.h"

#define TRIAGE_TEXT_MAX (64u * 1024u)

/* Combination constants, tuned by 5-fold cross-validation on the dev corpus. */
#ifndef NB_TEMPER
#define NB_TEMPER 0.06
#endif
#ifndef FOLD_DISCOUNT
#define FOLD_DISCOUNT 0.8
#endif
#ifndef AMBIG_DISCOUNT
#define AMBIG_DISCOUNT 0.3
#endif
#ifndef MIN_EVIDENCE
#define MIN_EVIDENCE 1.0
#endif
#ifndef MIN_SELF_HARM
#define MIN_SELF_HARM 2.0
#endif
#ifndef SH_ACCUM
#define SH_ACCUM 3.0 /* indirect self-harm cues that together make it self-harm */
#endif
#ifndef SH_SINGLE
#define SH_SINGLE 2.5 /* one indirect self-harm phrase strong enough alone ("chẳng ai cần em") */
#endif
#ifndef SH_WEAK
#define SH_WEAK 1.5 /* self-harm wording that raises another category to high */
#endif
#ifndef HYPERBOLE_FLOOR
#define HYPERBOLE_FLOOR URG_HIGH /* urgency of hyperbole read only without marks */
#endif
#ifndef NB_URG_MOVE
#define NB_URG_MOVE 1 /* the urgency model may move an unchanged usual urgency below critical */
#endif
#ifndef NB_CRIT_LOGP
#define NB_CRIT_LOGP -1e-5 /* log P(critical) above which the model alone raises to critical */
#endif
#ifndef NB_URG_CONFIDENT
#define NB_URG_CONFIDENT 0.90
#endif

static const char *const cat_codes[TRIAGE_NCAT] = {
    "self_harm",       "online_kidnapping", "sextortion",       "trafficking",   "scam",
    "impersonation",   "loan_harassment",   "account_takeover", "cyberbullying", "privacy_leak",
    "harmful_content", "wellbeing",         "question",         "other",
};

static const enum triage_urgency usual[TRIAGE_NCAT] = {
    URG_CRITICAL, URG_CRITICAL, URG_HIGH,   URG_CRITICAL, URG_HIGH,   URG_HIGH, URG_HIGH,
    URG_MEDIUM,   URG_MEDIUM,   URG_MEDIUM, URG_LOW,      URG_MEDIUM, URG_LOW,  URG_LOW,
};

static const char *const urg_codes[4] = {"low", "medium", "high", "critical"};

const char *triage_category_code(enum triage_category c)
{
    return (unsigned)c < TRIAGE_NCAT ? cat_codes[c] : "other";
}

const char *triage_urgency_code(enum triage_urgency u)
{
    return (unsigned)u < 4 ? urg_codes[u] : "low";
}

enum triage_urgency triage_category_usual(enum triage_category c)
{
    return (unsigned)c < TRIAGE_NCAT ? usual[c] : URG_LOW;
}

int triage_category_parse(const char *code, enum triage_category *out)
{
    for (int i = 0; i < TRIAGE_NCAT; i++)
        if (code && strcmp(code, cat_codes[i]) == 0) {
            *out = (enum triage_category)i;
            return 0;
        }
    return -1;
}

int triage_urgency_parse(const char *code, enum triage_urgency *out)
{
    for (int i = 0; i < 4; i++)
        if (code && strcmp(code, urg_codes[i]) == 0) {
            *out = (enum triage_urgency)i;
            return 0;
        }
    return -1;
}

void triage_free(struct triage *t)
{
    if (t == NULL)
        return;
    tri_lexicon_free(t->lex);
    tri_model_free(t->model);
    vn_teencode_free(t->tc);
    tri_hostset_free(t->bad);
    free(t);
}

enum td_err triage_load(const struct triage_inputs *in, struct triage **out, char *err,
                        size_t errlen)
{
    enum td_err rc = TD_OK;
    struct triage *t = calloc(1, sizeof *t);
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (t == NULL)
        return TD_ENOMEM;
    if (in->teencode) {
        rc = vn_teencode_parse(in->teencode, in->teencode_len, &t->tc, err, errlen);
        if (rc)
            goto out;
    }
    if (in->lexicon == NULL) {
        if (err && errlen)
            snprintf(err, errlen, "lexicon: missing");
        rc = TD_EINVAL;
        goto out;
    }
    rc = tri_lexicon_parse(in->lexicon, in->lexicon_len, &t->lex, err, errlen);
    if (rc)
        goto out;
    if (in->model) {
        rc = tri_model_parse(in->model, in->model_len, &t->model, err, errlen);
        if (rc)
            goto out;
    }
    if (in->blocklist) {
        rc = tri_hostset_parse(in->blocklist, in->blocklist_len, &t->bad, err, errlen);
        if (rc)
            goto out;
    }
out:
    if (rc)
        triage_free(t);
    else
        *out = t;
    return rc;
}

int triage_host_is_bad(const struct triage *t, const char *host, size_t len)
{
    return t && tri_hostset_has(t->bad, host, len);
}

size_t triage_lexicon_size(const struct triage *t)
{
    return t ? tri_lexicon_size(t->lex) : 0;
}

size_t triage_model_features(const struct triage *t)
{
    return t ? tri_model_nfeatures(t->model) : 0;
}

size_t triage_blocklist_size(const struct triage *t)
{
    return t ? tri_hostset_size(t->bad) : 0;
}

/* ---------- analysis shared by classify and train ---------- */

struct analysis {
    struct tri_stream st;
    struct tri_matches m;
    struct tri_feats f;
};

static enum td_err analyse(const struct triage *t, struct arena *a, const char *text, size_t len,
                           struct analysis *an)
{
    enum td_err rc = tri_stream_build(a, t->tc, text, len, &an->st);
    if (rc == TD_OK)
        rc = tri_lexicon_match(t->lex, a, &an->st, text, len, &an->m);
    if (rc == TD_OK)
        rc = tri_features(a, &an->st, &an->m, t->lex, &an->f);
    return rc;
}

/* ---------- the verdict ---------- */

#define TOO_FEW_WORDS 2 /* at most this many words with no lexicon evidence: category other */

enum { CRIT_NONE = 0, CRIT_AMBIG_FOLDED, CRIT_FOLDED, CRIT_EXACT };

#define SH_SEEN_MAX 8

struct agg {
    double catw[TRIAGE_NCAT];
    uint32_t flags;         /* union of flags of active phrases */
    uint32_t exact_flags;   /* ... of those matched on written forms */
    int crit[TRIAGE_NCAT];  /* strongest critical match per category */
    int ambig[TRIAGE_NCAT]; /* ambiguous folded-only critical matches per category */
    int crit_nocat;         /* strongest critical match without a category */
    int crit_max;
    int negated;          /* a critical/self-harm phrase was negated */
    int folded_hyperbole; /* ... read as hyperbole only through folded forms */
    int folded_crit;
    int nsh;       /* distinct self-harm phrases that fired */
    int sh_person; /* ... one of them said of a person ("em", "bạn ấy" before it) */
    uint32_t sh_seen[SH_SEEN_MAX]; /* ... their entries */
    double strength;               /* sum of positive weights, for the score */
    double evidence; /* weight of phrases that say what happened (category or harm flags) */
};

/* Flags that lower urgency. */
#define CALMING_FLAGS                                                                              \
    (TRI_F(PAST) | TRI_F(RESOLVED) | TRI_F(PREVENTIVE) | TRI_F(NOLOSS) | TRI_F(QUESTION) |         \
     TRI_F(REFUSED) | TRI_F(CHECK))

/* Flags that say something harmful happened, as opposed to time or tone. */
#define EVIDENCE_FLAGS                                                                             \
    (TRI_F(CRITICAL) | TRI_F(MONEY) | TRI_F(LOSS) | TRI_F(DEADLINE) | TRI_F(PUBLISH) |             \
     TRI_F(INTIMATE) | TRI_F(VIOLENCE) | TRI_F(RANSOM) | TRI_F(ISOLATION) | TRI_F(HELP) |          \
     TRI_F(CREDENTIALS) | TRI_F(TRAVEL) | TRI_F(MISUSE) | TRI_F(CONTACTS) | TRI_F(MISSING) |       \
     TRI_F(HELD))

/* Flags that say harm is happening or was done: a text with any of them is not "only asking". */
#define HARM_FLAGS                                                                                 \
    (TRI_F(LOSS) | TRI_F(CREDENTIALS) | TRI_F(MISUSE) | TRI_F(PUBLISH) | TRI_F(VIOLENCE) |         \
     TRI_F(CONTACTS) | TRI_F(RANSOM) | TRI_F(HELP) | TRI_F(ONGOING) | TRI_F(ISOLATION) |           \
     TRI_F(TRAVEL) | TRI_F(MISSING) | TRI_F(HELD))

/* Whether one of the three words before item i is a person: the writer or someone they speak
 * of ("em", "mình", "tôi", "bạn", "nó", "ấy", ...). Self-harm words with no person before them
 * in a report about a channel or trend are its topic, not anyone's intent. */
static int said_of_a_person(const struct tri_stream *st, size_t i)
{
    static const char *const who[] = {"em",    "mình", "tôi", "tớ",  "tao", "tui", "con",  "i",
                                      "bạn",   "nó",   "ấy",  "cậu", "anh", "chị", "cháu", "ta",
                                      "thằng", "mày",  "she", "he",  "my",  "me"};
    for (size_t k = i >= 3 ? i - 3 : 0; k < i; k++)
        for (size_t w = 0; w < sizeof who / sizeof who[0]; w++)
            if (st->v[k].acc.len == strlen(who[w]) &&
                memcmp(st->v[k].acc.p, who[w], st->v[k].acc.len) == 0)
                return 1;
    return 0;
}

static void aggregate(const struct triage *t, const struct analysis *an, struct agg *g)
{
    memset(g, 0, sizeof *g);
    for (size_t j = 0; j < an->m.n; j++) {
        const struct tri_match *mt = &an->m.v[j];
        const struct tri_lex_entry *e = tri_lexicon_entry(t->lex, mt->entry);
        if (mt->cancelled) {
            if (mt->cancelled == 2)
                g->negated = 1;
            if (mt->cancelled == 4 &&
                (e->category == CAT_SELF_HARM || (e->flags & TRI_F(CRITICAL))))
                g->folded_hyperbole = 1;
            continue;
        }
        uint32_t ef = e->flags;
        if (ef & TRI_F(NEGATION))
            continue;
        /* A guard counts only for its own category ("hướng dẫn tự tử": harmful content), never
         * as a critical signal. */
        if (ef & TRI_F(GUARD)) {
            if (e->category < 0 || e->weight == 0)
                continue;
            ef &= ~(TRI_F(GUARD) | TRI_F(CRITICAL));
        }
        double w = e->weight;
        if ((e->category >= 0 || (ef & EVIDENCE_FLAGS)) && !mt->folded_only)
            g->evidence += e->weight;
        else if (e->category >= 0 || (ef & EVIDENCE_FLAGS))
            g->evidence += e->weight * FOLD_DISCOUNT;
        if (mt->folded_only)
            w *= (ef & TRI_F(AMBIGUOUS)) ? AMBIG_DISCOUNT : FOLD_DISCOUNT;
        if (e->category >= 0)
            g->catw[e->category] += w;
        if (w > 0)
            g->strength += w;
        if (e->category == CAT_SELF_HARM && w > 0) {
            if (said_of_a_person(&an->st, mt->first))
                g->sh_person = 1;
            int seen = 0;
            for (int k = 0; k < g->nsh && k < SH_SEEN_MAX; k++)
                if (g->sh_seen[k] == mt->entry)
                    seen = 1;
            if (!seen) {
                if (g->nsh < SH_SEEN_MAX)
                    g->sh_seen[g->nsh] = mt->entry;
                g->nsh++;
            }
        }
        /* A phrase that lowers urgency, read only through folded forms of an ambiguous
         * phrase, does not lower it: never downgrade on doubt. */
        uint32_t fl = ef;
        if (mt->folded_only && (ef & TRI_F(AMBIGUOUS))) {
            fl &= ~CALMING_FLAGS;
            /* An ambiguous threat read without marks ("cho may": chờ mày or cho mày) asks for a
             * look (high, review) instead of deciding critical. */
            if (fl & TRI_F(VIOLENCE)) {
                fl &= ~TRI_F(VIOLENCE);
                g->folded_crit = 1;
            }
        }
        g->flags |= fl;
        if (!mt->folded_only)
            g->exact_flags |= ef;
        if (ef & TRI_F(CRITICAL)) {
            int lvl = !mt->folded_only          ? CRIT_EXACT
                      : (ef & TRI_F(AMBIGUOUS)) ? CRIT_AMBIG_FOLDED
                                                : CRIT_FOLDED;
            if (mt->folded_only)
                g->folded_crit = 1;
            int *slot = e->category >= 0 ? &g->crit[e->category] : &g->crit_nocat;
            if (lvl == CRIT_AMBIG_FOLDED && e->category >= 0 && ++g->ambig[e->category] >= 2)
                lvl = CRIT_FOLDED; /* two ambiguous readings of one harm corroborate */
            if (lvl > *slot)
                *slot = lvl;
            if (lvl > g->crit_max)
                g->crit_max = lvl;
        }
    }
}

#define HAS(f) ((g->flags & TRI_F(f)) != 0)

/* What makes an online-kidnapping script critical. */
#define SCRIPT_FLAGS                                                                               \
    (TRI_F(ISOLATION) | TRI_F(RANSOM) | TRI_F(HELD) | TRI_F(MISSING) | TRI_F(HELP) |               \
     TRI_F(IMMINENCE))

/* The category's urgency moved by what the text says; see the taxonomy's rules. */
static enum triage_urgency urgency_rules(enum triage_category c, const struct agg *g, int *changed)
{
    enum triage_urgency u = usual[c];
    int past = HAS(PAST) || HAS(RESOLVED);
    int now = HAS(IMMINENCE) || HAS(DEADLINE) || HAS(ONGOING);
    /* Refused before any harm: hung up, blocked, did not do as told, told a teacher. */
    int refused = HAS(REFUSED) && !HAS(LOSS) && !HAS(ONGOING) && !HAS(MISSING) && !HAS(HELD);
    *changed = 1;
    switch (c) {
    case CAT_SELF_HARM:
        return URG_CRITICAL;
    case CAT_ONLINE_KIDNAPPING:
        /* The taxonomy: a kidnapping script refused before any harm stays in the category,
         * urgency low. */
        if (HAS(PREVENTIVE) || refused)
            return URG_LOW;
        if (past && !HAS(IMMINENCE))
            return HAS(LOSS) || HAS(ONGOING) ? URG_HIGH : URG_LOW;
        /* Critical needs the script itself: an isolation order, ransom, someone held or out of
         * reach, a critical phrase. A mention of a guesthouse alone is not enough. */
        if (g->crit_max < CRIT_FOLDED && !(g->flags & SCRIPT_FLAGS))
            return g->catw[CAT_ONLINE_KIDNAPPING] >= 3.0 ? URG_HIGH : URG_MEDIUM;
        break;
    case CAT_SEXTORTION:
        if (HAS(RESOLVED) && !now)
            return URG_LOW;
        if (HAS(DEADLINE) || (HAS(IMMINENCE) && (HAS(PUBLISH) || HAS(CRITICAL))))
            return URG_CRITICAL;
        if (HAS(PAST) && !now)
            return URG_MEDIUM;
        return URG_HIGH;
    case CAT_TRAFFICKING:
        if (HAS(PREVENTIVE))
            return URG_LOW;
        if (g->crit_max >= CRIT_FOLDED || HAS(RANSOM) || HAS(HELP) || HAS(MISSING) || HAS(HELD))
            return URG_CRITICAL;
        /* Travel called off: the lure failed; medium while the recruiter still pushes or asks
         * for money. */
        if (HAS(REFUSED))
            return HAS(ONGOING) || HAS(MONEY) ? URG_MEDIUM : URG_LOW;
        if (HAS(TRAVEL) && HAS(IMMINENCE))
            return URG_CRITICAL;
        if (past && !HAS(IMMINENCE))
            return HAS(ONGOING) ? URG_MEDIUM : URG_LOW;
        return URG_HIGH;
    case CAT_SCAM:
        if (HAS(RESOLVED))
            return URG_LOW;
        if ((HAS(NOLOSS) || refused) && !HAS(LOSS))
            return URG_MEDIUM;
        if (HAS(PAST) && !now && !HAS(MONEY))
            return URG_MEDIUM;
        return URG_HIGH;
    case CAT_IMPERSONATION:
        if (HAS(RESOLVED) || (HAS(PAST) && !HAS(LOSS) && !now))
            return URG_LOW;
        if ((HAS(NOLOSS) || refused) && !HAS(LOSS) && !HAS(DEADLINE))
            return URG_MEDIUM;
        return URG_HIGH;
    case CAT_LOAN_HARASSMENT:
        if (HAS(VIOLENCE))
            return URG_CRITICAL;
        if (past && !now && !HAS(CONTACTS))
            return URG_LOW;
        /* High when the lender turns on the student's contacts or publishes; reminders to the
         * student alone are medium. */
        if (HAS(CONTACTS) || HAS(PUBLISH) || HAS(RANSOM))
            return URG_HIGH;
        return URG_MEDIUM;
    case CAT_ACCOUNT_TAKEOVER:
        if (HAS(RESOLVED))
            return URG_LOW;
        /* Taxonomy: a student who entered a password or OTP is high. */
        if (HAS(MISUSE) || HAS(LOSS) || HAS(CREDENTIALS))
            return URG_HIGH;
        break;
    case CAT_CYBERBULLYING:
        if (HAS(VIOLENCE))
            return URG_CRITICAL;
        if (HAS(RESOLVED) && !now)
            return URG_LOW;
        break;
    case CAT_PRIVACY_LEAK:
        if (HAS(RESOLVED) && !now)
            return URG_LOW;
        if (HAS(INTIMATE))
            return URG_HIGH;
        break;
    case CAT_HARMFUL_CONTENT:
    case CAT_WELLBEING:
        break;
    case CAT_QUESTION:
        return URG_LOW;
    case CAT_OTHER:
        if (HAS(HELP))
            return URG_HIGH;
        break;
    }
    *changed = 0;
    return u;
}

/* The taxonomy: an isolation order with ransom, bail or "proof of innocence" money, or from
 * someone posing as an official, is online kidnapping whatever the script began as. */
static int kidnapping_script(const struct agg *g, int best)
{
    if (best == CAT_ONLINE_KIDNAPPING || best == CAT_SELF_HARM)
        return 0;
    /* A fake official sending the student somewhere (a bus station, the border): the research's
     * 4.1 script, whose end point may look like trafficking. */
    if (best == CAT_TRAFFICKING)
        return HAS(TRAVEL) && g->catw[CAT_IMPERSONATION] >= 3.0 &&
               g->catw[CAT_IMPERSONATION] + g->catw[CAT_ONLINE_KIDNAPPING] >
                   g->catw[CAT_TRAFFICKING];
    if (!HAS(ISOLATION))
        return 0;
    if (HAS(RANSOM))
        return 1;
    switch (best) {
    case CAT_IMPERSONATION:
    case CAT_SCAM:
    case CAT_ACCOUNT_TAKEOVER:
    case CAT_HARMFUL_CONTENT:
    case CAT_WELLBEING:
    case CAT_QUESTION:
    case CAT_OTHER:
        return g->crit[CAT_ONLINE_KIDNAPPING] >= CRIT_FOLDED &&
               g->catw[CAT_IMPERSONATION] + g->catw[CAT_ONLINE_KIDNAPPING] >= 4.0;
    default:
        return 0;
    }
}

/* The writer only asks whether something is real, legal or safe, and nothing in the text says
 * harm was done or is under way: a question (taxonomy: "a student only asking whether a link or
 * offer is safe is question / low"). */
static int only_checking(const struct agg *g, int best)
{
    /* A refusal says the attempt reached the student: a scam attempt, not only a question. */
    if (!HAS(CHECK) || (g->flags & (HARM_FLAGS | TRI_F(REFUSED))) || g->crit_max >= CRIT_FOLDED ||
        g->catw[CAT_SELF_HARM] > 0)
        return 0;
    switch (best) {
    case CAT_SCAM:
    case CAT_IMPERSONATION:
    case CAT_LOAN_HARASSMENT:
    case CAT_ACCOUNT_TAKEOVER:
    case CAT_HARMFUL_CONTENT:
    case CAT_OTHER:
        return !HAS(IMMINENCE);
    default:
        return 0;
    }
}

static int add_reason(struct triage_verdict *v, int *n, const char *r)
{
    if (*n < 7)
        v->reasons[(*n)++] = r;
    v->reasons[*n] = NULL;
    return 0;
}

static const char *signal_kind(uint32_t flags)
{
    static const int order[] = {TRI_FB_CRITICAL,  TRI_FB_ISOLATION, TRI_FB_RANSOM,
                                TRI_FB_VIOLENCE,  TRI_FB_PUBLISH,   TRI_FB_DEADLINE,
                                TRI_FB_IMMINENCE, TRI_FB_MONEY,     TRI_FB_LOSS,
                                TRI_FB_PAST,      TRI_FB_RESOLVED,  TRI_FB_NEGATION};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (flags & (1u << order[i]))
            return tri_flag_name(order[i]);
    for (int b = 0; b < TRI_NFLAGS; b++)
        if (flags & (1u << b))
            return tri_flag_name(b);
    return "phrase";
}

static enum td_err build_signals(const struct triage *t, struct arena *a, const char *text,
                                 const struct analysis *an, const struct vn_entities *ents,
                                 struct triage_verdict *v)
{
    size_t cap = an->m.n + ents->n;
    v->signals = arena_calloc(a, cap ? cap : 1, sizeof *v->signals);
    v->nsignals = 0;
    if (v->signals == NULL)
        return TD_ENOMEM;
    for (size_t j = 0; j < an->m.n; j++) {
        const struct tri_match *mt = &an->m.v[j];
        const struct tri_lex_entry *e = tri_lexicon_entry(t->lex, mt->entry);
        uint32_t ef = e->flags;
        if (mt->cancelled)
            continue;
        if (ef & TRI_F(GUARD)) {
            if (e->category < 0 || e->weight == 0)
                continue;
            ef &= ~(TRI_F(GUARD) | TRI_F(CRITICAL));
        }
        struct triage_signal *s = &v->signals[v->nsignals++];
        s->start = an->st.v[mt->first].start;
        s->end = an->st.v[mt->last].end;
        s->phrase.p = arena_strndup(a, text + s->start, s->end - s->start);
        if (s->phrase.p == NULL)
            return TD_ENOMEM;
        s->phrase.len = s->end - s->start;
        s->weight = e->weight;
        s->category = e->category;
        s->kind = signal_kind(ef);
        s->folded_only = mt->folded_only;
    }
    for (size_t i = 0; i < ents->n; i++) {
        const struct vn_entity *en = &ents->v[i];
        if (en->host.len == 0 || !triage_host_is_bad(t, en->host.p, en->host.len))
            continue;
        struct triage_signal *s = &v->signals[v->nsignals++];
        s->start = en->start;
        s->end = en->end;
        s->phrase.p = arena_strndup(a, text + en->start, en->end - en->start);
        if (s->phrase.p == NULL)
            return TD_ENOMEM;
        s->phrase.len = en->end - en->start;
        s->weight = 1.0;
        s->category = CAT_SCAM;
        s->kind = "blocklist";
        s->folded_only = 0;
    }
    return TD_OK;
}

static int score_of(enum triage_urgency u, double strength, double conf)
{
    static const int lo[4] = {0, 25, 50, 75};
    double x = 1.0 - exp(-strength / 6.0); /* 0..1 with the lexicon evidence */
    double inside = 0.6 * x + 0.4 * conf;
    int s = lo[u] + (int)lround(inside * 24.0);
    if (s < lo[u])
        s = lo[u];
    if (s > lo[u] + 24 + (u == URG_CRITICAL ? 1 : 0))
        s = lo[u] + 24 + (u == URG_CRITICAL ? 1 : 0);
    return s;
}

static int argmax_cat(const struct triage *t, const struct agg *g, const double *lc, int from,
                      double *bs_out, double *second_out)
{
    int best = from;
    double bs = -1e300, second = -1e300;
    for (int c = from; c < TRIAGE_NCAT; c++) {
        double s = (t->model ? NB_TEMPER * lc[c] : 0) + g->catw[c];
        if (s > bs) {
            second = bs;
            bs = s;
            best = c;
        } else if (s > second) {
            second = s;
        }
    }
    if (bs_out)
        *bs_out = bs;
    if (second_out)
        *second_out = second;
    return best;
}

enum td_err triage_classify(const struct triage *t, struct arena *a, const char *text, size_t len,
                            struct triage_verdict *out)
{
    struct analysis an;
    struct agg g;
    double lc[TRIAGE_NCAT], lu[TRI_NURG];
    int nr = 0;
    memset(out, 0, sizeof *out);
    enum td_err rc = vn_utf8_check(text, len);
    if (rc)
        return rc;
    if (len > TRIAGE_TEXT_MAX) {
        /* Callers bound input; classify the head of anything longer, cut before the character
         * that straddles the limit (the text is valid UTF-8, so back up to a lead byte). */
        len = TRIAGE_TEXT_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    rc = analyse(t, a, text, len, &an);
    if (rc)
        return rc;
    rc = vn_extract_entities(a, text, len, &out->entities);
    if (rc)
        return rc;
    aggregate(t, &an, &g);
    tri_model_score(t->model, &an.f, lc, lu);

    /* A report about a channel, page or trend whose self-harm words are said of no one: the
     * content's topic. Harmful content, at least medium, reviewed. */
    int sh_content = (g.flags & TRI_F(CONTENT)) && !g.sh_person &&
                     (g.catw[CAT_SELF_HARM] > 0 || g.crit[CAT_SELF_HARM] != CRIT_NONE);
    if (sh_content) {
        g.catw[CAT_HARMFUL_CONTENT] += g.catw[CAT_SELF_HARM] > 0 ? g.catw[CAT_SELF_HARM] : 0;
        g.catw[CAT_SELF_HARM] = 0;
        g.crit[CAT_SELF_HARM] = CRIT_NONE;
        g.nsh = 0;
        g.crit_max = g.crit_nocat;
        for (int c = 0; c < TRIAGE_NCAT; c++)
            if (g.crit[c] > g.crit_max)
                g.crit_max = g.crit[c];
        out->needs_review = 1;
        add_reason(out, &nr, "self_harm_content");
    }

    /* Category. */
    double bs, second;
    int best = argmax_cat(t, &g, lc, 0, &bs, &second);
    /* Self-harm first (life first): a critical self-harm phrase, or several indirect ones
     * together (a goodbye, an apology to everyone, belongings given away, "no one needs me"). */
    int sh_cues =
        g.crit[CAT_SELF_HARM] < CRIT_FOLDED &&
        ((g.nsh >= 2 && g.catw[CAT_SELF_HARM] >= SH_ACCUM) || g.catw[CAT_SELF_HARM] >= SH_SINGLE);
    if (g.crit[CAT_SELF_HARM] >= CRIT_FOLDED || sh_cues) {
        if (best != CAT_SELF_HARM)
            add_reason(out, &nr, "self_harm_first");
        if (sh_cues) {
            out->needs_review = 1;
            add_reason(out, &nr, "self_harm_cues");
        }
        best = CAT_SELF_HARM;
    } else if (kidnapping_script(&g, best)) {
        add_reason(out, &nr, "kidnapping_script");
        best = CAT_ONLINE_KIDNAPPING;
    } else if (best == CAT_PRIVACY_LEAK && (g.flags & TRI_F(INTIMATE)) &&
               (g.flags & (TRI_F(MONEY) | TRI_F(RANSOM)))) {
        /* Intimate images with a demand: sextortion (taxonomy, privacy_leak). */
        add_reason(out, &nr, "intimate_demand");
        best = CAT_SEXTORTION;
    } else if ((g.flags & TRI_F(VIOLENCE)) && (best == CAT_PRIVACY_LEAK || best == CAT_OTHER)) {
        /* Doxxing or a post with a call to violence: bullying with a threat (taxonomy). */
        add_reason(out, &nr, "violence_threat");
        best = CAT_CYBERBULLYING;
    } else if (only_checking(&g, best)) {
        add_reason(out, &nr, "only_asking");
        best = CAT_QUESTION;
    }
    /* Nothing in the lexicon says what happened: ordinary chatter, or a report in words the
     * lexicon does not know. The model alone may name the category, but not self-harm (which
     * would force critical) and not above medium urgency; a human reviews it. */
    int no_evidence = g.evidence < MIN_EVIDENCE;
    int weak_self_harm = best == CAT_SELF_HARM && g.crit[CAT_SELF_HARM] == CRIT_NONE && !sh_cues &&
                         g.catw[CAT_SELF_HARM] < MIN_SELF_HARM;
    if (weak_self_harm) {
        out->needs_review = 1;
        if (g.catw[CAT_SELF_HARM] > 0) /* the model alone is not "self-harm wording" */
            add_reason(out, &nr, "weak_self_harm");
    }
    if ((no_evidence || weak_self_harm) && best == CAT_SELF_HARM && !sh_cues) {
        /* The next category the lexicon speaks for; the model's only if it speaks for none. */
        int alt = -1;
        for (int c = 1; c < TRIAGE_NCAT; c++)
            if (g.catw[c] > 0 && (alt < 0 || g.catw[c] > g.catw[alt]))
                alt = c;
        best = alt >= 0 ? alt : argmax_cat(t, &g, lc, 1, NULL, NULL);
    }
    /* Two words or fewer and nothing in them the lexicon knows ("ok", "alo", "123", "."): the
     * model's category is noise there (tester finding: "ok" was a scam, "x" a privacy leak, "y"
     * wellbeing). Say "other" and let a human read it, within the day: a student who only
     * wrote "alo" to a rescue line may not have said yet what is wrong. */
    int too_little = 0;
    size_t words = 0;
    for (size_t i = 0; i < an.st.n; i++)
        words += an.st.v[i].kind == VN_TOK_WORD;
    if (no_evidence && words <= TOO_FEW_WORDS && g.crit_max == CRIT_NONE && !g.folded_hyperbole &&
        g.catw[CAT_SELF_HARM] <= 0 && out->entities.n == 0 && g.flags == 0) {
        best = CAT_OTHER;
        too_little = 1;
        out->needs_review = 1;
        add_reason(out, &nr, "too_little_text");
    }
    out->category = (enum triage_category)best;

    /* Urgency. */
    int changed = 0;
    enum triage_urgency u = urgency_rules(out->category, &g, &changed);
    if (changed)
        add_reason(out, &nr, "category_rules");
    int nbu = 0;
    for (int i = 1; i < TRI_NURG; i++)
        if (lu[i] > lu[nbu])
            nbu = i;
    /* The urgency model may move a usual urgency the rules left alone to another level below
     * critical when it is confident, */
    if (NB_URG_MOVE && !changed && t->model && nbu != URG_CRITICAL && nbu != (int)u &&
        exp(lu[nbu]) >= NB_URG_CONFIDENT) {
        u = (enum triage_urgency)nbu;
        add_reason(out, &nr, "model_urgency");
    }
    /* and may raise (never lower) to critical when it is all but certain and the lexicon saw
     * something alarming (a harm flag, a time, self-harm wording), with a review: it has seen
     * wordings of danger the lexicon lacks. */
    int alarming = (g.flags & (EVIDENCE_FLAGS | TRI_F(IMMINENCE) | TRI_F(ONGOING))) ||
                   g.catw[CAT_SELF_HARM] >= MIN_SELF_HARM || g.folded_hyperbole;
    if (t->model && alarming && u < URG_CRITICAL && lu[URG_CRITICAL] >= NB_CRIT_LOGP) {
        u = URG_CRITICAL;
        out->needs_review = 1;
        add_reason(out, &nr, "model_critical");
    }
    uint32_t fl = g.flags;
    int now = (fl & (TRI_F(IMMINENCE) | TRI_F(DEADLINE) | TRI_F(ONGOING))) != 0;
    /* Past, resolved, only preventing; or refused, for the scripts a refusal ends (a kidnapping
     * or impersonation call hung up, a trip called off, a scam not paid). */
    int refusal_ends = out->category == CAT_ONLINE_KIDNAPPING ||
                       out->category == CAT_IMPERSONATION || out->category == CAT_SCAM ||
                       out->category == CAT_TRAFFICKING;
    uint32_t calming = TRI_F(RESOLVED) | TRI_F(PREVENTIVE) | (refusal_ends ? TRI_F(REFUSED) : 0);
    int calm =
        (fl & calming) &&
        !(fl & (TRI_F(IMMINENCE) | TRI_F(ONGOING) | TRI_F(LOSS) | TRI_F(MISSING) | TRI_F(HELD)));
    /* A threat of violence is critical in any category (taxonomy) unless it is over. */
    if ((fl & TRI_F(VIOLENCE)) && u < URG_CRITICAL && !((fl & TRI_F(RESOLVED)) && !now)) {
        u = URG_CRITICAL;
        add_reason(out, &nr, "violence_threat");
    }
    if (g.crit_max == CRIT_EXACT && u < URG_CRITICAL &&
        (!calm || g.crit[CAT_SELF_HARM] == CRIT_EXACT)) {
        u = URG_CRITICAL;
        add_reason(out, &nr, "critical_signal");
    }
    if (g.folded_crit) {
        out->needs_review = 1;
        if (u < URG_HIGH && !(calm && g.crit[CAT_SELF_HARM] == CRIT_NONE)) {
            u = URG_HIGH;
            add_reason(out, &nr, "folded_critical_signal");
        }
    }
    /* Any self-harm wording the category did not take: a counsellor looks, soon. */
    if (out->category != CAT_SELF_HARM && g.catw[CAT_SELF_HARM] >= SH_WEAK && !g.negated) {
        out->needs_review = 1;
        if (u < URG_HIGH) {
            u = URG_HIGH;
            add_reason(out, &nr, "possible_self_harm");
        }
    }
    if (sh_content && u < URG_MEDIUM)
        u = URG_MEDIUM;
    /* "met muon chet": hyperbole, most likely, but without marks a human looks (never drop a
     * possible self-harm on doubt). */
    if (g.folded_hyperbole && out->category != CAT_SELF_HARM) {
        out->needs_review = 1;
        if (u < HYPERBOLE_FLOOR) {
            u = HYPERBOLE_FLOOR;
            add_reason(out, &nr, "folded_hyperbole");
        }
    }
    if ((fl & TRI_F(HELP)) && u < URG_HIGH) {
        u = URG_HIGH;
        add_reason(out, &nr, "cry_for_help");
    }
    if (no_evidence && g.crit_max == CRIT_NONE && !g.folded_hyperbole && u > URG_MEDIUM) {
        u = URG_MEDIUM;
        out->needs_review = 1;
        add_reason(out, &nr, "no_signal");
    }
    if (too_little && u < URG_MEDIUM)
        u = URG_MEDIUM;
    if (out->category == CAT_SELF_HARM)
        u = URG_CRITICAL;
    out->urgency = u;
    if (g.negated) {
        out->needs_review = 1;
        add_reason(out, &nr, "negated_critical");
    }
    double conf = exp(lc[best]);
    if (t->model && conf < 0.5 && bs - second < 1.0)
        add_reason(out, &nr, "low_confidence");
    out->score = score_of(u, g.strength, t->model ? conf : 0.5);

    return build_signals(t, a, text, &an, &out->entities, out);
}

/* ---------- training ---------- */

enum td_err triage_train(const struct triage_inputs *in, const struct triage_example *ex, size_t n,
                         int min_df, char **model, size_t *model_len, char *err, size_t errlen)
{
    struct triage_inputs lin = *in;
    struct triage *t = NULL;
    struct tri_trainer *tr = NULL;
    struct sb out;
    struct arena a;
    sb_init(&out, 64u << 20);
    arena_init(&a, 0);
    *model = NULL;
    *model_len = 0;
    lin.model = NULL;
    lin.model_len = 0;
    lin.blocklist = NULL;
    lin.blocklist_len = 0;
    enum td_err rc = triage_load(&lin, &t, err, errlen);
    if (rc)
        goto out;
    tr = tri_trainer_new();
    if (tr == NULL) {
        rc = TD_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct analysis an;
        rc = vn_utf8_check(ex[i].text, ex[i].len);
        if (rc == TD_OK)
            rc = analyse(t, &a, ex[i].text, ex[i].len, &an);
        if (rc == TD_OK)
            rc = tri_trainer_add(tr, &an.f, ex[i].category, ex[i].urgency);
        if (rc) {
            if (err && errlen)
                snprintf(err, errlen, "example %zu: %s", i + 1, td_err_code(rc));
            goto out;
        }
        arena_free(&a);
    }
    rc = tri_trainer_write(tr, min_df, &out);
    if (rc == TD_OK) {
        *model_len = out.len;
        *model = sb_take(&out);
    }
out:
    arena_free(&a);
    sb_free(&out);
    tri_trainer_free(tr);
    triage_free(t);
    return rc;
}
