/*
 * Cases through core against a real SQLite store: scope, lifecycle, replies, the student's
 * view, contact details and their audit rows, validation, accounts and sessions.
 * Triage is not loaded here (core falls back to other/high/needs_review); the API tests run the
 * real classifier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/access.h"
#include "core/auth.h"
#include "core/case.h"
#include "fixture.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "store/db.h"

static struct fixture fx;
static struct arena ar;
static struct actor cli, a1, a2, la, b1, city, admin;

static void load_actor(const char *name, struct actor *out)
{
    struct store_account acc;
    assert_int_equal(store_account_get(fx.st, name, &acc), TD_OK);
    assert_int_equal(actor_from_account(out, &acc), 0);
}

static int setup(void **state)
{
    (void)state;
    struct core_fail f;
    if (fixture_open(&fx) != 0)
        return -1;
    arena_init(&ar, 0);
    actor_system(&cli);
    assert_int_equal(core_institution_add(&fx.core, &ar, &cli, "insta", "Trường A", 100, 10, &f),
                     TD_OK);
    assert_int_equal(core_institution_add(&fx.core, &ar, &cli, "INSTB", "Trường B", -1, -1, &f),
                     TD_OK);
    struct {
        const char *u, *role, *inst;
    } users[] = {{"a1", "counsellor", "INSTA"}, {"a2", "counsellor", "INSTA"},
                 {"la", "lead", "INSTA"},       {"b1", "counsellor", "INSTB"},
                 {"city", "city", NULL},        {"admin", "admin", NULL}};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        assert_int_equal(auth_user_add(&fx.core, &ar, &cli, users[i].u, NULL, users[i].role,
                                       users[i].inst, "password-123", 12, &f),
                         TD_OK);
    load_actor("a1", &a1);
    load_actor("a2", &a2);
    load_actor("la", &la);
    load_actor("b1", &b1);
    load_actor("city", &city);
    load_actor("admin", &admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&ar);
    fixture_close(&fx);
    return 0;
}

static void report(const char *inst, const char *text, struct case_intake_result *res)
{
    struct case_intake in = {.institution = inst, .text = text, .text_len = strlen(text)};
    struct core_fail f;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, res, &f), TD_OK);
}

static void scope_hides_other_institutions(void **state)
{
    (void)state;
    struct case_intake_result ra, rb;
    struct case_view v;
    report("INSTA", "em bị lừa mất tiền", &ra);
    report("INSTB", "em bị bắt nạt trên mạng", &rb);
    assert_int_equal(strlen(ra.code), 8);
    assert_int_equal(case_get(&fx.core, &ar, &a1, ra.code, &v), TD_OK);
    assert_string_equal(v.c.institution_code, "INSTA");
    assert_int_equal(case_get(&fx.core, &ar, &a1, rb.code, &v), TD_ENOTFOUND);
    assert_int_equal(case_get(&fx.core, &ar, &b1, ra.code, &v), TD_ENOTFOUND);
    assert_int_equal(case_get(&fx.core, &ar, &city, ra.code, &v), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &city, rb.code, &v), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &admin, ra.code, &v), TD_ENOTFOUND);
    assert_int_equal(case_get(&fx.core, &ar, NULL, ra.code, &v), TD_EAUTH);

    /* Changes: out of scope is not found, city may not change. */
    struct case_patch p = {.status = "open"};
    struct core_fail f;
    assert_int_equal(case_patch(&fx.core, &ar, &b1, ra.code, &p, &f), TD_ENOTFOUND);
    assert_int_equal(case_patch(&fx.core, &ar, &city, ra.code, &p, &f), TD_EFORBIDDEN);
    assert_int_equal(case_patch(&fx.core, &ar, &admin, ra.code, &p, &f), TD_ENOTFOUND);
    int64_t id, at;
    assert_int_equal(
        case_reply(&fx.core, &ar, &b1, ra.code, "xin chào", strlen("xin chào"), 0, &id, &at, &f),
        TD_ENOTFOUND);

    /* Queue: a1 sees only INSTA, city sees both, admin none. */
    struct case_queue_req q = {0};
    struct case_queue_page pg;
    assert_int_equal(case_queue(&fx.core, &ar, &a1, &q, &pg, &f), TD_OK);
    for (size_t i = 0; i < pg.n; i++)
        assert_string_equal(pg.items[i].institution_code, "INSTA");
    size_t na = pg.n;
    assert_int_equal(case_queue(&fx.core, &ar, &city, &q, &pg, &f), TD_OK);
    assert_true(pg.n > na);
    assert_int_equal(case_queue(&fx.core, &ar, &admin, &q, &pg, &f), TD_EFORBIDDEN);
}

static void lifecycle_end_to_end(void **state)
{
    (void)state;
    struct case_intake_result r;
    struct case_view v;
    struct case_public pub;
    struct core_fail f;
    int64_t id, at;
    const char *status;
    report("INSTA", "Em cần hỗ trợ gấp, có người đòi tiền em.", &r);
    assert_string_equal(r.status, "new");
    assert_true(r.due_at > r.opened_at);

    /* Illegal: new -> closed, with the allowed list. */
    struct case_patch p = {.status = "closed"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &p, &f), TD_ECONFLICT);
    assert_int_equal(f.nallowed, 4);
    assert_string_equal(f.allowed[0], "open");

    /* Claim: assignee me opens the case. */
    struct case_patch claim = {.set_assignee = 1, .assignee = "me"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &claim, &f), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_string_equal(v.c.status, "open");
    assert_string_equal(v.c.assignee, "a1");
    assert_int_equal(v.c.first_response_at, 0);

    /* Internal note: no first response; public reply sets it. */
    assert_int_equal(case_reply(&fx.core, &ar, &a1, r.code, "ghi chú nội bộ",
                                strlen("ghi chú nội bộ"), 1, &id, &at, &f),
                     TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_int_equal(v.c.first_response_at, 0);
    assert_int_equal(case_reply(&fx.core, &ar, &a1, r.code, "Chào em, em an toàn chứ?",
                                strlen("Chào em, em an toàn chứ?"), 0, &id, &at, &f),
                     TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_int_equal(v.c.first_response_at, at);
    assert_int_equal(v.nmessages, 3);

    /* The student sees the public messages only, with the right key only. */
    assert_int_equal(case_student_get(&fx.core, &ar, r.code, r.access_key, &pub), TD_OK);
    assert_int_equal(pub.nmessages, 2);
    assert_string_equal(pub.messages[1].author_kind, "staff");
    char lower[32];
    snprintf(lower, sizeof lower, "%s", r.access_key);
    for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    assert_int_equal(case_student_get(&fx.core, &ar, r.code, lower, &pub), TD_OK);
    assert_int_equal(case_student_get(&fx.core, &ar, r.code, "AAAAA-AAAAA-AAAAA-AAAAA", &pub),
                     TD_ENOTFOUND);
    struct case_intake_result other;
    report("INSTA", "một báo cáo khác", &other);
    assert_int_equal(case_student_get(&fx.core, &ar, other.code, r.access_key, &pub), TD_ENOTFOUND);

    /* Resolve, then the student writes again: reopened. */
    struct case_patch res = {.status = "resolved"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &res, &f), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_string_equal(v.c.status, "resolved");
    assert_true(v.c.resolved_at > 0);
    assert_int_equal(case_student_write(&fx.core, &ar, r.code, r.access_key, "Em lại bị đòi tiền",
                                        strlen("Em lại bị đòi tiền"), &id, &at, &status, &f),
                     TD_OK);
    assert_string_equal(status, "open");
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_string_equal(v.c.status, "open");
    assert_int_equal(v.c.resolved_at, 0);
    /* events: created, assignee, status(open), status(resolved), status(open by student) */
    assert_int_equal(v.nevents, 5);
    assert_string_equal(v.events[4].actor_kind, "student");
    assert_string_equal(v.events[4].from, "resolved");

    /* Category and urgency need a reason; urgency moves the due time. */
    struct case_patch cat = {.category = "sextortion", .urgency = "critical"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &cat, &f), TD_EINVAL);
    assert_string_equal(f.field, "reason");
    cat.reason = "ảnh bị đe doạ phát tán";
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &cat, &f), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_string_equal(v.c.category, "sextortion");
    assert_int_equal(v.c.urgency, 0);
    assert_int_equal(v.c.due_at, v.c.opened_at + 15 * 60000);
    struct case_patch bad = {.category = "nonsense", .reason = "x"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &bad, &f), TD_EINVAL);
    assert_string_equal(f.field, "category");
    struct case_patch badass = {.set_assignee = 1, .assignee = "b1"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, r.code, &badass, &f), TD_EINVAL);
    assert_string_equal(f.field, "assignee");
}

static int64_t audit_count(const char *action)
{
    struct db *db = store_db(fx.st);
    struct db_stmt *s;
    int row;
    assert_int_equal(db_prepare(db, "SELECT count(*) FROM audit WHERE action = ?1", &s), TD_OK);
    assert_int_equal(db_bind_text(s, 1, action, strlen(action)), TD_OK);
    assert_int_equal(db_step(s, &row), TD_OK);
    int64_t n = db_col_int64(s, 0);
    db_stmt_reset(s);
    return n;
}

static void contact_details_sealed_and_audited(void **state)
{
    (void)state;
    struct case_intake in = {.institution = "INSTA",
                             .text = "Em bị tống tiền",
                             .text_len = strlen("Em bị tống tiền"),
                             .contact_name = "Ngọc Anh",
                             .contact_phone = "0388 555 012",
                             .contact_email = "sv@example.edu.vn",
                             .consent_contact = 1};
    struct case_intake_result r;
    struct case_contact cc;
    struct case_view v;
    struct core_fail f;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_OK);
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_true(v.has_contact);
    assert_null(v.c.contact);

    int64_t before = audit_count("contact.unseal");
    assert_int_equal(case_contact(&fx.core, &ar, &a1, r.code, &cc), TD_EFORBIDDEN); /* unassigned */
    assert_int_equal(case_contact(&fx.core, &ar, &city, r.code, &cc), TD_ENOTFOUND);
    assert_int_equal(case_contact(&fx.core, &ar, &admin, r.code, &cc), TD_ENOTFOUND);
    assert_int_equal(case_contact(&fx.core, &ar, &b1, r.code, &cc), TD_ENOTFOUND);
    assert_int_equal(audit_count("contact.unseal"), before);
    assert_int_equal(case_contact(&fx.core, &ar, &la, r.code, &cc), TD_OK);
    assert_string_equal(cc.name, "Ngọc Anh");
    assert_string_equal(cc.phone, "+84388555012");
    assert_string_equal(cc.email, "sv@example.edu.vn");
    assert_true(cc.consent_contact);
    assert_int_equal(audit_count("contact.unseal"), before + 1);
    struct case_patch claim = {.set_assignee = 1, .assignee = "a1"};
    assert_int_equal(case_patch(&fx.core, &ar, &la, r.code, &claim, &f), TD_OK);
    assert_int_equal(case_contact(&fx.core, &ar, &a1, r.code, &cc), TD_OK);
    assert_int_equal(case_contact(&fx.core, &ar, &a2, r.code, &cc), TD_EFORBIDDEN);
    assert_int_equal(audit_count("contact.unseal"), before + 2);

    /* The phone number is nowhere in the database file in clear. */
    struct db *db = store_db(fx.st);
    struct db_stmt *s;
    int row;
    assert_int_equal(db_prepare(db, "SELECT count(*) FROM cases WHERE instr(contact, ?1) > 0", &s),
                     TD_OK);
    assert_int_equal(db_bind_blob(s, 1, "+84388555012", 12), TD_OK);
    assert_int_equal(db_step(s, &row), TD_OK);
    assert_int_equal(db_col_int64(s, 0), 0);
    db_stmt_reset(s);
}

static void intake_validation_names_the_field(void **state)
{
    (void)state;
    struct case_intake_result r;
    struct core_fail f;
    struct case_intake in = {.institution = "INSTA", .text = "   ", .text_len = 3};
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "text");
    in.text = "ok";
    in.text_len = 2;
    in.institution = "NOPE";
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "institution");
    in.institution = "INSTA";
    in.channel = "fax";
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "channel");
    in.channel = NULL;
    in.contact_phone = "12";
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "contact.phone");
    in.contact_phone = NULL;
    in.contact_email = "not-an-email";
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "contact.email");
    in.contact_email = NULL;
    char name[1000];
    memset(name, 'a', 201);
    name[201] = '\0';
    in.contact_name = name;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "contact.name");
    in.contact_name = NULL;
    in.text = "\xff\xfe";
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EUTF8);
    assert_string_equal(f.field, "text");

    /* 20,000 characters (of 3 bytes each) pass, 20,001 do not. */
    size_t n = 20001;
    char *big = arena_alloc(&ar, n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 3 * i, "ả", 3);
    in.text = big;
    in.text_len = 20000 * 3;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_OK);
    in.text_len = n * 3;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "text");
    assert_string_equal(f.reason, "too_long");
    /* NFC first: "a" + combining hook above (2 code points) counts as one character. */
    char *dec = arena_alloc(&ar, 20000 * 3 + 1);
    for (size_t i = 0; i < 20000; i++)
        memcpy(dec + 3 * i, "a\xcc\x89", 3);
    in.text = dec;
    in.text_len = 20000 * 3;
    assert_int_equal(case_intake(&fx.core, &ar, NULL, &in, &r, &f), TD_OK);

    /* Staff log calls into their own institution only; city and admin cannot. */
    struct case_intake call = {.text = "cuộc gọi", .text_len = strlen("cuộc gọi")};
    assert_int_equal(case_intake(&fx.core, &ar, &a1, &call, &r, &f), TD_OK);
    struct case_view v;
    assert_int_equal(case_get(&fx.core, &ar, &a1, r.code, &v), TD_OK);
    assert_string_equal(v.c.channel, "phone");
    assert_string_equal(v.messages[0].author_kind, "staff");
    call.institution = "INSTB";
    assert_int_equal(case_intake(&fx.core, &ar, &a1, &call, &r, &f), TD_EINVAL);
    assert_string_equal(f.field, "institution");
    assert_int_equal(case_intake(&fx.core, &ar, &city, &call, &r, &f), TD_EFORBIDDEN);
}

static void sessions_and_passwords(void **state)
{
    (void)state;
    struct auth_login lg;
    struct actor who;
    char csrf[CSRF_TOKEN_LEN + 1];
    int64_t failed = audit_count("login_failed"), ok = audit_count("login");
    assert_int_equal(auth_login(&fx.core, &ar, "a1", "wrong-password", 14, &lg), TD_EAUTH);
    assert_int_equal(auth_login(&fx.core, &ar, "nobody", "password-123", 12, &lg), TD_EAUTH);
    assert_int_equal(audit_count("login_failed"), failed + 2);
    assert_int_equal(auth_login(&fx.core, &ar, "a1", "password-123", 12, &lg), TD_OK);
    assert_int_equal(audit_count("login"), ok + 1);
    assert_string_equal(lg.actor.username, "a1");
    assert_int_equal(auth_session(&fx.core, lg.token, &who, csrf), TD_OK);
    assert_string_equal(who.username, "a1");
    assert_string_equal(csrf, lg.csrf);
    assert_true(auth_csrf_ok(&fx.core, lg.token, lg.csrf));
    assert_false(auth_csrf_ok(&fx.core, lg.token, "x"));
    /* The token is stored only as a hash. */
    struct db_stmt *s;
    int row;
    assert_int_equal(db_prepare(store_db(fx.st),
                                "SELECT count(*) FROM session WHERE"
                                " instr(token_hash, ?1) > 0",
                                &s),
                     TD_OK);
    assert_int_equal(db_bind_blob(s, 1, lg.token, 16), TD_OK);
    assert_int_equal(db_step(s, &row), TD_OK);
    assert_int_equal(db_col_int64(s, 0), 0);
    db_stmt_reset(s);
    /* Disabling the account ends its sessions; logging out ends one. */
    struct core_fail f;
    assert_int_equal(auth_user_set_disabled(&fx.core, &ar, &cli, "a2", 1, &f), TD_OK);
    assert_int_equal(auth_login(&fx.core, &ar, "a2", "password-123", 12, &lg), TD_EAUTH);
    assert_int_equal(auth_user_set_disabled(&fx.core, &ar, &cli, "a2", 0, &f), TD_OK);
    assert_int_equal(auth_login(&fx.core, &ar, "a2", "password-123", 12, &lg), TD_OK);
    assert_int_equal(auth_user_set_disabled(&fx.core, &ar, &cli, "a2", 1, &f), TD_OK);
    assert_int_equal(auth_session(&fx.core, lg.token, &who, NULL), TD_EAUTH);
    assert_int_equal(auth_login(&fx.core, &ar, "a1", "password-123", 12, &lg), TD_OK);
    assert_int_equal(auth_logout(&fx.core, &ar, lg.token, &a1), TD_OK);
    assert_int_equal(auth_session(&fx.core, lg.token, &who, NULL), TD_EAUTH);
    assert_int_equal(auth_session(&fx.core, "short", &who, NULL), TD_EAUTH);
    /* Passwords are argon2id. */
    char h[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash(&fx.core, "abcdefgh", 8, h), TD_OK);
    assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
    /* Validation of accounts. */
    assert_int_equal(auth_user_add(&fx.core, &ar, &cli, "Bad Name", NULL, "counsellor", "INSTA",
                                   "password-123", 12, &f),
                     TD_EINVAL);
    assert_string_equal(f.field, "username");
    assert_int_equal(
        auth_user_add(&fx.core, &ar, &cli, "c9", NULL, "counsellor", NULL, "password-123", 12, &f),
        TD_EINVAL);
    assert_string_equal(f.field, "institution");
    assert_int_equal(
        auth_user_add(&fx.core, &ar, &cli, "c9", NULL, "city", "INSTA", "password-123", 12, &f),
        TD_EINVAL);
    assert_int_equal(auth_user_add(&fx.core, &ar, &cli, "c9", NULL, "admin", NULL, "short", 5, &f),
                     TD_EINVAL);
    assert_string_equal(f.field, "password");
    assert_int_equal(
        auth_user_add(&fx.core, &ar, &cli, "a1", NULL, "admin", NULL, "password-123", 12, &f),
        TD_EEXISTS);
    /* A lead adds counsellors of their own institution only. */
    assert_int_equal(auth_user_add(&fx.core, &ar, &la, "a3", NULL, "counsellor", "INSTA",
                                   "password-123", 12, &f),
                     TD_OK);
    assert_int_equal(auth_user_add(&fx.core, &ar, &la, "b3", NULL, "counsellor", "INSTB",
                                   "password-123", 12, &f),
                     TD_EFORBIDDEN);
    assert_int_equal(auth_user_add(&fx.core, &ar, &a1, "a4", NULL, "counsellor", "INSTA",
                                   "password-123", 12, &f),
                     TD_EFORBIDDEN);
}

static void resolved_cases_close_after_the_configured_days(void **state)
{
    (void)state;
    struct case_intake_result old, recent;
    struct case_view v;
    struct core_fail f;
    size_t closed = 0;
    report("INSTA", "ca cũ đã giải quyết", &old);
    report("INSTA", "ca mới giải quyết", &recent);
    struct case_patch res = {.status = "resolved"};
    assert_int_equal(case_patch(&fx.core, &ar, &a1, old.code, &res, &f), TD_OK);
    assert_int_equal(case_patch(&fx.core, &ar, &a1, recent.code, &res, &f), TD_OK);
    /* Move the first resolution 8 days back (the store has no API for that: plain SQL). */
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE cases SET resolved_at = resolved_at - 8 * 86400000 WHERE code = '%s'",
             old.code);
    assert_int_equal(db_exec(store_db(fx.st), sql), TD_OK);
    int64_t before = audit_count("case.status");
    fx.cfg.autoclose_days = 0;
    assert_int_equal(case_autoclose(&fx.core, &ar, td_now_ms(), 64, &closed), TD_OK);
    assert_int_equal(closed, 0);
    fx.cfg.autoclose_days = 7;
    assert_int_equal(case_autoclose(&fx.core, &ar, td_now_ms(), 64, &closed), TD_OK);
    assert_int_equal(closed, 1);
    assert_int_equal(audit_count("case.status"), before + 1);
    assert_int_equal(case_get(&fx.core, &ar, &a1, old.code, &v), TD_OK);
    assert_string_equal(v.c.status, "closed");
    assert_true(v.c.closed_at > 0 && v.c.resolved_at > 0);
    assert_string_equal(v.events[v.nevents - 1].actor_kind, "system");
    assert_string_equal(v.events[v.nevents - 1].reason, "autoclose");
    assert_int_equal(case_get(&fx.core, &ar, &a1, recent.code, &v), TD_OK);
    assert_string_equal(v.c.status, "resolved");
    assert_int_equal(case_autoclose(&fx.core, &ar, td_now_ms(), 64, &closed), TD_OK);
    assert_int_equal(closed, 0); /* nothing left to close */
}

static void audit_chain_detects_tampering(void **state)
{
    (void)state;
    int64_t rows = 0, bad = 0;
    char err[256];
    assert_int_equal(store_audit_verify(fx.st, &rows, &bad, err, sizeof err), TD_OK);
    assert_true(rows > 20);
    struct db *db = store_db(fx.st);
    /* Edit one row behind the store's back (the triggers are only a speed bump). */
    assert_int_equal(db_exec(db, "UPDATE audit SET detail = '{}' WHERE id = 7"), TD_ECONFLICT);
    assert_int_equal(db_exec(db, "DROP TRIGGER audit_no_update"), TD_OK);
    assert_int_equal(db_exec(db, "UPDATE audit SET actor = 'someone' WHERE id = 7"), TD_OK);
    assert_int_equal(store_audit_verify(fx.st, &rows, &bad, err, sizeof err), TD_ECONFLICT);
    assert_int_equal(bad, 7);
    assert_int_equal(rows, 6);
    assert_non_null(strstr(err, "row 7"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope_hides_other_institutions),
        cmocka_unit_test(lifecycle_end_to_end),
        cmocka_unit_test(contact_details_sealed_and_audited),
        cmocka_unit_test(intake_validation_names_the_field),
        cmocka_unit_test(sessions_and_passwords),
        cmocka_unit_test(resolved_cases_close_after_the_configured_days),
        cmocka_unit_test(audit_chain_detects_tampering),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
