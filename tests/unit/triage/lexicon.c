/* src/triage/lexicon.c: the file format's errors name their line; guards, negation, folded
 * matching and number items behave as specified at the top of lexicon.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "triage/internal.h"

static void expect_error(const char *text, const char *want)
{
    struct tri_lexicon *lx = NULL;
    char err[256] = "";
    enum td_err rc = tri_lexicon_parse(text, strlen(text), &lx, err, sizeof err);
    assert_int_equal(rc, TD_EINVAL);
    assert_null(lx);
    if (strstr(err, want) == NULL)
        fail_msg("error '%s' does not contain '%s'", err, want);
}

static void parse_errors_name_the_line(void **state)
{
    (void)state;
    expect_error("# c\ntự tử | self_harm | 4 | critical\nabc | nope | 1 | -\n",
                 "lexicon:3: unknown category 'nope'");
    expect_error("a | - | 1 | critcal\n", "lexicon:1: unknown flag 'critcal'");
    expect_error("\n\na | - | x1 | -\n", "lexicon:3: weight 'x1'");
    expect_error("a | - | 11 | -\n", "lexicon:1: weight '11'");
    expect_error("a | - | 1\n", "lexicon:1: expected 4 fields");
    expect_error("a | - | 1 | - | extra\n", "lexicon:1: expected 4 fields");
    expect_error("tự tử | self_harm | 4 | -\nTỰ   TỬ | scam | 1 | -\n",
                 "lexicon:2: duplicate phrase 'TỰ   TỬ' (first on line 1)");
    expect_error(" | - | 1 | -\n", "lexicon:1: empty phrase");
    expect_error("a b c d e f g h i | - | 1 | -\n", "lexicon:1: phrase longer than 8");
    expect_error("ok | - | 1 | -\n\xff\xfe | - | 1 | -\n", "lexicon:2: invalid UTF-8");
}

static void parses_and_counts(void **state)
{
    (void)state;
    const char *text = "# comment\n\n  chuyển khoản | - | 0.5 | money\r\n"
                       "trong <n> tiếng | - | 0.5 | deadline\ntự tử | self_harm | 4 | critical\n";
    struct tri_lexicon *lx = NULL;
    char err[256];
    assert_int_equal(tri_lexicon_parse(text, strlen(text), &lx, err, sizeof err), TD_OK);
    assert_int_equal(tri_lexicon_size(lx), 3);
    const struct tri_lex_entry *e = tri_lexicon_entry(lx, 2);
    assert_int_equal(e->category, CAT_SELF_HARM);
    assert_true(e->flags & TRI_F(CRITICAL));
    assert_int_equal(e->ntok, 2);
    assert_int_equal(e->line, 5);
    tri_lexicon_free(lx);
}

/* Match text against a small lexicon; return the phrases that stayed active, "|" separated,
 * with "~" after folded-only ones. */
static void active(const char *lex, const char *text, char *out, size_t outlen)
{
    struct tri_lexicon *lx = NULL;
    char err[256];
    struct arena a;
    struct tri_stream st;
    struct tri_matches m;
    arena_init(&a, 0);
    assert_int_equal(tri_lexicon_parse(lex, strlen(lex), &lx, err, sizeof err), TD_OK);
    assert_int_equal(tri_stream_build(&a, NULL, text, strlen(text), &st), TD_OK);
    assert_int_equal(tri_lexicon_match(lx, &a, &st, text, strlen(text), &m), TD_OK);
    out[0] = '\0';
    for (size_t i = 0; i < m.n; i++) {
        const struct tri_lex_entry *e = tri_lexicon_entry(lx, m.v[i].entry);
        if (m.v[i].cancelled || (e->flags & (TRI_F(GUARD) | TRI_F(NEGATION))))
            continue;
        size_t l = strlen(out);
        snprintf(out + l, outlen - l, "%s%s%s", l ? "|" : "", e->phrase,
                 m.v[i].folded_only ? "~" : "");
    }
    tri_lexicon_free(lx);
    arena_free(&a);
}

static const char *const LEX = "muốn chết | self_harm | 3 | critical\n"
                               "tự tử | self_harm | 4 | critical,ambiguous\n"
                               "giết | - | 1 | violence\n"
                               "khó muốn chết | - | 0 | guard\n"
                               "giết thời gian | - | 0 | guard\n"
                               "không có ý định | - | 0 | negation\n"
                               "mất tiền | scam | 1 | loss\n"
                               "không mất tiền | - | 0.5 | noloss\n"
                               "trong <n> tiếng | - | 0.5 | deadline\n";

static void guards_negation_and_subsumption(void **state)
{
    (void)state;
    char got[512];
    active(LEX, "Bài này khó muốn chết luôn", got, sizeof got);
    assert_string_equal(got, "");
    active(LEX, "em hay chơi game để giết thời gian", got, sizeof got);
    assert_string_equal(got, "");
    active(LEX, "Em không có ý định tự tử đâu", got, sizeof got);
    assert_string_equal(got, "");
    /* Negation stops at the end of the sentence. */
    active(LEX, "Em không có ý định gì. Nhưng em muốn chết", got, sizeof got);
    assert_string_equal(got, "muốn chết");
    active(LEX, "em muốn chết", got, sizeof got);
    assert_string_equal(got, "muốn chết");
    active(LEX, "nhà em không mất tiền", got, sizeof got);
    assert_string_equal(got, "không mất tiền");
    active(LEX, "nó cho em trong 2 tiếng", got, sizeof got);
    assert_string_equal(got, "trong <n> tiếng");
}

static void folded_matching(void **state)
{
    (void)state;
    char got[512];
    /* Typed without marks: matches, folded-only. */
    active(LEX, "e nghi den chuyen tu tu", got, sizeof got);
    assert_string_equal(got, "tự tử~");
    active(LEX, "MUON CHET", got, sizeof got);
    assert_string_equal(got, "muốn chết~");
    /* Typed with other marks: a different word, no match. */
    active(LEX, "cứ từ từ mà làm", got, sizeof got);
    assert_string_equal(got, "");
    /* Decomposed input and the other tone placement normalise to the same words. */
    active(LEX, "muo\xcc\x82\xcc\x81n che\xcc\x82\xcc\x81t", got, sizeof got);
    assert_string_equal(got, "muốn chết");
}

/* The flags added for the taxonomy's hard cases parse; a negation also cancels a threat ("chưa
 * có ai đe dọa đánh": no one threatened to hit); a guard may carry its own category. */
static void new_flags_violence_negation_and_content_guards(void **state)
{
    (void)state;
    const char *lex = "cúp máy | - | 0.3 | refused\n"
                      "có hợp pháp không | question | 2 | question,check\n"
                      "mất liên lạc | - | 1 | missing\n"
                      "bị giữ ở | trafficking | 1.5 | held\n"
                      "đe dọa đánh | cyberbullying | 3 | violence\n"
                      "chưa có ai đe dọa | - | 0 | negation\n"
                      "tự tử | self_harm | 4 | critical\n"
                      "hướng dẫn tự tử | harmful_content | 3 | guard\n";
    struct tri_lexicon *lx = NULL;
    char err[256];
    assert_int_equal(tri_lexicon_parse(lex, strlen(lex), &lx, err, sizeof err), TD_OK);
    assert_true(tri_lexicon_entry(lx, 0)->flags & TRI_F(REFUSED));
    assert_true(tri_lexicon_entry(lx, 1)->flags & TRI_F(CHECK));
    assert_true(tri_lexicon_entry(lx, 2)->flags & TRI_F(MISSING));
    assert_true(tri_lexicon_entry(lx, 3)->flags & TRI_F(HELD));
    assert_int_equal(tri_lexicon_entry(lx, 7)->category, CAT_HARMFUL_CONTENT);
    tri_lexicon_free(lx);
    char got[512];
    active(lex, "chưa có ai đe dọa đánh con tôi", got, sizeof got);
    assert_string_equal(got, "");
    active(lex, "tụi nó đe dọa đánh em", got, sizeof got);
    assert_string_equal(got, "đe dọa đánh");
    active(lex, "kênh đó hướng dẫn tự tử", got, sizeof got);
    assert_string_equal(got, "");
    active(lex, "em nghĩ đến tự tử", got, sizeof got);
    assert_string_equal(got, "tự tử");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_errors_name_the_line),
        cmocka_unit_test(parses_and_counts),
        cmocka_unit_test(guards_negation_and_subsumption),
        cmocka_unit_test(folded_matching),
        cmocka_unit_test(new_flags_violence_negation_and_content_guards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
