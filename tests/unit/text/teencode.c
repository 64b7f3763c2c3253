/* src/text: the teencode map (data/text/teencode.tsv), its format and its use by the tokenizer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/common.h"

static struct vn_teencode *TC;

static int setup(void **state)
{
    (void)state;
    TC = load_teencode();
    return TC ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vn_teencode_free(TC);
    return 0;
}

static void expect(const char *in, const char *want)
{
    struct arena a;
    arena_init(&a, 0);
    const char *got = expand(&a, TC, in);
    if (got == NULL || strcmp(got, want) != 0)
        fail_msg("expand(\"%s\") = \"%s\", want \"%s\"", in, got ? got : "(error)", want);
    arena_free(&a);
}

static void common_teencode(void **state)
{
    (void)state;
    expect("ko bik j lun", "không biết gì luôn");
    expect("k bt lm sao", "không biết làm sao");
    expect("hok dc đâu", "không được đâu");
    expect("khg đc", "không được");
    expect("mik vs mk", "mình với mình");
    expect("sdt ad la gi", "số điện thoại admin la gì");
    expect("sđt của e", "số điện thoại của em");
    expect("stk la bn", "số tài khoản la bao nhiêu");
    expect("e gửi r", "em gửi rồi");
    expect("trc khi ng ta gọi", "trước khi người ta gọi");
    expect("ngta bảo z", "người ta bảo vậy");
    expect("DCCCC KOOOO", "được không");
    expect("ĐC", "được");
}

static void context_decides(void **state)
{
    (void)state;
    /* ck: chuyển khoản near money, chồng next to vợ, otherwise left alone */
    expect("ck 500k vào stk", "chuyển khoản 500 nghìn vào số tài khoản");
    expect("đã ck 2tr", "đã chuyển khoản 2 triệu");
    expect("vk ck nhà e", "vợ chồng nhà em");
    expect("ck ơi", "ck ơi");
    /* k: nghìn after a number, không otherwise */
    expect("500k", "500 nghìn");
    expect("1k5", "1 nghìn 5");
    expect("bạn 2k5", "bạn 2 k 5");
    expect("k biết", "không biết");
    expect("5kg gạo", "5 kilôgam gạo");
    /* bn: bạn or bao nhiêu */
    expect("bn ơi", "bạn ơi");
    expect("bn tiền", "bao nhiêu tiền");
    expect("mất bn", "mất bao nhiêu");
    expect("bn của e", "bạn của em");
    /* a / e / c only where they are pronouns */
    expect("a ơi giúp e với", "anh ơi giúp em với");
    expect("e ngại lắm", "e ngại lắm");
    expect("vitamin a", "vitamin a");
    expect("lớp 10 a", "lớp 10 a");
    /* numbers with units */
    expect("17t", "17 tuổi");
    expect("12h", "12 giờ");
    expect("30p", "30 phút");
    expect("bây h", "bây giờ");
    /* v, vl */
    expect("sao v", "sao vậy");
    expect("v.v", "v v");
    expect("đẹp vl", "đẹp vãi lồn");
    expect("môn vl", "môn vật lý");
    /* "ks": hotel after a place verb */
    expect("đổi mk fb", "đổi mật khẩu facebook");
    expect("cho mk hỏi", "cho mình hỏi");
    expect("lộ pass zalo", "lộ mật khẩu zalo");
    expect("phí bh", "phí bảo hiểm");
    expect("bh thì sao", "bây giờ thì sao");
    expect("hk2", "học kỳ 2");
    expect("lên ks", "lên khách sạn");
    expect("ks đâu", "không sao đâu");
}

static void real_words_are_not_rewritten(void **state)
{
    (void)state;
    static const char *const keep[] = {
        "ban", "tu",   "ma",    "cu",    "mia", "me",  "cac", "di",  "do",
        "bo",  "la",   "an",    "tu tu", "hãm", "đậu", "lol", "boy", "dell laptop",
        "b",   "c",    "x",     "q",     "y",   "l",   "n",   "bit", "face",
        "gì",  "rồi",  "không", "được",  "bạn", "em",  "anh", "chị", "ngu",
        "đĩ",  "điếm", "phò",   "vãi",   "cứt", "ỉa",  "dái", "lồn", "cặc",
    };
    struct arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        struct vn_tokens t;
        assert_int_equal(vn_tokenize(&a, TC, keep[i], strlen(keep[i]), &t), TD_OK);
        for (size_t k = 0; k < t.n; k++)
            if (strcmp(t.v[k].exp.p, t.v[k].acc.p) != 0)
                fail_msg("\"%s\": token \"%s\" rewritten to \"%s\"", keep[i], t.v[k].acc.p,
                         t.v[k].exp.p);
    }
    /* an ambiguous word keeps its meaning and gains an alternative sense */
    struct vn_tokens t;
    assert_int_equal(vn_tokenize(&a, TC, "cu", 2, &t), TD_OK);
    assert_string_equal(t.v[0].exp.p, "cu");
    assert_string_equal(t.v[0].alt.p, "cặc");
    assert_int_equal(vn_tokenize(&a, TC, "đệt", strlen("đệt"), &t), TD_OK);
    assert_string_equal(t.v[0].alt.p, "đéo|địt");
    arena_free(&a);
}

static void glued_tone_keys_and_phrases(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct vn_tokens t;
    const char *s = "thang cho' di~ 'ok'";
    assert_int_equal(vn_tokenize(&a, TC, s, strlen(s), &t), TD_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.v[1].acc.p, "cho'");
    assert_string_equal(t.v[1].exp.p, "chó");
    assert_int_equal(t.v[1].end - t.v[1].start, 4);
    assert_string_equal(t.v[2].exp.p, "đĩ");
    assert_string_equal(t.v[3].acc.p, "ok"); /* a quote is not glued when the map has no key */
    /* a phrase rewrites word by word, spans untouched */
    s = "Cờ lờ gờ tờ";
    assert_int_equal(vn_tokenize(&a, TC, s, strlen(s), &t), TD_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.v[1].exp.p, "lồn");
    assert_string_equal(t.v[1].xfold.p, "lon");
    assert_string_equal(s + t.v[1].start, "lờ gờ tờ");
    arena_free(&a);
}

static void parse_errors_name_the_line(void **state)
{
    (void)state;
    struct vn_teencode *tc = NULL;
    char err[128];
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"# ok\nko\tkhông\nnotab\n", "teencode line 3: expected FROM<TAB>TO[<TAB>CONDITIONS]"},
        {"a\tb\tc\td\n", "teencode line 1: too many fields"},
        {"\n\nk\tkhông\tsometimes\n", "teencode line 3: unknown condition"},
        {"k\tkhông\tprev=\n", "teencode line 1: unknown condition"},
        {"\t\xC3\n", "teencode line 1: invalid UTF-8"},
        {" \tx\n", "teencode line 1: empty FROM"},
        {"@nope x\n", "teencode line 1: unknown directive"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vn_teencode_parse(bad[i].text, strlen(bad[i].text), &tc, err, sizeof err),
                         TD_EINVAL);
        assert_null(tc);
        if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
            fail_msg("error \"%s\", want prefix \"%s\"", err, bad[i].want);
    }
    /* CRLF, comments, blank lines, a directive: fine */
    const char *ok = "# c\r\n\r\n@money xu\r\nxu\txu\r\nck\tchuyển khoản\tmoney\r\n";
    assert_int_equal(vn_teencode_parse(ok, strlen(ok), &tc, err, sizeof err), TD_OK);
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(expand(&a, tc, "ck 5 xu"), "chuyển khoản 5 xu");
    assert_string_equal(expand(&a, tc, "ck nhé"), "ck nhé");
    arena_free(&a);
    vn_teencode_free(tc);
    vn_teencode_free(NULL);
}

/*
 * ../shared/data/public/vn-offensive-words/vn_offensive_words.txt (third-party, MIT; see its
 * SOURCE.md): groups headed by "# <Root>, and its variants"; every variant must fold or expand
 * to its group's root. Two groups ("Sexual related", "Various humiliation") name a theme, not a
 * root; there a variant must be written in full (with diacritics), fold to an accented entry of
 * its group, or be known to the map (an expansion or an alternative sense).
 */
struct group_root {
    const char *header_prefix;
    const char *roots[3]; /* folded; any one is enough */
};

static const struct group_root ROOTS[] = {
    {"Buồi", {"buoi"}},
    {"Cặc", {"cac"}},
    {"Cứt", {"cut"}},
    {"Đéo", {"deo"}},
    {"Địt", {"dit"}},
    {"Đù (đủ) má", {"du"}},
    {"Đĩ", {"di"}},
    {"Lồn", {"lon"}},
    {"Mẹ cha", {"me", "cha"}},
    {"Tiên sư", {"su", "tien"}},
};

/* Does the folded word w occur among the words of the token stream (acc, expansion, alt)? */
static int stream_has(struct arena *a, const struct vn_tokens *t, const char *w)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct vn_token *k = &t->v[i];
        struct vn_str forms[3] = {k->fold, k->xfold, {NULL, 0}};
        if (k->alt.p && vn_fold(a, k->alt.p, k->alt.len, &forms[2]) != TD_OK)
            return 0;
        for (size_t f = 0; f < 3; f++) {
            const char *p = forms[f].p;
            if (p == NULL)
                continue;
            size_t n = strlen(w);
            for (const char *q = strstr(p, w); q; q = strstr(q + 1, w)) {
                int left = q == p || q[-1] == ' ' || q[-1] == '|';
                int right = q[n] == '\0' || q[n] == ' ' || q[n] == '|';
                if (left && right)
                    return 1;
            }
        }
    }
    return 0;
}

static void offensive_variants_reach_their_root(void **state)
{
    (void)state;
    const char *path = "../shared/data/public/vn-offensive-words/vn_offensive_words.txt";
    char *buf = NULL;
    size_t len = 0;
    if (td_read_file(path, 1 << 20, &buf, &len) != TD_OK)
        fail_msg("cannot read %s (tests run from the repository root)", path);
    struct arena a;
    arena_init(&a, 0);
    const struct group_root *root = NULL;
    char *theme[64]; /* accented entries of a rootless group */
    size_t ntheme = 0, checked = 0, groups = 0, failed = 0;
    char *save = buf;
    /* two passes per group for themes: collect lines first */
    char *lines[1024];
    size_t nl = 0;
    for (char *p = buf; p && *p && nl < 1024;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[l - 1] = '\0';
        lines[nl++] = p;
        p = e ? e + 1 : NULL;
    }
    for (size_t i = 0; i <= nl; i++) {
        int header = i == nl || lines[i][0] == '#';
        if (header) {
            if (i < nl && lines[i][1] == '#')
                continue; /* "#####" separator */
            /* start of a group */
            root = NULL;
            ntheme = 0;
            if (i == nl)
                break;
            groups++;
            const char *h = lines[i] + 1;
            while (*h == ' ')
                h++;
            for (size_t r = 0; r < sizeof ROOTS / sizeof ROOTS[0]; r++)
                if (strncmp(h, ROOTS[r].header_prefix, strlen(ROOTS[r].header_prefix)) == 0)
                    root = &ROOTS[r];
            if (root == NULL) /* theme group: its first and its accented entries are roots */
                for (size_t k = i + 1; k < nl && lines[k][0] != '#' && ntheme < 64; k++) {
                    int accented = k == i + 1;
                    for (const char *q = lines[k]; *q; q++)
                        accented |= (unsigned char)*q >= 0x80;
                    struct vn_str f;
                    if (accented && vn_fold(&a, lines[k], strlen(lines[k]), &f) == TD_OK)
                        theme[ntheme++] = (char *)(uintptr_t)f.p;
                }
            continue;
        }
        const char *v = lines[i];
        if (*v == '\0')
            continue;
        struct vn_tokens t;
        if (vn_tokenize(&a, TC, v, strlen(v), &t) != TD_OK)
            fail_msg("cannot tokenize \"%s\"", v);
        int ok = 0;
        if (root) {
            for (size_t r = 0; r < 3 && root->roots[r] && !ok; r++)
                ok = stream_has(&a, &t, root->roots[r]);
        } else {
            /* no root: the variant is written in full (it has diacritics), or it folds to an
             * accented entry of its group, or the map knows it (an expansion or an alt sense) */
            int accented = 0;
            for (const char *q = v; *q; q++)
                accented |= (unsigned char)*q >= 0x80;
            ok = accented;
            struct vn_str f;
            for (size_t k = 0; k < ntheme && !ok; k++)
                ok = vn_fold(&a, v, strlen(v), &f) == TD_OK && strcmp(f.p, theme[k]) == 0;
            for (size_t k = 0; k < t.n && !ok; k++)
                ok = t.v[k].alt.p != NULL || strcmp(t.v[k].exp.p, t.v[k].acc.p) != 0;
            /* an English word spelled in full */
            ok |= strcmp(v, "fuck") == 0;
        }
        checked++;
        if (!ok) {
            failed++;
            print_message("variant \"%s\" does not reach root \"%s\"\n", v,
                          root ? root->roots[0] : "(theme)");
        }
    }
    print_message("offensive words: %zu groups, %zu variants checked, %zu failed\n", groups,
                  checked, failed);
    assert_true(groups >= 12);
    assert_true(checked >= 400);
    assert_int_equal(failed, 0);
    arena_free(&a);
    free(save);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(common_teencode),
        cmocka_unit_test(context_decides),
        cmocka_unit_test(real_words_are_not_rewritten),
        cmocka_unit_test(glued_tone_keys_and_phrases),
        cmocka_unit_test(parse_errors_name_the_line),
        cmocka_unit_test(offensive_variants_reach_their_root),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
