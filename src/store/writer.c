/*
 * The single writer with group commit.
 *
 * SQLite has one writer at a time, and a durable commit costs one WAL append plus a flush
 * (synchronous=FULL). Request threads therefore do not write themselves: store_write() queues the
 * write and sleeps; the writer thread takes every queued write (up to max_batch), runs each in a
 * savepoint of one transaction, commits once and wakes the waiters. A write is acknowledged only
 * after the commit that contains it returned, so "acknowledged" still means "on disk"; a failing
 * write rolls back to its savepoint without disturbing its batch-mates.
 *
 * Checkpoints: SQLite's automatic checkpoint would run inside a commit on the writer's
 * connection (copying the WAL into the database file and flushing it), stalling every waiting
 * request for tens of milliseconds. While the writer runs, its connection has
 * wal_autocheckpoint=0 and a checkpointer thread runs PASSIVE checkpoints on its own connection
 * (every CKPT_EVERY_MS when something was committed), which do not block commits. The same
 * thread brings the full-text index up to date first (store_search_catch_up): one FTS5 segment
 * per CKPT_EVERY_MS instead of one per commit.
 *
 * A PASSIVE checkpoint under steady writes never catches up completely: the writer appends while
 * it copies. SQLite starts the WAL over from its beginning only when every frame is in the
 * database file, so the WAL would grow without bound for as long as the load lasts (seen: 900 MB
 * in 8 s of intake), every commit appending to fresh blocks of a growing file. So when the WAL
 * is longer than CKPT_FINISH_FRAMES after the checkpointer's pass, the checkpointer asks the
 * writer to finish: between two batches, when nothing can be appended, the writer checkpoints
 * the frames written since the pass began (5 to 7 ms at 6,000 intakes a second), and its next
 * transaction starts the WAL over, rewriting blocks that are already allocated and cached.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "store/internal.h"

#define CKPT_EVERY_MS 250
#define CKPT_FINISH_FRAMES 1000 /* about 4 MB of WAL: SQLite's own automatic checkpoint size */

struct store_job {
    store_write_fn fn;
    void *arg;
    enum td_err rc;
    int done;
    pthread_cond_t cond; /* its waiter sleeps on it: a commit wakes only its own writers */
    struct store_job *next;
};

void store_derive_keys(struct store *st)
{
    static const char audit_ctx[] = "tongdai audit chain v1";
    static const char hash_ctx[] = "tongdai secret hash v1";
    crypto_generichash(st->audit_key, sizeof st->audit_key, (const unsigned char *)audit_ctx,
                       sizeof audit_ctx - 1, st->key, sizeof st->key);
    crypto_generichash(st->hash_key, sizeof st->hash_key, (const unsigned char *)hash_ctx,
                       sizeof hash_ctx - 1, st->key, sizeof st->key);
}

void store_secret_hash(const struct store *st, const char *token, size_t len, unsigned char *out)
{
    crypto_generichash(out, STORE_HASH_BYTES, (const unsigned char *)token, len, st->hash_key,
                       sizeof st->hash_key);
}

struct store *store_tx_store(struct store_tx *tx)
{
    return tx->st;
}

/* A statement without parameters or rows, through the statement cache (no re-parse per write). */
static enum td_err exec_cached(struct db *db, const char *sql)
{
    struct db_stmt *s = NULL;
    int row = 0;
    enum td_err rc = db_prepare(db, sql, &s);
    if (rc)
        return rc;
    rc = db_step(s, &row);
    db_stmt_reset(s);
    return rc;
}

/* Run one write inside the open transaction, isolated by a savepoint. */
static enum td_err run_job(struct store_tx *tx, struct store_job *j)
{
    enum td_err rc = exec_cached(tx->db, "SAVEPOINT w");
    if (rc)
        return rc;
    rc = j->fn(tx, j->arg);
    if (rc) {
        if (rc == TD_EDB)
            log_error("msg=\"write failed\" detail=\"%s\"", db_errmsg(tx->db));
        exec_cached(tx->db, "ROLLBACK TO w");
        exec_cached(tx->db, "RELEASE w");
        return rc;
    }
    return exec_cached(tx->db, "RELEASE w");
}

static enum td_err run_inline(struct store *st, store_write_fn fn, void *arg)
{
    struct store_tx tx = {st, store_db(st)};
    if (tx.db == NULL)
        return TD_EDB;
    enum td_err rc = db_begin(tx.db);
    if (rc)
        return rc;
    rc = fn(&tx, arg);
    if (rc) {
        if (rc == TD_EDB)
            log_error("msg=\"write failed\" detail=\"%s\"", db_errmsg(tx.db));
        db_rollback(tx.db);
        return rc;
    }
    rc = db_commit(tx.db);
    if (rc)
        db_rollback(tx.db);
    else
        atomic_fetch_add(&st->generation, 1);
    return rc;
}

uint64_t store_generation(struct store *st)
{
    return atomic_load(&st->generation);
}

static void *writer_main(void *p)
{
    struct store *st = p;
    struct store_tx tx = {st, NULL};
    pthread_mutex_lock(&st->wmu);
    for (;;) {
        while (st->whead == NULL && !st->wstop)
            pthread_cond_wait(&st->wcond, &st->wmu);
        if (st->whead == NULL)
            break;
        /* Take up to wmax_batch jobs off the queue. */
        struct store_job *batch = st->whead, *last = batch;
        unsigned n = 1;
        while (last->next && n < st->wmax_batch) {
            last = last->next;
            n++;
        }
        st->whead = last->next;
        if (st->whead == NULL)
            st->wtail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&st->wmu);

        if (tx.db == NULL) {
            tx.db = store_db(st);
            if (tx.db)
                db_exec(tx.db, "PRAGMA wal_autocheckpoint=0");
        }
        enum td_err rc = tx.db ? db_begin(tx.db) : TD_EDB;
        for (struct store_job *j = batch; j; j = j->next)
            j->rc = rc ? rc : run_job(&tx, j);
        if (!rc) {
            rc = db_commit(tx.db);
            if (rc) {
                log_error("msg=\"batch commit failed\" writes=%u detail=\"%s\"", n,
                          db_errmsg(tx.db));
                db_rollback(tx.db);
                for (struct store_job *j = batch; j; j = j->next)
                    if (j->rc == TD_OK)
                        j->rc = rc;
            }
        }

        atomic_fetch_add(&st->generation, 1); /* before anyone is told it committed */
        pthread_mutex_lock(&st->wmu);
        st->wbatches++;
        st->wjobs += n;
        for (struct store_job *j = batch, *next; j; j = next) {
            next = j->next; /* j lives on its waiter's stack: read next before done */
            j->done = 1;
            pthread_cond_signal(&j->cond);
        }
        if (st->ckpt_finish && tx.db) {
            st->ckpt_finish = 0;
            pthread_mutex_unlock(&st->wmu);
            int log = 0;
            if (db_checkpoint(tx.db, &log) != TD_OK)
                log_warn("msg=\"checkpoint failed\" detail=\"%s\"", db_errmsg(tx.db));
            pthread_mutex_lock(&st->wmu);
        }
    }
    pthread_mutex_unlock(&st->wmu);
    return NULL;
}

static void *checkpointer_main(void *p)
{
    struct store *st = p;
    struct db *db = NULL;
    pthread_mutex_lock(&st->wmu);
    while (!st->wstop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)CKPT_EVERY_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        int r = 0;
        while (!st->wstop && r != ETIMEDOUT)
            r = pthread_cond_timedwait(&st->ccond, &st->wmu, &ts);
        if (st->wstop || st->wbatches == st->ckpt_done_at)
            continue;
        st->ckpt_done_at = st->wbatches;
        pthread_mutex_unlock(&st->wmu);
        size_t indexed = 0;
        if (store_search_pending(st) && store_search_catch_up(st, &indexed) != TD_OK)
            log_warn("msg=\"search index catch-up failed\"");
        if (db == NULL)
            db = store_db(st);
        int log = 0;
        if (db && db_checkpoint(db, &log) != TD_OK)
            log_warn("msg=\"checkpoint failed\" detail=\"%s\"", db_errmsg(db));
        pthread_mutex_lock(&st->wmu);
        if (log > CKPT_FINISH_FRAMES)
            st->ckpt_finish = 1; /* the writer finishes it between two batches */
    }
    pthread_mutex_unlock(&st->wmu);
    return NULL;
}

enum td_err store_write(struct store *st, store_write_fn fn, void *arg)
{
    struct store_job job = {.fn = fn, .arg = arg, .rc = TD_OK};
    pthread_mutex_lock(&st->wmu);
    if (!st->wrunning || st->wstop || pthread_equal(pthread_self(), st->wthread)) {
        pthread_mutex_unlock(&st->wmu);
        return run_inline(st, fn, arg);
    }
    pthread_cond_init(&job.cond, NULL);
    if (st->wtail)
        st->wtail->next = &job;
    else
        st->whead = &job;
    st->wtail = &job;
    pthread_cond_signal(&st->wcond);
    while (!job.done)
        pthread_cond_wait(&job.cond, &st->wmu);
    pthread_mutex_unlock(&st->wmu);
    pthread_cond_destroy(&job.cond);
    return job.rc;
}

enum td_err store_writer_start(struct store *st, unsigned max_batch)
{
    enum td_err rc = TD_OK;
    pthread_mutex_lock(&st->wmu);
    if (st->wrunning)
        goto out;
    st->wmax_batch = max_batch ? max_batch : 64;
    st->wstop = 0;
    if (pthread_create(&st->wthread, NULL, writer_main, st) != 0) {
        rc = TD_EINTERNAL;
        goto out;
    }
    st->wrunning = 1;
    st->crunning = pthread_create(&st->cthread, NULL, checkpointer_main, st) == 0;
    if (!st->crunning)
        log_warn("msg=\"no checkpointer thread: checkpoints run inside commits\"");
out:
    pthread_mutex_unlock(&st->wmu);
    return rc;
}

void store_writer_stop(struct store *st)
{
    pthread_mutex_lock(&st->wmu);
    if (!st->wrunning) {
        pthread_mutex_unlock(&st->wmu);
        return;
    }
    st->wstop = 1;
    pthread_cond_broadcast(&st->wcond);
    pthread_cond_broadcast(&st->ccond);
    pthread_mutex_unlock(&st->wmu);
    pthread_join(st->wthread, NULL);
    if (st->crunning)
        pthread_join(st->cthread, NULL);
    pthread_mutex_lock(&st->wmu);
    st->wrunning = 0;
    st->crunning = 0;
    pthread_mutex_unlock(&st->wmu);
    /* The writer's connection checkpoints automatically again (writes now run inline). */
    struct db *db = store_db(st);
    if (db)
        db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
}

void store_writer_stats(struct store *st, uint64_t *batches, uint64_t *jobs)
{
    pthread_mutex_lock(&st->wmu);
    *batches = st->wbatches;
    *jobs = st->wjobs;
    pthread_mutex_unlock(&st->wmu);
}
