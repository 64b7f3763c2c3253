/* src/triage/triage.c with the shipped data (data/triage/lexicon, model, taxonomy and
 * data/text/teencode.tsv, read from the repository root where the test runner starts):
 * hyperbole does not fire critical, folded-only critical signals raise and ask for review,
 * known-bad hosts match at dot boundaries only, scores stay in their urgency's band. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fileutil.h"
#include "triage/triage.h"

static char *lexicon, *model, *teencode;
static size_t lexicon_len, model_len, teencode_len;
static struct triage *tri;

static const char BLOCKLIST[] = "# hosts-file and plain lines\n"
                                "0.0.0.0 evil-bank.com\n"
                                "127.0.0.1 Phish.Example.VN.\n"
                                "lure.blogspot.com\n"
                                "www.wwwprefixed.net\n"
                                "not a host line with spaces at the end x\n"
                                "0.0.0.0\n";

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (td_read_file("data/triage/lexicon", 1 << 24, &lexicon, &lexicon_len) ||
        td_read_file("data/triage/model", 1 << 26, &model, &model_len) ||
        td_read_file("data/text/teencode.tsv", 1 << 24, &teencode, &teencode_len))
        return -1;
    struct triage_inputs in = {lexicon,  lexicon_len,  model,     model_len,
                               teencode, teencode_len, BLOCKLIST, sizeof BLOCKLIST - 1};
    if (triage_load(&in, &tri, err, sizeof err) != TD_OK) {
        fprintf(stderr, "load: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    triage_free(tri);
    free(lexicon);
    free(model);
    free(teencode);
    return 0;
}

static void classify(const char *text, struct arena *a, struct triage_verdict *v)
{
    assert_int_equal(triage_classify(tri, a, text, strlen(text), v), TD_OK);
}

static int has_critical_signal(const struct triage_verdict *v)
{
    for (size_t i = 0; i < v->nsignals; i++)
        if (strcmp(v->signals[i].kind, "critical") == 0)
            return 1;
    return 0;
}

static void hyperbole_and_denial_do_not_fire_critical(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Hôm nay xem phim cười chết mất",
        "bài kiểm tra khó muốn chết",
        "em hay chơi game để giết thời gian",
        "nhục muốn độn thổ luôn",
        "em không có ý định tự tử, chỉ là hơi mệt vì ôn thi",
        "cuoi chet mat voi ong nay",
        "Chán sống với cái wifi ký túc xá",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct arena a;
        struct triage_verdict v;
        arena_init(&a, 1 << 22);
        classify(texts[i], &a, &v);
        if (has_critical_signal(&v) || v.urgency == URG_CRITICAL || v.category == CAT_SELF_HARM)
            fail_msg("'%s' -> %s/%s", texts[i], triage_category_code(v.category),
                     triage_urgency_code(v.urgency));
        arena_free(&a);
    }
}

static void real_intent_is_critical(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "em không muốn sống nữa, thuốc ngủ em gom đủ rồi",
        "Em đang đứng trên sân thượng, tạm biệt mọi người",
        "haha chắc em nên chết đi cho xong",
        "họ bắt em thuê phòng khách sạn ở một mình, không được nói với ai, giờ đòi bố mẹ chuyển "
        "tiền bảo lãnh",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct arena a;
        struct triage_verdict v;
        arena_init(&a, 1 << 22);
        classify(texts[i], &a, &v);
        if (v.urgency != URG_CRITICAL)
            fail_msg("'%s' -> %s/%s", texts[i], triage_category_code(v.category),
                     triage_urgency_code(v.urgency));
        arena_free(&a);
    }
}

static void folded_only_critical_raises_and_asks_review(void **state)
{
    (void)state;
    struct arena a;
    struct triage_verdict v;
    arena_init(&a, 1 << 22);
    classify("may dem nay em nghi den chuyen tu tu", &a, &v);
    assert_true(v.needs_review);
    assert_true(v.urgency >= URG_HIGH);
    int found = 0;
    for (size_t i = 0; i < v.nsignals; i++)
        if (v.signals[i].folded_only && strcmp(v.signals[i].phrase.p, "tu tu") == 0) {
            found = 1;
            /* The span is the text as written. */
            assert_int_equal(v.signals[i].end - v.signals[i].start, 5);
        }
    assert_true(found);
    arena_free(&a);
    /* Written with the marks of "từ từ" (slowly), it is not the suicide phrase. */
    arena_init(&a, 1 << 22);
    classify("em sẽ từ từ trả hết nợ", &a, &v);
    assert_false(has_critical_signal(&v));
    arena_free(&a);
}

static void blocklist_matches_at_dot_boundaries(void **state)
{
    (void)state;
    static const struct {
        const char *host;
        int bad;
    } cases[] = {
        {"evil-bank.com", 1},
        {"login.evil-bank.com", 1},
        {"a.b.evil-bank.com", 1},
        {"EVIL-BANK.COM.", 1},
        {"www.evil-bank.com", 1},
        {"notevil-bank.com", 0},
        {"evil-bank.com.vn", 0},
        {"phish.example.vn", 1},
        {"x.phish.example.vn", 1},
        {"example.vn", 0},
        {"lure.blogspot.com", 1},
        {"deep.lure.blogspot.com", 1},
        {"blogspot.com", 0},
        {"other.blogspot.com", 0},
        {"wwwprefixed.net", 1},
        {"com", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (triage_host_is_bad(tri, cases[i].host, strlen(cases[i].host)) != cases[i].bad)
            fail_msg("%s: expected %d", cases[i].host, cases[i].bad);
    assert_int_equal(triage_blocklist_size(tri), 4);
}

static void scores_stay_in_their_band(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        "alo",
        "cho em hỏi cách bật xác minh 2 bước",
        "em bị lừa mất 2tr rồi",
        "mik đg cầm dao trong tay r 😭",
        "nó đòi 5tr trong 2 tiếng không thì gửi clip cho cả lớp",
        "😭😭😭",
        "Tôi là giáo viên. Không có gì khẩn cấp, chỉ hỏi lịch làm việc.",
    };
    static const int lo[4] = {0, 25, 50, 75}, hi[4] = {24, 49, 74, 100};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct arena a;
        struct triage_verdict v;
        arena_init(&a, 1 << 22);
        classify(texts[i], &a, &v);
        assert_in_range(v.score, lo[v.urgency], hi[v.urgency]);
        assert_in_range(v.category, 0, TRIAGE_NCAT - 1);
        arena_free(&a);
    }
}

static void invalid_utf8_is_an_error(void **state)
{
    (void)state;
    struct arena a;
    struct triage_verdict v;
    arena_init(&a, 1 << 22);
    assert_int_equal(triage_classify(tri, &a, "ab\xc3", 3, &v), TD_EUTF8);
    assert_int_equal(triage_classify(tri, &a, "\xed\xa0\x80", 3, &v), TD_EUTF8);
    arena_free(&a);
}

static void long_text_is_cut_at_a_character(void **state)
{
    (void)state;
    size_t n = 70001; /* past the 64 KiB head, with 3-byte characters across the limit */
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(big + i, "\xe1\xbb\x87", 3);
    n -= n % 3;
    big[n] = '\0';
    struct arena a;
    struct triage_verdict v;
    arena_init(&a, 64u << 20);
    assert_int_equal(triage_classify(tri, &a, big, n, &v), TD_OK);
    arena_free(&a);
    free(big);
}

static void taxonomy_file_agrees(void **state)
{
    (void)state;
    char *buf;
    size_t len;
    int n = 0;
    assert_int_equal(td_read_file("data/triage/taxonomy", 1 << 20, &buf, &len), TD_OK);
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char *f[4];
        char *s2 = NULL;
        int k = 0;
        for (char *p = strtok_r(line, "\t", &s2); p && k < 4; p = strtok_r(NULL, "\t", &s2))
            f[k++] = p;
        assert_int_equal(k, 4);
        assert_string_equal(f[0], triage_category_code((enum triage_category)n));
        enum triage_urgency u;
        assert_int_equal(triage_urgency_parse(f[3], &u), 0);
        assert_int_equal(u, triage_category_usual((enum triage_category)n));
        n++;
    }
    assert_int_equal(n, TRIAGE_NCAT);
    free(buf);
}

static void bad_inputs_are_refused(void **state)
{
    (void)state;
    struct triage *t = NULL;
    char err[256] = "";
    const char bad_lex[] = "ok | - | 1 | -\noops | self_harm | 1 | nosuchflag\n";
    struct triage_inputs in = {bad_lex, sizeof bad_lex - 1, NULL, 0, NULL, 0, NULL, 0};
    assert_int_equal(triage_load(&in, &t, err, sizeof err), TD_EINVAL);
    assert_null(t);
    assert_non_null(strstr(err, "lexicon:2"));
    const char bad_model[] = "tdmodel 1\nvocab 1\nf zz\n";
    struct triage_inputs in2 = {lexicon, lexicon_len, bad_model, sizeof bad_model - 1,
                                NULL,    0,           NULL,      0};
    assert_int_equal(triage_load(&in2, &t, err, sizeof err), TD_EINVAL);
    assert_non_null(strstr(err, "model:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hyperbole_and_denial_do_not_fire_critical),
        cmocka_unit_test(real_intent_is_critical),
        cmocka_unit_test(folded_only_critical_raises_and_asks_review),
        cmocka_unit_test(blocklist_matches_at_dot_boundaries),
        cmocka_unit_test(scores_stay_in_their_band),
        cmocka_unit_test(invalid_utf8_is_an_error),
        cmocka_unit_test(long_text_is_cut_at_a_character),
        cmocka_unit_test(taxonomy_file_agrees),
        cmocka_unit_test(bad_inputs_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
