#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "store/internal.h"

static int join(char *out, size_t n, const char *dir, const char *name)
{
    int w = snprintf(out, n, "%s/%s", dir, name);
    return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

static enum td_err write_key(const char *path, char *err, size_t errlen)
{
    unsigned char key[STORE_KEY_BYTES];
    char hex[STORE_KEY_BYTES * 2 + 2];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex - 1, key, sizeof key);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    sodium_memzero(key, sizeof key);
    /* O_EXCL: never overwrite an existing key (that would make sealed data unreadable). */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        sodium_memzero(hex, sizeof hex);
        return TD_EIO;
    }
    ssize_t w = write(fd, hex, len);
    int ok = w == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    sodium_memzero(hex, sizeof hex);
    if (!ok) {
        unlink(path);
        snprintf(err, errlen, "%s: write failed", path);
        return TD_EIO;
    }
    return TD_OK;
}

static enum td_err read_key(const char *path, unsigned char *key, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return TD_EIO;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "%s: mode %03o, must be 0600 (chmod 600 %s)", path,
                 (unsigned)(st.st_mode & 0777), path);
        return TD_EIO;
    }
    char *buf = NULL;
    size_t len = 0;
    enum td_err rc = td_read_file(path, 4096, &buf, &len);
    if (rc) {
        snprintf(err, errlen, "%s: cannot read key file", path);
        return TD_EIO;
    }
    size_t bin_len = 0;
    if (sodium_hex2bin(key, STORE_KEY_BYTES, buf, len, " \r\n", &bin_len, NULL) != 0 ||
        bin_len != STORE_KEY_BYTES) {
        snprintf(err, errlen, "%s: not a %d-byte hex key", path, STORE_KEY_BYTES);
        rc = TD_EIO;
    }
    sodium_memzero(buf, len);
    free(buf);
    return rc;
}

static enum td_err migrate(struct db *db, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    if (td_share_path("migrations/sqlite", dir, sizeof dir) != 0) {
        snprintf(err, errlen, "migrations path too long");
        return TD_EIO;
    }
    int applied = 0;
    enum td_err rc = db_migrate(db, dir, &applied, err, errlen);
    if (!rc && applied > 0)
        log_info("msg=\"migrations applied\" count=%d", applied);
    return rc;
}

/*
 * The database remembers a check value of its key (meta.key_check = hex BLAKE2b-256 of a fixed
 * label under the key), so that a key file from another installation, or a regenerated one, is
 * refused instead of silently sealing new data under a different key. Written on first use.
 */
static enum td_err check_key(struct db *db, const unsigned char *key, const char *key_path,
                             char *err, size_t errlen)
{
    static const char label[] = "tongdai key check v1";
    unsigned char mac[32];
    char hex[65];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)label, sizeof label - 1, key,
                       STORE_KEY_BYTES);
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    struct db_stmt *q = NULL;
    int row = 0;
    enum td_err rc = db_prepare(db, "SELECT value FROM meta WHERE key = 'key_check'", &q);
    if (!rc)
        rc = db_step(q, &row);
    if (rc) {
        snprintf(err, errlen, "key check: %s", db_errmsg(db));
        return TD_EDB;
    }
    if (row) {
        size_t len = 0;
        const char *v = db_col_text(q, 0, &len);
        int same = v != NULL && len == 64 && sodium_memcmp(v, hex, 64) == 0;
        db_stmt_reset(q);
        if (!same) {
            snprintf(err, errlen,
                     "%s does not belong to this database (its check value differs): restore "
                     "the key file that was backed up with the database",
                     key_path);
            return TD_EIO;
        }
        return TD_OK;
    }
    db_stmt_reset(q);
    rc = db_prepare(db, "INSERT INTO meta(key, value) VALUES ('key_check', ?1)", &q);
    if (!rc)
        rc = db_bind_text(q, 1, hex, 64);
    if (!rc)
        rc = db_step(q, &row);
    if (rc) {
        snprintf(err, errlen, "key check: %s", db_errmsg(db));
        return TD_EDB;
    }
    return TD_OK;
}

int store_datadir_has_db(const char *dir)
{
    char db_path[PATH_MAX];
    struct stat st;
    return join(db_path, sizeof db_path, dir, "tongdai.db") == 0 && stat(db_path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

enum td_err store_init_datadir(const char *dir, int *created, char *err, size_t errlen)
{
    char db_path[PATH_MAX], key_path[PATH_MAX];
    struct db *db = NULL;
    enum td_err rc = TD_OK;
    *created = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return TD_EINTERNAL;
    }
    if (join(db_path, sizeof db_path, dir, "tongdai.db") ||
        join(key_path, sizeof key_path, dir, "tongdai.key")) {
        snprintf(err, errlen, "data directory path too long");
        return TD_EIO;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return TD_EIO;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", dir);
        return TD_EIO;
    }
    *created = access(db_path, F_OK) != 0;
    if (access(key_path, F_OK) != 0) {
        /* A new key beside an existing database would lock every student out of their case,
         * make sealed contact details unreadable and break the audit chain: refuse. */
        if (!*created) {
            snprintf(err, errlen,
                     "%s is missing but %s exists: restore the key file from the backup taken "
                     "with the database (a new key cannot read what the old one sealed)",
                     key_path, db_path);
            return TD_EIO;
        }
        rc = write_key(key_path, err, errlen);
        if (rc)
            return rc;
    }
    unsigned char key[STORE_KEY_BYTES];
    rc = read_key(key_path, key, err, errlen);
    if (rc)
        return rc;
    rc = db_open(db_path, &db, err, errlen);
    if (!rc)
        rc = migrate(db, err, errlen);
    if (!rc)
        rc = check_key(db, key, key_path, err, errlen);
    sodium_memzero(key, sizeof key);
    db_close(db);
    if (!rc)
        chmod(db_path, 0600);
    return rc;
}

enum td_err store_open(const char *dir, struct store **out, char *err, size_t errlen)
{
    enum td_err rc = TD_OK;
    char key_path[PATH_MAX];
    struct db *db = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return TD_EINTERNAL;
    }
    struct store *st = calloc(1, sizeof *st);
    if (st == NULL) {
        snprintf(err, errlen, "out of memory");
        return TD_ENOMEM;
    }
    if (join(st->db_path, sizeof st->db_path, dir, "tongdai.db") ||
        join(key_path, sizeof key_path, dir, "tongdai.key")) {
        snprintf(err, errlen, "data directory path too long");
        free(st);
        return TD_EIO;
    }
    rc = read_key(key_path, st->key, err, errlen);
    if (rc)
        goto fail;
    if (access(st->db_path, F_OK) != 0) {
        snprintf(err, errlen, "%s: no database (run tongdai init)", st->db_path);
        rc = TD_EDB;
        goto fail;
    }
    rc = db_open(st->db_path, &db, err, errlen);
    if (rc)
        goto fail;
    rc = migrate(db, err, errlen);
    if (rc)
        goto fail;
    rc = check_key(db, st->key, key_path, err, errlen);
    if (rc)
        goto fail;
    if (pthread_key_create(&st->tls, NULL) != 0) {
        snprintf(err, errlen, "pthread_key_create failed");
        rc = TD_EINTERNAL;
        goto fail;
    }
    pthread_mutex_init(&st->mu, NULL);
    pthread_mutex_init(&st->wmu, NULL);
    pthread_cond_init(&st->wcond, NULL);
    pthread_cond_init(&st->ccond, NULL);
    store_derive_keys(st);
    st->conns[st->nconns++] = db;
    pthread_setspecific(st->tls, db);
    *out = st;
    return TD_OK;
fail:
    db_close(db);
    sodium_memzero(st->key, sizeof st->key);
    free(st);
    return rc;
}

struct db *store_db(struct store *st)
{
    struct db *db = pthread_getspecific(st->tls);
    if (db)
        return db;
    char err[256];
    pthread_mutex_lock(&st->mu);
    if (st->nconns < STORE_MAX_CONNS && db_open(st->db_path, &db, err, sizeof err) == TD_OK) {
        st->conns[st->nconns++] = db;
        pthread_setspecific(st->tls, db);
    } else {
        log_error("msg=\"cannot open database connection\" detail=\"%s\"", err);
        db = NULL;
    }
    pthread_mutex_unlock(&st->mu);
    return db;
}

const unsigned char *store_key(const struct store *st)
{
    return st->key;
}

enum td_err store_ping(struct store *st)
{
    struct db *db = store_db(st);
    if (db == NULL)
        return TD_EDB;
    return db_ping(db);
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    store_writer_stop(st);
    pthread_mutex_lock(&st->mu);
    for (size_t i = 0; i < st->nconns; i++)
        db_close(st->conns[i]);
    st->nconns = 0;
    pthread_mutex_unlock(&st->mu);
    pthread_key_delete(st->tls);
    pthread_mutex_destroy(&st->mu);
    pthread_mutex_destroy(&st->wmu);
    pthread_cond_destroy(&st->wcond);
    pthread_cond_destroy(&st->ccond);
    sodium_memzero(st, sizeof *st);
    free(st);
}
