/*
 * Triage throughput on one core: classify the reports of a JSONL file (objects with "text"),
 * repeated until at least N reports (default 100,000), one thread, and print reports per second
 * and the p50/p99/max latency per report. Each report gets a fresh arena (freed after it), as a
 * request would. Data files are read from the repository (data/triage, data/text). Throughput is
 * printed per wall-clock second and per CPU-second of this process (the same on an idle core).
 *
 *   build/bench/triage_bench ../shared/data/corpus/dev.jsonl [N]
 */
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/fileutil.h"
#include "triage/triage.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared machine the wall clock also counts time the core spent
 * on other work, so both are printed. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *read_share(const char *rel, size_t *len)
{
    char p[4096];
    char *buf = NULL;
    if (td_share_path(rel, p, sizeof p) != 0 || td_read_file(p, 64u << 20, &buf, len) != TD_OK) {
        fprintf(stderr, "triage_bench: cannot read %s\n", rel);
        return NULL;
    }
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: triage_bench FILE.jsonl [N]\n");
        return 2;
    }
    long want = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
    if (want < 1)
        want = 100000;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    (void)sched_setaffinity(0, sizeof set, &set); /* one core; best effort */

    size_t llen, mlen, tlen, dlen;
    char *lex = read_share("data/triage/lexicon", &llen);
    char *model = read_share("data/triage/model", &mlen);
    char *tc = read_share("data/text/teencode.tsv", &tlen);
    char *data = NULL;
    if (lex == NULL || model == NULL || tc == NULL ||
        td_read_file(argv[1], 64u << 20, &data, &dlen) != TD_OK) {
        fprintf(stderr, "triage_bench: cannot read inputs\n");
        return 1;
    }
    struct triage_inputs in = {lex, llen, model, mlen, tc, tlen, NULL, 0};
    struct triage *t = NULL;
    char err[256];
    if (triage_load(&in, &t, err, sizeof err) != TD_OK) {
        fprintf(stderr, "triage_bench: %s\n", err);
        return 1;
    }
    /* The texts. */
    size_t n = 0, cap = 256, bytes = 0;
    char **texts = malloc(cap * sizeof *texts);
    size_t *lens = malloc(cap * sizeof *lens);
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        json_t *tx = o ? json_object_get(o, "text") : NULL;
        if (json_is_string(tx)) {
            if (n == cap) {
                cap *= 2;
                texts = realloc(texts, cap * sizeof *texts);
                lens = realloc(lens, cap * sizeof *lens);
            }
            lens[n] = json_string_length(tx);
            texts[n] = malloc(lens[n] + 1);
            memcpy(texts[n], json_string_value(tx), lens[n] + 1);
            bytes += lens[n];
            n++;
        }
        json_decref(o);
    }
    if (n == 0) {
        fprintf(stderr, "triage_bench: no texts\n");
        return 1;
    }
    size_t total = ((size_t)want + n - 1) / n * n;
    double *lat = malloc(total * sizeof *lat);
    long crit = 0;
    /* Warm-up pass. */
    for (size_t i = 0; i < n; i++) {
        struct arena a;
        struct triage_verdict v;
        arena_init(&a, 16u << 20);
        triage_classify(t, &a, texts[i], lens[i], &v);
        arena_free(&a);
    }
    double t0 = now_s(), c0 = cpu_s();
    for (size_t k = 0; k < total; k++) {
        size_t i = k % n;
        struct arena a;
        struct triage_verdict v;
        double s = now_s();
        arena_init(&a, 16u << 20);
        if (triage_classify(t, &a, texts[i], lens[i], &v) == TD_OK && v.urgency == URG_CRITICAL)
            crit++;
        arena_free(&a);
        lat[k] = now_s() - s;
    }
    double el = now_s() - t0, cpu = cpu_s() - c0;
    qsort(lat, total, sizeof *lat, cmp_d);
    printf("triage: %zu reports (%zu distinct, mean %zu bytes) on one core in %.2f s\n", total, n,
           bytes / n, el);
    printf("throughput: %.0f reports/s (wall); %.0f reports per CPU-second\n", (double)total / el,
           (double)total / cpu);
    printf("latency per report: p50 %.1f us, p99 %.1f us, max %.1f us\n", lat[total / 2] * 1e6,
           lat[total * 99 / 100] * 1e6, lat[total - 1] * 1e6);
    printf("(critical verdicts: %ld; lexicon %zu phrases, model %zu features)\n", crit,
           triage_lexicon_size(t), triage_model_features(t));
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    free(lat);
    free(data);
    free(lex);
    free(model);
    free(tc);
    triage_free(t);
    return 0;
}
