/*
 * A small cache of rendered queue pages (GET /api/v1/cases), because a counsellor's console polls
 * the queue and the page is the same until something changes. An entry is reused only while
 *   - nothing was committed since it was rendered (store_generation), so anyone sees their own
 *     and everyone else's changes at once, and
 *   - it is younger than server.queue_cache_ms (writes by another process, e.g. `tongdai
 *     import`, and the "now"/"overdue" fields, are at most that stale).
 * The key holds the caller's account and every query parameter, so entries never cross scopes.
 * Direct-mapped: QC_SLOTS slots, each with its own lock; a body is copied into the request's
 * arena under the slot lock, so an entry may be replaced while an older copy is being sent.
 */
#include <stdlib.h>
#include <string.h>

#include "api/cases.h"

#define QC_SLOTS 64
#define QC_KEY_MAX 2048
#define QC_BODY_MAX (1u << 20)

struct qc_slot {
    pthread_mutex_t mu;
    char key[QC_KEY_MAX];
    size_t key_len;
    uint64_t gen;
    int64_t at_ms;
    char *body;
    size_t len;
};

static struct qc_slot slots[QC_SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_slots(void)
{
    for (size_t i = 0; i < QC_SLOTS; i++)
        pthread_mutex_init(&slots[i].mu, NULL);
}

static struct qc_slot *slot_of(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
    pthread_once(&once, init_slots);
    return &slots[h % QC_SLOTS];
}

int api_qcache_get(struct arena *a, const char *key, size_t key_len, uint64_t gen, int64_t now_ms,
                   int64_t ttl_ms, char **body, size_t *len)
{
    struct qc_slot *s = slot_of(key, key_len);
    int hit = 0;
    pthread_mutex_lock(&s->mu);
    if (s->body && s->gen == gen && now_ms - s->at_ms < ttl_ms && s->key_len == key_len &&
        memcmp(s->key, key, key_len) == 0) {
        char *copy = arena_alloc(a, s->len + 1);
        if (copy) {
            memcpy(copy, s->body, s->len);
            copy[s->len] = '\0';
            *body = copy;
            *len = s->len;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return hit;
}

void api_qcache_put(const char *key, size_t key_len, uint64_t gen, int64_t now_ms, const char *body,
                    size_t len)
{
    if (key_len > QC_KEY_MAX || len > QC_BODY_MAX)
        return;
    struct qc_slot *s = slot_of(key, key_len);
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return;
    memcpy(copy, body, len);
    pthread_mutex_lock(&s->mu);
    free(s->body);
    s->body = copy;
    s->len = len;
    memcpy(s->key, key, key_len);
    s->key_len = key_len;
    s->gen = gen;
    s->at_ms = now_ms;
    pthread_mutex_unlock(&s->mu);
}

void api_qcache_clear(void)
{
    pthread_once(&once, init_slots);
    for (size_t i = 0; i < QC_SLOTS; i++) {
        pthread_mutex_lock(&slots[i].mu);
        free(slots[i].body);
        slots[i].body = NULL;
        slots[i].len = 0;
        slots[i].key_len = 0;
        pthread_mutex_unlock(&slots[i].mu);
    }
}
