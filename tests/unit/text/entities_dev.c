/*
 * Recall of vn_extract_entities on the labelled corpus ../shared/data/corpus/dev.jsonl, read at
 * test time. Each labelled entity (type, value: an exact substring of text) counts as found when
 * an extracted entity of the matching kind has exactly the span of one occurrence of value.
 * Corpus type "url" is matched by VN_ENT_URL, VN_ENT_DOMAIN and profile links (VN_ENT_SOCIAL with
 * a host); "social_handle" by VN_ENT_SOCIAL. Prints the figures; fails below the bars.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "text/common.h"

enum { T_PHONE, T_URL, T_BANK, T_MONEY, T_EMAIL, T_SOCIAL, NT };
static const char *const TYPE[NT] = {"phone", "url",   "bank_account",
                                     "money", "email", "social_handle"};
/* bars: what the extractor reaches on dev.jsonl today, a little under 1.0 for headroom */
static const double BAR[NT] = {0.95, 0.95, 0.95, 0.95, 0.95, 0.85};

static int kind_matches(int type, const struct vn_entity *e)
{
    switch (type) {
    case T_PHONE:
        return e->kind == VN_ENT_PHONE;
    case T_URL:
        return e->kind == VN_ENT_URL || e->kind == VN_ENT_DOMAIN ||
               (e->kind == VN_ENT_SOCIAL && e->host.p != NULL);
    case T_BANK:
        return e->kind == VN_ENT_BANK_ACCOUNT;
    case T_MONEY:
        return e->kind == VN_ENT_MONEY;
    case T_EMAIL:
        return e->kind == VN_ENT_EMAIL;
    case T_SOCIAL:
        return e->kind == VN_ENT_SOCIAL;
    }
    return 0;
}

static void dev_recall(void **state)
{
    (void)state;
    const char *path = "../shared/data/corpus/dev.jsonl";
    char *buf = NULL;
    size_t len = 0;
    if (td_read_file(path, 1 << 24, &buf, &len) != TD_OK)
        fail_msg("cannot read %s (tests run from the repository root)", path);
    size_t total[NT] = {0}, found[NT] = {0}, reports = 0, extracted = 0, unlabelled = 0;
    char *line = buf;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        line = nl ? nl + 1 : NULL;
        if (o == NULL)
            continue;
        const char *text = json_string_value(json_object_get(o, "text"));
        assert_non_null(text);
        reports++;
        struct arena a;
        arena_init(&a, 0);
        struct vn_entities es;
        assert_int_equal(vn_extract_entities(&a, text, strlen(text), &es), TD_OK);
        extracted += es.n;
        char used[256] = {0};
        json_t *ents = json_object_get(o, "entities");
        size_t i;
        json_t *ent;
        json_array_foreach(ents, i, ent)
        {
            const char *ty = json_string_value(json_object_get(ent, "type"));
            const char *v = json_string_value(json_object_get(ent, "value"));
            int type = -1;
            for (int k = 0; k < NT; k++)
                if (ty && strcmp(ty, TYPE[k]) == 0)
                    type = k;
            if (type < 0 || v == NULL || *v == '\0')
                continue;
            total[type]++;
            int ok = 0;
            for (const char *p = strstr(text, v); p && !ok; p = strstr(p + 1, v)) {
                size_t st = (size_t)(p - text), en = st + strlen(v);
                for (size_t k = 0; k < es.n && !ok; k++)
                    if (kind_matches(type, &es.v[k]) && es.v[k].start == st && es.v[k].end == en) {
                        ok = 1;
                        if (k < sizeof used)
                            used[k] = 1;
                    }
            }
            if (ok)
                found[type]++;
            else
                print_message("missed %s \"%s\" in %s\n", ty, v,
                              json_string_value(json_object_get(o, "id")));
        }
        for (size_t k = 0; k < es.n && k < sizeof used; k++)
            unlabelled += !used[k];
        arena_free(&a);
        json_decref(o);
    }
    free(buf);
    print_message("dev.jsonl: %zu reports, %zu entities extracted, %zu not in the labels\n",
                  reports, extracted, unlabelled);
    int below = 0;
    for (int k = 0; k < NT; k++) {
        double r = total[k] ? (double)found[k] / (double)total[k] : 1.0;
        print_message("  recall %-13s %3zu/%-3zu = %.3f (bar %.2f)\n", TYPE[k], found[k], total[k],
                      r, BAR[k]);
        if (r < BAR[k])
            below = 1;
    }
    assert_true(reports >= 200);
    assert_true(total[T_MONEY] > 100 && total[T_PHONE] > 10 && total[T_URL] > 10);
    assert_false(below);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dev_recall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
