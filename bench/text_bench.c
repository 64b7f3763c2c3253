/*
 * src/text speed on one core: for each report of a JSONL file (objects with "text"), repeated to
 * at least N reports (default 100,000), run what triage runs on a report -- vn_tokenize with the
 * teencode map, then vn_extract_entities_tok on those tokens -- and, separately, the three public
 * entry points on their own (vn_normalize + vn_tokenize + vn_extract_entities). Each report gets a
 * fresh arena, as a request would. Prints reports/s, mean, p50 and p99 per report, and the mean
 * scaled to a 300-byte report.
 *
 *   build/bench/text_bench ../shared/data/corpus/dev.jsonl [N]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/fileutil.h"
#include "text/vn.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct text {
    char *p;
    size_t len;
};

static int load(const char *path, struct text **out, size_t *n)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    *out = NULL;
    *n = 0;
    if (td_read_file(path, 64u << 20, &buf, &len) != TD_OK) {
        fprintf(stderr, "text_bench: cannot read %s\n", path);
        return -1;
    }
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        json_t *o = json_loads(line, 0, NULL);
        line = nl ? nl + 1 : NULL;
        const char *t = o ? json_string_value(json_object_get(o, "text")) : NULL;
        if (t) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 256;
                struct text *nt = realloc(*out, cap * sizeof *nt);
                if (nt == NULL)
                    abort();
                *out = nt;
            }
            (*out)[*n].p = strdup(t);
            (*out)[*n].len = strlen(t);
            (*n)++;
        }
        json_decref(o);
    }
    free(buf);
    return *n ? 0 : -1;
}

static void report(const char *what, double *lat, size_t n, double total_s, double bytes)
{
    qsort(lat, n, sizeof *lat, cmp_d);
    double mean = total_s / (double)n;
    printf("%-44s %9.0f reports/s  mean %6.2f us  p50 %6.2f us  p99 %6.2f us  "
           "(%.2f us per 300 bytes)\n",
           what, (double)n / total_s, mean * 1e6, lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6,
           mean * 1e6 * 300.0 / bytes);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "../shared/data/corpus/dev.jsonl";
    size_t want = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000;
    struct text *tx;
    size_t nt;
    if (load(path, &tx, &nt) != 0)
        return 1;
    char *tcbuf = NULL, err[256];
    size_t tclen = 0;
    struct vn_teencode *tc = NULL;
    if (td_read_file("data/text/teencode.tsv", 1 << 22, &tcbuf, &tclen) != TD_OK ||
        vn_teencode_parse(tcbuf, tclen, &tc, err, sizeof err) != TD_OK) {
        fprintf(stderr, "text_bench: data/text/teencode.tsv: %s\n", err);
        return 1;
    }
    size_t rounds = (want + nt - 1) / nt, n = rounds * nt;
    double bytes = 0;
    for (size_t i = 0; i < nt; i++)
        bytes += (double)tx[i].len;
    bytes /= (double)nt;
    double *lat = malloc(n * sizeof *lat);
    if (lat == NULL)
        return 1;
    printf("%zu reports (%zu distinct, mean %.0f bytes), one thread\n", n, nt, bytes);
    size_t sink = 0;
    for (int pass = 0; pass < 2; pass++) {
        double t0 = now_s();
        for (size_t r = 0, k = 0; r < rounds; r++)
            for (size_t i = 0; i < nt; i++, k++) {
                double a0 = now_s();
                struct arena a;
                arena_init(&a, 0);
                struct vn_tokens toks;
                struct vn_entities es;
                if (pass == 0) {
                    if (vn_tokenize(&a, tc, tx[i].p, tx[i].len, &toks) != TD_OK ||
                        vn_extract_entities_tok(&a, tx[i].p, tx[i].len, &toks, &es) != TD_OK)
                        return 1;
                } else {
                    struct vn_str nf;
                    if (vn_normalize(&a, tx[i].p, tx[i].len, &nf) != TD_OK ||
                        vn_tokenize(&a, tc, tx[i].p, tx[i].len, &toks) != TD_OK ||
                        vn_extract_entities(&a, tx[i].p, tx[i].len, &es) != TD_OK)
                        return 1;
                }
                sink += toks.n + es.n;
                arena_free(&a);
                lat[k] = now_s() - a0;
            }
        double total = now_s() - t0;
        report(pass == 0 ? "tokenize(teencode) + entities_tok"
                         : "normalize + tokenize + extract_entities",
               lat, n, total, bytes);
    }
    printf("(checksum %zu)\n", sink);
    free(lat);
    for (size_t i = 0; i < nt; i++)
        free(tx[i].p);
    free(tx);
    free(tcbuf);
    vn_teencode_free(tc);
    return 0;
}
