/* src/text: tokens, their three forms and their exact spans in the original text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/common.h"

struct want {
    enum vn_tok_kind kind;
    const char *acc, *fold, *orig; /* orig: the exact bytes of the span */
};

static void check(const char *s, const struct want *w, size_t n)
{
    struct arena a;
    arena_init(&a, 0);
    struct vn_tokens t;
    assert_int_equal(vn_tokenize(&a, NULL, s, strlen(s), &t), TD_OK);
    if (t.n != n) {
        for (size_t i = 0; i < t.n; i++)
            print_message("  token %zu: [%s]\n", i, t.v[i].acc.p);
        fail_msg("\"%s\": %zu tokens, want %zu", s, t.n, n);
    }
    for (size_t i = 0; i < n; i++) {
        const struct vn_token *k = &t.v[i];
        assert_int_equal(k->kind, w[i].kind);
        assert_string_equal(k->acc.p, w[i].acc);
        assert_int_equal(strlen(k->acc.p), k->acc.len);
        assert_string_equal(k->fold.p, w[i].fold);
        assert_int_equal(strlen(k->fold.p), k->fold.len);
        assert_true(k->start < k->end && k->end <= strlen(s));
        if (k->end - k->start != strlen(w[i].orig) ||
            memcmp(s + k->start, w[i].orig, k->end - k->start) != 0)
            fail_msg("token %zu span [%zu,%zu) = \"%.*s\", want \"%s\"", i, k->start, k->end,
                     (int)(k->end - k->start), s + k->start, w[i].orig);
        /* no teencode map: expansion is the token itself */
        assert_string_equal(k->exp.p, k->acc.p);
        assert_string_equal(k->xfold.p, k->fold.p);
        assert_null(k->alt.p);
        if (i > 0)
            assert_true(t.v[i - 1].end <= k->start);
    }
    arena_free(&a);
}

static void plain_words_numbers_symbols(void **state)
{
    (void)state;
    static const struct want w[] = {
        {VN_TOK_WORD, "em", "em", "Em"},
        {VN_TOK_WORD, "bị", "bi", "bị"},
        {VN_TOK_WORD, "lừa", "lua", "lừa"},
        {VN_TOK_NUMBER, "2.000.000", "2.000.000", "2.000.000"},
        {VN_TOK_WORD, "đ", "d", "đ"},
        {VN_TOK_NUMBER, "1,5", "1,5", "1,5"},
        {VN_TOK_WORD, "triệu", "trieu", "triệu"},
        {VN_TOK_NUMBER, "5", "5", "5"},
        {VN_TOK_WORD, "tr", "tr", "tr"},
        {VN_TOK_SYMBOL, "😭", "😭", "😭"},
        {VN_TOK_SYMBOL, "😭", "😭", "😭"},
        {VN_TOK_WORD, "ok", "ok", "OK"},
    };
    check("Em bị lừa: 2.000.000đ, 1,5 triệu (5tr)!!😭😭 OK...", w, sizeof w / sizeof w[0]);
}

static void spans_survive_length_changes(void **state)
{
    (void)state;
    /* decomposed letters, a zero-width space inside a word, a BOM, repeated letters, a
     * full-width word, tone moved: every span is the original bytes */
    static const struct want w[] = {
        {VN_TOK_WORD, "việt", "viet", "Vie\xCC\xA3\xCC\x82t"},
        {VN_TOK_WORD, "chết", "chet", "ch\xE2\x80\x8B\xE1\xBA\xBFt"},
        {VN_TOK_WORD, "đc", "dc", "\xC4\x91\x63\x63\x63\x63"},
        {VN_TOK_WORD, "hòa", "hoa", "Hoà"},
        {VN_TOK_WORD, "help", "help", "ＨＥＬＰ"},
        {VN_TOK_WORD, "đi", "di", "\xC3\x90I"},
    };
    check("\xEF\xBB\xBFVie\xCC\xA3\xCC\x82t ch\xE2\x80\x8B\xE1\xBA\xBFt \xE2\x80\x8B"
          "\xC4\x91\x63\x63\x63\x63 Hoà ＨＥＬＰ \xC3\x90I\xE2\x80\x8B",
          w, sizeof w / sizeof w[0]);
}

static void tokens_are_substrings_of_the_normal_form(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *s = "Thầy ơi, e bị đe dọa tung ảnh!!! sđt 0912.345.678 hoà giải k đc 😡";
    struct vn_str nf;
    struct vn_tokens t;
    assert_int_equal(vn_normalize(&a, s, strlen(s), &nf), TD_OK);
    assert_int_equal(vn_tokenize(&a, NULL, s, strlen(s), &t), TD_OK);
    const char *p = nf.p;
    for (size_t i = 0; i < t.n; i++) {
        const char *q = strstr(p, t.v[i].acc.p);
        if (q == NULL)
            fail_msg("token [%s] not in normal form [%s]", t.v[i].acc.p, nf.p);
        p = q + t.v[i].acc.len;
        /* normalising the span alone gives the token */
        struct vn_str one;
        assert_int_equal(vn_normalize(&a, s + t.v[i].start, t.v[i].end - t.v[i].start, &one),
                         TD_OK);
        assert_string_equal(one.p, t.v[i].acc.p);
    }
    arena_free(&a);
}

static void empty_and_separator_only_input(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct vn_tokens t;
    assert_int_equal(vn_tokenize(&a, NULL, "", 0, &t), TD_OK);
    assert_int_equal(t.n, 0);
    assert_int_equal(vn_tokenize(&a, NULL, " ,.!?\xE2\x80\x8B\n", 9, &t), TD_OK);
    assert_int_equal(t.n, 0);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_words_numbers_symbols),
        cmocka_unit_test(spans_survive_length_changes),
        cmocka_unit_test(tokens_are_substrings_of_the_normal_form),
        cmocka_unit_test(empty_and_separator_only_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
