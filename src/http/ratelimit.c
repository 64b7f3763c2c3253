#include "http/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GROUP 8

/*
 * The bucket is kept as GCRA (the "generic cell rate algorithm" of ATM networks, as in
 * redis-cell): one theoretical arrival time per key. Each allowed event pushes it by the
 * emission interval T = window / limit; an event is refused when the arrival time is more than
 * the burst tolerance (limit - 1) * T ahead of now. Times are microseconds, so nothing is lost
 * to rounding however often a key is hit.
 */
struct slot {
    uint64_t h;     /* key hash; 0 = free */
    int64_t tat_us; /* theoretical arrival time */
};

struct ratelimit {
    int64_t t_us;   /* emission interval */
    int64_t tau_us; /* burst tolerance */
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
    rl->t_us = (int64_t)window_s * 1000000 / (int64_t)limit;
    if (rl->t_us < 1)
        rl->t_us = 1;
    rl->tau_us = rl->t_us * ((int64_t)limit - 1);
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
    int64_t now = now_ms * 1000;
    enum td_err rc = TD_OK;

    pthread_mutex_lock(&rl->locks[g]);
    struct slot *s = NULL, *victim = NULL;
    for (size_t i = 0; i < GROUP && s == NULL; i++)
        if (grp[i].h == h)
            s = &grp[i];
    if (s == NULL) {
        /* A new key takes a free slot, else a full bucket (nothing to remember), else the one
         * whose bucket will be full soonest. */
        for (size_t i = 0; i < GROUP && victim == NULL; i++)
            if (grp[i].h == 0 || grp[i].tat_us <= now)
                victim = &grp[i];
        if (victim == NULL) {
            victim = &grp[0];
            for (size_t i = 1; i < GROUP; i++)
                if (grp[i].tat_us < victim->tat_us)
                    victim = &grp[i];
        }
        s = victim;
        s->h = h;
        s->tat_us = now;
    }
    int64_t tat = s->tat_us > now ? s->tat_us : now;
    if (tat - now > rl->tau_us) {
        int64_t wait_us = tat - rl->tau_us - now;
        int64_t secs = (wait_us + 999999) / 1000000;
        *retry_after_s = secs < 1 ? 1 : (unsigned)secs;
        rc = TD_ELIMIT;
    } else {
        s->tat_us = tat + rl->t_us;
    }
    pthread_mutex_unlock(&rl->locks[g]);
    return rc;
}
