/*
 * src/text on hostile input: 60 KB texts built to make a careless implementation quadratic
 * (triage accepts up to 64 KB). Each full pipeline (normalize, tokenize with the map, entities)
 * must finish far under the bound below, which a quadratic pass would blow by an order of
 * magnitude even without sanitizers; the results must still be sane.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "text/common.h"

#define BIG 60000
#define SECONDS_MAX 2.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hostile_inputs_stay_linear(void **state)
{
    (void)state;
    static const struct {
        const char *name, *unit;
    } U[] = {
        {"marks only", "\xCC\xA3\xCC\x81"},
        {"zalgo", "a\xCC\xA3\xCC\x81\xCC\xB7"},
        {"at signs", "@"},
        {"handles", "nick @ab "},
        {"amounts", "5k "},
        {"dots", "a."},
        {"urls", "http://a.vn/ "},
        {"digits", "0912 "},
        {"e-mails", "a@b.co "},
        {"at + accents", "@\xC3\xA9"},
        {"pronouns", "a "},
        {"v.v", "v."},
        {"one long word", "x"},
        {"nick", "nick a.b1 "},
    };
    struct vn_teencode *tc = load_teencode();
    assert_non_null(tc);
    char *buf = malloc(BIG + 16);
    assert_non_null(buf);
    for (size_t u = 0; u < sizeof U / sizeof U[0]; u++) {
        size_t ul = strlen(U[u].unit), n = 0;
        while (n + ul <= BIG) {
            memcpy(buf + n, U[u].unit, ul);
            n += ul;
        }
        struct arena a;
        arena_init(&a, 0);
        double t0 = now_s();
        struct vn_str nf;
        struct vn_tokens t;
        struct vn_entities e;
        assert_int_equal(vn_normalize(&a, buf, n, &nf), TD_OK);
        assert_int_equal(vn_tokenize(&a, tc, buf, n, &t), TD_OK);
        assert_int_equal(vn_extract_entities_tok(&a, buf, n, &t, &e), TD_OK);
        double dt = now_s() - t0;
        print_message("%-14s %6zu bytes  %5zu tokens %5zu entities  %.3f s\n", U[u].name, n, t.n,
                      e.n, dt);
        if (dt > SECONDS_MAX)
            fail_msg("%s: %.2f s", U[u].name, dt);
        for (size_t i = 1; i < e.n; i++)
            assert_true(e.v[i - 1].end <= e.v[i].start);
        arena_free(&a);
    }
    free(buf);
    vn_teencode_free(tc);
}

static void a_character_keeps_at_most_30_marks(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    char in[1 + 40 * 2 + 1];
    size_t n = 0;
    in[n++] = 'x';
    for (int i = 0; i < 40; i++) {
        in[n++] = (char)0xCC;
        in[n++] = (char)0xB7; /* U+0337 combining short solidus overlay */
    }
    struct vn_str o;
    assert_int_equal(vn_normalize(&a, in, n, &o), TD_OK);
    assert_int_equal(o.len, 1 + 30 * 2);
    struct vn_tokens t;
    assert_int_equal(vn_tokenize(&a, NULL, in, n, &t), TD_OK);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.v[0].end, n); /* the span still covers every mark */
    assert_string_equal(t.v[0].fold.p, "x");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_inputs_stay_linear),
        cmocka_unit_test(a_character_keeps_at_most_30_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
