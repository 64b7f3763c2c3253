/* Institutions, accounts and sessions. */
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

void store_col_copy(struct db_stmt *s, int col, char *out, size_t n)
{
    size_t len = 0;
    const char *p = db_col_text(s, col, &len);
    if (p == NULL || n == 0) {
        if (n)
            out[0] = '\0';
        return;
    }
    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

const char *store_col_dup(struct db_stmt *s, int col, struct arena *a, int *fail)
{
    size_t len = 0;
    const char *p = db_col_text(s, col, &len);
    if (p == NULL)
        return NULL;
    char *r = arena_strndup(a, p, len);
    if (r == NULL)
        *fail = 1;
    return r;
}

enum td_err store_bind_str(struct db_stmt *s, int idx, const char *str)
{
    if (str == NULL)
        return db_bind_null(s, idx);
    return db_bind_text(s, idx, str, strlen(str));
}

enum td_err store_bind_opt(struct db_stmt *s, int idx, int64_t v)
{
    return v ? db_bind_int64(s, idx, v) : db_bind_null(s, idx);
}

/* ---------- institutions ---------- */

enum td_err store_institution_insert(struct store_tx *tx, const struct store_institution *in,
                                     int64_t now, int64_t *id)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT INTO institution(code, name, students, staff, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5)",
                                &s);
    if (rc)
        return rc;
    if (!rc)
        rc = store_bind_str(s, 1, in->code);
    if (!rc)
        rc = store_bind_str(s, 2, in->name);
    if (!rc)
        rc = in->students >= 0 ? db_bind_int64(s, 3, in->students) : db_bind_null(s, 3);
    if (!rc)
        rc = in->staff >= 0 ? db_bind_int64(s, 4, in->staff) : db_bind_null(s, 4);
    if (!rc)
        rc = db_bind_int64(s, 5, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (rc == TD_ECONFLICT)
        rc = TD_EEXISTS;
    if (!rc && id)
        *id = db_last_rowid(tx->db);
    return rc;
}

static void read_institution(struct db_stmt *s, struct store_institution *out)
{
    out->id = db_col_int64(s, 0);
    store_col_copy(s, 1, out->code, sizeof out->code);
    store_col_copy(s, 2, out->name, sizeof out->name);
    out->students = db_col_is_null(s, 3) ? -1 : db_col_int64(s, 3);
    out->staff = db_col_is_null(s, 4) ? -1 : db_col_int64(s, 4);
}

enum td_err store_institution_get(struct store *st, const char *code, struct store_institution *out)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(
        db, "SELECT id, code, name, students, staff FROM institution WHERE code = upper(?1)", &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, code);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && !row)
        rc = TD_ENOTFOUND;
    if (!rc)
        read_institution(s, out);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_institution_list(struct store *st, struct arena *a,
                                   struct store_institution **items, size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    size_t cap = 0, cnt = 0;
    struct store_institution *v = NULL;
    *items = NULL;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc =
        db_prepare(db, "SELECT id, code, name, students, staff FROM institution ORDER BY code", &s);
    if (rc)
        return rc;
    while (!(rc = db_step(s, &row)) && row) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct store_institution *nv = arena_alloc(a, ncap * sizeof *nv);
            if (nv == NULL) {
                rc = TD_ENOMEM;
                break;
            }
            if (cnt)
                memcpy(nv, v, cnt * sizeof *nv);
            v = nv;
            cap = ncap;
        }
        read_institution(s, &v[cnt++]);
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}

/* ---------- accounts ---------- */

enum td_err store_account_insert(struct store_tx *tx, const struct store_account *in, int64_t now,
                                 int64_t *id)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT INTO account(username, display_name, role, institution_id,"
                                " pw_hash, disabled, created_at, updated_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                                &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, in->username);
    if (!rc)
        rc = store_bind_str(s, 2, in->display_name);
    if (!rc)
        rc = store_bind_str(s, 3, in->role);
    if (!rc)
        rc = store_bind_opt(s, 4, in->institution_id);
    if (!rc)
        rc = store_bind_str(s, 5, in->pw_hash);
    if (!rc)
        rc = db_bind_int64(s, 6, in->disabled ? 1 : 0);
    if (!rc)
        rc = db_bind_int64(s, 7, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (rc == TD_ECONFLICT)
        rc = TD_EEXISTS;
    if (!rc && id)
        *id = db_last_rowid(tx->db);
    return rc;
}

#define ACCOUNT_COLS                                                                               \
    "a.id, a.username, a.display_name, a.role, a.institution_id, i.code, a.disabled, a.pw_hash"

static void read_account(struct db_stmt *s, int col, struct store_account *out)
{
    out->id = db_col_int64(s, col);
    store_col_copy(s, col + 1, out->username, sizeof out->username);
    store_col_copy(s, col + 2, out->display_name, sizeof out->display_name);
    store_col_copy(s, col + 3, out->role, sizeof out->role);
    out->institution_id = db_col_is_null(s, col + 4) ? 0 : db_col_int64(s, col + 4);
    store_col_copy(s, col + 5, out->institution_code, sizeof out->institution_code);
    out->disabled = (int)db_col_int64(s, col + 6);
    store_col_copy(s, col + 7, out->pw_hash, sizeof out->pw_hash);
}

enum td_err store_account_get(struct store *st, const char *username, struct store_account *out)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT " ACCOUNT_COLS " FROM account a"
                                " LEFT JOIN institution i ON i.id = a.institution_id"
                                " WHERE a.username = ?1",
                                &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, username);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && !row)
        rc = TD_ENOTFOUND;
    if (!rc)
        read_account(s, 0, out);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_account_get_staff(struct store *st, int64_t institution_id, const char *username,
                                    struct store_account *out)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT " ACCOUNT_COLS " FROM account a"
                                " JOIN institution i ON i.id = a.institution_id"
                                " WHERE a.username = ?1 AND a.institution_id = ?2"
                                " AND a.disabled = 0 AND a.role IN ('counsellor', 'lead')",
                                &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, username);
    if (!rc)
        rc = db_bind_int64(s, 2, institution_id);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && !row)
        rc = TD_ENOTFOUND;
    if (!rc)
        read_account(s, 0, out);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_account_set_disabled(struct store_tx *tx, const char *username, int disabled,
                                       int64_t now)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(
        tx->db, "UPDATE account SET disabled = ?2, updated_at = ?3 WHERE username = ?1", &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, username);
    if (!rc)
        rc = db_bind_int64(s, 2, disabled ? 1 : 0);
    if (!rc)
        rc = db_bind_int64(s, 3, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc && db_changes(tx->db) == 0)
        rc = TD_ENOTFOUND;
    if (rc || !disabled)
        return rc;
    rc = db_prepare(tx->db,
                    "DELETE FROM session WHERE account_id ="
                    " (SELECT id FROM account WHERE username = ?1)",
                    &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, username);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_account_set_password(struct store_tx *tx, int64_t account_id, const char *pw_hash,
                                       int64_t now)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc =
        db_prepare(tx->db, "UPDATE account SET pw_hash = ?2, updated_at = ?3 WHERE id = ?1", &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, account_id);
    if (!rc)
        rc = store_bind_str(s, 2, pw_hash);
    if (!rc)
        rc = db_bind_int64(s, 3, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc && db_changes(tx->db) == 0)
        rc = TD_ENOTFOUND;
    return rc;
}

/* ---------- sessions ---------- */

enum td_err store_session_insert(struct store_tx *tx, const unsigned char *token_hash,
                                 int64_t account_id, int64_t now, int64_t expires_at)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT INTO session(token_hash, account_id, created_at, last_seen,"
                                " expires_at) VALUES (?1, ?2, ?3, ?3, ?4)",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_blob(s, 1, token_hash, STORE_HASH_BYTES);
    if (!rc)
        rc = db_bind_int64(s, 2, account_id);
    if (!rc)
        rc = db_bind_int64(s, 3, now);
    if (!rc)
        rc = db_bind_int64(s, 4, expires_at);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (rc)
        return rc;
    /* Sweep this account's expired sessions while the write lock is held anyway. */
    rc = db_prepare(tx->db, "DELETE FROM session WHERE account_id = ?1 AND expires_at <= ?2", &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, account_id);
    if (!rc)
        rc = db_bind_int64(s, 2, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_session_lookup(struct store *st, const unsigned char *token_hash, int64_t now,
                                 struct store_account *acct, int64_t *last_seen)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT s.last_seen, " ACCOUNT_COLS " FROM session s"
                                " JOIN account a ON a.id = s.account_id"
                                " LEFT JOIN institution i ON i.id = a.institution_id"
                                " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.disabled = 0",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_blob(s, 1, token_hash, STORE_HASH_BYTES);
    if (!rc)
        rc = db_bind_int64(s, 2, now);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && !row)
        rc = TD_ENOTFOUND;
    if (!rc) {
        *last_seen = db_col_int64(s, 0);
        read_account(s, 1, acct);
    }
    db_stmt_reset(s);
    return rc;
}

enum td_err store_session_touch(struct store_tx *tx, const unsigned char *token_hash, int64_t now,
                                int64_t expires_at)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(
        tx->db, "UPDATE session SET last_seen = ?2, expires_at = ?3 WHERE token_hash = ?1", &s);
    if (rc)
        return rc;
    rc = db_bind_blob(s, 1, token_hash, STORE_HASH_BYTES);
    if (!rc)
        rc = db_bind_int64(s, 2, now);
    if (!rc)
        rc = db_bind_int64(s, 3, expires_at);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_session_delete(struct store_tx *tx, const unsigned char *token_hash)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db, "DELETE FROM session WHERE token_hash = ?1", &s);
    if (rc)
        return rc;
    rc = db_bind_blob(s, 1, token_hash, STORE_HASH_BYTES);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}
