/*
 * Private to src/store/: the layout of struct store and helpers shared by the store's files.
 * Nothing outside src/store/ includes this file.
 */
#ifndef TD_STORE_INTERNAL_H
#define TD_STORE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store/db.h"
#include "store/store.h"

#define STORE_MAX_CONNS 256

struct store_job; /* one queued write (writer.c) */

struct store {
    char db_path[PATH_MAX];
    unsigned char key[STORE_KEY_BYTES];
    unsigned char audit_key[32]; /* subkey for the audit chain's keyed hash */
    unsigned char hash_key[32];  /* subkey for access-key and session-token hashes */
    pthread_key_t tls;
    pthread_mutex_t mu;
    struct db *conns[STORE_MAX_CONNS]; /* every connection opened, closed by store_close */
    size_t nconns;

    /* Group-commit writer (writer.c). Protected by wmu. */
    pthread_mutex_t wmu;
    pthread_cond_t wcond; /* signalled when a job is queued or on stop */
    struct store_job *whead, *wtail;
    pthread_t wthread;
    int wrunning, wstop;
    unsigned wmax_batch;
    uint64_t wbatches, wjobs; /* statistics */
    pthread_t cthread;        /* checkpointer (writer.c), runs while the writer runs */
    pthread_cond_t ccond;     /* wakes the checkpointer on stop */
    int crunning;
    uint64_t ckpt_done_at;       /* wbatches at the last checkpoint */
    int ckpt_finish;             /* the writer is to finish a checkpoint between two batches */
    _Atomic uint64_t generation; /* +1 after every commit through store_write */
};

/** The write transaction handed to a store_write() callback. */
struct store_tx {
    struct store *st;
    struct db *db;
};

/** Copy a text column into out[n] (truncating; "" for NULL). */
void store_col_copy(struct db_stmt *s, int col, char *out, size_t n);
/** A text column copied into the arena, or NULL for SQL NULL. *fail set on allocation failure. */
const char *store_col_dup(struct db_stmt *s, int col, struct arena *a, int *fail);
/** Bind a NUL-terminated string, or NULL. */
enum td_err store_bind_str(struct db_stmt *s, int idx, const char *str);
/** Bind v, or NULL when v == 0 (optional times and ids). */
enum td_err store_bind_opt(struct db_stmt *s, int idx, int64_t v);

/**
 * Make room for one more element in an arena array (*v, *cap elements of size sz, cnt used).
 * Returns 0, or -1 when the arena is exhausted.
 */
int store_grow(struct arena *a, void **v, size_t *cap, size_t cnt, size_t sz);

/** Derive the store's subkeys from its key (called by store_open). */
void store_derive_keys(struct store *st);

#endif
