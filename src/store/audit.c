/*
 * The audit chain and the known-bad domain list.
 *
 * Each audit row carries the hash of the row before it (32 zero bytes for the first) and its own
 * hash = keyed BLAKE2b-256 (key: the audit subkey derived from tongdai.key) over
 *   prev_hash(32) || le64(id) || le64(at) || le32(len) actor || le32(len) action
 *   || le32(len) object || le32(len) detail
 * Editing, inserting or deleting a row in the middle breaks the chain at that row or the next;
 * without the key file a forger cannot recompute the hashes. (Truncating the tail is visible
 * only against an external copy of the last hash: operations.md says to keep one.)
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

static void put64(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void putstr(crypto_generichash_state *h, const char *s, size_t len)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)((uint32_t)len >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
    crypto_generichash_update(h, (const unsigned char *)s, len);
}

struct audit_fields {
    int64_t id, at;
    const char *actor, *action, *object, *detail;
    size_t actor_len, action_len, object_len, detail_len;
};

static void row_hash(const struct store *st, const unsigned char *prev,
                     const struct audit_fields *f, unsigned char *out)
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, st->audit_key, sizeof st->audit_key, STORE_HASH_BYTES);
    crypto_generichash_update(&h, prev, STORE_HASH_BYTES);
    put64(&h, f->id);
    put64(&h, f->at);
    putstr(&h, f->actor, f->actor_len);
    putstr(&h, f->action, f->action_len);
    putstr(&h, f->object, f->object_len);
    putstr(&h, f->detail, f->detail_len);
    crypto_generichash_final(&h, out, STORE_HASH_BYTES);
}

enum td_err store_audit_append(struct store_tx *tx, const struct store_audit_entry *e, int64_t at)
{
    struct db_stmt *s = NULL;
    int row = 0;
    unsigned char prev[STORE_HASH_BYTES] = {0}, hash[STORE_HASH_BYTES];
    int64_t id = 1;
    enum td_err rc = db_prepare(tx->db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &s);
    if (rc)
        return rc;
    rc = db_step(s, &row);
    if (!rc && row) {
        size_t len = 0;
        const void *h = db_col_blob(s, 1, &len);
        id = db_col_int64(s, 0) + 1;
        if (len == STORE_HASH_BYTES)
            memcpy(prev, h, len);
        else
            rc = TD_EDB;
    }
    db_stmt_reset(s);
    if (rc)
        return rc;
    struct audit_fields f = {id, at, e->actor, e->action, e->object, e->detail ? e->detail : "{}",
                             0,  0,  0,        0};
    f.actor_len = strlen(f.actor);
    f.action_len = strlen(f.action);
    f.object_len = strlen(f.object);
    f.detail_len = strlen(f.detail);
    row_hash(tx->st, prev, &f, hash);
    rc = db_prepare(tx->db,
                    "INSERT INTO audit(id, at, actor, action, object, detail, prev_hash, hash)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, id);
    if (!rc)
        rc = db_bind_int64(s, 2, at);
    if (!rc)
        rc = db_bind_text(s, 3, f.actor, f.actor_len);
    if (!rc)
        rc = db_bind_text(s, 4, f.action, f.action_len);
    if (!rc)
        rc = db_bind_text(s, 5, f.object, f.object_len);
    if (!rc)
        rc = db_bind_text(s, 6, f.detail, f.detail_len);
    if (!rc)
        rc = db_bind_blob(s, 7, prev, sizeof prev);
    if (!rc)
        rc = db_bind_blob(s, 8, hash, sizeof hash);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_audit_verify(struct store *st, int64_t *rows, int64_t *bad_id, char *err,
                               size_t errlen)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    unsigned char prev[STORE_HASH_BYTES] = {0}, want[STORE_HASH_BYTES];
    int64_t expect_id = 1;
    *rows = 0;
    *bad_id = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(
        db, "SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit ORDER BY id",
        &s);
    if (rc)
        return rc;
    while (!(rc = db_step(s, &row)) && row) {
        struct audit_fields f;
        size_t plen = 0, hlen = 0;
        f.id = db_col_int64(s, 0);
        f.at = db_col_int64(s, 1);
        f.actor = db_col_text(s, 2, &f.actor_len);
        f.action = db_col_text(s, 3, &f.action_len);
        f.object = db_col_text(s, 4, &f.object_len);
        f.detail = db_col_text(s, 5, &f.detail_len);
        const void *ph = db_col_blob(s, 6, &plen);
        const void *hh = db_col_blob(s, 7, &hlen);
        if (f.id != expect_id) {
            *bad_id = f.id;
            snprintf(err, errlen, "row %lld: expected row %lld next (a row was removed)",
                     (long long)f.id, (long long)expect_id);
            rc = TD_ECONFLICT;
            break;
        }
        if (!f.actor || !f.action || !f.object || !f.detail || plen != STORE_HASH_BYTES ||
            hlen != STORE_HASH_BYTES || sodium_memcmp(ph, prev, STORE_HASH_BYTES) != 0) {
            *bad_id = f.id;
            snprintf(err, errlen,
                     "row %lld: prev_hash does not match the hash of the row before it",
                     (long long)f.id);
            rc = TD_ECONFLICT;
            break;
        }
        row_hash(st, prev, &f, want);
        if (sodium_memcmp(hh, want, STORE_HASH_BYTES) != 0) {
            *bad_id = f.id;
            snprintf(err, errlen, "row %lld: content does not match its hash (edited)",
                     (long long)f.id);
            rc = TD_ECONFLICT;
            break;
        }
        memcpy(prev, want, sizeof prev);
        expect_id++;
        (*rows)++;
    }
    db_stmt_reset(s);
    return rc;
}

/* ---------- known-bad domains ---------- */

enum td_err store_blocklist_add(struct store_tx *tx, const char *domain, const char *source,
                                int64_t now, int *added)
{
    struct db_stmt *s = NULL;
    int row = 0;
    *added = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT OR IGNORE INTO blocklist(domain, source, imported_at)"
                                " VALUES (?1, ?2, ?3)",
                                &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, domain);
    if (!rc)
        rc = store_bind_str(s, 2, source);
    if (!rc)
        rc = db_bind_int64(s, 3, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc)
        *added = db_changes(tx->db) > 0;
    return rc;
}

enum td_err store_blocklist_dump(struct store *st, struct sb *out, size_t *count)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    *count = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db, "SELECT DISTINCT domain FROM blocklist ORDER BY domain", &s);
    if (rc)
        return rc;
    while (!rc && !(rc = db_step(s, &row)) && row) {
        size_t len = 0;
        const char *d = db_col_text(s, 0, &len);
        rc = sb_append(out, d, len);
        if (!rc)
            rc = sb_putc(out, '\n');
        if (!rc)
            (*count)++;
    }
    db_stmt_reset(s);
    return rc;
}
