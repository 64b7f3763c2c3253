/* Cases, their messages, events and entities, and the queue. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

const char *const store_status_codes[6] = {"new",      "open",     "waiting",
                                           "referred", "resolved", "closed"};

int store_grow(struct arena *a, void **v, size_t *cap, size_t cnt, size_t sz)
{
    if (cnt < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *nv = arena_calloc(a, ncap, sz);
    if (nv == NULL)
        return -1;
    if (cnt)
        memcpy(nv, *v, cnt * sz);
    *v = nv;
    *cap = ncap;
    return 0;
}

enum td_err store_case_insert(struct store_tx *tx, const struct store_case *c, int64_t *id)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(
        tx->db,
        "INSERT INTO cases(code, access_hash, institution_id, channel, status, category, urgency,"
        " score, needs_review, signals, text, text_fold, assignee_id, created_by, opened_at,"
        " first_response_at, due_at, resolved_at, closed_at, updated_at, contact,"
        " consent_contact) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
        " ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, c->code);
    if (!rc)
        rc = db_bind_blob(s, 2, c->access_hash, sizeof c->access_hash);
    if (!rc)
        rc = db_bind_int64(s, 3, c->institution_id);
    if (!rc)
        rc = store_bind_str(s, 4, c->channel);
    if (!rc)
        rc = store_bind_str(s, 5, c->status);
    if (!rc)
        rc = store_bind_str(s, 6, c->category);
    if (!rc)
        rc = db_bind_int64(s, 7, c->urgency);
    if (!rc)
        rc = db_bind_int64(s, 8, c->score);
    if (!rc)
        rc = db_bind_int64(s, 9, c->needs_review ? 1 : 0);
    if (!rc)
        rc = store_bind_str(s, 10, c->signals_json ? c->signals_json : "{}");
    if (!rc)
        rc = store_bind_str(s, 11, c->text);
    if (!rc)
        rc = store_bind_str(s, 12, c->text_fold ? c->text_fold : "");
    if (!rc)
        rc = store_bind_opt(s, 13, c->assignee_id);
    if (!rc)
        rc = store_bind_opt(s, 14, c->created_by);
    if (!rc)
        rc = db_bind_int64(s, 15, c->opened_at);
    if (!rc)
        rc = store_bind_opt(s, 16, c->first_response_at);
    if (!rc)
        rc = db_bind_int64(s, 17, c->due_at);
    if (!rc)
        rc = store_bind_opt(s, 18, c->resolved_at);
    if (!rc)
        rc = store_bind_opt(s, 19, c->closed_at);
    if (!rc)
        rc = db_bind_int64(s, 20, c->updated_at);
    if (!rc)
        rc = c->contact ? db_bind_blob(s, 21, c->contact, c->contact_len) : db_bind_null(s, 21);
    if (!rc)
        rc = db_bind_int64(s, 22, c->consent_contact ? 1 : 0);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (rc == TD_ECONFLICT) {
        /* The only unique column a caller can collide on is the code. */
        rc = TD_EEXISTS;
    }
    if (rc)
        return rc;
    *id = db_last_rowid(tx->db);
    return TD_OK; /* the search index follows in the background: store_search_catch_up */
}

/* ---------- the search index ---------- */

#define FTS_BATCH 512

struct fts_job {
    size_t indexed;
    int more;
    int64_t target; /* the newest case when the catch-up began (0: not read yet) */
};

static enum td_err fts_job(struct store_tx *tx, void *arg)
{
    struct fts_job *j = arg;
    struct db_stmt *s = NULL;
    int row = 0;
    int64_t last = 0, upto = 0;
    j->indexed = 0;
    j->more = 0;
    enum td_err rc = db_prepare(
        tx->db,
        "SELECT CAST(value AS INTEGER), (SELECT max(id) FROM (SELECT id FROM cases WHERE id >"
        " CAST(m.value AS INTEGER) ORDER BY id LIMIT ?1)), (SELECT max(id) FROM cases)"
        " FROM meta m WHERE key = 'fts_indexed_id'",
        &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, FTS_BATCH);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && row) {
        last = db_col_int64(s, 0);
        upto = db_col_is_null(s, 1) ? last : db_col_int64(s, 1);
        if (j->target == 0)
            j->target = db_col_is_null(s, 2) ? -1 : db_col_int64(s, 2);
        if (upto > j->target)
            upto = j->target;
        j->more = j->target > upto;
    }
    db_stmt_reset(s);
    if (rc || !row || upto <= last)
        return rc;
    rc = db_prepare(tx->db,
                    "INSERT INTO case_fts(rowid, text_fold) SELECT id, text_fold FROM cases"
                    " WHERE id > ?1 AND id <= ?2 ORDER BY id",
                    &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, last);
    if (!rc)
        rc = db_bind_int64(s, 2, upto);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc)
        j->indexed = (size_t)db_changes(tx->db);
    if (rc)
        return rc;
    rc = db_prepare(tx->db, "UPDATE meta SET value = CAST(?1 AS TEXT) WHERE key = 'fts_indexed_id'",
                    &s);
    if (!rc)
        rc = db_bind_int64(s, 1, upto);
    if (!rc)
        rc = db_step(s, &row);
    if (s)
        db_stmt_reset(s);
    return rc;
}

int store_search_pending(struct store *st)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, pending = 0;
    if (db == NULL)
        return 0;
    if (db_prepare(db,
                   "SELECT (SELECT max(id) FROM cases) > (SELECT CAST(value AS INTEGER) FROM meta"
                   " WHERE key = 'fts_indexed_id')",
                   &s) != TD_OK)
        return 0;
    if (db_step(s, &row) == TD_OK && row)
        pending = db_col_int64(s, 0) != 0;
    db_stmt_reset(s);
    return pending;
}

enum td_err store_search_catch_up(struct store *st, size_t *indexed)
{
    /* Up to the newest case at the start, not "until nothing is pending": under steady intake
     * new cases arrive between two batches, and the loop would never end (it held up the
     * checkpointer for as long as the load lasted, and the WAL grew without bound). */
    struct fts_job j = {0, 1, 0};
    enum td_err rc = TD_OK;
    *indexed = 0;
    while (!rc && j.more) {
        rc = store_write(st, fts_job, &j);
        *indexed += j.indexed;
    }
    return rc;
}

static int64_t col_opt(struct db_stmt *s, int col)
{
    return db_col_is_null(s, col) ? 0 : db_col_int64(s, col);
}

enum td_err store_case_get(struct store *st, struct arena *a, const struct store_scope *scope,
                           const char *code, struct store_case *out)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    if (db == NULL)
        return TD_EDB;
    if (scope->kind == STORE_SCOPE_NONE ||
        (scope->kind == STORE_SCOPE_STUDENT && scope->access_hash == NULL))
        return TD_ENOTFOUND;
    enum td_err rc = db_prepare(
        db,
        "SELECT c.id, c.code, c.institution_id, i.code, c.channel, c.status, c.category,"
        " c.urgency, c.score, c.needs_review, c.signals, c.text, c.assignee_id, a.username,"
        " c.created_by, c.opened_at, c.first_response_at, c.due_at, c.resolved_at, c.closed_at,"
        " c.updated_at, c.contact, c.consent_contact, c.access_hash"
        " FROM cases c JOIN institution i ON i.id = c.institution_id"
        " LEFT JOIN account a ON a.id = c.assignee_id"
        " WHERE c.code = ?1 AND (?2 IN (2, 3) OR c.institution_id = ?3)",
        &s);
    if (rc)
        return rc;
    rc = store_bind_str(s, 1, code);
    if (!rc)
        rc = db_bind_int64(s, 2, (int64_t)scope->kind);
    if (!rc)
        rc = db_bind_int64(s, 3,
                           scope->kind == STORE_SCOPE_INSTITUTION ? scope->institution_id : -1);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && !row)
        rc = TD_ENOTFOUND;
    if (rc)
        goto out;
    size_t hlen = 0;
    const void *h = db_col_blob(s, 23, &hlen);
    if (scope->kind == STORE_SCOPE_STUDENT &&
        (hlen != STORE_HASH_BYTES || sodium_memcmp(h, scope->access_hash, STORE_HASH_BYTES) != 0)) {
        rc = TD_ENOTFOUND;
        goto out;
    }
    memset(out, 0, sizeof *out);
    if (hlen == STORE_HASH_BYTES)
        memcpy(out->access_hash, h, STORE_HASH_BYTES);
    out->id = db_col_int64(s, 0);
    store_col_copy(s, 1, out->code, sizeof out->code);
    out->institution_id = db_col_int64(s, 2);
    store_col_copy(s, 3, out->institution_code, sizeof out->institution_code);
    store_col_copy(s, 4, out->channel, sizeof out->channel);
    store_col_copy(s, 5, out->status, sizeof out->status);
    store_col_copy(s, 6, out->category, sizeof out->category);
    out->urgency = (int)db_col_int64(s, 7);
    out->score = (int)db_col_int64(s, 8);
    out->needs_review = (int)db_col_int64(s, 9);
    out->signals_json = store_col_dup(s, 10, a, &fail);
    out->text = store_col_dup(s, 11, a, &fail);
    out->assignee_id = col_opt(s, 12);
    store_col_copy(s, 13, out->assignee, sizeof out->assignee);
    out->created_by = col_opt(s, 14);
    out->opened_at = db_col_int64(s, 15);
    out->first_response_at = col_opt(s, 16);
    out->due_at = db_col_int64(s, 17);
    out->resolved_at = col_opt(s, 18);
    out->closed_at = col_opt(s, 19);
    out->updated_at = db_col_int64(s, 20);
    size_t clen = 0;
    const void *cb = db_col_blob(s, 21, &clen);
    if (cb && clen) {
        unsigned char *copy = arena_alloc(a, clen);
        if (copy == NULL)
            fail = 1;
        else {
            memcpy(copy, cb, clen);
            out->contact = copy;
            out->contact_len = clen;
        }
    }
    out->consent_contact = (int)db_col_int64(s, 22);
    if (fail)
        rc = TD_ENOMEM;
out:
    db_stmt_reset(s);
    return rc;
}

enum td_err store_case_update(struct store_tx *tx, const struct store_case *c)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "UPDATE cases SET status = ?2, category = ?3, urgency = ?4,"
                                " assignee_id = ?5, due_at = ?6, first_response_at = ?7,"
                                " resolved_at = ?8, closed_at = ?9, updated_at = ?10 WHERE id = ?1",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, c->id);
    if (!rc)
        rc = store_bind_str(s, 2, c->status);
    if (!rc)
        rc = store_bind_str(s, 3, c->category);
    if (!rc)
        rc = db_bind_int64(s, 4, c->urgency);
    if (!rc)
        rc = store_bind_opt(s, 5, c->assignee_id);
    if (!rc)
        rc = db_bind_int64(s, 6, c->due_at);
    if (!rc)
        rc = store_bind_opt(s, 7, c->first_response_at);
    if (!rc)
        rc = store_bind_opt(s, 8, c->resolved_at);
    if (!rc)
        rc = store_bind_opt(s, 9, c->closed_at);
    if (!rc)
        rc = db_bind_int64(s, 10, c->updated_at);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc && db_changes(tx->db) == 0)
        rc = TD_ENOTFOUND;
    return rc;
}

enum td_err store_case_resolved_before(struct store *st, int64_t before, size_t max,
                                       char (*codes)[STORE_CASE_CODE_LEN + 1], size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT code FROM cases WHERE status = 'resolved' AND"
                                " resolved_at < ?1 ORDER BY resolved_at LIMIT ?2",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, before);
    if (!rc)
        rc = db_bind_int64(s, 2, (int64_t)max);
    while (!rc && !(rc = db_step(s, &row)) && row && *n < max)
        store_col_copy(s, 0, codes[(*n)++], STORE_CASE_CODE_LEN + 1);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_case_count(struct store *st, const struct store_scope *scope, int64_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    if (scope->kind != STORE_SCOPE_INSTITUTION && scope->kind != STORE_SCOPE_CITY)
        return TD_OK;
    enum td_err rc =
        db_prepare(db, "SELECT count(*) FROM cases WHERE ?1 = 2 OR institution_id = ?2", &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, (int64_t)scope->kind);
    if (!rc)
        rc = db_bind_int64(s, 2, scope->institution_id);
    if (!rc)
        rc = db_step(s, &row);
    if (!rc && row)
        *n = db_col_int64(s, 0);
    db_stmt_reset(s);
    return rc;
}

/*
 * The scope condition of the per-case lists, on the joined cases row c: parameters ?10 kind,
 * ?11 institution, ?12 access-key hash (student).
 */
#define SCOPE_SQL                                                                                  \
    " AND (?10 = 2 OR (?10 = 1 AND c.institution_id = ?11) OR (?10 = 3 AND c.access_hash = ?12))"

static enum td_err bind_scope(struct db_stmt *s, const struct store_scope *scope)
{
    enum td_err rc = db_bind_int64(s, 10, (int64_t)scope->kind);
    if (!rc)
        rc = db_bind_int64(s, 11, scope->institution_id);
    if (!rc)
        rc = scope->access_hash ? db_bind_blob(s, 12, scope->access_hash, STORE_HASH_BYTES)
                                : db_bind_null(s, 12);
    return rc;
}

/* ---------- messages ---------- */

enum td_err store_message_insert(struct store_tx *tx, int64_t case_id, const char *author_kind,
                                 int64_t author_id, const char *body, size_t body_len, int internal,
                                 int64_t now, int64_t *id)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT INTO message(case_id, author_kind, author_id, body,"
                                " internal, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = store_bind_str(s, 2, author_kind);
    if (!rc)
        rc = store_bind_opt(s, 3, author_id);
    if (!rc)
        rc = db_bind_text(s, 4, body, body_len);
    if (!rc)
        rc = db_bind_int64(s, 5, internal ? 1 : 0);
    if (!rc)
        rc = db_bind_int64(s, 6, now);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    if (!rc && id)
        *id = db_last_rowid(tx->db);
    return rc;
}

enum td_err store_message_list(struct store *st, struct arena *a, const struct store_scope *scope,
                               int64_t case_id, int with_internal, struct store_message **items,
                               size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    size_t cap = 0, cnt = 0;
    struct store_message *v = NULL;
    *items = NULL;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT m.id, m.author_kind, m.author_id, a.display_name, m.body,"
                                " m.internal, m.created_at FROM message m"
                                " JOIN cases c ON c.id = m.case_id"
                                " LEFT JOIN account a ON a.id = m.author_id"
                                " WHERE m.case_id = ?1 AND (?2 = 1 OR m.internal = 0)" SCOPE_SQL
                                " ORDER BY m.id",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = db_bind_int64(s, 2, with_internal ? 1 : 0);
    if (!rc)
        rc = bind_scope(s, scope);
    while (!rc && !(rc = db_step(s, &row)) && row) {
        if (store_grow(a, (void **)&v, &cap, cnt, sizeof *v)) {
            rc = TD_ENOMEM;
            break;
        }
        struct store_message *m = &v[cnt++];
        m->id = db_col_int64(s, 0);
        store_col_copy(s, 1, m->author_kind, sizeof m->author_kind);
        m->author_id = col_opt(s, 2);
        m->author_name = store_col_dup(s, 3, a, &fail);
        m->body = store_col_dup(s, 4, a, &fail);
        m->internal = (int)db_col_int64(s, 5);
        m->created_at = db_col_int64(s, 6);
        if (fail)
            rc = TD_ENOMEM;
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}

/* ---------- events ---------- */

enum td_err store_event_insert(struct store_tx *tx, int64_t case_id, const struct store_event *e)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(tx->db,
                                "INSERT INTO case_event(case_id, actor_id, actor_kind, kind,"
                                " from_value, to_value, reason, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = store_bind_opt(s, 2, e->actor_id);
    if (!rc)
        rc = store_bind_str(s, 3, e->actor_kind);
    if (!rc)
        rc = store_bind_str(s, 4, e->kind);
    if (!rc)
        rc = store_bind_str(s, 5, e->from);
    if (!rc)
        rc = store_bind_str(s, 6, e->to);
    if (!rc)
        rc = store_bind_str(s, 7, e->reason);
    if (!rc)
        rc = db_bind_int64(s, 8, e->created_at);
    if (!rc)
        rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

enum td_err store_event_list(struct store *st, struct arena *a, const struct store_scope *scope,
                             int64_t case_id, struct store_event **items, size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    size_t cap = 0, cnt = 0;
    struct store_event *v = NULL;
    *items = NULL;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT e.actor_kind, e.actor_id, a.username, e.kind, e.from_value,"
                                " e.to_value, e.reason, e.created_at FROM case_event e"
                                " JOIN cases c ON c.id = e.case_id"
                                " LEFT JOIN account a ON a.id = e.actor_id"
                                " WHERE e.case_id = ?1" SCOPE_SQL " ORDER BY e.id",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = bind_scope(s, scope);
    while (!rc && !(rc = db_step(s, &row)) && row) {
        if (store_grow(a, (void **)&v, &cap, cnt, sizeof *v)) {
            rc = TD_ENOMEM;
            break;
        }
        struct store_event *e = &v[cnt++];
        store_col_copy(s, 0, e->actor_kind, sizeof e->actor_kind);
        e->actor_id = col_opt(s, 1);
        e->actor = store_col_dup(s, 2, a, &fail);
        e->kind = store_col_dup(s, 3, a, &fail);
        e->from = store_col_dup(s, 4, a, &fail);
        e->to = store_col_dup(s, 5, a, &fail);
        e->reason = store_col_dup(s, 6, a, &fail);
        e->created_at = db_col_int64(s, 7);
        if (fail)
            rc = TD_ENOMEM;
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}

/* ---------- entities and links ---------- */

enum td_err store_case_add_entities(struct store_tx *tx, int64_t case_id,
                                    const struct store_entity *ents, size_t n, int64_t now)
{
    enum td_err rc = TD_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        struct db_stmt *s = NULL;
        int row = 0;
        rc = db_prepare(tx->db,
                        "INSERT INTO entity(kind, value, linkable, known_bad, first_seen)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, value) DO UPDATE SET"
                        " known_bad = max(known_bad, excluded.known_bad),"
                        " linkable = max(linkable, excluded.linkable) RETURNING id",
                        &s);
        if (rc)
            break;
        rc = store_bind_str(s, 1, ents[i].kind);
        if (!rc)
            rc = store_bind_str(s, 2, ents[i].value);
        if (!rc)
            rc = db_bind_int64(s, 3, ents[i].linkable ? 1 : 0);
        if (!rc)
            rc = db_bind_int64(s, 4, ents[i].known_bad ? 1 : 0);
        if (!rc)
            rc = db_bind_int64(s, 5, now);
        if (!rc)
            rc = db_step(s, &row);
        int64_t eid = (!rc && row) ? db_col_int64(s, 0) : 0;
        if (!rc && row)
            rc = db_step(s, &row); /* finish the statement so the upsert completes */
        db_stmt_reset(s);
        if (!rc && eid == 0)
            rc = TD_EDB;
        if (rc)
            break;
        rc = db_prepare(tx->db,
                        "INSERT OR IGNORE INTO case_entity(case_id, entity_id, span_start,"
                        " span_end) VALUES (?1, ?2, ?3, ?4)",
                        &s);
        if (rc)
            break;
        rc = db_bind_int64(s, 1, case_id);
        if (!rc)
            rc = db_bind_int64(s, 2, eid);
        if (!rc)
            rc = db_bind_int64(s, 3, ents[i].start);
        if (!rc)
            rc = db_bind_int64(s, 4, ents[i].end);
        if (!rc)
            rc = db_step(s, &row);
        db_stmt_reset(s);
    }
    return rc;
}

enum td_err store_entity_list(struct store *st, struct arena *a, const struct store_scope *scope,
                              int64_t case_id, struct store_entity **items, size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    size_t cap = 0, cnt = 0;
    struct store_entity *v = NULL;
    *items = NULL;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    enum td_err rc = db_prepare(db,
                                "SELECT e.kind, e.value, e.linkable, e.known_bad, ce.span_start,"
                                " ce.span_end FROM case_entity ce"
                                " JOIN entity e ON e.id = ce.entity_id"
                                " JOIN cases c ON c.id = ce.case_id"
                                " WHERE ce.case_id = ?1" SCOPE_SQL " ORDER BY ce.span_start, e.id",
                                &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = bind_scope(s, scope);
    while (!rc && !(rc = db_step(s, &row)) && row) {
        if (store_grow(a, (void **)&v, &cap, cnt, sizeof *v)) {
            rc = TD_ENOMEM;
            break;
        }
        struct store_entity *e = &v[cnt++];
        e->kind = store_col_dup(s, 0, a, &fail);
        e->value = store_col_dup(s, 1, a, &fail);
        e->linkable = (int)db_col_int64(s, 2);
        e->known_bad = (int)db_col_int64(s, 3);
        e->start = db_col_int64(s, 4);
        e->end = db_col_int64(s, 5);
        if (fail)
            rc = TD_ENOMEM;
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}

enum td_err store_case_links(struct store *st, struct arena *a, const struct store_scope *scope,
                             int64_t case_id, size_t max, struct store_link **items, size_t *n)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    size_t cap = 0, cnt = 0;
    struct store_link *v = NULL;
    *items = NULL;
    *n = 0;
    if (db == NULL)
        return TD_EDB;
    if (scope->kind != STORE_SCOPE_INSTITUTION && scope->kind != STORE_SCOPE_CITY)
        return TD_OK;
    enum td_err rc = db_prepare(
        db,
        "SELECT c2.code, i.code, e.kind, e.value FROM case_entity ce1"
        " JOIN entity e ON e.id = ce1.entity_id AND e.linkable = 1"
        " JOIN case_entity ce2 ON ce2.entity_id = ce1.entity_id AND ce2.case_id != ce1.case_id"
        " JOIN cases c2 ON c2.id = ce2.case_id"
        " JOIN institution i ON i.id = c2.institution_id"
        " WHERE ce1.case_id = ?1 AND (?2 = 2 OR c2.institution_id = ?3)"
        " GROUP BY c2.id, e.id ORDER BY c2.id DESC, e.id LIMIT ?4",
        &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, case_id);
    if (!rc)
        rc = db_bind_int64(s, 2, (int64_t)scope->kind);
    if (!rc)
        rc = db_bind_int64(s, 3, scope->institution_id);
    if (!rc)
        rc = db_bind_int64(s, 4, (int64_t)max);
    while (!rc && !(rc = db_step(s, &row)) && row) {
        if (store_grow(a, (void **)&v, &cap, cnt, sizeof *v)) {
            rc = TD_ENOMEM;
            break;
        }
        struct store_link *l = &v[cnt++];
        store_col_copy(s, 0, l->code, sizeof l->code);
        store_col_copy(s, 1, l->institution_code, sizeof l->institution_code);
        l->kind = store_col_dup(s, 2, a, &fail);
        l->value = store_col_dup(s, 3, a, &fail);
        if (fail)
            rc = TD_ENOMEM;
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}

/* ---------- the queue ---------- */

#define Q_SELECT                                                                                   \
    "SELECT c.id, c.code, i.code, c.status, c.category, c.channel, c.urgency, c.score,"            \
    " substr(c.text, 1, 160), a.username, c.opened_at, c.due_at, c.first_response_at"              \
    " FROM cases c JOIN institution i ON i.id = c.institution_id"                                  \
    " LEFT JOIN account a ON a.id = c.assignee_id WHERE "
/* ?2..?5 cursor, ?6 status mask, ?7 urgency, ?8 category, ?9 assignee, ?10 since, ?11 limit */
#define Q_FILTER                                                                                   \
    " AND (c.urgency, c.due_at, c.opened_at, c.id) > (?2, ?3, ?4, ?5)"                             \
    " AND (?6 >> (CASE c.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'waiting' THEN 2"        \
    " WHEN 'referred' THEN 3 WHEN 'resolved' THEN 4 ELSE 5 END)) & 1"                              \
    " AND (?7 < 0 OR c.urgency = ?7) AND (?8 IS NULL OR c.category = ?8)"                          \
    " AND (?9 < 0 OR coalesce(c.assignee_id, 0) = ?9) AND c.opened_at > ?10"
#define Q_FTS " AND c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?12)"
#define Q_ORDER " ORDER BY c.urgency, c.due_at, c.opened_at, c.id LIMIT ?11"

static const char q_inst[] = Q_SELECT "c.institution_id = ?1" Q_FILTER Q_ORDER;
static const char q_inst_fts[] = Q_SELECT "c.institution_id = ?1" Q_FILTER Q_FTS Q_ORDER;
static const char q_city[] = Q_SELECT "?1 = ?1" Q_FILTER Q_ORDER;
static const char q_city_fts[] = Q_SELECT "?1 = ?1" Q_FILTER Q_FTS Q_ORDER;

enum td_err store_case_queue(struct store *st, struct arena *a, const struct store_queue_query *q,
                             struct store_queue_item **items, size_t *n, int *more)
{
    struct db *db = store_db(st);
    struct db_stmt *s = NULL;
    int row = 0, fail = 0;
    size_t cnt = 0;
    struct store_queue_item *v = NULL;
    *items = NULL;
    *n = 0;
    *more = 0;
    if (db == NULL)
        return TD_EDB;
    if (q->scope.kind != STORE_SCOPE_INSTITUTION && q->scope.kind != STORE_SCOPE_CITY)
        return TD_OK;
    unsigned limit = q->limit ? q->limit : 50;
    if (limit > 200)
        limit = 200;
    v = arena_calloc(a, limit, sizeof *v);
    if (v == NULL)
        return TD_ENOMEM;
    if (q->match && store_search_pending(st)) {
        size_t done = 0; /* a search sees every case committed before it */
        enum td_err crc = store_search_catch_up(st, &done);
        if (crc)
            return crc;
    }
    const char *sql = q->scope.kind == STORE_SCOPE_CITY ? (q->match ? q_city_fts : q_city)
                                                        : (q->match ? q_inst_fts : q_inst);
    enum td_err rc = db_prepare(db, sql, &s);
    if (rc)
        return rc;
    rc = db_bind_int64(s, 1, q->scope.institution_id);
    if (!rc)
        rc = db_bind_int64(s, 2, q->has_cursor ? q->cur_urgency : -1);
    if (!rc)
        rc = db_bind_int64(s, 3, q->has_cursor ? q->cur_due : INT64_MIN);
    if (!rc)
        rc = db_bind_int64(s, 4, q->has_cursor ? q->cur_opened : INT64_MIN);
    if (!rc)
        rc = db_bind_int64(s, 5, q->has_cursor ? q->cur_id : INT64_MIN);
    if (!rc)
        rc = db_bind_int64(s, 6, q->status_mask ? q->status_mask : 0x1f);
    if (!rc)
        rc = db_bind_int64(s, 7, q->urgency);
    if (!rc)
        rc = store_bind_str(s, 8, q->category);
    if (!rc)
        rc = db_bind_int64(s, 9, q->assignee_id);
    if (!rc)
        rc = db_bind_int64(s, 10, q->since > 0 ? q->since : INT64_MIN);
    if (!rc)
        rc = db_bind_int64(s, 11, (int64_t)limit + 1);
    if (!rc && q->match)
        rc = store_bind_str(s, 12, q->match);
    while (!rc && !(rc = db_step(s, &row)) && row) {
        if (cnt == limit) {
            *more = 1;
            break;
        }
        struct store_queue_item *it = &v[cnt++];
        it->id = db_col_int64(s, 0);
        store_col_copy(s, 1, it->code, sizeof it->code);
        it->institution_code = store_col_dup(s, 2, a, &fail);
        store_col_copy(s, 3, it->status, sizeof it->status);
        store_col_copy(s, 4, it->category, sizeof it->category);
        store_col_copy(s, 5, it->channel, sizeof it->channel);
        it->urgency = (int)db_col_int64(s, 6);
        it->score = (int)db_col_int64(s, 7);
        it->excerpt = store_col_dup(s, 8, a, &fail);
        it->assignee = store_col_dup(s, 9, a, &fail);
        it->opened_at = db_col_int64(s, 10);
        it->due_at = db_col_int64(s, 11);
        it->first_response_at = col_opt(s, 12);
        if (fail)
            rc = TD_ENOMEM;
    }
    db_stmt_reset(s);
    if (!rc) {
        *items = v;
        *n = cnt;
    }
    return rc;
}
