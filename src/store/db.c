#include "store/db.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fileutil.h"

#define DB_STMT_CACHE 64
#define DB_BUSY_MS 5000
#define DB_MIGRATION_MAX (1u << 20)

struct db_stmt {
    sqlite3_stmt *st;
    const char *sql; /* the caller's SQL pointer: statements are static strings */
};

struct db {
    sqlite3 *h;
    struct db_stmt cache[DB_STMT_CACHE];
    size_t ncache;
};

static enum td_err map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return TD_OK;
    case SQLITE_CONSTRAINT:
        return TD_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return TD_EBUSY;
    case SQLITE_NOMEM:
        return TD_ENOMEM;
    case SQLITE_TOOBIG:
        return TD_ETOOBIG;
    default:
        return TD_EDB;
    }
}

enum td_err db_open(const char *path, struct db **out, char *err, size_t errlen)
{
    struct db *db = calloc(1, sizeof *db);
    if (db == NULL) {
        snprintf(err, errlen, "out of memory");
        return TD_ENOMEM;
    }
    int rc = sqlite3_open_v2(
        path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(db->h, DB_BUSY_MS);
    sqlite3_extended_result_codes(db->h, 1);
    static const char *const pragmas = "PRAGMA journal_mode=WAL;"
                                       "PRAGMA synchronous=FULL;"
                                       "PRAGMA foreign_keys=ON;"
                                       "PRAGMA trusted_schema=OFF;"
                                       /* a WAL grown by a burst shrinks when it starts over */
                                       "PRAGMA journal_size_limit=67108864;";
    char *msg = NULL;
    rc = sqlite3_exec(db->h, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        goto fail;
    }
    *out = db;
    return TD_OK;
fail:
    sqlite3_close(db->h);
    free(db);
    return TD_EDB;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].st);
    sqlite3_close(db->h);
    free(db);
}

enum td_err db_exec(struct db *db, const char *sql)
{
    return map_rc(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

enum td_err db_begin(struct db *db)
{
    return db_exec(db, "BEGIN IMMEDIATE");
}

enum td_err db_commit(struct db *db)
{
    return db_exec(db, "COMMIT");
}

enum td_err db_rollback(struct db *db)
{
    if (sqlite3_get_autocommit(db->h))
        return TD_OK;
    return db_exec(db, "ROLLBACK");
}

enum td_err db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    for (size_t i = 0; i < db->ncache; i++) {
        struct db_stmt *s = &db->cache[i];
        if (s->sql == sql || strcmp(sqlite3_sql(s->st), sql) == 0) {
            sqlite3_reset(s->st);
            sqlite3_clear_bindings(s->st);
            *out = s;
            return TD_OK;
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return map_rc(rc) == TD_OK ? TD_EDB : map_rc(rc);
    if (db->ncache == DB_STMT_CACHE) {
        /* Cache full: evict the oldest entry (rare; the statement set is small and fixed). */
        sqlite3_finalize(db->cache[0].st);
        memmove(&db->cache[0], &db->cache[1], (DB_STMT_CACHE - 1) * sizeof db->cache[0]);
        db->ncache--;
    }
    struct db_stmt *s = &db->cache[db->ncache++];
    s->st = st;
    s->sql = sql;
    *out = s;
    return TD_OK;
}

enum td_err db_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(s->st, idx, v));
}

enum td_err db_bind_text(struct db_stmt *s, int idx, const char *p, size_t len)
{
    if (p == NULL)
        return map_rc(sqlite3_bind_null(s->st, idx));
    return map_rc(sqlite3_bind_text64(s->st, idx, p, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

enum td_err db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t len)
{
    return map_rc(sqlite3_bind_blob64(s->st, idx, p, len, SQLITE_TRANSIENT));
}

enum td_err db_bind_null(struct db_stmt *s, int idx)
{
    return map_rc(sqlite3_bind_null(s->st, idx));
}

enum td_err db_step(struct db_stmt *s, int *row)
{
    int rc = sqlite3_step(s->st);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return TD_OK;
    enum td_err e = map_rc(rc);
    sqlite3_reset(s->st);
    return e == TD_OK ? TD_EDB : e;
}

int64_t db_col_int64(struct db_stmt *s, int col)
{
    return sqlite3_column_int64(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col, size_t *len)
{
    const unsigned char *p = sqlite3_column_text(s->st, col);
    if (len)
        *len = p ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
    return (const char *)p;
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(s->st, col);
    if (len)
        *len = (size_t)sqlite3_column_bytes(s->st, col);
    return p;
}

int db_col_is_null(struct db_stmt *s, int col)
{
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

void db_stmt_reset(struct db_stmt *s)
{
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

int64_t db_changes(struct db *db)
{
    return sqlite3_changes64(db->h);
}

int64_t db_last_rowid(struct db *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

const char *db_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->h);
}

/* ---------- migrations ---------- */

struct mig {
    long version;
    char name[256];
};

static int mig_cmp(const void *a, const void *b)
{
    const struct mig *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static int parse_version(const char *name, long *v)
{
    /* NNNN_name.sql */
    long n = 0;
    size_t i = 0;
    for (; name[i] >= '0' && name[i] <= '9'; i++) {
        if (i >= 9)
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    size_t len = strlen(name);
    if (i == 0 || name[i] != '_' || len < 5 || strcmp(name + len - 4, ".sql") != 0)
        return -1;
    *v = n;
    return 0;
}

enum td_err db_migrate(struct db *db, const char *dir, int *applied, char *err, size_t errlen)
{
    enum td_err rc = TD_OK;
    struct mig *migs = NULL;
    size_t n = 0, cap = 0;
    DIR *d = NULL;
    char *sql = NULL;
    *applied = 0;

    rc = db_exec(db,
                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
                 " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    if (rc) {
        snprintf(err, errlen, "schema_migrations: %s", db_errmsg(db));
        goto out;
    }
    d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "%s: cannot open migrations directory", dir);
        rc = TD_EIO;
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long v;
        if (parse_version(e->d_name, &v) != 0 || strlen(e->d_name) >= sizeof migs[0].name)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct mig *nm = realloc(migs, ncap * sizeof *nm);
            if (nm == NULL) {
                rc = TD_ENOMEM;
                goto out;
            }
            migs = nm;
            cap = ncap;
        }
        migs[n].version = v;
        snprintf(migs[n].name, sizeof migs[n].name, "%s", e->d_name);
        n++;
    }
    if (n > 1)
        qsort(migs, n, sizeof *migs, mig_cmp);
    for (size_t i = 0; i + 1 < n; i++) {
        if (migs[i].version == migs[i + 1].version) {
            snprintf(err, errlen, "%s and %s share a version", migs[i].name, migs[i + 1].name);
            rc = TD_EDB;
            goto out;
        }
    }

    for (size_t i = 0; i < n; i++) {
        struct db_stmt *st = NULL;
        int row = 0;
        rc = db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?1", &st);
        if (!rc)
            rc = db_bind_int64(st, 1, migs[i].version);
        if (!rc)
            rc = db_step(st, &row);
        if (st)
            db_stmt_reset(st);
        if (rc) {
            snprintf(err, errlen, "schema_migrations: %s", db_errmsg(db));
            goto out;
        }
        if (row)
            continue;

        char path[1024];
        size_t len = 0;
        if (snprintf(path, sizeof path, "%s/%s", dir, migs[i].name) >= (int)sizeof path) {
            rc = TD_EIO;
            snprintf(err, errlen, "%s: path too long", migs[i].name);
            goto out;
        }
        free(sql);
        sql = NULL;
        rc = td_read_file(path, DB_MIGRATION_MAX, &sql, &len);
        if (rc) {
            snprintf(err, errlen, "%s: cannot read", path);
            goto out;
        }
        rc = db_begin(db);
        if (rc) {
            snprintf(err, errlen, "%s: %s", migs[i].name, db_errmsg(db));
            goto out;
        }
        char *msg = NULL;
        if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", migs[i].name, msg ? msg : db_errmsg(db));
            sqlite3_free(msg);
            db_rollback(db);
            rc = TD_EDB;
            goto out;
        }
        rc = db_prepare(db,
                        "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, "
                        "CAST(strftime('%s','now') AS INTEGER) * 1000)",
                        &st);
        if (!rc)
            rc = db_bind_int64(st, 1, migs[i].version);
        if (!rc)
            rc = db_bind_text(st, 2, migs[i].name, strlen(migs[i].name));
        if (!rc)
            rc = db_step(st, &row);
        if (!rc)
            rc = db_commit(db);
        if (rc) {
            snprintf(err, errlen, "%s: %s", migs[i].name, db_errmsg(db));
            db_rollback(db);
            goto out;
        }
        (*applied)++;
    }
out:
    free(sql);
    free(migs);
    if (d)
        closedir(d);
    return rc;
}

enum td_err db_checkpoint(struct db *db, int *log_frames)
{
    *log_frames = -1;
    return map_rc(
        sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, log_frames, NULL));
}

enum td_err db_ping(struct db *db)
{
    struct db_stmt *st = NULL;
    int row = 0;
    enum td_err rc = db_prepare(db, "SELECT count(*) FROM schema_migrations", &st);
    if (!rc)
        rc = db_step(st, &row);
    if (!rc && !row)
        rc = TD_EDB;
    if (st && !rc)
        db_stmt_reset(st);
    return rc ? TD_EDB : TD_OK;
}
