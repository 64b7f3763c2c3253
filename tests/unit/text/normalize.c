/* src/text: UTF-8 validation, the normal form, folding and NFC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "text/common.h"

struct bad {
    const char *what;
    const char *s;
    size_t len;
};

static const struct bad BAD[] = {
    {"overlong slash", "\xC0\xAF", 2},
    {"overlong NUL", "a\xC0\x80z", 4},
    {"overlong 3-byte", "\xE0\x80\xAF", 3},
    {"overlong 4-byte", "\xF0\x80\x80\xAF", 4},
    {"surrogate high", "x\xED\xA0\x80", 4},
    {"surrogate low", "\xED\xBF\xBF", 3},
    {"above U+10FFFF", "\xF4\x90\x80\x80", 4},
    {"F5 lead", "\xF5\x80\x80\x80", 4},
    {"FF byte", "ok\xFF", 3},
    {"truncated 2", "ti\xE1\xBA", 4},
    {"truncated at end", "\xC3", 1},
    {"truncated 4", "\xF0\x9F\x98", 3},
    {"stray continuation", "\x80", 1},
    {"continuation after ASCII run", "abcdefghij\x80k", 12},
    {"bad continuation", "\xE1\x41\x80", 3},
};

static void invalid_utf8_is_an_error_everywhere(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct vn_str o;
    struct vn_tokens t;
    struct vn_entities e;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const struct bad *b = &BAD[i];
        if (vn_utf8_check(b->s, b->len) != TD_EUTF8)
            fail_msg("vn_utf8_check accepted: %s", b->what);
        assert_int_equal(vn_normalize(&a, b->s, b->len, &o), TD_EUTF8);
        assert_null(o.p);
        assert_int_equal(vn_fold(&a, b->s, b->len, &o), TD_EUTF8);
        assert_int_equal(vn_nfc(&a, b->s, b->len, &o), TD_EUTF8);
        assert_int_equal(vn_tokenize(&a, NULL, b->s, b->len, &t), TD_EUTF8);
        assert_int_equal(t.n, 0);
        assert_int_equal(vn_extract_entities(&a, b->s, b->len, &e), TD_EUTF8);
        assert_int_equal(e.n, 0);
    }
    /* valid edge cases */
    assert_int_equal(vn_utf8_check("", 0), TD_OK);
    assert_int_equal(vn_utf8_check("a\0b", 3), TD_OK);
    assert_int_equal(vn_utf8_check("\xF4\x8F\xBF\xBF", 4), TD_OK); /* U+10FFFF */
    assert_int_equal(vn_utf8_check("\xED\x9F\xBF", 3), TD_OK);     /* U+D7FF */
    assert_int_equal(vn_utf8_check("\xEE\x80\x80", 3), TD_OK);     /* U+E000 */
    assert_int_equal(vn_utf8_count("tiếng Việt", strlen("tiếng Việt")), 10);
    arena_free(&a);
}

static void decomposed_equals_precomposed(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* "Tiếng Việt người được" in NFD (as some keyboards and macOS produce) */
    const char *nfd = "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t ngu\xCC\x9Bo\xCC\x9B\xCC\x80i "
                      "\xC4\x91u\xCC\x9Bo\xCC\x9B\xCC\xA3\x63";
    const char *nfc = "Tiếng Việt người được";
    assert_string_equal(norm(&a, nfd), "tiếng việt người được");
    assert_string_equal(norm(&a, nfd), norm(&a, nfc));
    assert_string_equal(fold(&a, nfd), "tieng viet nguoi duoc");
    /* a modifier typed after the tone ("e" + acute + circumflex) still gives ế */
    /* the hat goes first even where it makes no Vietnamese letter, and beside other marks, so
     * normalising twice gives the same result (found by fuzz/text_normalize) */
    assert_string_equal(norm(&a, "chi\xCC\x81\xCC\x82n"), "chî\xCC\x81n");
    assert_string_equal(norm(&a, "e\xCC\x9A\xCC\x81\xCC\x82"), "ế\xCC\x9A");
    assert_string_equal(norm(&a, norm(&a, "e\xCC\x9A\xCC\x81\xCC\x82")), "ế\xCC\x9A");
    assert_string_equal(norm(&a, "bie\xCC\x81\xCC\x82t"), "biết");
    /* vn_nfc is plain NFC: case and tone placement kept */
    struct vn_str o;
    assert_int_equal(vn_nfc(&a, nfd, strlen(nfd), &o), TD_OK);
    assert_string_equal(o.p, "Tiếng Việt người được");
    assert_int_equal(vn_nfc(&a, "Hoà", strlen("Hoà"), &o), TD_OK);
    assert_string_equal(o.p, "Hoà");
    assert_int_equal(vn_nfc(&a, "plain", 5, &o), TD_OK);
    assert_string_equal(o.p, "plain");
    assert_int_equal(vn_nfc(&a, "", 0, &o), TD_OK);
    assert_int_equal(o.len, 0);
    arena_free(&a);
}

static void vowel_table_matches_utf8proc(void **state)
{
    (void)state;
    /* every Vietnamese vowel with every tone, upper and lower case, NFD -> our form == NFC */
    static const char *const bases[] = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"};
    static const char *const tones[] = {"",         "\xCC\x80", "\xCC\x81",
                                        "\xCC\x89", "\xCC\x83", "\xCC\xA3"};
    struct arena a;
    arena_init(&a, 0);
    for (size_t b = 0; b < 12; b++)
        for (size_t t = 0; t < 6; t++) {
            char in[32];
            snprintf(in, sizeof in, "%s%s", bases[b], tones[t]);
            utf8proc_uint8_t *ref = utf8proc_NFC((const utf8proc_uint8_t *)in);
            assert_non_null(ref);
            assert_string_equal(norm(&a, in), (const char *)ref);
            free(ref);
        }
    assert_string_equal(norm(&a, "Ắ Ằ Ẳ Ẵ Ặ ƯỚC ĐỒNG"), "ắ ằ ẳ ẵ ặ ước đồng");
    /* the scanner's precomposed fast path agrees with utf8proc for every code point it covers */
    static const uint32_t ranges[][2] = {{0xC0, 0x1B0}, {0x1EA0, 0x1EF9}};
    for (size_t r = 0; r < 2; r++)
        for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
            utf8proc_uint8_t in[8];
            utf8proc_ssize_t l = utf8proc_encode_char((utf8proc_int32_t)cp, in);
            in[l] = 0;
            utf8proc_uint8_t *ref = NULL;
            assert_true(utf8proc_map(in, l, &ref,
                                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) >= 0);
            const char *want = (const char *)ref;
            if (cp == 0xD0 || cp == 0xF0 || cp == 0x189) /* Ð ð Ɖ: look-alikes of Đ đ */
                want = "đ";
            const char *got = norm(&a, (const char *)in);
            if (got == NULL || strcmp(got, want) != 0)
                fail_msg("U+%04X: \"%s\", utf8proc \"%s\"", (unsigned)cp, got ? got : "(err)",
                         want);
            free(ref);
        }
    arena_free(&a);
}

static void lookalikes_and_invisible_characters(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* Ð U+00D0 and ð U+00F0 (eth) are not Đ/đ but look the same */
    assert_string_equal(norm(&a, "\xC3\x90\xE1\xBA\xA1i h\xE1\xBB\x8D\x63"), "đại học");
    assert_string_equal(norm(&a, "\xC3\xB0i"), "đi");
    assert_string_equal(norm(&a, "\xC6\x89\xC3\xB4ng"), "đông"); /* Ɖ U+0189 */
    assert_string_equal(fold(&a, "ÐẠI ðồng"), "dai dong");
    /* zero-width space, joiner, soft hyphen, BOM, bidi marks, variation selector, C0/C1 */
    assert_string_equal(norm(&a, "ch\xE2\x80\x8B\xE1\xBA\xBFt"), "chết");
    assert_string_equal(norm(&a, "t\xE2\x80\x8D\xE1\xBB\xB1 t\xC2\xAD\xE1\xBB\xAD"), "tự tử");
    assert_string_equal(norm(&a, "\xEF\xBB\xBFok\xE2\x80\x8E\xE2\x80\x8F"), "ok");
    assert_string_equal(norm(&a, "a\x01\x7F\xC2\x85z"), "az");
    assert_string_equal(norm(&a, "\xE2\x9D\xA4\xEF\xB8\x8F"), "\xE2\x9D\xA4");
    /* newline and tab become a space; other spaces too */
    assert_string_equal(norm(&a, "a\tb\nc\r\nd\xC2\xA0"
                                 "e"),
                        "a b c  d e");
    /* styled letters people use to dodge filters */
    assert_string_equal(norm(&a, "ＨＥＬＰ ｍｅ"), "help me");
    assert_string_equal(norm(&a, "\xF0\x9D\x90\x9C\xF0\x9D\x90\xA1\xE1\xBA\xBFt"), "chết");
    /* Cyrillic letters inside a Latin word */
    assert_string_equal(norm(&a, "\xD1\x81h\xE1\xBA\xBFt"), "chết");
    assert_string_equal(norm(&a, "\xD0\xB2\xD0\xB0\xD0\xBD\xD1\x8F"), "ваня"); /* all Cyrillic */
    /* casefold beyond ASCII */
    assert_string_equal(norm(&a, "STRAßE Ǆ ΣΊΣΥΦΟΣ"), "strasse ǆ σίσυφοσ");
    arena_free(&a);
}

static void one_tone_placement(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    static const char *const pairs[][2] = {
        {"hoà", "hòa"},     {"hòa", "hòa"},     {"thuý", "thúy"},   {"thúy", "thúy"},
        {"khoẻ", "khỏe"},   {"khỏe", "khỏe"},   {"hoá", "hóa"},     {"uỷ ban", "ủy ban"},
        {"thuỵ", "thụy"},   {"loè", "lòe"},     {"HOÀ", "hòa"},     {"Thuỷ", "thủy"},
        {"hòan", "hoàn"},   {"hoàng", "hoàng"}, {"quý", "quý"},     {"qúa", "quá"},
        {"gìa", "già"},     {"già", "già"},     {"gì", "gì"},       {"giữ", "giữ"},
        {"ngoài", "ngoài"}, {"ngòai", "ngoài"}, {"người", "người"}, {"ngừơi", "người"},
        {"tuổi", "tuổi"},   {"tủôi", "tuổi"},   {"mía", "mía"},     {"múa", "múa"},
        {"khuỷu", "khuỷu"}, {"xoáy", "xoáy"},   {"thuở", "thuở"},   {"quyển", "quyển"},
        {"hươu", "hươu"},   {"café", "café"},   {"gìn", "gìn"},     {"oà", "òa"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *got = norm(&a, pairs[i][0]);
        if (got == NULL || strcmp(got, pairs[i][1]) != 0)
            fail_msg("normalize(%s) = %s, want %s", pairs[i][0], got ? got : "(error)",
                     pairs[i][1]);
    }
    assert_string_equal(norm(&a, "hoà"), norm(&a, "hòa"));
    assert_string_equal(norm(&a, "thuý"), norm(&a, "thúy"));
    assert_string_equal(norm(&a, "khoẻ"), norm(&a, "khỏe"));
    arena_free(&a);
}

static void repeated_letters_collapse(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(norm(&a, "đcccc"), "đc");
    assert_string_equal(norm(&a, "okkkk"), "ok");
    assert_string_equal(norm(&a, "Quáaaaa"), "quá");
    assert_string_equal(norm(&a, "chếttttt điiii"), "chết đi");
    assert_string_equal(norm(&a, "huhuhu"), "huhuhu");     /* not one letter repeated */
    assert_string_equal(norm(&a, "xoong kk"), "xoong kk"); /* two is not three */
    assert_string_equal(norm(&a, "1000000"), "1000000");   /* digits are not letters */
    assert_string_equal(fold(&a, "ĐCCCC"), "dc");
    arena_free(&a);
}

static void fold_strips_every_mark(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(fold(&a, "Tự tử, từ từ; Đường ĐI"), "tu tu, tu tu; duong di");
    assert_string_equal(fold(&a, "ăâêôơư ĂÂÊÔƠƯ"), "aaeoou aaeoou");
    assert_string_equal(fold(&a, "naïve façade"), "naive facade");
    assert_string_equal(fold(&a, "😭 2.000.000đ"), "😭 2.000.000d");
    /* the fold of the normal form is the fold */
    const char *s = "Em bị LỪA mất 2tr rồi ạ, đcccc";
    assert_string_equal(fold(&a, norm(&a, s)), fold(&a, s));
    /* normalising twice changes nothing */
    assert_string_equal(norm(&a, norm(&a, s)), norm(&a, s));
    arena_free(&a);
}

static void arena_exhaustion_is_enomem(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 256);
    char big[2000];
    memset(big, 'a', sizeof big);
    for (size_t i = 0; i < sizeof big; i += 2)
        big[i] = ' ';
    struct vn_str o;
    struct vn_tokens t;
    assert_int_equal(vn_normalize(&a, big, sizeof big, &o), TD_ENOMEM);
    assert_int_equal(vn_tokenize(&a, NULL, big, sizeof big, &t), TD_ENOMEM);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invalid_utf8_is_an_error_everywhere),
        cmocka_unit_test(decomposed_equals_precomposed),
        cmocka_unit_test(vowel_table_matches_utf8proc),
        cmocka_unit_test(lookalikes_and_invisible_characters),
        cmocka_unit_test(one_tone_placement),
        cmocka_unit_test(repeated_letters_collapse),
        cmocka_unit_test(fold_strips_every_mark),
        cmocka_unit_test(arena_exhaustion_is_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
