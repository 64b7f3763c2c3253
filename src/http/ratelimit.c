#include "http/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GROUP 8
#define MILLI 1000 /* tokens are counted in thousandths */

struct slot {
    uint64_t h;      /* key hash; 0 = free */
    int64_t last_ms; /* time of the last refill */
    uint64_t tokens; /* thousandths of a token */
};

struct ratelimit {
    unsigned limit;
    unsigned window_s;
    size_t ngroups; /* power of two */
    unsigned char hkey[crypto_shorthash_KEYBYTES];
    pthread_mutex_t *locks; /* one per group */
    struct slot *slots;     /* ngroups * GROUP */
};

struct ratelimit *ratelimit_new(unsigned limit, unsigned window_s, size_t max_keys)
{
    if (limit == 0 || window_s == 0 || sodium_init() < 0)
        return NULL;
    struct ratelimit *rl = calloc(1, sizeof *rl);
    if (rl == NULL)
        return NULL;
    size_t groups = 1;
    while (groups * GROUP < max_keys && groups < ((size_t)1 << 24))
        groups <<= 1;
    rl->limit = limit;
    rl->window_s = window_s;
    rl->ngroups = groups;
    rl->slots = calloc(groups * GROUP, sizeof *rl->slots);
    rl->locks = calloc(groups, sizeof *rl->locks);
    if (rl->slots == NULL || rl->locks == NULL) {
        free(rl->slots);
        free(rl->locks);
        free(rl);
        return NULL;
    }
    for (size_t i = 0; i < groups; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    randombytes_buf(rl->hkey, sizeof rl->hkey);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (rl == NULL)
        return;
    for (size_t i = 0; i < rl->ngroups; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    free(rl->locks);
    free(rl->slots);
    sodium_memzero(rl->hkey, sizeof rl->hkey);
    free(rl);
}

/* Tokens (thousandths) of s at now, refilled at limit per window and capped at limit. */
static uint64_t refilled(const struct ratelimit *rl, const struct slot *s, int64_t now_ms)
{
    uint64_t cap = (uint64_t)rl->limit * MILLI;
    if (now_ms <= s->last_ms)
        return s->tokens;
    uint64_t dt = (uint64_t)(now_ms - s->last_ms);
    /* tokens gained = dt ms * limit / (window_s * 1000 ms), in thousandths = dt * limit / window */
    uint64_t window = rl->window_s;
    if (dt > window * 1000u * 2u)
        return cap; /* long idle: full (and no overflow below) */
    uint64_t t = s->tokens + dt * rl->limit / window;
    return t > cap ? cap : t;
}

enum td_err ratelimit_hit(struct ratelimit *rl, const void *key, size_t len, int64_t now_ms,
                          unsigned *retry_after_s)
{
    if (rl == NULL)
        return TD_OK;
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, key, len, rl->hkey);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    if (h == 0)
        h = 1;
    size_t g = (size_t)(h >> 32) & (rl->ngroups - 1);
    struct slot *grp = &rl->slots[g * GROUP];
    uint64_t cap = (uint64_t)rl->limit * MILLI;
    enum td_err rc = TD_OK;

    pthread_mutex_lock(&rl->locks[g]);
    struct slot *s = NULL, *victim = NULL;
    for (size_t i = 0; i < GROUP && s == NULL; i++)
        if (grp[i].h == h)
            s = &grp[i];
    /* A new key takes a free slot, else a full bucket (nothing to remember), else the slot
     * idle longest. */
    for (size_t i = 0; i < GROUP && s == NULL && victim == NULL; i++)
        if (grp[i].h == 0)
            victim = &grp[i];
    for (size_t i = 0; i < GROUP && s == NULL && victim == NULL; i++)
        if (refilled(rl, &grp[i], now_ms) >= cap)
            victim = &grp[i];
    for (size_t i = 0; i < GROUP && s == NULL && victim == NULL; i++) {
        victim = &grp[0];
        for (size_t j = 1; j < GROUP; j++)
            if (grp[j].last_ms < victim->last_ms)
                victim = &grp[j];
    }
    if (s == NULL) {
        s = victim;
        s->h = h;
        s->tokens = cap;
        s->last_ms = now_ms;
    } else {
        s->tokens = refilled(rl, s, now_ms);
        if (now_ms > s->last_ms)
            s->last_ms = now_ms;
    }
    if (s->tokens >= MILLI) {
        s->tokens -= MILLI;
    } else {
        /* ms until one whole token: (MILLI - tokens) thousandths at limit/window per ms */
        uint64_t need = MILLI - s->tokens;
        uint64_t ms = (need * rl->window_s + rl->limit - 1) / rl->limit;
        uint64_t secs = (ms + 999) / 1000;
        *retry_after_s = secs == 0 ? 1 : (unsigned)secs;
        rc = TD_ELIMIT;
    }
    pthread_mutex_unlock(&rl->locks[g]);
    return rc;
}
