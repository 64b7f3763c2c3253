/* The taxonomy's hard cases as rules of src/triage/triage.c, with the shipped data
 * (data/triage/lexicon, model and data/text/teencode.tsv, read from the repository root where
 * the test runner starts). Each sentence is written for this test, in the ways students write:
 * with and without marks, in teencode, with English mixed in.
 *
 *   - self-harm first: indirect wording (goodbyes, thanks, apologies, belongings given away,
 *     a passive wish to die, searching for methods, a dangerous place, English) is self-harm and
 *     critical, even beside money or debt words; hyperbole and plain denials are not (hyperbole
 *     typed without marks is reviewed at high);
 *   - a threat of violence is critical in any category;
 *   - trafficking under way (travel booked or done, someone held, money demanded for release,
 *     out of reach) is critical; travel called off is not;
 *   - isolation orders without the stock words make an online kidnapping, critical; refused
 *     before any harm it stays online_kidnapping with urgency low;
 *   - "is this real / legal / a scam?" with nothing lost is a question, low;
 *   - content about self-harm (a channel, a trend) is harmful content, not the writer's intent;
 *   - a deadline makes sextortion critical;
 *   - a guesthouse mentioned without the kidnapping script is not critical (lexicon rules).
 */
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

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (td_read_file("data/triage/lexicon", 1 << 24, &lexicon, &lexicon_len) ||
        td_read_file("data/triage/model", 1 << 26, &model, &model_len) ||
        td_read_file("data/text/teencode.tsv", 1 << 24, &teencode, &teencode_len))
        return -1;
    struct triage_inputs in = {lexicon,  lexicon_len,  model, model_len,
                               teencode, teencode_len, NULL,  0};
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

/* One expectation: the category (or, with not_cat, any category but that one; -1 any) and the
 * urgency (likewise). */
struct want {
    const char *text;
    int cat;
    int not_cat;
    int urg;
    int not_urg;
};

static void check(const struct want *w, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct arena a;
        struct triage_verdict v;
        arena_init(&a, 1 << 22);
        assert_int_equal(triage_classify(tri, &a, w[i].text, strlen(w[i].text), &v), TD_OK);
        int okc = w[i].cat < 0 ||
                  (w[i].not_cat ? (int)v.category != w[i].cat : (int)v.category == w[i].cat);
        int oku = w[i].urg < 0 ||
                  (w[i].not_urg ? (int)v.urgency != w[i].urg : (int)v.urgency == w[i].urg);
        if (!okc || !oku) {
            fprintf(stderr, "'%s' -> %s/%s\n", w[i].text, triage_category_code(v.category),
                    triage_urgency_code(v.urgency));
            failed++;
        }
        arena_free(&a);
    }
    assert_int_equal(failed, 0);
}

#define IS(c, u) (c), 0, (u), 0
#define NOT(c, u) (c), 1, (u), 1
#define IS_BUT_NOT(c, u) (c), 0, (u), 1

static void indirect_self_harm_is_critical(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"Cảm ơn mọi người vì tất cả những gì đã làm cho em. Em xin lỗi.",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"e xin loi moi nguoi, cam on moi nguoi vi tat ca", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"mai mình không đi học nữa đâu, nhờ mấy bạn nuôi giúp con mèo của mình nhé, tạm biệt",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"mình gửi lại đồ đạc cho bạn cùng phòng hết rồi, coi như xong",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"Em đã trả hết nợ cho mọi người, viết một lá thư cho em gái rồi. Giờ thấy thanh thản lạ.",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"em chỉ muốn ngủ một giấc rồi không bao giờ tỉnh dậy nữa",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"nhiều khi em muốn đi theo mẹ, mẹ mất từ năm ngoái rồi", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"nếu mai em không còn ở đây thì chắc cũng chẳng ai buồn đâu",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"mai em ko con nua dau, dung tim em", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"co minh hay khong thi cung vay thoi, chang ai can minh", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"tui chán đời lắm rồi, chẳng ai cần tui", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"ước gì mình chưa từng được sinh ra", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"đêm nay là đêm cuối cùng của em", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"em đang tìm cách nào chết không đau", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"uống bao nhiêu viên paracetamol thì chết ạ", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"em ngồi trên lan can tầng 5 từ nãy giờ", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"em dang ngoi tren san thuong truong", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"I don't want to be alive anymore, sorry for writing in English",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"i'm tired of everything, nobody would care if i disappeared",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"i want to end it all tonight", IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"Hồi năm ngoái em từng tự tử, giờ đỡ hơn nhưng dạo này lại hay nghĩ linh tinh",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"em lên mạng tìm cách nào ít đau nhất", IS(CAT_SELF_HARM, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void self_harm_wins_over_money_words(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"em nợ app 20 triệu, không còn đường nào nữa, chắc em sẽ kết thúc tất cả",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"bị lừa hết tiền học phí, em không dám về nhà, chắc em nhảy cầu cho xong",
         IS(CAT_SELF_HARM, URG_CRITICAL)},
        {"ko ai can e ca, e song lam j nua, no doi no suot", IS(CAT_SELF_HARM, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void hyperbole_and_denial_are_not_self_harm(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"dạo này học áp lực muốn chết luôn á", NOT(CAT_SELF_HARM, URG_CRITICAL)},
        {"hoc ap luc muon chet luon a", NOT(CAT_SELF_HARM, URG_CRITICAL)},
        {"deadline dồn dập, bận muốn chết", NOT(CAT_SELF_HARM, URG_CRITICAL)},
        {"em không có ý nghĩ tự tử đâu, chỉ là buồn vì bị chửi trên mạng",
         NOT(CAT_SELF_HARM, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

/* Hyperbole typed without marks is most likely hyperbole, but a human looks: never drop a
 * possible self-harm on doubt. With marks the guard settles it. */
static void folded_hyperbole_is_reviewed(void **state)
{
    (void)state;
    struct arena a;
    struct triage_verdict v;
    const char *folded = "hoc ap luc muon chet luon a";
    const char *marked = "học áp lực muốn chết luôn á";
    arena_init(&a, 1 << 22);
    assert_int_equal(triage_classify(tri, &a, folded, strlen(folded), &v), TD_OK);
    assert_int_not_equal(v.category, CAT_SELF_HARM);
    assert_true(v.needs_review);
    assert_true(v.urgency >= URG_HIGH && v.urgency < URG_CRITICAL);
    arena_free(&a);
    arena_init(&a, 1 << 22);
    assert_int_equal(triage_classify(tri, &a, marked, strlen(marked), &v), TD_OK);
    assert_int_not_equal(v.category, CAT_SELF_HARM);
    assert_true(v.urgency < URG_HIGH);
    arena_free(&a);
}

/* The cues of indirect self-harm are ordinary words alone: one of them in an everyday message
 * is not critical. */
static void everyday_messages_are_not_critical(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"em xin lỗi mọi người vì hôm qua nhắn nhầm vào nhóm lớp", NOT(-1, URG_CRITICAL)},
        {"cảm ơn mọi người vì tất cả sự giúp đỡ trong dự án vừa rồi, nhóm mình làm tốt lắm",
         NOT(-1, URG_CRITICAL)},
        {"lần cuối em nhắc các bạn nộp bài trước thứ 6 nhé", NOT(-1, URG_CRITICAL)},
        {"con mèo nhà em bị ốm, nhờ bạn nuôi giúp mấy hôm em đi thực tập", NOT(-1, URG_CRITICAL)},
        {"giá vé máy bay Tết cao quá, chủ nhật này em mới bay về được", NOT(-1, URG_CRITICAL)},
        {"deadline đồ án dí quá, sống sao nổi với ông thầy này", NOT(-1, URG_CRITICAL)},
        {"bài hát này nghe xong muốn biến mất khỏi trái đất luôn vì quá hay",
         NOT(-1, URG_CRITICAL)},
        {"đội bóng lớp em thua thảm, coi như xong mùa giải", NOT(-1, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void threats_of_violence_are_critical(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"nó nhắn tối nay ra sân sau tao xử mày", IS(CAT_CYBERBULLYING, URG_CRITICAL)},
        {"tụi nó bảo mai dẫn anh em lên tận lớp đánh em", IS(CAT_CYBERBULLYING, URG_CRITICAL)},
        {"tụi nó nói tan học chặn đường đánh em", IS(CAT_CYBERBULLYING, URG_CRITICAL)},
        {"no nhan tao biet nha may roi, toi nay tao qua xu may",
         IS(CAT_CYBERBULLYING, URG_CRITICAL)},
        {"chủ nợ app vay dọa tạt sơn vào cửa phòng trọ em", IS(CAT_LOAN_HARASSMENT, URG_CRITICAL)},
        {"ny cũ nhắn là coi chừng cái mạng mày", IS(-1, URG_CRITICAL)},
        {"có người lạ đứng dưới nhà trọ em từ tối, nhắn là biết em ở phòng nào",
         IS(-1, URG_CRITICAL)},
        {"thằng đó nhắn sẽ đốt nhà em nếu em không xóa bài", IS(-1, URG_CRITICAL)},
        {"tui no doa tat axit vao mat e", IS(-1, URG_CRITICAL)},
        {"có người đăng địa chỉ phòng trọ của em lên nhóm, kêu gọi anh em tới xử nó",
         IS(CAT_CYBERBULLYING, URG_CRITICAL)},
        /* Read without marks "cho m" is also "chờ mày" (wait for you): not critical alone. */
        {"t cho m cai nay ne", NOT(-1, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void trafficking_under_way_is_critical(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"bạn em đi làm bên Campuchia, giờ bị giữ ở đó, công ty đòi 50 triệu mới cho về",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        {"em họ em được mời sang Myanmar làm lương cao, chiều nay ra sân bay rồi",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        {"chị em đã bay sang Dubai từ sáng nay theo lời một người môi giới, giờ không liên lạc "
         "được",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        {"thứ Hai này em bay sang Campuchia làm việc, người ta bao vé hết",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        {"anh em bị lừa qua Lào làm online, giờ họ không cho về, bắt gia đình chuộc 80 triệu",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        {"ban e sang campuchia lam viec, gio bi giu ho chieu, ko cho ve",
         IS(CAT_TRAFFICKING, URG_CRITICAL)},
        /* Called off: not critical. */
        {"Mình đã hủy không đi Campuchia nữa, nhưng bên môi giới cứ gọi đòi tiền vé",
         IS(CAT_TRAFFICKING, URG_MEDIUM)},
        {"Có page tuyển người đi Campuchia nhắn cho em, em từ chối rồi, báo để mọi người biết",
         IS(CAT_TRAFFICKING, URG_LOW)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void isolation_orders_make_online_kidnapping(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"Có người xưng công an gọi video bắt em không được cúp máy, giờ em đang trốn trong nhà "
         "vệ sinh",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
        {"em đang trong cuộc gọi với công an, họ nói cúp máy là cho người tới bắt",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
        {"người xưng cán bộ viện kiểm sát bắt em tải Signal, không được nói với ai, chuẩn bị "
         "chuyển tiền vào tài khoản an toàn",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
        {"con gái tôi nhắn là con đang bị công an giữ, mẹ chuyển tiền gấp, rồi tắt máy",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
        {"Họ bắt em cởi đồ để kiểm tra trên video call, nói là để chứng minh vô tội",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
        {"e dang o khach san mot minh theo loi cong an, ho bat ko dc noi vs ai",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void refused_scripts_drop(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"Hôm qua có người giả công an gọi bảo em liên quan rửa tiền, bắt thuê phòng khách sạn ở "
         "một mình. Em cúp máy luôn và đã báo thầy chủ nhiệm, không mất gì",
         IS(CAT_ONLINE_KIDNAPPING, URG_LOW)},
        {"co nguoi goi xung vien kiem sat bat e thue phong khach san, e biet chieu nay nen chan "
         "so luon, ko mat gi",
         IS(CAT_ONLINE_KIDNAPPING, URG_LOW)},
        {"có số lạ xưng công an bảo em liên quan đường dây ma túy, bắt giữ bí mật, em không làm "
         "theo và đã báo bố mẹ",
         IS(CAT_ONLINE_KIDNAPPING, URG_LOW)},
        {"Có người xưng tòa án gọi bảo em có giấy triệu tập, em cúp máy luôn",
         IS(CAT_IMPERSONATION, URG_MEDIUM)},
        {"co nguoi nhan tuyen ctv lam nhiem vu, e tu choi roi", IS(CAT_SCAM, URG_MEDIUM)},
        /* A refusal does not end a threat of violence or someone held. */
        {"nó dọa chém em, em chặn rồi", NOT(-1, URG_LOW)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void only_asking_is_a_question(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"App vay Tiền Nhanh này có hợp pháp không ạ, em chưa vay", IS(CAT_QUESTION, URG_LOW)},
        {"Cái link nhận quà này có phải lừa đảo không, em chưa bấm", IS(CAT_QUESTION, URG_LOW)},
        {"Trang tuyển CTV này là thật hay giả vậy ad, em chưa đóng phí", IS(CAT_QUESTION, URG_LOW)},
        {"ad oi app vay nay co uy tin ko a, e chua vay", IS(CAT_QUESTION, URG_LOW)},
        {"is this job offer legit? they want a deposit first", IS(CAT_QUESTION, URG_LOW)},
        /* Asking after a loss is not only asking. */
        {"em bị lừa mất 3 triệu rồi, có lấy lại được không ạ", IS(CAT_SCAM, URG_HIGH)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void content_about_self_harm_is_harmful_content(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"Trên TikTok có kênh hướng dẫn tự tử, nhiều học sinh xem, em muốn báo cáo",
         IS_BUT_NOT(CAT_HARMFUL_CONTENT, URG_CRITICAL)},
        {"Có trào lưu cắt tay lan truyền trong nhóm lớp em",
         IS_BUT_NOT(CAT_HARMFUL_CONTENT, URG_CRITICAL)},
        {"Có kênh TikTok chuyên livestream cảnh tự làm đau để câu view",
         IS_BUT_NOT(CAT_HARMFUL_CONTENT, URG_CRITICAL)},
        /* Said of the writer: self-harm, whatever the channel. */
        {"em xem kênh đó nhiều quá, giờ em cũng tự làm đau mình", IS(CAT_SELF_HARM, URG_CRITICAL)},
        /* A bully's "go die" is bullying, not the writer's intent. */
        {"tụi nó nhắn hàng ngày bảo em đi chết đi", NOT(CAT_SELF_HARM, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void deadlines_make_sextortion_critical(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"nó đòi em chuyển 5 triệu trước thứ 6, không thì gửi ảnh nóng cho cả lớp",
         IS(CAT_SEXTORTION, URG_CRITICAL)},
        {"nó dọa tung clip, hạn trong 24h phải chuyển tiền", IS(CAT_SEXTORTION, URG_CRITICAL)},
        {"no doi 3tr trong toi nay ko thi gui clip cho ca truong",
         IS(CAT_SEXTORTION, URG_CRITICAL)},
        {"he says he will send my nudes to my friends by tonight unless I pay",
         IS(CAT_SEXTORTION, URG_CRITICAL)},
        {"he wants 500 usd within 24 hours or he will leak my photos",
         IS(CAT_SEXTORTION, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
}

static void english_and_mixed_reports_get_signals(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"my account got hacked and they are messaging my friends to borrow money",
         IS(CAT_ACCOUNT_TAKEOVER, URG_HIGH)},
        {"fb e bi hack, no dang nhan tin muon tien ban be e", IS(CAT_ACCOUNT_TAKEOVER, URG_HIGH)},
        /* An OTP given away is high (taxonomy). */
        {"em lỡ nhập mã OTP vào trang lạ, giờ không vào được Zalo nữa",
         IS(CAT_ACCOUNT_TAKEOVER, URG_HIGH)},
        {"tài khoản facebook của chị hàng xóm bị hack, nhắn em mượn 3 triệu, em chuyển luôn rồi",
         IS(CAT_IMPERSONATION, URG_HIGH)},
    };
    check(w, sizeof w / sizeof w[0]);
}

/* The rule alone, without the model (which may still raise to critical on its own, with a
 * review): a guesthouse mentioned without the kidnapping script is not critical. */
static void guesthouse_alone_is_not_critical(void **state)
{
    (void)state;
    struct triage *lex_only = NULL;
    char err[256];
    struct triage_inputs in = {lexicon, lexicon_len, NULL, 0, teencode, teencode_len, NULL, 0};
    assert_int_equal(triage_load(&in, &lex_only, err, sizeof err), TD_OK);
    struct triage *saved = tri;
    tri = lex_only;
    static const struct want w[] = {
        {"Nhà nước nên xây thêm nhà nghỉ gần bến xe cho khách đi đường", NOT(-1, URG_CRITICAL)},
        {"em đang ở nhà nghỉ một mình theo lời công an, không được nói với ai",
         IS(CAT_ONLINE_KIDNAPPING, URG_CRITICAL)},
    };
    check(w, sizeof w / sizeof w[0]);
    tri = saved;
    triage_free(lex_only);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(indirect_self_harm_is_critical),
        cmocka_unit_test(self_harm_wins_over_money_words),
        cmocka_unit_test(hyperbole_and_denial_are_not_self_harm),
        cmocka_unit_test(folded_hyperbole_is_reviewed),
        cmocka_unit_test(everyday_messages_are_not_critical),
        cmocka_unit_test(threats_of_violence_are_critical),
        cmocka_unit_test(trafficking_under_way_is_critical),
        cmocka_unit_test(isolation_orders_make_online_kidnapping),
        cmocka_unit_test(refused_scripts_drop),
        cmocka_unit_test(only_asking_is_a_question),
        cmocka_unit_test(content_about_self_harm_is_harmful_content),
        cmocka_unit_test(deadlines_make_sextortion_critical),
        cmocka_unit_test(english_and_mixed_reports_get_signals),
        cmocka_unit_test(guesthouse_alone_is_not_critical),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
