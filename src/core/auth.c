#include "core/auth.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "store/store.h"
#include "text/vn.h"

#define TOUCH_AFTER_MS 60000 /* extend a session at most once a minute */

enum td_err core_fail_set(struct core_fail *f, enum td_err e, const char *field, const char *reason)
{
    if (f) {
        memset(f, 0, sizeof *f);
        f->field = field;
        f->reason = reason;
    }
    return e;
}

long core_utf8_chars(const char *s, size_t len)
{
    if (vn_utf8_check(s, len) != TD_OK)
        return -1;
    return (long)vn_utf8_count(s, len);
}

enum td_err core_name_field(struct arena *a, const char *s, long max_chars, const char *field,
                            char *out, size_t cap, struct core_fail *f)
{
    size_t len = s ? strlen(s) : 0;
    struct vn_str nfc;
    if (core_utf8_chars(s ? s : "", len) < 0)
        return core_fail_set(f, TD_EINVAL, field, "invalid");
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        /* C0 and DEL; C1 (U+0080..U+009F) is 0xC2 0x80..0x9F in UTF-8 */
        if (ch < 0x20 || ch == 0x7f ||
            (ch == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
             (unsigned char)s[i + 1] <= 0x9f))
            return core_fail_set(f, TD_EINVAL, field, "invalid");
    }
    size_t b = 0, e = len;
    while (b < e && s[b] == ' ')
        b++;
    while (e > b && s[e - 1] == ' ')
        e--;
    if (b == e)
        return core_fail_set(f, TD_EINVAL, field, "required");
    enum td_err rc = vn_nfc(a, s + b, e - b, &nfc);
    if (rc)
        return rc == TD_ENOMEM ? rc : core_fail_set(f, TD_EINVAL, field, "invalid");
    if (core_utf8_chars(nfc.p, nfc.len) > max_chars || nfc.len >= cap)
        return core_fail_set(f, TD_EINVAL, field, "too_long");
    memcpy(out, nfc.p, nfc.len);
    out[nfc.len] = '\0';
    return TD_OK;
}

static void cost(const struct core *c, unsigned long long *ops, size_t *mem)
{
    *ops = c->cfg && c->cfg->pwhash_ops ? c->cfg->pwhash_ops : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    *mem = c->cfg && c->cfg->pwhash_mem_kib ? (size_t)c->cfg->pwhash_mem_kib * 1024
                                            : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (*ops < crypto_pwhash_OPSLIMIT_MIN)
        *ops = crypto_pwhash_OPSLIMIT_MIN;
    if (*mem < crypto_pwhash_MEMLIMIT_MIN)
        *mem = crypto_pwhash_MEMLIMIT_MIN;
}

enum td_err auth_password_hash(const struct core *c, const char *pw, size_t len, char *out)
{
    unsigned long long ops;
    size_t mem;
    char buf[crypto_pwhash_STRBYTES];
    _Static_assert(crypto_pwhash_STRBYTES <= AUTH_HASH_MAX, "hash buffer");
    cost(c, &ops, &mem);
    if (crypto_pwhash_str_alg(buf, pw, len, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return TD_ENOMEM;
    snprintf(out, AUTH_HASH_MAX, "%s", buf);
    return TD_OK;
}

/* A hash of a random password with the configured cost, verified for unknown users. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[AUTH_HASH_MAX];
static const struct core *dummy_core;

static void make_dummy(void)
{
    char pw[33];
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(pw, sizeof pw, r, sizeof r);
    if (auth_password_hash(dummy_core, pw, strlen(pw), dummy_hash) != TD_OK)
        dummy_hash[0] = '\0';
}

/* 1..max characters, each a lower-case ASCII letter, a digit, one of punct, or (when upper) an
 * upper-case ASCII letter. */
static int charset_ok(const char *s, size_t max, int upper, const char *punct)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              (upper && ch >= 'A' && ch <= 'Z') || strchr(punct, ch) != NULL))
            return 0;
    }
    return 1;
}

int auth_username_ok(const char *s)
{
    return charset_ok(s, STORE_USERNAME_MAX, 0, "._-");
}

/* ---------- login ---------- */

struct login_job {
    struct core *c;
    struct arena *a;
    const struct store_account *acc; /* NULL on failure */
    const char *username_known;      /* for the failure row: the account, if it exists */
    const unsigned char *token_hash;
    const char *new_hash; /* rehash, or NULL */
    int64_t now, expires_at;
};

static enum td_err login_ok_job(struct store_tx *tx, void *arg)
{
    struct login_job *j = arg;
    enum td_err rc = store_session_insert(tx, j->token_hash, j->acc->id, j->now, j->expires_at);
    if (!rc && j->new_hash)
        rc = store_account_set_password(tx, j->acc->id, j->new_hash, j->now);
    if (!rc)
        rc = audit_record(tx, j->a, j->acc->username, "login", "account", j->acc->username,
                          j->new_hash ? json_pack("{s:b}", "rehashed", 1) : NULL, j->now);
    return rc;
}

static enum td_err login_failed_job(struct store_tx *tx, void *arg)
{
    struct login_job *j = arg;
    /* Never record the typed name of an unknown account: it may be a password typed in the
     * wrong box. */
    return audit_record(tx, j->a, "anonymous", "login_failed", "account",
                        j->username_known ? j->username_known : "",
                        json_pack("{s:b}", "known", j->username_known != NULL), j->now);
}

enum td_err auth_login(struct core *c, struct arena *a, const char *username, const char *password,
                       size_t pwlen, struct auth_login *out)
{
    struct store_account acc;
    enum td_err rc;
    int known = 0, ok = 0;
    memset(out, 0, sizeof *out);
    if (pwlen > AUTH_PASSWORD_MAX)
        pwlen = AUTH_PASSWORD_MAX; /* bound the work; such a password never matches anyway */
    if (auth_username_ok(username)) {
        rc = store_account_get(c->st, username, &acc);
        if (rc && rc != TD_ENOTFOUND)
            return rc;
        known = rc == TD_OK;
    }
    if (known) {
        ok = crypto_pwhash_str_verify(acc.pw_hash, password, pwlen) == 0 && !acc.disabled;
    } else {
        dummy_core = c;
        pthread_once(&dummy_once, make_dummy);
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, pwlen) == 0)
            ok = 0; /* a random password matched: impossible in practice, and still refused */
    }
    struct login_job j = {c, a, NULL, known ? acc.username : NULL, NULL, NULL, td_now_ms(), 0};
    if (!ok) {
        rc = store_write(c->st, login_failed_job, &j);
        return rc ? rc : TD_EAUTH;
    }
    if (actor_from_account(&out->actor, &acc) != 0)
        return TD_EINTERNAL;
    unsigned char th[STORE_HASH_BYTES];
    char new_hash[AUTH_HASH_MAX];
    unsigned long long ops;
    size_t mem;
    cost(c, &ops, &mem);
    if (crypto_pwhash_str_needs_rehash(acc.pw_hash, ops, mem) != 0 &&
        auth_password_hash(c, password, pwlen, new_hash) == TD_OK)
        j.new_hash = new_hash;
    secret_session_token(out->token);
    store_secret_hash(c->st, out->token, strlen(out->token), th);
    secret_csrf_token(c->st, out->token, out->csrf);
    j.acc = &acc;
    j.token_hash = th;
    j.expires_at = j.now + (int64_t)(c->cfg ? c->cfg->session_ttl_min : 480) * 60000;
    out->expires_at = j.expires_at;
    rc = store_write(c->st, login_ok_job, &j);
    sodium_memzero(acc.pw_hash, sizeof acc.pw_hash);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

/* ---------- sessions ---------- */

struct touch_job {
    const unsigned char *th;
    int64_t now, expires_at;
};

static enum td_err touch_job(struct store_tx *tx, void *arg)
{
    struct touch_job *j = arg;
    return store_session_touch(tx, j->th, j->now, j->expires_at);
}

enum td_err auth_session(struct core *c, const char *token, struct actor *out, char *csrf)
{
    unsigned char th[STORE_HASH_BYTES];
    struct store_account acc;
    int64_t last_seen = 0, now = td_now_ms();
    size_t tl = token ? strlen(token) : 0;
    if (tl != SESSION_TOKEN_LEN)
        return TD_EAUTH;
    store_secret_hash(c->st, token, tl, th);
    enum td_err rc = store_session_lookup(c->st, th, now, &acc, &last_seen);
    if (rc == TD_ENOTFOUND)
        return TD_EAUTH;
    if (rc)
        return rc;
    sodium_memzero(acc.pw_hash, sizeof acc.pw_hash);
    if (actor_from_account(out, &acc) != 0)
        return TD_EAUTH;
    if (now - last_seen > TOUCH_AFTER_MS) {
        struct touch_job j = {th, now,
                              now + (int64_t)(c->cfg ? c->cfg->session_ttl_min : 480) * 60000};
        enum td_err trc = store_write(c->st, touch_job, &j);
        if (trc)
            log_warn("msg=\"session touch failed\" code=%s", td_err_code(trc));
    }
    if (csrf)
        secret_csrf_token(c->st, token, csrf);
    return TD_OK;
}

int auth_csrf_ok(struct core *c, const char *token, const char *csrf)
{
    char want[CSRF_TOKEN_LEN + 1];
    if (token == NULL || csrf == NULL || strlen(csrf) != CSRF_TOKEN_LEN)
        return 0;
    secret_csrf_token(c->st, token, want);
    return sodium_memcmp(want, csrf, CSRF_TOKEN_LEN) == 0;
}

struct logout_job {
    struct arena *a;
    const unsigned char *th;
    const struct actor *who;
    int64_t now;
};

static enum td_err logout_job(struct store_tx *tx, void *arg)
{
    struct logout_job *j = arg;
    enum td_err rc = store_session_delete(tx, j->th);
    if (!rc && j->who)
        rc = audit_record(tx, j->a, j->who->username, "logout", "account", j->who->username, NULL,
                          j->now);
    return rc;
}

enum td_err auth_logout(struct core *c, struct arena *a, const char *token, const struct actor *who)
{
    unsigned char th[STORE_HASH_BYTES];
    if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
        return TD_OK;
    store_secret_hash(c->st, token, strlen(token), th);
    struct logout_job j = {a, th, who, td_now_ms()};
    return store_write(c->st, logout_job, &j);
}

/* ---------- accounts ---------- */

struct user_job {
    struct arena *a;
    const struct actor *by;
    struct store_account *acc;
    const char *username;
    int disabled;
    int64_t now;
};

static enum td_err user_add_job(struct store_tx *tx, void *arg)
{
    struct user_job *j = arg;
    enum td_err rc = store_account_insert(tx, j->acc, j->now, &j->acc->id);
    if (!rc)
        rc = audit_record(
            tx, j->a, j->by->username, "user.add", "account", j->acc->username,
            json_pack("{s:s,s:s}", "role", j->acc->role, "institution", j->acc->institution_code),
            j->now);
    return rc;
}

/*
 * Why a new password is refused, as a reason code ("invalid", "weak"), or NULL when it is
 * acceptable. A password must be UTF-8 text that JSON can carry at login (no control characters
 * such as NUL, which made accounts nobody could log in to), must not be blank, one repeated
 * character, the username, or one of the passwords every guessing list starts with.
 */
static const char *password_weakness(const char *username, const char *pw, size_t len)
{
    static const char *const common[] = {
        "password", "password1", "password123", "12345678",  "123456789", "1234567890",
        "qwertyui", "qwerty123", "abc12345",    "abcd1234",  "iloveyou",  "admin123",
        "matkhau",  "matkhau1",  "matkhau123",  "khongbiet", "11223344",  "87654321",
    };
    if (vn_utf8_check(pw, len) != TD_OK)
        return "invalid";
    int blank = 1, same = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)pw[i];
        if (ch < 0x20 || ch == 0x7f)
            return "invalid";
        if (ch != ' ')
            blank = 0;
        if (ch != (unsigned char)pw[0])
            same = 0;
    }
    if (blank || same)
        return "weak";
    if (strlen(username) == len && strncasecmp(username, pw, len) == 0)
        return "weak";
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        if (strlen(common[i]) == len && strncasecmp(common[i], pw, len) == 0)
            return "weak";
    return NULL;
}

enum td_err auth_user_add(struct core *c, struct arena *a, const struct actor *by,
                          const char *username, const char *display_name, const char *role,
                          const char *institution, const char *password, size_t pwlen,
                          struct core_fail *f)
{
    enum role r;
    struct store_account acc;
    struct store_institution inst;
    enum td_err rc;
    core_fail_set(f, TD_OK, NULL, NULL);
    if (by == NULL || (by->role != ROLE_ADMIN && by->role != ROLE_SYSTEM && by->role != ROLE_LEAD))
        return TD_EFORBIDDEN;
    if (!auth_username_ok(username))
        return core_fail_set(f, TD_EINVAL, "username", "invalid");
    if (role_parse(role, &r) != 0)
        return core_fail_set(f, TD_EINVAL, "role", "invalid");
    memset(&acc, 0, sizeof acc);
    snprintf(acc.username, sizeof acc.username, "%s", username);
    snprintf(acc.role, sizeof acc.role, "%s", role_code(r));
    if (r == ROLE_COUNSELLOR || r == ROLE_LEAD) {
        if (institution == NULL || *institution == '\0')
            return core_fail_set(f, TD_EINVAL, "institution", "required");
        rc = store_institution_get(c->st, institution, &inst);
        if (rc == TD_ENOTFOUND)
            return core_fail_set(f, TD_EINVAL, "institution", "unknown");
        if (rc)
            return rc;
        acc.institution_id = inst.id;
        snprintf(acc.institution_code, sizeof acc.institution_code, "%s", inst.code);
    } else if (institution != NULL && *institution) {
        return core_fail_set(f, TD_EINVAL, "institution", "not_allowed");
    }
    /* A lead manages the counsellors of their own institution only. */
    if (by->role == ROLE_LEAD && (r != ROLE_COUNSELLOR || acc.institution_id != by->institution_id))
        return TD_EFORBIDDEN;
    if (display_name) {
        rc = core_name_field(a, display_name, 200, "display_name", acc.display_name,
                             sizeof acc.display_name, f);
        if (rc)
            return rc;
    } else {
        snprintf(acc.display_name, sizeof acc.display_name, "%s", username);
    }
    if (password == NULL || pwlen < AUTH_PASSWORD_MIN)
        return core_fail_set(f, TD_EINVAL, "password", "too_short");
    if (pwlen > AUTH_PASSWORD_MAX)
        return core_fail_set(f, TD_EINVAL, "password", "too_long");
    const char *why = password_weakness(username, password, pwlen);
    if (why)
        return core_fail_set(f, TD_EINVAL, "password", why);
    rc = auth_password_hash(c, password, pwlen, acc.pw_hash);
    if (rc)
        return rc;
    struct user_job j = {a, by, &acc, username, 0, td_now_ms()};
    rc = store_write(c->st, user_add_job, &j);
    sodium_memzero(acc.pw_hash, sizeof acc.pw_hash);
    if (rc == TD_EEXISTS)
        core_fail_set(f, rc, "username", "exists");
    return rc;
}

static enum td_err user_disable_job(struct store_tx *tx, void *arg)
{
    struct user_job *j = arg;
    enum td_err rc = store_account_set_disabled(tx, j->username, j->disabled, j->now);
    if (!rc)
        rc = audit_record(tx, j->a, j->by->username, j->disabled ? "user.disable" : "user.enable",
                          "account", j->username, NULL, j->now);
    return rc;
}

enum td_err auth_user_set_disabled(struct core *c, struct arena *a, const struct actor *by,
                                   const char *username, int disabled, struct core_fail *f)
{
    struct store_account acc;
    core_fail_set(f, TD_OK, NULL, NULL);
    if (by == NULL || (by->role != ROLE_ADMIN && by->role != ROLE_SYSTEM && by->role != ROLE_LEAD))
        return TD_EFORBIDDEN;
    if (!auth_username_ok(username))
        return core_fail_set(f, TD_ENOTFOUND, "username", "unknown");
    enum td_err rc = store_account_get(c->st, username, &acc);
    if (rc)
        return rc == TD_ENOTFOUND ? core_fail_set(f, rc, "username", "unknown") : rc;
    sodium_memzero(acc.pw_hash, sizeof acc.pw_hash);
    if (by->role == ROLE_LEAD &&
        (strcmp(acc.role, "counsellor") != 0 || acc.institution_id != by->institution_id))
        return TD_EFORBIDDEN;
    struct user_job j = {a, by, NULL, username, disabled, td_now_ms()};
    return store_write(c->st, user_disable_job, &j);
}

/* ---------- institutions ---------- */

struct inst_job {
    struct arena *a;
    const struct actor *by;
    const struct store_institution *in;
    int64_t now;
};

static enum td_err inst_job(struct store_tx *tx, void *arg)
{
    struct inst_job *j = arg;
    enum td_err rc = store_institution_insert(tx, j->in, j->now, NULL);
    if (!rc)
        rc = audit_record(tx, j->a, j->by->username, "institution.add", "institution", j->in->code,
                          NULL, j->now);
    return rc;
}

int core_institution_code(const char *code, char out[STORE_CODE_MAX + 1])
{
    if (!charset_ok(code, STORE_CODE_MAX, 1, "-_"))
        return -1;
    size_t i = 0;
    for (; code[i]; i++)
        out[i] = (code[i] >= 'a' && code[i] <= 'z') ? (char)(code[i] - 'a' + 'A') : code[i];
    out[i] = '\0';
    return 0;
}

enum td_err core_institution_add(struct core *c, struct arena *a, const struct actor *by,
                                 const char *code, const char *name, int64_t students,
                                 int64_t staff, struct core_fail *f)
{
    struct store_institution in;
    core_fail_set(f, TD_OK, NULL, NULL);
    if (by == NULL || (by->role != ROLE_ADMIN && by->role != ROLE_SYSTEM))
        return TD_EFORBIDDEN;
    memset(&in, 0, sizeof in);
    if (core_institution_code(code, in.code) != 0)
        return core_fail_set(f, TD_EINVAL, "code", "invalid");
    enum td_err nrc = core_name_field(a, name, 200, "name", in.name, sizeof in.name, f);
    if (nrc)
        return nrc;
    in.students = students;
    in.staff = staff;
    struct inst_job j = {a, by, &in, td_now_ms()};
    enum td_err rc = store_write(c->st, inst_job, &j);
    if (rc == TD_EEXISTS)
        core_fail_set(f, rc, "code", "exists");
    return rc;
}
