/*
 * db: a thin SQL layer over SQLite (the embedded default). Only src/store/ includes this file;
 * everything else goes through store.h. Parameterised SQL only: values are always bound, never
 * pasted into SQL text.
 *
 * A struct db is one connection, used by one thread at a time. Prepared statements are cached
 * per connection by SQL text; db_stmt_reset() (or the next db_prepare of the same SQL) makes a
 * cached statement reusable. Every connection runs with WAL, synchronous=FULL, foreign_keys=ON
 * and a busy timeout.
 */
#ifndef TD_STORE_DB_H
#define TD_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct db;
struct db_stmt;

/** Open (creating if needed) the database file. TD_EDB with a message in err on failure. */
enum td_err db_open(const char *path, struct db **out, char *err, size_t errlen);
/** Finalise cached statements and close. NULL is a no-op. */
void db_close(struct db *db);

/** Run one or more statements without parameters (schema, pragmas). */
enum td_err db_exec(struct db *db, const char *sql);

/** Begin an IMMEDIATE transaction (takes the write lock up front), commit, roll back. */
enum td_err db_begin(struct db *db);
enum td_err db_commit(struct db *db);
enum td_err db_rollback(struct db *db);

/** A cached prepared statement for sql (reset and with bindings cleared). */
enum td_err db_prepare(struct db *db, const char *sql, struct db_stmt **out);
/* Bind parameter idx (1-based). Text is copied by SQLite. */
enum td_err db_bind_int64(struct db_stmt *s, int idx, int64_t v);
enum td_err db_bind_text(struct db_stmt *s, int idx, const char *p, size_t len);
enum td_err db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t len);
enum td_err db_bind_null(struct db_stmt *s, int idx);
/**
 * Step: TD_OK with *row = 1 when a row is ready, TD_OK with *row = 0 when done,
 * TD_ECONFLICT on a constraint violation, TD_EBUSY when locked past the timeout, TD_EDB otherwise.
 */
enum td_err db_step(struct db_stmt *s, int *row);
int64_t db_col_int64(struct db_stmt *s, int col);
/** Column text (NUL-terminated, valid until the next step/reset) or NULL; length in *len. */
const char *db_col_text(struct db_stmt *s, int col, size_t *len);
const void *db_col_blob(struct db_stmt *s, int col, size_t *len);
int db_col_is_null(struct db_stmt *s, int col);
void db_stmt_reset(struct db_stmt *s);
/** Rows changed by the last statement; rowid of the last insert. */
int64_t db_changes(struct db *db);
int64_t db_last_rowid(struct db *db);
/** Last SQLite error message (for logs; never shown to users). */
const char *db_errmsg(struct db *db);

/**
 * Apply migrations: every file NNNN_name.sql in dir whose version is not yet in
 * schema_migrations, in numeric order, each in its own transaction together with its row in
 * schema_migrations. A failing migration rolls back and leaves the database as it was;
 * TD_EDB with "FILE: message" in err. *applied counts the files applied now.
 */
enum td_err db_migrate(struct db *db, const char *dir, int *applied, char *err, size_t errlen);

/**
 * A PASSIVE checkpoint: copies what it can of the WAL into the database file without blocking
 * readers or the writer. *log_frames: the WAL's length in frames as the checkpoint saw it (-1
 * when not in WAL mode).
 */
enum td_err db_checkpoint(struct db *db, int *log_frames);

/** SELECT 1 from schema_migrations: TD_OK when the database can be read. */
enum td_err db_ping(struct db *db);

#endif
