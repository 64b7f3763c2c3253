/* src/text: entity extraction with spans, and the canonicalisers on their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/common.h"

static struct arena A;

static int setup(void **state)
{
    (void)state;
    arena_init(&A, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&A);
    return 0;
}

static struct vn_entities extract(const char *s)
{
    struct vn_entities e;
    assert_int_equal(vn_extract_entities(&A, s, strlen(s), &e), TD_OK);
    for (size_t i = 0; i < e.n; i++) {
        assert_true(e.v[i].start < e.v[i].end && e.v[i].end <= strlen(s));
        assert_non_null(e.v[i].value.p);
        assert_int_equal(strlen(e.v[i].value.p), e.v[i].value.len);
        if (i > 0)
            assert_true(e.v[i - 1].end <= e.v[i].start); /* in order, no overlap */
    }
    return e;
}

/* The one entity of kind k in s; asserts its value and that its span is exactly `orig`. */
static const struct vn_entity *expect_one(const char *s, enum vn_entity_kind k, const char *value,
                                          const char *orig)
{
    struct vn_entities e = extract(s);
    const struct vn_entity *hit = NULL;
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].kind == k) {
            if (hit)
                fail_msg("\"%s\": two %s entities", s, vn_entity_kind_name(k));
            hit = &e.v[i];
        }
    if (hit == NULL) {
        for (size_t i = 0; i < e.n; i++)
            print_message("  got %s %s\n", vn_entity_kind_name(e.v[i].kind), e.v[i].value.p);
        fail_msg("\"%s\": no %s entity", s, vn_entity_kind_name(k));
    }
    if (strcmp(hit->value.p, value) != 0)
        fail_msg("\"%s\": %s value \"%s\", want \"%s\"", s, vn_entity_kind_name(k), hit->value.p,
                 value);
    size_t n = hit->end - hit->start;
    if (n != strlen(orig) || memcmp(s + hit->start, orig, n) != 0)
        fail_msg("\"%s\": span \"%.*s\", want \"%s\"", s, (int)n, s + hit->start, orig);
    return hit;
}

static void expect_none(const char *s, enum vn_entity_kind k)
{
    struct vn_entities e = extract(s);
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].kind == k)
            fail_msg("\"%s\": unexpected %s \"%s\" at \"%.*s\"", s, vn_entity_kind_name(k),
                     e.v[i].value.p, (int)(e.v[i].end - e.v[i].start), s + e.v[i].start);
}

static void phones(void **state)
{
    (void)state;
    expect_one("goi 0912345678 nhe", VN_ENT_PHONE, "+84912345678", "0912345678");
    expect_one("số 0912 345 678.", VN_ENT_PHONE, "+84912345678", "0912 345 678");
    expect_one("sđt:0896.331.705", VN_ENT_PHONE, "+84896331705", "0896.331.705");
    expect_one("0357-816-240 gọi", VN_ENT_PHONE, "+84357816240", "0357-816-240");
    expect_one("số +84 79 215 6630 gọi", VN_ENT_PHONE, "+84792156630", "+84 79 215 6630");
    expect_one("+84912345678", VN_ENT_PHONE, "+84912345678", "+84912345678");
    expect_one("84912345678", VN_ENT_PHONE, "+84912345678", "84912345678");
    expect_one("bàn (028) 3822 1234", VN_ENT_PHONE, "+842838221234", "(028) 3822 1234");
    expect_one("(0912 345 678)", VN_ENT_PHONE, "+84912345678", "0912 345 678");
    expect_one("Vie\xCC\xA3\xCC\x82t 0912 345 678", VN_ENT_PHONE, "+84912345678", "0912 345 678");
    /* the phone ends where a valid number ends, the rest is something else */
    expect_one("số 0912345678 5tr", VN_ENT_PHONE, "+84912345678", "0912345678");
    expect_one("số 0912345678 5tr", VN_ENT_MONEY, "5000000", "5tr");
    /* wrong lengths and prefixes */
    expect_none("091234567", VN_ENT_PHONE);
    expect_none("09123456789", VN_ENT_PHONE);
    expect_none("0123456789", VN_ENT_PHONE);
    expect_none("+1 415 555 0100", VN_ENT_PHONE);
    expect_none("mã 0912345678901234", VN_ENT_PHONE);
    expect_none("ABC0912345678", VN_ENT_PHONE);
    expect_none("2.000.000", VN_ENT_PHONE);
}

static void canon_phone_tricky(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"0912345678", "+84912345678"},          {" 0912 345 678 ", "+84912345678"},
        {"+84 912-345-678", "+84912345678"},     {"0084 912 345 678", "+84912345678"},
        {"+84 (0) 912 345 678", "+84912345678"}, {"(028) 3822-1234", "+842838221234"},
        {"02838221234", "+842838221234"},        {"84 28 3822 1234", "+842838221234"},
    };
    static const char *const bad[] = {
        "",
        "+",
        "++84912345678",
        "0912a345678",
        "091234567",
        "0112345678",
        "+33612345678",
        "1900 1234",
        "0912345678 x",
        "84",
        "0000000000000000000000000",
    };
    struct vn_str o;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(vn_canon_phone(&A, good[i][0], strlen(good[i][0]), &o), TD_OK);
        assert_string_equal(o.p, good[i][1]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vn_canon_phone(&A, bad[i], strlen(bad[i]), &o) != TD_EINVAL)
            fail_msg("vn_canon_phone accepted \"%s\"", bad[i]);
}

static void urls_and_domains(void **state)
{
    (void)state;
    const struct vn_entity *e;
    e = expect_one("vào https://WWW.Example.COM/Path?utm_source=zalo&id=5&fbclid=abc#frag nhé",
                   VN_ENT_URL, "example.com/Path?id=5",
                   "https://WWW.Example.COM/Path?utm_source=zalo&id=5&fbclid=abc#frag");
    assert_string_equal(e->host.p, "example.com");
    e = expect_one("Em vay qua link vaynhanh-sinhvien.xyz 1,5 triệu", VN_ENT_DOMAIN,
                   "vaynhanh-sinhvien.xyz", "vaynhanh-sinhvien.xyz");
    assert_string_equal(e->host.p, "vaynhanh-sinhvien.xyz");
    expect_one("trang vip88-taixiu.vip.", VN_ENT_DOMAIN, "vip88-taixiu.vip", "vip88-taixiu.vip");
    expect_one("(xem bit.ly/hp-k25-tt)", VN_ENT_URL, "bit.ly/hp-k25-tt", "bit.ly/hp-k25-tt");
    expect_one("link: http://vcb-sinhtrachoc.vip/login...", VN_ENT_URL, "vcb-sinhtrachoc.vip/login",
               "http://vcb-sinhtrachoc.vip/login");
    expect_one("www.abc.vn", VN_ENT_DOMAIN, "abc.vn", "www.abc.vn");
    expect_one("https://vi.wikipedia.org/wiki/A_(B).", VN_ENT_URL, "vi.wikipedia.org/wiki/A_(B)",
               "https://vi.wikipedia.org/wiki/A_(B)");
    expect_one("abc.com.vn/x?gclid=1&a=%c3%a9", VN_ENT_URL, "abc.com.vn/x?a=%C3%A9",
               "abc.com.vn/x?gclid=1&a=%c3%a9");
    e = expect_one("http://user:pw@evil.com:8080/a b", VN_ENT_URL, "evil.com:8080/a",
                   "http://user:pw@evil.com:8080/a");
    assert_string_equal(e->host.p, "evil.com");
    expect_one("hxxps://phish.top/x", VN_ENT_URL, "phish.top/x", "hxxps://phish.top/x");
    /* IDN host to punycode */
    e = expect_one("vào ví-dụ.vn nha", VN_ENT_DOMAIN, "xn--v-d-rma6749a.vn", "ví-dụ.vn");
    /* things that are not domains */
    expect_none("v.v và 2.000 người ở TP.HCM ok.la", VN_ENT_DOMAIN);
    expect_none("v.v và 2.000 người ở TP.HCM ok.la", VN_ENT_URL);
    expect_none("file anh.jpg bao_cao.pdf", VN_ENT_DOMAIN);
    expect_none("xong.Em về", VN_ENT_DOMAIN);
}

static void canon_url_tricky(void **state)
{
    (void)state;
    static const char *const good[][3] = {
        {"HTTPS://Example.COM:443/", "example.com", "example.com"},
        {"http://example.com:80", "example.com", "example.com"},
        {"example.com.", "example.com", "example.com"},
        {"www.example.com/a?utm_medium=x", "example.com/a", "example.com"},
        {"https://m.facebook.com/x?mibextid=abc&__tn__=R", "m.facebook.com/x", "m.facebook.com"},
        {"zalo.me/0912345678?zarsrc=1&gidzl=2", "zalo.me/0912345678", "zalo.me"},
        {"http://1.2.3.4/x", "1.2.3.4/x", "1.2.3.4"},
        {"https://bücher.de/ü", "xn--bcher-kva.de/%C3%BC", "xn--bcher-kva.de"},
        {"https://a.b.c.d.example.org/p/q?x=1;y=2#f", "a.b.c.d.example.org/p/q?x=1&y=2",
         "a.b.c.d.example.org"},
        {"www.com", "www.com", "www.com"},
    };
    static const char *const bad[] = {
        "",
        "http://",
        "http://-bad.com",
        "http://a..b.com",
        "localhost",
        "http://exa mple.com",
        "http://[::1]/",
        "http://example.com:99999",
        "com",
        "http://example.123",
        "javascript:alert(1)",
        "http://ex_ample.c_m",
    };
    struct vn_str o, h;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (vn_canon_url(&A, good[i][0], strlen(good[i][0]), &o, &h) != TD_OK)
            fail_msg("vn_canon_url refused \"%s\"", good[i][0]);
        assert_string_equal(o.p, good[i][1]);
        assert_string_equal(h.p, good[i][2]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vn_canon_url(&A, bad[i], strlen(bad[i]), &o, &h) != TD_EINVAL)
            fail_msg("vn_canon_url accepted \"%s\" as \"%s\"", bad[i], o.p);
    /* host may be NULL */
    assert_int_equal(vn_canon_url(&A, "abc.vn", 6, &o, NULL), TD_OK);
}

static void social_profiles_and_handles(void **state)
{
    (void)state;
    const struct vn_entity *e;
    e = expect_one("qua Messenger (facebook.com/ctsv.caodang.hotro), bảo", VN_ENT_SOCIAL,
                   "facebook:ctsv.caodang.hotro", "facebook.com/ctsv.caodang.hotro");
    assert_string_equal(e->host.p, "facebook.com");
    assert_string_equal(e->url.p, "facebook.com/ctsv.caodang.hotro");
    expect_one("fb.com/Thuyduong.2k5.Real", VN_ENT_SOCIAL, "facebook:thuyduong.2k5.real",
               "fb.com/Thuyduong.2k5.Real");
    expect_one("https://www.facebook.com/profile.php?id=100012345678&mibextid=x", VN_ENT_SOCIAL,
               "facebook:100012345678",
               "https://www.facebook.com/profile.php?id=100012345678&mibextid=x");
    expect_one("zalo.me/0912345678", VN_ENT_SOCIAL, "zalo:+84912345678", "zalo.me/0912345678");
    expect_one("t.me/hotgirl_truongnghe_kin", VN_ENT_SOCIAL, "telegram:@hotgirl_truongnghe_kin",
               "t.me/hotgirl_truongnghe_kin");
    expect_one("https://www.tiktok.com/@Abc.Def?lang=vi", VN_ENT_SOCIAL, "tiktok:@abc.def",
               "https://www.tiktok.com/@Abc.Def?lang=vi");
    expect_one("instagram.com/ab_cd", VN_ENT_SOCIAL, "instagram:@ab_cd", "instagram.com/ab_cd");
    /* a facebook link that is not a profile stays a URL */
    expect_one("facebook.com/share/abc", VN_ENT_URL, "facebook.com/share/abc",
               "facebook.com/share/abc");
    /* @handles near a platform word */
    expect_one("co thang tren telegram (@baby_ngoc2k4) quay lai", VN_ENT_SOCIAL,
               "telegram:@baby_ngoc2k4", "@baby_ngoc2k4");
    expect_none("co thang tren telegram (@baby_ngoc2k4) quay lai", VN_ENT_MONEY);
    expect_one("nhóm Telegram làm nhiệm vụ, admin là @CSKH_nhiemvu_68. Lúc", VN_ENT_SOCIAL,
               "telegram:@cskh_nhiemvu_68", "@CSKH_nhiemvu_68");
    expect_one("bạn trên Threads (@ticket.resell.hn), chuyển", VN_ENT_SOCIAL,
               "threads:@ticket.resell.hn", "@ticket.resell.hn");
    expect_one("Bị tài khoản Facebook nữ (nick: trinh.ng.2004) dụ", VN_ENT_SOCIAL,
               "facebook:trinh.ng.2004", "trinh.ng.2004");
    expect_one("Tài khoản của em là @linh.hoang", VN_ENT_SOCIAL, "unknown:@linh.hoang",
               "@linh.hoang");
    expect_none("hẹn @7h tối nhé @all", VN_ENT_SOCIAL);
}

static void emails(void **state)
{
    (void)state;
    expect_one("Liên hệ: Vy.DoHoa.K23@Gmail.COM.", VN_ENT_EMAIL, "vy.dohoa.k23@gmail.com",
               "Vy.DoHoa.K23@Gmail.COM");
    expect_one("<hr.mm+cv@mail.example.vn>", VN_ENT_EMAIL, "hr.mm+cv@mail.example.vn",
               "hr.mm+cv@mail.example.vn");
    expect_none("a@b và @user", VN_ENT_EMAIL);
    expect_none("gửi về a@b", VN_ENT_DOMAIN);
    expect_none("x@protonmail.com", VN_ENT_DOMAIN);
    struct vn_str o;
    assert_int_equal(vn_canon_email(&A, " A@B.CO ", 8, &o), TD_OK);
    assert_string_equal(o.p, "a@b.co");
    assert_int_equal(vn_canon_email(&A, "x@www.Mail.com", 14, &o), TD_OK);
    assert_string_equal(o.p, "x@www.mail.com");
    static const char *const bad[] = {"a..b@x.com", ".a@x.com",  "a.@x.com", "a@x",
                                      "a@@x.com",   "a@1.2.3.4", "@x.com",   "a@x.com.",
                                      "á@x.com",    "a b@x.com", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vn_canon_email(&A, bad[i], strlen(bad[i]), &o) != TD_EINVAL)
            fail_msg("vn_canon_email accepted \"%s\"", bad[i]);
}

static void bank_accounts(void **state)
{
    (void)state;
    expect_one("đòi 300 triệu chuyển vào STK 0451000287364 Vietcombank trước 17h",
               VN_ENT_BANK_ACCOUNT, "0451000287364", "0451000287364");
    expect_one("bao chuyen vao stk 1024 8871 0235 Sacombank ten NGUYEN VAN TOAN",
               VN_ENT_BANK_ACCOUNT, "102488710235", "1024 8871 0235");
    expect_one("chuyển ngay 2 tỷ vào 19036662874011 Techcombank, không", VN_ENT_BANK_ACCOUNT,
               "19036662874011", "19036662874011");
    expect_one("số tài khoản: 0912345678 MB Bank", VN_ENT_BANK_ACCOUNT, "0912345678", "0912345678");
    expect_none("số tài khoản: 0912345678 MB Bank", VN_ENT_PHONE);
    /* a phone number near a bank word is still a phone */
    expect_one("gọi 0912345678 rồi chuyển qua Vietcombank", VN_ENT_PHONE, "+84912345678",
               "0912345678");
    expect_none("gọi 0912345678 rồi chuyển qua Vietcombank", VN_ENT_BANK_ACCOUNT);
    /* no cue, too short, too long, money */
    expect_none("mã OTP 12345678 đừng đưa ai", VN_ENT_BANK_ACCOUNT);
    expect_none("stk 1234567", VN_ENT_BANK_ACCOUNT);
    expect_none("stk 12345678901234567890", VN_ENT_BANK_ACCOUNT);
    expect_none("chuyển 15.000.000 vào Vietcombank", VN_ENT_BANK_ACCOUNT);
    expect_none("chuyển 15000000đ vào Vietcombank", VN_ENT_BANK_ACCOUNT);
    expect_one("chuyển 15000000đ vào Vietcombank", VN_ENT_MONEY, "15000000", "15000000đ");
}

struct money_case {
    const char *text, *span;
    int64_t amount;
    const char *currency;
};

static void money(void **state)
{
    (void)state;
    static const struct money_case M[] = {
        {"mất 5tr rồi", "5tr", 5000000, "VND"},
        {"mất 5 triệu", "5 triệu", 5000000, "VND"},
        {"phí 500k", "500k", 500000, "VND"},
        {"500K thôi", "500K", 500000, "VND"},
        {"500 nghìn", "500 nghìn", 500000, "VND"},
        {"500 ngàn", "500 ngàn", 500000, "VND"},
        {"giá 2.000.000đ", "2.000.000đ", 2000000, "VND"},
        {"2,000,000 vnd", "2,000,000 vnd", 2000000, "VND"},
        {"2.000.000 VNĐ", "2.000.000 VNĐ", 2000000, "VND"},
        {"3.000.000 đồng", "3.000.000 đồng", 3000000, "VND"},
        {"1,5 triệu", "1,5 triệu", 1500000, "VND"},
        {"1.5tr", "1.5tr", 1500000, "VND"},
        {"vay 1tr5 thôi", "1tr5", 1500000, "VND"},
        {"1k5", "1k5", 1500, "VND"},
        {"nợ 2 củ", "2 củ", 2000000, "VND"},
        {"phai nop 90 trieu de", "90 trieu", 90000000, "VND"},
        {"1 triệu rưỡi", "1 triệu rưỡi", 1500000, "VND"},
        {"1 triệu 500 nghìn", "1 triệu 500 nghìn", 1500000, "VND"},
        {"5 trăm nghìn", "5 trăm nghìn", 500000, "VND"},
        {"chuyển 2 tỷ", "2 tỷ", 2000000000, "VND"},
        {"kiếm 2-3tr/tháng", "2-3tr", 3000000, "VND"},
        {"chuyển 500.000 vào", "500.000", 500000, "VND"},
        {"Send $950 in Bitcoin", "$950", 950LL * VN_RATE_USD, "USD"},
        {"luong 1500$ tu", "1500$", 1500LL * VN_RATE_USD, "USD"},
        {"đòi 10.000 USD mới", "10.000 USD", 10000LL * VN_RATE_USD, "USD"},
        {"500 đô", "500 đô", 500LL * VN_RATE_USD, "USD"},
        {"gia 200₫", "200₫", 200, "VND"},
    };
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)M[i].amount);
        const struct vn_entity *e = expect_one(M[i].text, VN_ENT_MONEY, want, M[i].span);
        assert_int_equal(e->amount, M[i].amount);
        assert_string_equal(e->currency, M[i].currency);
    }
    const struct vn_entity *e =
        expect_one("đòi 10.000 USD", VN_ENT_MONEY, "250000000", "10.000 USD");
    assert_int_equal(e->amount_orig, 10000);
    static const char *const none[] = {
        "bạn 2k5 ở đâu", "mấy đứa 2k10", "50k view rồi", "2 củ khoai", "17t",
        "12h đêm",       "năm 2024",     "5 k biết",     "lớp 10A",    "v.v",
        "2.000 người",   "mất 2 ngày",   "hẹn 3/4",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        expect_none(none[i], VN_ENT_MONEY);
}

static void spans_in_a_real_report(void **state)
{
    (void)state;
    const char *s = "Em vay qua link vaynhanh-sinhvien.xyz 1,5 triệu, họ gọi từ 0912.345.678 "
                    "bắt chuyển vào STK 1027 4458 3390 (ACB), email hotro.vay@gmail.com 😭";
    struct vn_entities e = extract(s);
    static const char *const want[][2] = {
        {"domain", "vaynhanh-sinhvien.xyz"}, {"money", "1,5 triệu"},
        {"phone", "0912.345.678"},           {"bank_account", "1027 4458 3390"},
        {"email", "hotro.vay@gmail.com"},
    };
    assert_int_equal(e.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(vn_entity_kind_name(e.v[i].kind), want[i][0]);
        assert_int_equal(e.v[i].end - e.v[i].start, strlen(want[i][1]));
        assert_memory_equal(s + e.v[i].start, want[i][1], strlen(want[i][1]));
    }
    /* reusing tokens gives the same answer */
    struct vn_tokens t;
    struct vn_entities e2;
    assert_int_equal(vn_tokenize(&A, NULL, s, strlen(s), &t), TD_OK);
    assert_int_equal(vn_extract_entities_tok(&A, s, strlen(s), &t, &e2), TD_OK);
    assert_int_equal(e2.n, e.n);
    for (size_t i = 0; i < e.n; i++) {
        assert_int_equal(e2.v[i].start, e.v[i].start);
        assert_string_equal(e2.v[i].value.p, e.v[i].value.p);
    }
    assert_string_equal(vn_entity_kind_name(VN_ENT_SOCIAL), "social_handle");
    assert_string_equal(vn_entity_kind_name((enum vn_entity_kind)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phones),
        cmocka_unit_test(canon_phone_tricky),
        cmocka_unit_test(urls_and_domains),
        cmocka_unit_test(canon_url_tricky),
        cmocka_unit_test(social_profiles_and_handles),
        cmocka_unit_test(emails),
        cmocka_unit_test(bank_accounts),
        cmocka_unit_test(money),
        cmocka_unit_test(spans_in_a_real_report),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
