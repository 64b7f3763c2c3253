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
#include "lib/arena.h"
#include "lib/strbuf.h"
#include "store/db.h"

struct store;

#define STORE_KEY_BYTES 32

/**
 * Create dir (mode 0700) if missing, the database with all migrations from
 * <share>/migrations/sqlite, and the key file (0600) if missing. Running it twice changes
 * nothing. *created = 1 if the database did not exist before. TD_EIO / TD_EDB with err filled.
 */
enum td_err store_init_datadir(const char *dir, int *created, char *err, size_t errlen);

/** Whether dir holds a database (tongdai.db, a regular file). Creates nothing. */
int store_datadir_has_db(const char *dir);

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

/* ====================================================================================== */
/* Scope: every query about cases takes the caller's scope and never returns a row outside */
/* it (TD_ENOTFOUND instead, so existence does not leak).                                   */
/* ====================================================================================== */

enum store_scope_kind {
    STORE_SCOPE_NONE = 0,        /* sees no case at all (admin, anonymous) */
    STORE_SCOPE_INSTITUTION = 1, /* cases of institution_id only */
    STORE_SCOPE_CITY = 2,        /* every institution's cases */
    STORE_SCOPE_STUDENT = 3,     /* the one case whose access-key hash equals access_hash */
};

struct store_scope {
    enum store_scope_kind kind;
    int64_t institution_id;           /* STORE_SCOPE_INSTITUTION */
    const unsigned char *access_hash; /* STORE_SCOPE_STUDENT: STORE_HASH_BYTES */
};

#define STORE_HASH_BYTES 32

/**
 * Keyed BLAKE2b-256 of a secret token (case access key, session token) under a subkey of the
 * key file, so that a copy of the database alone cannot test guesses. out: STORE_HASH_BYTES.
 */
void store_secret_hash(const struct store *st, const char *token, size_t len, unsigned char *out);

/* ====================================================================================== */
/* Writes: one writer, group commit.                                                        */
/* ====================================================================================== */

struct store_tx; /* a write in progress; valid only inside the callback */

/**
 * A write: runs inside a transaction (a savepoint of the writer's batch) on the writer's
 * connection. Returning non-zero rolls back this write only. Reads through the store_* read
 * functions from inside the callback see the batch's uncommitted rows.
 */
typedef enum td_err (*store_write_fn)(struct store_tx *tx, void *arg);

/**
 * Run fn(tx, arg) in a transaction and return only after it is durably committed (or failed):
 * fn's error, TD_EDB/TD_EBUSY if the commit failed, TD_OK after commit. With the writer thread
 * running (store_writer_start), concurrent calls are grouped into one commit; without it the
 * write runs on the calling thread (BEGIN IMMEDIATE ... COMMIT). fn runs on another thread in
 * the first case: it must not use thread-local state of the caller.
 */
enum td_err store_write(struct store *st, store_write_fn fn, void *arg);

/** The store the transaction belongs to (for read calls inside a write). */
struct store *store_tx_store(struct store_tx *tx);

/**
 * Start the writer thread: it takes every waiting write (up to max_batch) into one transaction,
 * commits once, then wakes every waiter. TD_EINTERNAL if the thread cannot start.
 */
enum td_err store_writer_start(struct store *st, unsigned max_batch);
/** Stop after finishing queued writes; no-op when not running. store_close() calls it. */
void store_writer_stop(struct store *st);
/**
 * A number that changes after every commit made through store_write() in this process (for
 * caches of rendered data; writes by other processes are not seen: bound such caches in time).
 */
uint64_t store_generation(struct store *st);
/** Batches and writes committed by the writer so far (statistics for benchmarks and logs). */
void store_writer_stats(struct store *st, uint64_t *batches, uint64_t *jobs);

/* ====================================================================================== */
/* Institutions                                                                             */
/* ====================================================================================== */

#define STORE_CODE_MAX 32  /* institution code */
#define STORE_NAME_MAX 800 /* bytes: 200 characters of up to 4 bytes */
#define STORE_USERNAME_MAX 64

struct store_institution {
    int64_t id;
    char code[STORE_CODE_MAX + 1];
    char name[STORE_NAME_MAX + 1];
    int64_t students, staff; /* -1 when unknown */
};

/** Insert; TD_EEXISTS if the code is taken. *id may be NULL. */
enum td_err store_institution_insert(struct store_tx *tx, const struct store_institution *in,
                                     int64_t now, int64_t *id);
/** By code, without regard to ASCII case (codes are stored upper-cased); TD_ENOTFOUND. */
enum td_err store_institution_get(struct store *st, const char *code,
                                  struct store_institution *out);
/** All institutions ordered by code, in the arena. */
enum td_err store_institution_list(struct store *st, struct arena *a,
                                   struct store_institution **items, size_t *n);

/* ====================================================================================== */
/* Accounts and sessions                                                                    */
/* ====================================================================================== */

struct store_account {
    int64_t id;
    char username[STORE_USERNAME_MAX + 1];
    char display_name[STORE_NAME_MAX + 1];
    char role[16];                             /* counsellor, lead, city, admin */
    int64_t institution_id;                    /* 0 for city and admin */
    char institution_code[STORE_CODE_MAX + 1]; /* "" for city and admin */
    int disabled;
    char pw_hash[160]; /* argon2id string (crypto_pwhash_STRBYTES) */
};

/** Insert; TD_EEXISTS if the username is taken. */
enum td_err store_account_insert(struct store_tx *tx, const struct store_account *in, int64_t now,
                                 int64_t *id);
/** By username (exact); TD_ENOTFOUND. Disabled accounts are returned (disabled = 1). */
enum td_err store_account_get(struct store *st, const char *username, struct store_account *out);
/**
 * Account by username inside an institution (for assignment): enabled counsellors and leads of
 * institution_id only; TD_ENOTFOUND otherwise.
 */
enum td_err store_account_get_staff(struct store *st, int64_t institution_id, const char *username,
                                    struct store_account *out);
/** Set or clear disabled; disabling also deletes the account's sessions. TD_ENOTFOUND. */
enum td_err store_account_set_disabled(struct store_tx *tx, const char *username, int disabled,
                                       int64_t now);
/** Replace the password hash (rehash on login after a cost change). */
enum td_err store_account_set_password(struct store_tx *tx, int64_t account_id, const char *pw_hash,
                                       int64_t now);

enum td_err store_session_insert(struct store_tx *tx, const unsigned char *token_hash,
                                 int64_t account_id, int64_t now, int64_t expires_at);
/**
 * The enabled account owning an unexpired session (expires_at > now), and the session's
 * last_seen. TD_ENOTFOUND (also for disabled accounts and expired sessions).
 */
enum td_err store_session_lookup(struct store *st, const unsigned char *token_hash, int64_t now,
                                 struct store_account *acct, int64_t *last_seen);
enum td_err store_session_touch(struct store_tx *tx, const unsigned char *token_hash, int64_t now,
                                int64_t expires_at);
enum td_err store_session_delete(struct store_tx *tx, const unsigned char *token_hash);

/* ====================================================================================== */
/* Cases                                                                                    */
/* ====================================================================================== */

#define STORE_CASE_CODE_LEN 8

/** A case as stored. Strings point into the arena given to the read call. */
struct store_case {
    int64_t id;
    char code[STORE_CASE_CODE_LEN + 1];
    int64_t institution_id;
    char institution_code[STORE_CODE_MAX + 1];
    char channel[8];
    char status[12];
    char category[24];
    int urgency; /* rank: 0 critical, 1 high, 2 medium, 3 low */
    int score;
    int needs_review;
    const char *signals_json; /* {"signals":[...],"reasons":[...]} */
    const char *text;
    const char *text_fold; /* NULL in reads */
    int64_t assignee_id;   /* 0 = none */
    char assignee[STORE_USERNAME_MAX + 1];
    int64_t created_by; /* staff who logged it, 0 = the student */
    int64_t opened_at, first_response_at, due_at, resolved_at, closed_at,
        updated_at;               /* 0 = unset */
    const unsigned char *contact; /* sealed blob or NULL */
    size_t contact_len;
    int consent_contact;
    unsigned char access_hash[STORE_HASH_BYTES];
};

/**
 * Insert a new case (every column of c but id, institution_code, assignee). TD_EEXISTS when the
 * code is taken (the caller draws another). *id receives the row id.
 */
enum td_err store_case_insert(struct store_tx *tx, const struct store_case *c, int64_t *id);
/**
 * The case with this code inside scope; TD_ENOTFOUND otherwise (also for a wrong access-key
 * hash in STORE_SCOPE_STUDENT, compared in constant time).
 */
enum td_err store_case_get(struct store *st, struct arena *a, const struct store_scope *scope,
                           const char *code, struct store_case *out);
/**
 * Write the mutable columns (status, category, urgency, assignee_id, due_at, first_response_at,
 * resolved_at, closed_at, updated_at) of case c->id.
 */
enum td_err store_case_update(struct store_tx *tx, const struct store_case *c);
/**
 * Codes of up to max cases (any institution: for the system's own sweeps, never for a caller)
 * resolved before `before`, oldest first, into codes[max][STORE_CASE_CODE_LEN + 1].
 */
enum td_err store_case_resolved_before(struct store *st, int64_t before, size_t max,
                                       char (*codes)[STORE_CASE_CODE_LEN + 1], size_t *n);
/** Number of cases in scope. */
enum td_err store_case_count(struct store *st, const struct store_scope *scope, int64_t *n);

struct store_message {
    int64_t id;
    char author_kind[8]; /* student, staff, system */
    int64_t author_id;
    const char *author_name; /* display name of a staff author, else NULL */
    const char *body;
    int internal;
    int64_t created_at;
};
enum td_err store_message_insert(struct store_tx *tx, int64_t case_id, const char *author_kind,
                                 int64_t author_id, const char *body, size_t body_len, int internal,
                                 int64_t now, int64_t *id);
/**
 * Messages of a case in order; internal notes only when with_internal. Like every case query,
 * it takes the scope: a case outside it has no messages (the same for events and entities).
 */
enum td_err store_message_list(struct store *st, struct arena *a, const struct store_scope *scope,
                               int64_t case_id, int with_internal, struct store_message **items,
                               size_t *n);

struct store_event {
    char actor_kind[8];
    int64_t actor_id;
    const char *actor;                     /* username, or NULL */
    const char *kind, *from, *to, *reason; /* from/to/reason may be NULL */
    int64_t created_at;
};
enum td_err store_event_insert(struct store_tx *tx, int64_t case_id, const struct store_event *e);
enum td_err store_event_list(struct store *st, struct arena *a, const struct store_scope *scope,
                             int64_t case_id, struct store_event **items, size_t *n);

struct store_entity {
    const char *kind;  /* phone, url, domain, bank_account, money, social, email */
    const char *value; /* canonical */
    int linkable;
    int known_bad;
    int64_t start, end; /* byte span in the case text */
};
/** Attach entities to a case, creating or updating (known_bad only ever rises) the rows. */
enum td_err store_case_add_entities(struct store_tx *tx, int64_t case_id,
                                    const struct store_entity *ents, size_t n, int64_t now);
enum td_err store_entity_list(struct store *st, struct arena *a, const struct store_scope *scope,
                              int64_t case_id, struct store_entity **items, size_t *n);

struct store_link {
    char code[STORE_CASE_CODE_LEN + 1];
    char institution_code[STORE_CODE_MAX + 1];
    const char *kind, *value;
};
/** Other cases in scope sharing a linkable entity with case_id (at most max rows). */
enum td_err store_case_links(struct store *st, struct arena *a, const struct store_scope *scope,
                             int64_t case_id, size_t max, struct store_link **items, size_t *n);

/* ---------- the queue ---------- */

struct store_queue_query {
    struct store_scope scope;
    unsigned status_mask; /* bit (1 << i) per status in store_status order; 0 = all but closed */
    int urgency;          /* rank, or -1 for any */
    const char *category; /* NULL = any */
    int64_t assignee_id;  /* -1 any, 0 unassigned, else the account */
    const char *match;    /* FTS5 query over folded text (built by the caller), or NULL */
    int64_t since;        /* opened_at > since; 0 = no bound */
    unsigned limit;       /* rows wanted (1..200) */
    /* keyset cursor: rows strictly after this tuple; has_cursor = 0 starts at the top */
    int has_cursor;
    int64_t cur_urgency, cur_due, cur_opened, cur_id;
};

struct store_queue_item {
    int64_t id;
    char code[STORE_CASE_CODE_LEN + 1];
    const char *institution_code;
    char status[12];
    char category[24];
    char channel[8];
    int urgency, score;
    const char *excerpt;  /* first characters of the text */
    const char *assignee; /* username or NULL */
    int64_t opened_at, due_at, first_response_at;
};

/*
 * The full-text index over cases.text_fold is not written by store_case_insert (an FTS5 segment
 * flush per commit cost a third of the intake rate) but in batches: the writer's background
 * thread catches up after commits, and store_case_queue catches up before any search, so a search
 * still sees every case committed before it.
 */
/** Whether cases wait to be indexed. */
int store_search_pending(struct store *st);
/**
 * Index every case committed before the call and not yet indexed (through store_write, in
 * batches); *indexed: how many. Cases committed meanwhile wait for the next call.
 */
enum td_err store_search_catch_up(struct store *st, size_t *indexed);

/** Status codes in the order used by status_mask. */
extern const char *const store_status_codes[6];

/**
 * One page of the queue in order (urgency rank, due, opened, id). *more = 1 when rows follow.
 * Items live in the arena.
 */
enum td_err store_case_queue(struct store *st, struct arena *a, const struct store_queue_query *q,
                             struct store_queue_item **items, size_t *n, int *more);

/* ====================================================================================== */
/* Audit chain                                                                              */
/* ====================================================================================== */

struct store_audit_entry {
    const char *actor;  /* username, "student", "system", "cli" */
    const char *action; /* login, login_failed, case.create, ... */
    const char *object; /* "case:CODE", "account:NAME", ... */
    const char *detail; /* JSON object text; never personal data. NULL = "{}" */
};

/**
 * Append a row whose prev_hash is the hash of the last row (read inside this transaction).
 * Row layout hashed (keyed BLAKE2b-256, key = audit subkey of the key file):
 *   prev_hash(32) || le64(id) || le64(at) || for actor, action, object, detail: le32(len) || bytes
 */
enum td_err store_audit_append(struct store_tx *tx, const struct store_audit_entry *e, int64_t at);

/**
 * Walk the chain in id order. TD_OK when unbroken (*rows = rows checked); TD_ECONFLICT with
 * *bad_id = the first row whose prev_hash or hash does not match (or whose id breaks the
 * sequence), and a sentence in err.
 */
enum td_err store_audit_verify(struct store *st, int64_t *rows, int64_t *bad_id, char *err,
                               size_t errlen);

/* ====================================================================================== */
/* Known-bad domains                                                                        */
/* ====================================================================================== */

/** Add a domain from source (no-op when present); *added = 1 when new. */
enum td_err store_blocklist_add(struct store_tx *tx, const char *domain, const char *source,
                                int64_t now, int *added);
/** Every distinct domain, one per line, appended to out (the triage blocklist input). */
enum td_err store_blocklist_dump(struct store *st, struct sb *out, size_t *count);

#endif
