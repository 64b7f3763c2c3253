/*
 * tongdai triage — classify reports from the command line, train the model, evaluate.
 *
 *   tongdai triage [--jsonl] [--blocklist FILE]... [--lexicon F] [--model F] [--teencode F]
 *       Without --jsonl: the whole of stdin is one report; prints one verdict as JSON.
 *       With --jsonl: each stdin line is a JSON object with a "text" string; prints one verdict
 *       per line in order ("id" is echoed when present); a bad line gets {"error": ...} and the
 *       rest go on.
 *   tongdai triage train FILE.jsonl [FILE2.jsonl ...] -o OUT [--min-df N]
 *       Trains the naive Bayes models from objects with "text", "category", "urgency".
 *   tongdai triage eval FILE.jsonl [FILE2.jsonl ...] [--json] [--cv K [--stratify]]
 *                       [--extra FILE]... [--train FILE]... [--strip-diacritics] [--errors]
 *       Per-category precision/recall/F1, macro-F1, urgency accuracy, critical recall, critical
 *       cases predicted low or medium, confusion matrix, over the union of the FILEs (in order).
 *       Without --cv or --train the shipped model is used. --cv K: K-fold cross-validation (fold
 *       of report i is i mod K, or with --stratify its rank among the reports of its category,
 *       offset by the category's first rank, mod K; train on the other folds in memory, plus any
 *       --extra files; evaluate the held-out fold). --train FILE (repeatable, not with --cv):
 *       train a model in memory on these files only and evaluate every report with it (the
 *       "new annotator" figure: train on one corpus, test on another). --errors: print each
 *       wrong verdict to stderr with the signals that fired. --strip-diacritics: evaluate on
 *       the texts with every mark removed (the model is still trained on the texts as written).
 *
 * Data files default to td_share_path("data/triage/lexicon"), "data/triage/model" and
 * "data/text/teencode.tsv" (the model and the teencode map may be missing: lexicon only).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "lib/arena.h"
#include "lib/fileutil.h"
#include "lib/strbuf.h"
#include "text/vn.h"
#include "triage/triage.h"

#define DATA_MAX (64u << 20)
#define REPORT_MAX (1u << 20)
#define LINE_MAX_BYTES (1u << 20)
#define ARENA_CAP (16u << 20)

struct files {
    char *lexicon, *model, *teencode, *blocklist;
    size_t lexicon_len, model_len, teencode_len, blocklist_len;
};

static void files_free(struct files *f)
{
    free(f->lexicon);
    free(f->model);
    free(f->teencode);
    free(f->blocklist);
    memset(f, 0, sizeof *f);
}

/* Read path (or the shared default rel) into *buf. optional: a missing file is not an error. */
static int read_data(const char *path, const char *rel, int optional, char **buf, size_t *len)
{
    char p[4096];
    if (path == NULL) {
        if (td_share_path(rel, p, sizeof p) != 0) {
            fprintf(stderr, "tongdai: triage: path too long for %s\n", rel);
            return -1;
        }
        path = p;
    }
    enum td_err rc = td_read_file(path, DATA_MAX, buf, len);
    if (rc == TD_ENOTFOUND && optional) {
        *buf = NULL;
        *len = 0;
        return 0;
    }
    if (rc) {
        fprintf(stderr, "tongdai: triage: cannot read %s: %s\n", path, td_err_code(rc));
        return -1;
    }
    return 0;
}

/* Append a blocklist file to the concatenated list. */
static int add_blocklist(struct files *f, const char *path)
{
    char *buf;
    size_t len;
    if (read_data(path, NULL, 0, &buf, &len) != 0)
        return -1;
    char *nb = realloc(f->blocklist, f->blocklist_len + len + 2);
    if (nb == NULL) {
        free(buf);
        fprintf(stderr, "tongdai: triage: out of memory\n");
        return -1;
    }
    memcpy(nb + f->blocklist_len, buf, len);
    f->blocklist_len += len;
    nb[f->blocklist_len++] = '\n';
    nb[f->blocklist_len] = '\0';
    f->blocklist = nb;
    free(buf);
    return 0;
}

static struct triage_inputs inputs_of(const struct files *f)
{
    struct triage_inputs in = {f->lexicon,  f->lexicon_len,  f->model,     f->model_len,
                               f->teencode, f->teencode_len, f->blocklist, f->blocklist_len};
    return in;
}

/* ---------- verdict JSON ---------- */

static json_t *verdict_json(const struct triage_verdict *v)
{
    json_t *o = json_object();
    json_t *sigs = json_array();
    json_t *ents = json_array();
    json_t *reasons = json_array();
    if (o == NULL || sigs == NULL || ents == NULL || reasons == NULL) {
        json_decref(o);
        json_decref(sigs);
        json_decref(ents);
        json_decref(reasons);
        return NULL;
    }
    json_object_set_new(o, "category", json_string(triage_category_code(v->category)));
    json_object_set_new(o, "urgency", json_string(triage_urgency_code(v->urgency)));
    json_object_set_new(o, "score", json_integer(v->score));
    json_object_set_new(o, "needs_review", json_boolean(v->needs_review));
    for (size_t i = 0; i < v->nsignals; i++) {
        const struct triage_signal *s = &v->signals[i];
        json_t *j = json_object();
        json_object_set_new(j, "phrase", json_stringn(s->phrase.p, s->phrase.len));
        json_object_set_new(j, "start", json_integer((json_int_t)s->start));
        json_object_set_new(j, "end", json_integer((json_int_t)s->end));
        json_object_set_new(j, "weight", json_real(s->weight));
        json_object_set_new(
            j, "category",
            s->category >= 0 ? json_string(triage_category_code((enum triage_category)s->category))
                             : json_null());
        json_object_set_new(j, "kind", json_string(s->kind));
        json_object_set_new(j, "folded_only", json_boolean(s->folded_only));
        json_array_append_new(sigs, j);
    }
    for (size_t i = 0; i < v->entities.n; i++) {
        const struct vn_entity *e = &v->entities.v[i];
        json_t *j = json_object();
        json_object_set_new(j, "type", json_string(vn_entity_kind_name(e->kind)));
        json_object_set_new(j, "value", json_stringn(e->value.p, e->value.len));
        if (e->host.len)
            json_object_set_new(j, "host", json_stringn(e->host.p, e->host.len));
        if (e->kind == VN_ENT_MONEY)
            json_object_set_new(j, "amount", json_integer((json_int_t)e->amount));
        json_object_set_new(j, "start", json_integer((json_int_t)e->start));
        json_object_set_new(j, "end", json_integer((json_int_t)e->end));
        json_array_append_new(ents, j);
    }
    for (int i = 0; i < 8 && v->reasons[i]; i++)
        json_array_append_new(reasons, json_string(v->reasons[i]));
    json_object_set_new(o, "signals", sigs);
    json_object_set_new(o, "entities", ents);
    json_object_set_new(o, "reasons", reasons);
    return o;
}

/* Written straight to stdout: jansson may allocate through the tagged functions of
 * src/lib/json.c, whose blocks must not be handed to free(). */
static void print_json_line(json_t *o)
{
    if (json_dumpf(o, stdout, JSON_COMPACT) == 0)
        fputc('\n', stdout);
}

static void print_error_line(const char *msg, json_t *id)
{
    json_t *o = json_object();
    if (o == NULL)
        return;
    json_object_set_new(o, "error", json_string(msg));
    if (id)
        json_object_set(o, "id", id);
    print_json_line(o);
    json_decref(o);
}

/* The arena for one text: dense text (phones, links, accounts back to back) needs several
 * hundred bytes of verdict per input byte, so the cap grows with the input (tester finding: a
 * 40k-character text got out_of_memory under a fixed 16 MiB cap). */
static size_t arena_cap_for(size_t len)
{
    size_t cap = (size_t)1024 * len;
    return cap > ARENA_CAP ? cap : ARENA_CAP;
}

/* Whether text has nothing left once spaces, zero-width and control characters are dropped. */
static int blank_text(struct arena *a, const char *p, size_t len)
{
    struct vn_str n;
    if (vn_normalize(a, p, len, &n) != TD_OK)
        return 0; /* invalid UTF-8 is reported by triage_classify itself */
    for (size_t i = 0; i < n.len; i++)
        if (n.p[i] != ' ')
            return 0;
    return 1;
}

static int classify_stdin(const struct triage *t)
{
    struct sb in;
    char chunk[65536];
    size_t n;
    int ret = 1;
    struct arena a;
    sb_init(&in, REPORT_MAX);
    arena_init(&a, ARENA_CAP);
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (sb_append(&in, chunk, n) != TD_OK) {
            fprintf(stderr, "tongdai: triage: input larger than %u bytes\n", REPORT_MAX);
            goto out;
        }
    }
    a.cap = arena_cap_for(in.len);
    if (blank_text(&a, in.len ? in.p : "", in.len)) {
        print_error_line("empty text", NULL);
        fprintf(stderr, "tongdai: triage: empty text on stdin\n");
        goto out;
    }
    struct triage_verdict v;
    enum td_err rc = triage_classify(t, &a, in.len ? in.p : "", in.len, &v);
    if (rc) {
        print_error_line(td_err_code(rc), NULL);
        fprintf(stderr, "tongdai: triage: %s\n", td_err_code(rc));
        goto out;
    }
    json_t *o = verdict_json(&v);
    if (o == NULL)
        goto out;
    print_json_line(o);
    json_decref(o);
    ret = 0;
out:
    arena_free(&a);
    sb_free(&in);
    return ret;
}

static int classify_jsonl(const struct triage *t)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int bad = 0;
    struct arena a;
    arena_init(&a, ARENA_CAP);
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        json_error_t je;
        json_t *o = NULL, *id = NULL;
        if (len > LINE_MAX_BYTES) {
            print_error_line("line too long", NULL);
            bad++;
            continue;
        }
        o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
        if (o == NULL || !json_is_object(o)) {
            print_error_line(o == NULL ? "invalid JSON" : "not a JSON object", NULL);
            json_decref(o);
            bad++;
            continue;
        }
        id = json_object_get(o, "id");
        json_t *tx = json_object_get(o, "text");
        if (!json_is_string(tx)) {
            print_error_line("missing \"text\" string", id);
            json_decref(o);
            bad++;
            continue;
        }
        a.cap = arena_cap_for(json_string_length(tx));
        if (blank_text(&a, json_string_value(tx), json_string_length(tx))) {
            print_error_line("empty text", id);
            json_decref(o);
            bad++;
            arena_free(&a);
            continue;
        }
        struct triage_verdict v;
        enum td_err rc = triage_classify(t, &a, json_string_value(tx), json_string_length(tx), &v);
        if (rc) {
            print_error_line(td_err_code(rc), id);
            bad++;
        } else {
            json_t *r = verdict_json(&v);
            if (r) {
                if (id)
                    json_object_set(r, "id", id);
                print_json_line(r);
                json_decref(r);
            }
        }
        json_decref(o);
        arena_free(&a);
        fflush(stdout);
    }
    free(line);
    arena_free(&a);
    (void)bad; /* bad lines are reported in-band; the run itself succeeded */
    return 0;
}

/* ---------- labelled files ---------- */

struct labelled {
    struct triage_example *v;
    size_t n, cap;
    char **texts; /* owned copies */
};

static void labelled_free(struct labelled *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->texts[i]);
    free(l->texts);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int load_labelled(const char *path, struct labelled *l)
{
    char *buf;
    size_t len;
    int ret = -1;
    if (read_data(path, NULL, 0, &buf, &len) != 0)
        return -1;
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        lineno++;
        const char *s = buf + pos;
        size_t n = end - pos;
        pos = end < len ? end + 1 : end;
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k == n)
            continue;
        json_error_t je;
        json_t *o = json_loadb(s, n, 0, &je);
        json_t *tx = o ? json_object_get(o, "text") : NULL;
        json_t *jc = o ? json_object_get(o, "category") : NULL;
        json_t *ju = o ? json_object_get(o, "urgency") : NULL;
        enum triage_category c;
        enum triage_urgency u;
        if (!json_is_string(tx) || !json_is_string(jc) || !json_is_string(ju) ||
            triage_category_parse(json_string_value(jc), &c) != 0 ||
            triage_urgency_parse(json_string_value(ju), &u) != 0) {
            fprintf(stderr,
                    "tongdai: triage: %s:%d: need \"text\", a taxonomy \"category\" and an "
                    "\"urgency\"\n",
                    path, lineno);
            json_decref(o);
            goto out;
        }
        if (l->n == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 256;
            struct triage_example *nv = realloc(l->v, ncap * sizeof *nv);
            char **nt = nv ? realloc(l->texts, ncap * sizeof *nt) : NULL;
            if (nv)
                l->v = nv;
            if (nt)
                l->texts = nt;
            if (nv == NULL || nt == NULL) {
                json_decref(o);
                fprintf(stderr, "tongdai: triage: out of memory\n");
                goto out;
            }
            l->cap = ncap;
        }
        size_t tl = json_string_length(tx);
        char *copy = malloc(tl + 1);
        if (copy == NULL) {
            json_decref(o);
            goto out;
        }
        memcpy(copy, json_string_value(tx), tl);
        copy[tl] = '\0';
        l->texts[l->n] = copy;
        l->v[l->n] = (struct triage_example){copy, tl, (int)c, (int)u};
        l->n++;
        json_decref(o);
    }
    ret = 0;
out:
    free(buf);
    return ret;
}

/* ---------- train ---------- */

static int cmd_train(int argc, char **argv, struct files *f)
{
    const char *outp = NULL;
    int min_df = 2;
    struct labelled l = {0};
    int ret = 1;
    char err[512];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            outp = argv[++i];
        } else if (strcmp(argv[i], "--min-df") == 0 && i + 1 < argc) {
            char *e;
            long v = strtol(argv[++i], &e, 10);
            if (*e || v < 1 || v > 1000) {
                labelled_free(&l);
                return cmd_usage_error("triage train: --min-df takes 1..1000");
            }
            min_df = (int)v;
        } else if (argv[i][0] == '-') {
            labelled_free(&l);
            return cmd_usage_error("triage train: unknown option '%s' (usage: tongdai triage "
                                   "train FILE.jsonl... -o OUT [--min-df N])",
                                   argv[i]);
        } else if (load_labelled(argv[i], &l) != 0) {
            labelled_free(&l);
            return 1;
        }
    }
    if (outp == NULL || l.n == 0) {
        labelled_free(&l);
        return cmd_usage_error("triage train: usage: tongdai triage train FILE.jsonl... -o OUT");
    }
    struct triage_inputs in = inputs_of(f);
    char *model = NULL;
    size_t mlen = 0;
    enum td_err rc = triage_train(&in, l.v, l.n, min_df, &model, &mlen, err, sizeof err);
    if (rc) {
        fprintf(stderr, "tongdai: triage train: %s\n", err[0] ? err : td_err_code(rc));
        goto out;
    }
    rc = td_write_file_atomic(outp, model, mlen, 0644);
    if (rc) {
        fprintf(stderr, "tongdai: triage train: cannot write %s: %s\n", outp, td_err_code(rc));
        goto out;
    }
    fprintf(stderr, "trained on %zu reports, wrote %s (%zu bytes)\n", l.n, outp, mlen);
    ret = 0;
out:
    free(model);
    labelled_free(&l);
    return ret;
}

/* ---------- eval ---------- */

struct tally {
    size_t n;
    size_t conf[TRIAGE_NCAT][TRIAGE_NCAT];
    size_t uconf[4][4];
    size_t review;
};

static int eval_one(const struct triage *t, const struct triage_example *ex, size_t idx, int strip,
                    int show, struct tally *ty)
{
    struct arena a;
    struct triage_verdict v;
    const char *text = ex->text;
    size_t len = ex->len;
    int ret = -1;
    arena_init(&a, ARENA_CAP);
    if (strip) {
        struct vn_str f;
        if (vn_fold(&a, text, len, &f) != TD_OK)
            goto out;
        text = f.p;
        len = f.len;
    }
    if (triage_classify(t, &a, text, len, &v) != TD_OK)
        goto out;
    ty->n++;
    ty->conf[ex->category][v.category]++;
    ty->uconf[ex->urgency][v.urgency]++;
    ty->review += v.needs_review != 0;
    if (show && ((int)v.category != ex->category || (int)v.urgency != ex->urgency)) {
        fprintf(stderr, "report %zu: %s/%s -> %s/%s:", idx + 1,
                triage_category_code((enum triage_category)ex->category),
                triage_urgency_code((enum triage_urgency)ex->urgency),
                triage_category_code(v.category), triage_urgency_code(v.urgency));
        for (size_t i = 0; i < v.nsignals; i++)
            fprintf(stderr, " [%s%s]", v.signals[i].phrase.p, v.signals[i].folded_only ? "~" : "");
        for (int i = 0; i < 8 && v.reasons[i]; i++)
            fprintf(stderr, " <%s>", v.reasons[i]);
        fprintf(stderr, "\n    %.*s\n", (int)(ex->len < 300 ? ex->len : 300), ex->text);
    }
    ret = 0;
out:
    arena_free(&a);
    return ret;
}

static json_t *report_json(const struct tally *ty)
{
    json_t *o = json_object();
    json_t *per = json_object();
    json_t *conf = json_object();
    json_t *uconf = json_object();
    double f1sum = 0;
    int ncls = 0;
    for (int c = 0; c < TRIAGE_NCAT; c++) {
        size_t tp = ty->conf[c][c], sup = 0, pred = 0;
        for (int k = 0; k < TRIAGE_NCAT; k++) {
            sup += ty->conf[c][k];
            pred += ty->conf[k][c];
        }
        double p = pred ? (double)tp / (double)pred : 0;
        double r = sup ? (double)tp / (double)sup : 0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (sup > 0) {
            f1sum += f1;
            ncls++;
        }
        json_t *pc = json_object();
        json_object_set_new(pc, "precision", json_real(p));
        json_object_set_new(pc, "recall", json_real(r));
        json_object_set_new(pc, "f1", json_real(f1));
        json_object_set_new(pc, "support", json_integer((json_int_t)sup));
        json_object_set_new(per, triage_category_code((enum triage_category)c), pc);
        json_t *row = json_object();
        for (int k = 0; k < TRIAGE_NCAT; k++)
            json_object_set_new(row, triage_category_code((enum triage_category)k),
                                json_integer((json_int_t)ty->conf[c][k]));
        json_object_set_new(conf, triage_category_code((enum triage_category)c), row);
    }
    size_t uok = 0, crit = 0, crit_ok = 0, crit_missed = 0, crit_low = 0;
    for (int u = 0; u < 4; u++) {
        uok += ty->uconf[u][u];
        json_t *row = json_object();
        for (int k = 0; k < 4; k++)
            json_object_set_new(row, triage_urgency_code((enum triage_urgency)k),
                                json_integer((json_int_t)ty->uconf[u][k]));
        json_object_set_new(uconf, triage_urgency_code((enum triage_urgency)u), row);
    }
    for (int k = 0; k < 4; k++)
        crit += ty->uconf[URG_CRITICAL][k];
    crit_ok = ty->uconf[URG_CRITICAL][URG_CRITICAL];
    crit_missed = ty->uconf[URG_CRITICAL][URG_LOW] + ty->uconf[URG_CRITICAL][URG_MEDIUM];
    crit_low = ty->uconf[URG_CRITICAL][URG_LOW];
    json_object_set_new(o, "n", json_integer((json_int_t)ty->n));
    json_object_set_new(o, "macro_f1", json_real(ncls ? f1sum / ncls : 0));
    json_object_set_new(o, "urgency_accuracy", json_real(ty->n ? (double)uok / (double)ty->n : 0));
    json_object_set_new(o, "critical_recall", json_real(crit ? (double)crit_ok / (double)crit : 1));
    json_object_set_new(o, "critical_missed", json_integer((json_int_t)crit_missed));
    json_object_set_new(o, "critical_as_low", json_integer((json_int_t)crit_low));
    json_object_set_new(o, "needs_review", json_integer((json_int_t)ty->review));
    json_object_set_new(o, "per_category", per);
    json_object_set_new(o, "confusion", conf);
    json_object_set_new(o, "urgency_confusion", uconf);
    return o;
}

static void print_report(const struct tally *ty, json_t *o)
{
    printf("reports: %zu\n\n%-18s %9s %9s %9s %8s\n", ty->n, "category", "precision", "recall",
           "f1", "support");
    json_t *per = json_object_get(o, "per_category");
    for (int c = 0; c < TRIAGE_NCAT; c++) {
        json_t *pc = json_object_get(per, triage_category_code((enum triage_category)c));
        printf("%-18s %9.3f %9.3f %9.3f %8lld\n", triage_category_code((enum triage_category)c),
               json_real_value(json_object_get(pc, "precision")),
               json_real_value(json_object_get(pc, "recall")),
               json_real_value(json_object_get(pc, "f1")),
               (long long)json_integer_value(json_object_get(pc, "support")));
    }
    printf("\nmacro-F1          %.3f\nurgency accuracy  %.3f\ncritical recall   %.3f\n"
           "critical missed   %lld (true critical predicted low or medium; %lld as low)\n"
           "needs review      %zu\n",
           json_real_value(json_object_get(o, "macro_f1")),
           json_real_value(json_object_get(o, "urgency_accuracy")),
           json_real_value(json_object_get(o, "critical_recall")),
           (long long)json_integer_value(json_object_get(o, "critical_missed")),
           (long long)json_integer_value(json_object_get(o, "critical_as_low")), ty->review);
    printf("\nconfusion (rows: true, columns: predicted)\n%-18s", "");
    for (int k = 0; k < TRIAGE_NCAT; k++)
        printf(" %3.3s", triage_category_code((enum triage_category)k));
    printf("\n");
    for (int c = 0; c < TRIAGE_NCAT; c++) {
        printf("%-18s", triage_category_code((enum triage_category)c));
        for (int k = 0; k < TRIAGE_NCAT; k++)
            printf(" %3zu", ty->conf[c][k]);
        printf("\n");
    }
    printf("\nurgency confusion (rows: true, columns: predicted)\n%-10s", "");
    for (int k = 0; k < 4; k++)
        printf(" %8s", triage_urgency_code((enum triage_urgency)k));
    printf("\n");
    for (int u = 0; u < 4; u++) {
        printf("%-10s", triage_urgency_code((enum triage_urgency)u));
        for (int k = 0; k < 4; k++)
            printf(" %8zu", ty->uconf[u][k]);
        printf("\n");
    }
}

/* Fold of each report: i mod k, or stratified by category (round-robin inside each category,
 * each category starting where the previous one stopped so the folds stay balanced). */
static void assign_folds(const struct labelled *l, long k, int stratify, long *fold)
{
    if (!stratify) {
        for (size_t i = 0; i < l->n; i++)
            fold[i] = (long)(i % (size_t)k);
        return;
    }
    long next = 0;
    for (int c = 0; c < TRIAGE_NCAT; c++)
        for (size_t i = 0; i < l->n; i++)
            if (l->v[i].category == c) {
                fold[i] = next;
                next = (next + 1) % k;
            }
}

/* Train a model in memory on ex[0..n) and load a classifier with it. */
static struct triage *train_and_load(const struct files *f, const struct triage_example *ex,
                                     size_t n, const char *what)
{
    struct triage_inputs in = inputs_of(f);
    char err[512];
    char *model = NULL;
    size_t mlen = 0;
    struct triage *t = NULL;
    if (triage_train(&in, ex, n, 2, &model, &mlen, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: triage eval: training %s: %s\n", what, err);
        return NULL;
    }
    in.model = model;
    in.model_len = mlen;
    if (triage_load(&in, &t, err, sizeof err) != TD_OK) {
        fprintf(stderr, "tongdai: triage eval: %s: %s\n", what, err);
        t = NULL;
    }
    free(model);
    return t;
}

static int cmd_eval(int argc, char **argv, struct files *f)
{
    int as_json = 0, strip = 0, show = 0, stratify = 0, nfiles = 0;
    long k = 0;
    struct labelled l = {0}, extra = {0}, train = {0};
    struct tally ty;
    struct triage *t = NULL;
    struct triage_example *tr = NULL;
    long *fold = NULL;
    char err[512];
    int ret = 1;
    static const char usage[] = "usage: tongdai triage eval FILE.jsonl... [--json] [--cv K "
                                "[--stratify]] [--extra FILE]... [--train FILE]... "
                                "[--strip-diacritics] [--errors]";
    memset(&ty, 0, sizeof ty);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            as_json = 1;
        } else if (strcmp(argv[i], "--errors") == 0) {
            show = 1;
        } else if (strcmp(argv[i], "--strip-diacritics") == 0) {
            strip = 1;
        } else if (strcmp(argv[i], "--stratify") == 0) {
            stratify = 1;
        } else if (strcmp(argv[i], "--cv") == 0 && i + 1 < argc) {
            char *e;
            k = strtol(argv[++i], &e, 10);
            if (*e || k < 2 || k > 100) {
                ret = cmd_usage_error("triage eval: --cv takes 2..100");
                goto out;
            }
        } else if (strcmp(argv[i], "--extra") == 0 && i + 1 < argc) {
            if (load_labelled(argv[++i], &extra) != 0)
                goto out;
        } else if (strcmp(argv[i], "--train") == 0 && i + 1 < argc) {
            if (load_labelled(argv[++i], &train) != 0)
                goto out;
        } else if (argv[i][0] == '-') {
            ret = cmd_usage_error("triage eval: unexpected '%s' (%s)", argv[i], usage);
            goto out;
        } else {
            if (load_labelled(argv[i], &l) != 0)
                goto out;
            nfiles++;
        }
    }
    if (nfiles == 0 || (train.n && k) || (stratify && !k)) {
        ret = cmd_usage_error("triage eval: %s%s", usage,
                              train.n && k     ? " (--train and --cv exclude each other)"
                              : stratify && !k ? " (--stratify needs --cv)"
                                               : "");
        goto out;
    }
    if (k == 0) {
        if (train.n) {
            t = train_and_load(f, train.v, train.n, "--train files");
            if (t == NULL)
                goto out;
        } else {
            struct triage_inputs in = inputs_of(f);
            if (triage_load(&in, &t, err, sizeof err) != TD_OK) {
                fprintf(stderr, "tongdai: triage: %s\n", err);
                goto out;
            }
        }
        for (size_t i = 0; i < l.n; i++)
            if (eval_one(t, &l.v[i], i, strip, show, &ty) != 0)
                fprintf(stderr, "tongdai: triage eval: report %zu could not be classified\n",
                        i + 1);
    } else {
        tr = malloc((l.n + extra.n + 1) * sizeof *tr);
        fold = malloc((l.n + 1) * sizeof *fold);
        if (tr == NULL || fold == NULL)
            goto out;
        assign_folds(&l, k, stratify, fold);
        for (long fo = 0; fo < k; fo++) {
            size_t nt = 0;
            for (size_t i = 0; i < l.n; i++)
                if (fold[i] != fo)
                    tr[nt++] = l.v[i];
            for (size_t i = 0; i < extra.n; i++)
                tr[nt++] = extra.v[i];
            char what[32];
            snprintf(what, sizeof what, "fold %ld", fo);
            struct triage *ft = train_and_load(f, tr, nt, what);
            if (ft == NULL)
                goto out;
            for (size_t i = 0; i < l.n; i++)
                if (fold[i] == fo && eval_one(ft, &l.v[i], i, strip, show, &ty) != 0)
                    fprintf(stderr, "tongdai: triage eval: report %zu could not be classified\n",
                            i + 1);
            triage_free(ft);
        }
    }
    json_t *o = report_json(&ty);
    if (o == NULL)
        goto out;
    if (as_json) {
        if (json_dumpf(o, stdout, JSON_INDENT(2)) == 0)
            fputc('\n', stdout);
    } else {
        print_report(&ty, o);
    }
    json_decref(o);
    ret = 0;
out:
    free(tr);
    free(fold);
    triage_free(t);
    labelled_free(&l);
    labelled_free(&extra);
    labelled_free(&train);
    return ret;
}

/* ---------- entry ---------- */

int cmd_triage(int argc, char **argv)
{
    struct files f;
    const char *lexp = NULL, *modp = NULL, *tcp = NULL;
    int jsonl = 0, ret = 1;
    int sub = 0; /* 0 classify, 1 train, 2 eval */
    int first = 1;
    char **rest = NULL;
    int nrest = 0;
    memset(&f, 0, sizeof f);
    if (argc >= 2 && strcmp(argv[1], "train") == 0) {
        sub = 1;
        first = 2;
    } else if (argc >= 2 && strcmp(argv[1], "eval") == 0) {
        sub = 2;
        first = 2;
    }
    rest = calloc((size_t)argc + 1, sizeof *rest);
    if (rest == NULL)
        return 1;
    rest[nrest++] = argv[0];
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--lexicon") == 0 && i + 1 < argc) {
            lexp = argv[++i];
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            modp = argv[++i];
        } else if (strcmp(argv[i], "--teencode") == 0 && i + 1 < argc) {
            tcp = argv[++i];
        } else if (strcmp(argv[i], "--blocklist") == 0 && i + 1 < argc) {
            if (add_blocklist(&f, argv[++i]) != 0)
                goto out;
        } else if (sub == 0 && strcmp(argv[i], "--jsonl") == 0) {
            jsonl = 1;
        } else if (sub == 0) {
            ret = cmd_usage_error("triage: unknown option '%s' (usage: tongdai triage [--jsonl] "
                                  "[--blocklist FILE]... | train ... | eval ...)",
                                  argv[i]);
            goto out;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    if (read_data(lexp, "data/triage/lexicon", 0, &f.lexicon, &f.lexicon_len) != 0 ||
        read_data(tcp, "data/text/teencode.tsv", tcp == NULL, &f.teencode, &f.teencode_len) != 0)
        goto out;
    if (sub != 1 && read_data(modp, "data/triage/model", modp == NULL, &f.model, &f.model_len) != 0)
        goto out;
    if (sub == 1) {
        ret = cmd_train(nrest, rest, &f);
    } else if (sub == 2) {
        ret = cmd_eval(nrest, rest, &f);
    } else {
        struct triage *t = NULL;
        char err[512];
        struct triage_inputs in = inputs_of(&f);
        if (f.model == NULL)
            fprintf(stderr, "tongdai: triage: no model found, using the lexicon only\n");
        if (triage_load(&in, &t, err, sizeof err) != TD_OK) {
            fprintf(stderr, "tongdai: triage: %s\n", err);
            goto out;
        }
        ret = jsonl ? classify_jsonl(t) : classify_stdin(t);
        triage_free(t);
    }
out:
    free(rest);
    files_free(&f);
    return ret;
}
