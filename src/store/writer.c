/*
 * The single writer with group commit.
 *
 * SQLite has one writer at a time, and a durable commit costs one WAL append plus a flush
 * (synchronous=FULL). Request threads therefore do not write themselves: store_write() queues the
 * write and sleeps; the writer thread takes every queued write (up to max_batch), runs each in a
 * savepoint of one transaction, commits once and wakes the waiters. A write is acknowledged only
 * after the commit that contains it returned, so "acknowledged" still means "on disk"; a failing
 * write rolls back to its savepoint without disturbing its batch-mates.
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "lib/log.h"
#include "store/internal.h"

struct store_job {
    store_write_fn fn;
    void *arg;
    enum td_err rc;
    int done;
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

/* Run one write inside the open transaction, isolated by a savepoint. */
static enum td_err run_job(struct store_tx *tx, struct store_job *j)
{
    enum td_err rc = db_exec(tx->db, "SAVEPOINT w");
    if (rc)
        return rc;
    rc = j->fn(tx, j->arg);
    if (rc) {
        if (rc == TD_EDB)
            log_error("msg=\"write failed\" detail=\"%s\"", db_errmsg(tx->db));
        db_exec(tx->db, "ROLLBACK TO w");
        db_exec(tx->db, "RELEASE w");
        return rc;
    }
    return db_exec(tx->db, "RELEASE w");
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
    return rc;
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

        if (tx.db == NULL)
            tx.db = store_db(st);
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

        pthread_mutex_lock(&st->wmu);
        st->wbatches++;
        st->wjobs += n;
        for (struct store_job *j = batch, *next; j; j = next) {
            next = j->next; /* j lives on its waiter's stack: read next before done */
            j->done = 1;
        }
        pthread_cond_broadcast(&st->wdone);
    }
    pthread_mutex_unlock(&st->wmu);
    return NULL;
}

enum td_err store_write(struct store *st, store_write_fn fn, void *arg)
{
    struct store_job job = {fn, arg, TD_OK, 0, NULL};
    pthread_mutex_lock(&st->wmu);
    if (!st->wrunning || st->wstop || pthread_equal(pthread_self(), st->wthread)) {
        pthread_mutex_unlock(&st->wmu);
        return run_inline(st, fn, arg);
    }
    if (st->wtail)
        st->wtail->next = &job;
    else
        st->whead = &job;
    st->wtail = &job;
    pthread_cond_signal(&st->wcond);
    while (!job.done)
        pthread_cond_wait(&st->wdone, &st->wmu);
    pthread_mutex_unlock(&st->wmu);
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
    pthread_cond_signal(&st->wcond);
    pthread_mutex_unlock(&st->wmu);
    pthread_join(st->wthread, NULL);
    pthread_mutex_lock(&st->wmu);
    st->wrunning = 0;
    pthread_mutex_unlock(&st->wmu);
}

void store_writer_stats(struct store *st, uint64_t *batches, uint64_t *jobs)
{
    pthread_mutex_lock(&st->wmu);
    *batches = st->wbatches;
    *jobs = st->wjobs;
    pthread_mutex_unlock(&st->wmu);
}
