/*
 * store: the only door to persistent data. Callers never see SQL.
 *
 * A data directory holds tongdai.db (SQLite, WAL) and tongdai.key (32-byte secret, mode 0600,
 * hex), created by store_init_datadir(). A struct store is shared by all threads; each thread
 * gets its own connection from store_db() (opened lazily, closed by store_close()).
 */
#ifndef TD_STORE_STORE_H
#define TD_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "store/db.h"

struct store;

#define STORE_KEY_BYTES 32

/**
 * Create dir (mode 0700) if missing, the database with all migrations from
 * <share>/migrations/sqlite, and the key file (0600) if missing. Running it twice changes
 * nothing. *created = 1 if the database did not exist before. TD_EIO / TD_EDB with err filled.
 */
enum td_err store_init_datadir(const char *dir, int *created, char *err, size_t errlen);

/**
 * Open an initialised data directory: checks the key file's mode is 0600 (refuses group/other
 * access), loads the key, applies pending migrations. TD_EIO/TD_EDB with err filled.
 */
enum td_err store_open(const char *dir, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);

/** This thread's connection (opened on first use); NULL if it cannot be opened. */
struct db *store_db(struct store *st);

/** The secret key loaded from tongdai.key (STORE_KEY_BYTES bytes). */
const unsigned char *store_key(const struct store *st);

/** TD_OK when the database answers a read; TD_EDB otherwise. */
enum td_err store_ping(struct store *st);

#endif
